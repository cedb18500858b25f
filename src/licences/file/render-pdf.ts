import PDFDocument from 'pdfkit';
import { FONT_SIZE_MM, type OfdPathBox, type OfdTextBox } from '../../ofd/index.js';
import { layOutText } from '../../ofd/write/text-layout.js';
import { charactersMissing, licenceFont, LicenceFontError, type LicenceFontRole } from './licence-fonts.js';
import { layOutLicence } from './licence-layout.js';
import type { LicenceView } from './licence-view.js';

export interface RenderLicencePdfOptions {
  /**
   * The issuing authority's seal picture (the PNG inside its SESeal, LicenceSeals.picture), drawn
   * in the stamp area. It is a picture only: the PDF carries no signature, so it proves nothing by
   * itself; the stamped OFD is the signed file, and the QR code leads to the live status.
   */
  readonly sealPicture?: { readonly png: Buffer; readonly widthMm: number; readonly heightMm: number };
  /** The PDF's CreationDate; default now. */
  readonly createdAt?: Date;
}

const PT_PER_MM = 72 / 25.4;
const pt = (mm: number) => mm * PT_PER_MM;

/**
 * The licence file's page (the same layout as renderLicenceOfd: layOutLicence) as a PDF, with its
 * fonts embedded (subsets of Noto Serif CJK SC: assets/fonts), so the Chinese shows on any machine
 * and the text can be searched and copied; the QR code as vector rectangles. Every text is checked
 * against the fonts before anything is drawn: a character neither has is refused with
 * LicenceFontError (font_lacks_characters, naming the characters and the fields), never printed
 * as a blank box. Throws RangeError for a view it cannot lay out.
 */
export async function renderLicencePdf(view: LicenceView, options: RenderLicencePdfOptions = {}): Promise<Buffer> {
  const layout = layOutLicence(view);
  const roles = layout.pages.map((page) => page.texts.map(fontRoleOf));
  checkFonts(layout.pages, layout.fields, roles);

  const body = parsedFont('body');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    // The body font from the start, so no standard font (Helvetica, not embedded) is ever named.
    font: body as string,
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: layout.title,
      Author: view.issuer.name,
      Subject: `${view.type.name.zh}（${view.type.name.en}）电子证照文件`,
      Creator: 'tongban',
      Producer: 'tongban (PDFKit)',
      CreationDate: options.createdAt ?? new Date(),
    },
  });
  doc.registerFont('body', body as Buffer);
  doc.registerFont('title', parsedFont('title') as Buffer);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  layout.pages.forEach((page, p) => {
    doc.addPage({ size: 'A4', margin: 0 });
    for (const path of page.paths ?? []) drawPath(doc, path);
    page.texts.forEach((box, t) => drawText(doc, box, roles[p][t]));
    if (options.sealPicture && layout.stampArea.page === p + 1) {
      const area = layout.stampArea;
      const { widthMm, heightMm } = options.sealPicture;
      // Centred in the area at the seal's own size.
      doc.image(options.sealPicture.png, pt(area.x + (area.width - widthMm) / 2), pt(area.y + (area.height - heightMm) / 2), {
        width: pt(widthMm),
        height: pt(heightMm),
      });
    }
  });
  doc.end();
  return finished;
}

/** A font as pdfkit reads it (fontkit), by role: parsed once per process. */
const parsed = new Map<LicenceFontRole, unknown>();

/**
 * The font for pdfkit: the object its font reader (fontkit) makes of the file, read once and
 * handed to every document — pdfkit takes such an object where it takes a file, and reading the
 * 4.8 MB body font's tables again for each PDF cost about 0.4 s. The object is had from pdfkit
 * itself (a document opened on the font's bytes), so it is always the fontkit pdfkit uses; should
 * a later pdfkit not expose it there, the bytes are handed over instead (slower, the same PDF).
 */
