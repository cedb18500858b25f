import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCmap, type Cmap } from '../../seals/picture/seal-font.js';

/**
 * The fonts a licence file's PDF embeds (assets/fonts/README.md): Noto Serif CJK SC Regular cut to
 * GB 2312 and the 通用规范汉字表 (the 8,105 characters names are registered with since 2013) for
 * the body, and the seal font — the Bold cut to GB 2312 — for the title. pdfkit embeds only the
 * glyphs a file uses, so a licence PDF is tens of kilobytes.
 *
 * The OFD names its fonts instead of embedding them (宋体 with the Noto Serif CJK SC family, as
 * every tongban OFD does): a reader draws each character with its own font.
 */
export const LICENCE_FONT_FILES = Object.freeze({
  body: 'NotoSerifCJKsc-Regular-TGH.otf',
  title: 'NotoSerifCJKsc-Bold-GB2312.otf',
});
export type LicenceFontRole = keyof typeof LICENCE_FONT_FILES;

/** assets/fonts from this file: src/licences/file (tests, from source) or dist/src/licences/file (built). */
const CANDIDATES = ['../../../assets/fonts/', '../../../../assets/fonts/'];

interface LoadedFont {
  readonly data: Buffer;
  readonly cmap: Cmap;
}

const loaded = new Map<LicenceFontRole, LoadedFont>();

/** A licence font's bytes and coverage, read once per process; throws when the project's assets are missing. */
export function licenceFont(role: LicenceFontRole): LoadedFont {
  const cached = loaded.get(role);
  if (cached) return cached;
  const name = LICENCE_FONT_FILES[role];
  for (const dir of CANDIDATES) {
    const path = fileURLToPath(new URL(dir + name, import.meta.url));
    if (!existsSync(path)) continue;
    const data = readFileSync(path);
    const font = { data, cmap: readCmap(data) };
    loaded.set(role, font);
    return font;
  }
  throw new Error(`the licence font ${name} is not in assets/fonts (the image or checkout is incomplete)`);
}

/** The characters of `text` a font has no glyph for (line breaks and tabs aside), each once, in order. */
export function charactersMissing(role: LicenceFontRole, text: string): string[] {
  const { cmap } = licenceFont(role);
  const missing: string[] = [];
  for (const char of text) {
    if (char === '\n' || char === '\t') continue;
    if (!cmap.has(char.codePointAt(0)!) && !missing.includes(char)) missing.push(char);
  }
  return missing;
}

/**
 * Text a licence PDF cannot print: the body font has no glyph for some of its characters. Raised
 * before anything is drawn, naming the characters and where they are, rather than printing a blank
 * box or another font's glyph in a licence (a name shown wrong is worse than no PDF). The OFD of
 * the same licence can still be made: it names its fonts, and the reader draws the characters.
 */
export class LicenceFontError extends Error {
  override readonly name = 'LicenceFontError';
  readonly code = 'font_lacks_characters';

  constructor(
    /** The characters, each once. */
    readonly characters: string[],
    /** Where they are: the labels of the fields, e.g. 持证人. */
    readonly fields: string[],
  ) {
    super(
      `the licence font has no glyph for ${characters.map((c) => `"${c}" (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ')} ` +
        `in ${fields.join(', ')}: the PDF cannot print it (the OFD can)`,
    );
  }
}
