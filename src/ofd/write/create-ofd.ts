import { randomUUID } from 'node:crypto';
import { formatBox, formatMillimetres, type OfdBox } from '../box.js';
import { escapeXml } from '../xml/escape.js';
import { OFD_NAMESPACE } from '../xml/ofd-elements.js';
import { writeZip, type ZipOutput } from '../zip/write-zip.js';
import { layOutText, type TextAlign } from './text-layout.js';

/**
 * A font referred to by name (GB/T 33190 §11.1, CT_Font), not embedded: the reader draws the text
 * with the font of that name it has, or a substitute. FamilyName is what the standard has readers
 * match a substitute by; tongban puts there the family a machine without the named font most likely
 * has (Noto CJK on Linux), while FontName is the name Chinese documents use (宋体, 黑体).
 */
export interface OfdFont {
  /** FontName, e.g. 宋体. */
  readonly name: string;
  /** FamilyName, e.g. Noto Serif CJK SC. */
  readonly family?: string;
  readonly serif?: boolean;
  readonly bold?: boolean;
  readonly italic?: boolean;
  readonly fixedWidth?: boolean;
}

/** The fonts Chinese official documents are set in, with the Noto CJK family a Linux reader finds in their place. */
export const OFD_FONTS = Object.freeze({
  /** 宋体 (SimSun): body text. */
  song: Object.freeze({ name: '宋体', family: 'Noto Serif CJK SC', serif: true }),
  /** 黑体 (SimHei): headings. */
  hei: Object.freeze({ name: '黑体', family: 'Noto Sans CJK SC' }),
} satisfies Record<string, OfdFont>);

/** Common sizes in millimetres (OFD's unit): a Chinese point size is 1/72 inch. */
export const FONT_SIZE_MM = Object.freeze({
  /** 二号, 22 pt: titles. */
  er: 7.761,
  /** 三号, 16 pt. */
  san: 5.644,
  /** 小四, 12 pt. */
  xiaoSi: 4.233,
  /** 五号, 10.5 pt: body text. */
  wu: 3.704,
  /** 小五, 9 pt. */
  xiaoWu: 3.175,
});

/** A box of text on a page, in millimetres from the page's top-left corner. */
export interface OfdTextBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  /** Default: the height the lines take. Text taller than a height given is refused, not cut. */
  readonly height?: number;
  /** Line breaks (\n) are kept; long lines wrap to the width. */
  readonly text: string;
  /** Default: the document's font (宋体). */
  readonly font?: OfdFont;
  /** The font size in mm (default 五号, 3.704 mm). */
  readonly size?: number;
  /** Baseline to baseline, mm (default 1.5 × size). */
  readonly lineHeight?: number;
  readonly align?: TextAlign;
  /** RGB, 0–255 each (default black). */
  readonly color?: readonly [number, number, number];
}

/** One step of a path (GB/T 33190 §9.3, AbstractData): move to, line to, or close the current subpath. */
export type OfdPathCommand =
  | { readonly op: 'M'; readonly x: number; readonly y: number }
  | { readonly op: 'L'; readonly x: number; readonly y: number }
  | { readonly op: 'C' };

/**
 * Lines and filled shapes on a page (CT_Path): drawn under the page's texts, in the order given.
 * The box is the object's Boundary; the commands' coordinates are millimetres from the box's
 * top-left corner, as OFD reads them, and must lie in it. At least one of stroke and fill.
 */
export interface OfdPathBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly commands: readonly OfdPathCommand[];
  /** Stroke the path: its colour (default black) and line width in mm (default 0.353, OFD's own). */
  readonly stroke?: { readonly color?: readonly [number, number, number]; readonly width?: number };
  /** Fill the path with this colour. */
  readonly fill?: readonly [number, number, number];
  /** Which areas a fill covers where subpaths overlap (default NonZero). */
  readonly rule?: 'NonZero' | 'Even-Odd';
}

export interface OfdPageInput {
  /** Default: the document's page size. */
  readonly size?: { readonly width: number; readonly height: number };
  readonly texts: readonly OfdTextBox[];
  /** Lines and shapes (table rules, a QR code's modules), drawn before the texts. */
  readonly paths?: readonly OfdPathBox[];
}

