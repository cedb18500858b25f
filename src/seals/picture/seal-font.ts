import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The one font drawn seals use: Noto Serif CJK SC Bold cut to GB 2312 (assets/fonts/README.md).
 * No system font is ever loaded, so a seal looks the same on every machine, and a character the
 * font lacks is refused up front rather than drawn as a blank or a substitute.
 */
export const SEAL_FONT_FILE = 'NotoSerifCJKsc-Bold-GB2312.otf';
export const SEAL_FONT_FAMILY = 'Noto Serif CJK SC';

/** assets/fonts from this file: src/seals/picture (tests, from source) or dist/src/seals/picture (built). */
const CANDIDATES = ['../../../assets/fonts/', '../../../../assets/fonts/'];

let fontPath: string | undefined;
let coverage: Cmap | undefined;

/** The font file's absolute path; throws when the project's assets are missing. */
export function sealFontPath(): string {
  if (fontPath) return fontPath;
  for (const dir of CANDIDATES) {
    const path = fileURLToPath(new URL(dir + SEAL_FONT_FILE, import.meta.url));
    if (existsSync(path)) return (fontPath = path);
  }
  throw new Error(`the seal font ${SEAL_FONT_FILE} is not in assets/fonts (the image or checkout is incomplete)`);
}

/** The characters of `text` the seal font has no glyph for, each once, in order of appearance. */
export function charactersMissingFromFont(text: string): string[] {
  coverage ??= readCmap(readFileSync(sealFontPath()));
  const missing: string[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (!coverage.has(code) && !missing.includes(char)) missing.push(char);
  }
  return missing;
}

/** Which code points an OpenType font maps to a glyph other than .notdef. */
export interface Cmap {
  has(codePoint: number): boolean;
}

/**
 * The Unicode mapping of an OpenType/TrueType font, read from its `cmap` table: the Windows
 * full-repertoire subtable (format 12) when there is one, else the BMP one (format 4).
 */
export function readCmap(font: Buffer): Cmap {
  const fail = (what: string): never => {
    throw new Error(`the seal font cannot be read: ${what}`);
  };
  if (font.length < 12) fail('too short');
  const tables = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < tables; i++) {
    const record = 12 + i * 16;
    if (record + 16 > font.length) fail('table directory cut short');
    if (font.toString('latin1', record, record + 4) === 'cmap') cmap = font.readUInt32BE(record + 8);
  }
  if (cmap < 0 || cmap + 4 > font.length) fail('no cmap table');
  const subtables = font.readUInt16BE(cmap + 2);
  let format12 = -1;
  let format4 = -1;
  for (let i = 0; i < subtables; i++) {
    const record = cmap + 4 + i * 8;
    const platform = font.readUInt16BE(record);
    const encoding = font.readUInt16BE(record + 2);
    const offset = cmap + font.readUInt32BE(record + 4);
    const format = font.readUInt16BE(offset);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (unicode && format === 12 && format12 < 0) format12 = offset;
    if (unicode && format === 4 && format4 < 0) format4 = offset;
  }
  if (format12 >= 0) return format12Cmap(font, format12);
  if (format4 >= 0) return format4Cmap(font, format4);
  return fail('no Unicode cmap subtable');
}

function format12Cmap(font: Buffer, at: number): Cmap {
  const groups: Array<[number, number, number]> = [];
  const count = font.readUInt32BE(at + 12);
  for (let i = 0; i < count; i++) {
    const group = at + 16 + i * 12;
    groups.push([font.readUInt32BE(group), font.readUInt32BE(group + 4), font.readUInt32BE(group + 8)]);
  }
  return {
    has(code) {
      let lo = 0;
      let hi = groups.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const [start, end, glyph] = groups[mid];
        if (code < start) hi = mid - 1;
        else if (code > end) lo = mid + 1;
        else return glyph + (code - start) !== 0;
      }
      return false;
    },
  };
}

function format4Cmap(font: Buffer, at: number): Cmap {
  const segments = font.readUInt16BE(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  return {
    has(code) {
      if (code > 0xffff) return false;
      for (let i = 0; i < segments; i++) {
        if (code > font.readUInt16BE(ends + i * 2)) continue;
        const start = font.readUInt16BE(starts + i * 2);
        if (code < start) return false;
        const delta = font.readUInt16BE(deltas + i * 2);
        const rangeOffset = font.readUInt16BE(rangeOffsets + i * 2);
        if (rangeOffset === 0) return ((code + delta) & 0xffff) !== 0;
        const glyphAt = rangeOffsets + i * 2 + rangeOffset + (code - start) * 2;
        const glyph = glyphAt + 2 <= font.length ? font.readUInt16BE(glyphAt) : 0;
        return glyph !== 0 && ((glyph + delta) & 0xffff) !== 0;
      }
      return false;
    },
  };
}
