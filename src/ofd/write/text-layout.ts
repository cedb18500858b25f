/**
 * Lines of text laid out in a box without the font at hand: each character's advance is taken as
 * a Song typeface (宋体/SimSun) draws it — a full em for Chinese characters and full-width forms,
 * half an em for Latin letters, digits and ASCII punctuation. The writer puts these advances in
 * TextCode's DeltaX, so a reader places every glyph where the layout did whatever font it
 * substitutes.
 */

/** One laid-out line: its characters (code points) and their advances in millimetres. */
export interface LaidOutLine {
  readonly text: string;
  readonly advances: readonly number[];
  /** Where the line starts, from the left of the box (alignment, leading spaces). */
  readonly x: number;
  readonly width: number;
}

export type TextAlign = 'left' | 'center' | 'right';

/** Characters that may not start a line (Chinese typesetting's 避头点): they stay on the line before. */
const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%']);

/** Whether a character takes a full em in a Song face (East Asian Wide and Fullwidth, and the quotes and dashes CJK fonts draw wide). */
export function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2010 && codePoint <= 0x2027) ||
    (codePoint >= 0x2030 && codePoint <= 0x203f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  );
}

export function advanceOf(character: string, size: number): number {
  return isWide(character.codePointAt(0)!) ? size : size / 2;
}

/**
 * The text broken into lines that fit `width` (mm) at font size `size` (mm): at its own line
 * breaks, between Chinese characters, and at spaces between Latin words (a word longer than the
 * line is cut). A character that may not start a line takes the character before it along.
 * Spaces at a line's end are dropped; at its start they become an indent (a tab is four spaces).
 */
export function layOutText(text: string, options: { width: number; size: number; align?: TextAlign }): LaidOutLine[] {
  const { width, size } = options;
  const lines: LaidOutLine[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n')) {
    for (const line of breakParagraph([...paragraph], width, size)) lines.push(place(line, width, size, options.align ?? 'left'));
  }
  return lines;
}

/** Units that stay together: a Latin word with the spaces after it, or one wide character (with any spaces after it). */
function units(characters: string[]): string[][] {
  const found: string[][] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) found.push(current);
    current = [];
  };
  for (const character of characters) {
    if (character === ' ') {
      current.push(character);
      continue;
    }
    const endsWithSpace = current.length > 0 && current[current.length - 1] === ' ';
    if (isWide(character.codePointAt(0)!) || endsWithSpace || (current.length > 0 && isWide(current[0].codePointAt(0)!))) flush();
    current.push(character);
  }
  flush();
  return found;
}

function breakParagraph(characters: string[], width: number, size: number): string[][] {
  const lines: string[][] = [];
  let line: string[][] = [];
  const widthOf = (unitsOnLine: string[][]) =>
    unitsOnLine.flat().reduce((sum, character) => sum + advanceOf(character, size), 0) - trailingSpaces(unitsOnLine.flat()) * (size / 2);
  const tolerance = 1e-9;
  for (const unit of units(characters)) {
    if (widthOf([...line, unit]) <= width + tolerance || line.length === 0) {
      if (line.length === 0 && widthOf([unit]) > width + tolerance) {
        // A word longer than the line: cut it where it must be cut.
        let piece: string[] = [];
        for (const character of unit) {
          if (piece.length && widthOf([[...piece, character]]) > width + tolerance) {
            lines.push(piece);
            piece = [];
          }
          piece.push(character);
        }
        line = piece.length ? [piece] : [];
        continue;
      }
      line.push(unit);
      continue;
    }
    if (NO_LINE_START.has(unit[0]) && line.length > 1) {
      // Take the last unit along, so the punctuation does not open the next line.
      const carried = line.pop()!;
      lines.push(line.flat());
      line = [carried, unit];
      continue;
    }
    lines.push(line.flat());
    line = [unit];
  }
  lines.push(line.flat());
  return lines;
}

function trailingSpaces(characters: string[]): number {
  let n = 0;
  for (let i = characters.length - 1; i >= 0 && characters[i] === ' '; i--) n++;
  return n;
}

function place(characters: string[], width: number, size: number, align: TextAlign): LaidOutLine {
  let start = 0;
  while (start < characters.length && characters[start] === ' ') start++;
  const kept = characters.slice(start, characters.length - trailingSpaces(characters.slice(start)));
  const advances = kept.map((character) => advanceOf(character, size));
  const lineWidth = advances.reduce((sum, advance) => sum + advance, 0);
  // Leading spaces indent a line set from the left; a centred or right-aligned line is placed by its characters.
  const x = align === 'left' ? start * (size / 2) : align === 'center' ? (width - lineWidth) / 2 : width - lineWidth;
  return { text: kept.join(''), advances, x: Math.max(0, x), width: lineWidth };
}