/** A rectangle's outline as path commands, from (x, y) with that width and height (mm). */
export function rectanglePath(x: number, y: number, width: number, height: number): OfdPathCommand[] {
  return [
    { op: 'M', x, y },
    { op: 'L', x: x + width, y },
    { op: 'L', x: x + width, y: y + height },
    { op: 'L', x, y: y + height },
    { op: 'C' },
  ];
}

export interface CreateOfdOptions {
  /** At least one. */
  readonly pages: readonly OfdPageInput[];
  readonly title?: string;
  readonly author?: string;
  readonly subject?: string;
  /** Every page's size unless it has its own; default A4 (210 × 297 mm). */
  readonly pageSize?: { readonly width: number; readonly height: number };
  /** Default 宋体 with its Noto fallback (OFD_FONTS.song). */
  readonly font?: OfdFont;
  /** DocInfo's CreationDate (the date in China) and the zip entries' time; default now. */
  readonly createdAt?: Date;
  /** DocInfo's DocID; default a random UUID's 32 hex digits. */
  readonly docId?: string;
  readonly creator?: string;
  readonly creatorVersion?: string;
}

export const A4 = Object.freeze({ width: 210, height: 297 });

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = `xmlns:ofd="${OFD_NAMESPACE}"`;
const CHINA_STANDARD_TIME_MS = 8 * 3600_000;

/**
 * A new OFD package (GB/T 33190) of one document with pages of text: OFD.xml (DocInfo, DocRoot),
 * Doc_0/Document.xml (MaxUnitID, PageArea, PublicRes, the pages), Doc_0/PublicRes.xml (the fonts,
 * by name, none embedded) and Doc_0/Pages/Page_N/Content.xml (a layer of PathObjects — lines and
 * filled shapes, when the page has any — then TextObjects, one per box, one TextCode per line with
 * every glyph's advance in DeltaX). Elements are in the schema's order;
 * every ID is unique in the document and MaxUnitID is the largest. The layout and every number are
 * checked first: a box off its page, text taller than its box, a size not above zero or a character
 * XML cannot carry throw RangeError.
 */
export function createOfd(options: CreateOfdOptions): Buffer {
  if (!options.pages || options.pages.length === 0) throw new RangeError('an OFD document has at least one page');
  const pageSize = options.pageSize ?? A4;
  checkSize(pageSize, 'the page size');
  const createdAt = options.createdAt ?? new Date();
  if (Number.isNaN(createdAt.getTime())) throw new RangeError('createdAt is not a date');
  const docId = options.docId ?? randomUUID().replace(/-/g, '');
  const ids = new UnitIds();
  const fonts = new Map<string, { id: number; font: OfdFont }>();
  const fontId = (font: OfdFont) => {
    checkFont(font);
    const key = JSON.stringify([font.name, font.family, font.serif, font.bold, font.italic, font.fixedWidth]);
    let entry = fonts.get(key);
    if (entry === undefined) fonts.set(key, (entry = { id: ids.next(), font }));
    return entry.id;
  };

  const pageIds = options.pages.map(() => ids.next());
  const contents = options.pages.map((page, index) => pageContent(page, index, pageSize, options.font ?? OFD_FONTS.song, ids, fontId));

  const outputs: ZipOutput[] = [
    file('OFD.xml', ofdXml(options, docId, createdAt)),
    file('Doc_0/Document.xml', documentXml(pageSize, pageIds, ids.max)),
    file('Doc_0/PublicRes.xml', publicResXml([...fonts.values()])),
    ...contents.map((content, i) => file(`Doc_0/Pages/Page_${i}/Content.xml`, content)),
  ];
  return writeZip(outputs, createdAt);
}

/** IDs of the document's objects (GB/T 33190 §7.5: unique within the document), from 1. */
class UnitIds {
  max = 0;
  next(): number {
    return ++this.max;
  }
}

function file(name: string, xml: string): ZipOutput {
  return { kind: 'new', name, data: Buffer.from(DECLARATION + xml, 'utf8') };
}