function parsedFont(role: LicenceFontRole): unknown {
  if (parsed.has(role)) return parsed.get(role);
  const data = licenceFont(role).data;
  let font: unknown = data;
  try {
    const probe = new PDFDocument({ font: data as unknown as string, autoFirstPage: false });
    const opened = (probe as unknown as { _font?: { font?: { layout?: unknown } } })._font?.font;
    if (typeof opened?.layout === 'function') font = opened;
  } catch {
    // the bytes, then
  }
  parsed.set(role, font);
  return font;
}

/** The title face (bold) where the title's characters are all in it, else the body face. */
function fontRoleOf(box: OfdTextBox): LicenceFontRole {
  return box.font?.bold && charactersMissing('title', box.text).length === 0 ? 'title' : 'body';
}

function checkFonts(
  pages: ReturnType<typeof layOutLicence>['pages'],
  fields: readonly (readonly string[])[],
  roles: LicenceFontRole[][],
): void {
  const characters: string[] = [];
  const where: string[] = [];
  pages.forEach((page, p) =>
    page.texts.forEach((box, t) => {
      const missing = charactersMissing(roles[p][t], box.text);
      if (!missing.length) return;
      for (const c of missing) if (!characters.includes(c)) characters.push(c);
      if (!where.includes(fields[p][t])) where.push(fields[p][t]);
    }),
  );
  if (characters.length) throw new LicenceFontError(characters, where);
}

function drawPath(doc: PDFKit.PDFDocument, path: OfdPathBox): void {
  doc.save();
  doc.translate(pt(path.x), pt(path.y));
  for (const command of path.commands) {
    if (command.op === 'M') doc.moveTo(pt(command.x), pt(command.y));
    else if (command.op === 'L') doc.lineTo(pt(command.x), pt(command.y));
    else doc.closePath();
  }
  const rule = path.rule === 'Even-Odd' ? 'even-odd' : 'non-zero';
  if (path.stroke) doc.lineWidth(pt(path.stroke.width ?? 0.353));
  const stroke = path.stroke ? rgb(path.stroke.color) : undefined;
  if (path.fill && stroke) doc.fillAndStroke(rgb(path.fill), stroke, rule);
  else if (path.fill) doc.fill(rgb(path.fill), rule);
  else doc.stroke(stroke);
  doc.restore();
}

function rgb(color: readonly [number, number, number] | undefined): [number, number, number] {
  return color ? [color[0], color[1], color[2]] : [0, 0, 0];
}

/**
 * A text box as createOfd writes it: the same lines (layOutText), the same baselines. Glyphs take
 * the embedded font's own advances; a line the font sets wider than the layout's (Latin letters are
 * proportional, the layout counts half an em) is narrowed to the layout's width, so it stays in its
 * cell.
 */
function drawText(doc: PDFKit.PDFDocument, box: OfdTextBox, role: LicenceFontRole): void {
  const size = box.size ?? FONT_SIZE_MM.wu;
  const lineHeight = box.lineHeight ?? size * 1.5;
  const align = box.align ?? 'left';
  doc.font(role).fontSize(pt(size)).fillColor(rgb(box.color));
  layOutText(box.text, { width: box.width, size, align }).forEach((line, i) => {
    if (!line.text) return;
    const natural = doc.widthOfString(line.text);
    const target = pt(line.width);
    const scaling = natural > target * 1.001 ? (100 * target) / natural : 100;
    const drawn = (natural * scaling) / 100;
    const x =
      align === 'left' ? pt(box.x + line.x) : align === 'center' ? pt(box.x) + (pt(box.width) - drawn) / 2 : pt(box.x + box.width) - drawn;
    const baseline = box.y + i * lineHeight + (lineHeight - size) / 2 + size * 0.88;
    doc.text(line.text, x, pt(baseline), {
      lineBreak: false,
      baseline: 'alphabetic',
      ...(scaling !== 100 ? { horizontalScaling: scaling } : {}),
    });
  });
}