function ofdXml(options: CreateOfdOptions, docId: string, createdAt: Date): string {
  if (!/^[0-9A-Za-z-]{1,64}$/.test(docId)) throw new RangeError('docId must be letters, digits and dashes');
  const optional = (element: string, value: string | undefined) =>
    value === undefined ? '' : `<ofd:${element}>${escapeXml(checkText(value, element))}</ofd:${element}>`;
  const chinaDate = new Date(createdAt.getTime() + CHINA_STANDARD_TIME_MS).toISOString().slice(0, 10);
  // CT_DocInfo's order: DocID, Title, Author, Subject, Abstract, CreationDate, ModDate, DocUsage, Cover, Keywords, Creator, CreatorVersion, CustomDatas.
  return (
    `<ofd:OFD ${NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>` +
    `<ofd:DocID>${docId}</ofd:DocID>${optional('Title', options.title)}${optional('Author', options.author)}${optional('Subject', options.subject)}` +
    `<ofd:CreationDate>${chinaDate}</ofd:CreationDate>` +
    `${optional('Creator', options.creator ?? 'tongban')}${optional('CreatorVersion', options.creatorVersion)}` +
    `</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`
  );
}

function documentXml(pageSize: { width: number; height: number }, pageIds: number[], maxUnitId: number): string {
  const area = formatBox({ x: 0, y: 0, ...pageSize });
  const pages = pageIds.map((id, i) => `<ofd:Page ID="${id}" BaseLoc="Pages/Page_${i}/Content.xml"/>`).join('');
  // CT_CommonData's order: MaxUnitID, PageArea, PublicRes, DocumentRes, TemplatePage, DefaultCS.
  return (
    `<ofd:Document ${NS}><ofd:CommonData><ofd:MaxUnitID>${maxUnitId}</ofd:MaxUnitID>` +
    `<ofd:PageArea><ofd:PhysicalBox>${area}</ofd:PhysicalBox></ofd:PageArea>` +
    `<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>${pages}</ofd:Pages></ofd:Document>`
  );
}

function publicResXml(fonts: Array<{ id: number; font: OfdFont }>): string {
  const flag = (name: string, value: boolean | undefined) => (value ? ` ${name}="true"` : '');
  const list = fonts
    .map(
      ({ id, font }) =>
        `<ofd:Font ID="${id}" FontName="${escapeXml(font.name)}"${font.family ? ` FamilyName="${escapeXml(font.family)}"` : ''}` +
        `${flag('Italic', font.italic)}${flag('Bold', font.bold)}${flag('Serif', font.serif)}${flag('FixedWidth', font.fixedWidth)}/>`,
    )
    .join('');
  return `<ofd:Res ${NS} BaseLoc="Res">${list ? `<ofd:Fonts>${list}</ofd:Fonts>` : ''}</ofd:Res>`;
}

function pageContent(
  page: OfdPageInput,
  index: number,
  documentSize: { width: number; height: number },
  defaultFont: OfdFont,
  ids: UnitIds,
  fontId: (font: OfdFont) => number,
): string {
  const where = `page ${index + 1}`;
  if (!page || !page.texts || typeof page.texts.map !== 'function') throw new RangeError(`${where} has no list of texts`);
  if (page.size !== undefined) checkSize(page.size, `${where}'s size`);
  const size = page.size ?? documentSize;
  if (page.paths !== undefined && (!page.paths || typeof page.paths.map !== 'function'))
    throw new RangeError(`${where}: paths must be a list`);
  const layerId = ids.next();
  // Paths first: they are drawn under the text (a layer's objects are drawn in order).
  const paths = (page.paths ?? []).map((path, i) => pathObject(path, `${where}, path ${i + 1}`, size, ids)).join('');
  const objects = paths + page.texts.map((box, i) => textObject(box, `${where}, text ${i + 1}`, size, defaultFont, ids, fontId)).join('');
  // CT_Page's order: Template, PageRes, Area, Content, Actions. A page of the document's size states none.
  const area =
    page.size === undefined ? '' : `<ofd:Area><ofd:PhysicalBox>${formatBox({ x: 0, y: 0, ...size })}</ofd:PhysicalBox></ofd:Area>`;
  return `<ofd:Page ${NS}>${area}<ofd:Content><ofd:Layer ID="${layerId}" Type="Body">${objects}</ofd:Layer></ofd:Content></ofd:Page>`;
}

function textObject(
  box: OfdTextBox,
  where: string,
  page: { width: number; height: number },
  defaultFont: OfdFont,
  ids: UnitIds,
  fontId: (font: OfdFont) => number,
): string {
  const size = box.size ?? FONT_SIZE_MM.wu;
  const lineHeight = box.lineHeight ?? size * 1.5;
  for (const [name, value] of Object.entries({ x: box.x, y: box.y, width: box.width, size, lineHeight })) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${where}: ${name} must be a number of millimetres`);
  }
  if (box.width <= 0 || size <= 0 || lineHeight <= 0) throw new RangeError(`${where}: width, size and line height must be above 0`);
  if (typeof box.text !== 'string') throw new RangeError(`${where}: text must be a string`);
  checkText(box.text, where);
  const lines = layOutText(box.text, { width: box.width, size, align: box.align });
  const needed = lines.length * lineHeight;
  if (box.height !== undefined && (!Number.isFinite(box.height) || box.height <= 0))
    throw new RangeError(`${where}: height must be a number of millimetres above 0`);
  if (box.height !== undefined && needed > box.height + 1e-6)
    throw new RangeError(
      `${where}: the text takes ${lines.length} line(s), ${formatMillimetres(needed)} mm, more than the box's ${formatMillimetres(box.height)} mm`,
    );
  const boundary: OfdBox = { x: box.x, y: box.y, width: box.width, height: box.height ?? needed };
  const tolerance = 0.01;
  if (
    boundary.x < -tolerance ||
    boundary.y < -tolerance ||
    boundary.x + boundary.width > page.width + tolerance ||
    boundary.y + boundary.height > page.height + tolerance
  )
    throw new RangeError(`${where}: the box ${formatBox(boundary)} does not lie on the page (${page.width} × ${page.height} mm)`);
  const color = box.color ?? [0, 0, 0];
  if (color.length !== 3 || !color.every((c) => Number.isInteger(c) && c >= 0 && c <= 255))
    throw new RangeError(`${where}: color must be three whole numbers from 0 to 255`);

  // A box without a character to draw is no object (CT_Text requires a TextCode).
  if (lines.every((line) => line.text.length === 0)) {
    checkFont(box.font ?? defaultFont);
    return '';
  }
  const font = fontId(box.font ?? defaultFont);
  const id = ids.next();
  // The baseline: half the leading above the line, then the ascent (about 0.88 em in a CJK face).
  const baseline = (i: number) => i * lineHeight + (lineHeight - size) / 2 + size * 0.88;
  const codes = lines
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.text.length > 0)
    .map(({ line, i }) => {
      const deltaX = line.advances.slice(0, -1).map(formatMillimetres).join(' ');
      return (
        `<ofd:TextCode X="${formatMillimetres(line.x)}" Y="${formatMillimetres(baseline(i))}"${deltaX ? ` DeltaX="${deltaX}"` : ''}>` +
        `${escapeXml(line.text)}</ofd:TextCode>`
      );
    })
    .join('');
  // CT_Text: FillColor (default black) before the TextCodes.
  const fill = color.every((c) => c === 0) ? '' : `<ofd:FillColor Value="${color.join(' ')}"/>`;
  return `<ofd:TextObject ID="${id}" Boundary="${formatBox(boundary)}" Font="${font}" Size="${formatMillimetres(size)}">${fill}${codes}</ofd:TextObject>`;
}

function pathObject(path: OfdPathBox, where: string, page: { width: number; height: number }, ids: UnitIds): string {
  if (!path || typeof path !== 'object') throw new RangeError(`${where}: not a path`);
  for (const [name, value] of Object.entries({ x: path.x, y: path.y, width: path.width, height: path.height })) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${where}: ${name} must be a number of millimetres`);
  }
  if (path.width <= 0 || path.height <= 0) throw new RangeError(`${where}: width and height must be above 0`);
  const tolerance = 0.01;
  const box: OfdBox = { x: path.x, y: path.y, width: path.width, height: path.height };
  if (
    box.x < -tolerance ||
    box.y < -tolerance ||
    box.x + box.width > page.width + tolerance ||
    box.y + box.height > page.height + tolerance
  )
    throw new RangeError(`${where}: the box ${formatBox(box)} does not lie on the page (${page.width} × ${page.height} mm)`);
  if (!path.stroke && !path.fill) throw new RangeError(`${where}: a path is stroked, filled or both`);
  if (!Array.isArray(path.commands) || path.commands.length === 0) throw new RangeError(`${where}: a path needs commands`);
  const data: string[] = [];
  let open = false;
  for (const [i, command] of (path.commands as readonly OfdPathCommand[]).entries()) {
    if (command?.op === 'C') {
      if (!open) throw new RangeError(`${where}: command ${i + 1} closes a subpath that was not started`);
      data.push('C');
      continue;
    }
    if (command?.op !== 'M' && command?.op !== 'L') throw new RangeError(`${where}: command ${i + 1} is not M, L or C`);
    if (command.op === 'L' && !open) throw new RangeError(`${where}: command ${i + 1} draws a line before any M`);
    if (!Number.isFinite(command.x) || !Number.isFinite(command.y))
      throw new RangeError(`${where}: command ${i + 1} needs x and y in millimetres`);
    if (command.x < -tolerance || command.y < -tolerance || command.x > box.width + tolerance || command.y > box.height + tolerance)
      throw new RangeError(`${where}: command ${i + 1} (${command.x}, ${command.y}) lies outside the path's box`);
    open = true;
    data.push(`${command.op} ${formatMillimetres(command.x)} ${formatMillimetres(command.y)}`);
  }
  const colour = (value: readonly number[] | undefined, what: string) => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length !== 3 || !value.every((c) => Number.isInteger(c) && c >= 0 && c <= 255))
      throw new RangeError(`${where}: ${what} must be three whole numbers from 0 to 255`);
    return value.join(' ');
  };
  const strokeColour = path.stroke ? (colour(path.stroke.color, 'the stroke colour') ?? '0 0 0') : undefined;
  const lineWidth = path.stroke?.width;
  if (lineWidth !== undefined && (!Number.isFinite(lineWidth) || lineWidth <= 0))
    throw new RangeError(`${where}: the line width must be a number of millimetres above 0`);
  const fillColour = colour(path.fill, 'the fill colour');
  if (path.rule !== undefined && path.rule !== 'NonZero' && path.rule !== 'Even-Odd')
    throw new RangeError(`${where}: rule is NonZero or Even-Odd`);

  const id = ids.next();
  // CT_Path: Stroke defaults to true and Fill to false, so each is written only when it differs.
  const attributes =
    `ID="${id}" Boundary="${formatBox(box)}"` +
    (lineWidth !== undefined ? ` LineWidth="${formatMillimetres(lineWidth)}"` : '') +
    (path.stroke ? '' : ' Stroke="false"') +
    (fillColour ? ' Fill="true"' : '') +
    (path.rule && path.rule !== 'NonZero' ? ` Rule="${path.rule}"` : '');
  // CT_Path's elements: StrokeColor, FillColor, AbstractData (after CT_GraphicUnit's Actions and Clips).
  return (
    `<ofd:PathObject ${attributes}>` +
    (strokeColour ? `<ofd:StrokeColor Value="${strokeColour}"/>` : '') +
    (fillColour ? `<ofd:FillColor Value="${fillColour}"/>` : '') +
    `<ofd:AbstractData>${data.join(' ')}</ofd:AbstractData></ofd:PathObject>`
  );
}

function checkSize(size: { width: number; height: number } | undefined, what: string): void {
  if (!size || !(size.width > 0) || !(size.height > 0) || !Number.isFinite(size.width) || !Number.isFinite(size.height))
    throw new RangeError(`${what} must be a width and a height in millimetres above 0`);
}

function checkFont(font: OfdFont): void {
  if (!font || typeof font.name !== 'string' || font.name.trim() === '') throw new RangeError('a font needs a name');
  checkText(font.name, 'the font name');
  if (font.family !== undefined) checkText(font.family, 'the font family');
}

/** Text XML 1.0 can carry: no control characters but line breaks and tabs, no lone surrogates, no U+FFFE/FFFF. */
function checkText(text: string, what: string): string {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Surrogate}/u.test(text))
    throw new RangeError(`${what}: has characters an XML document cannot carry`);
  return text;
}
