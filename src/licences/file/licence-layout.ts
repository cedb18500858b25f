import {
  A4,
  FONT_SIZE_MM,
  OFD_FONTS,
  rectanglePath,
  type OfdFont,
  type OfdPageInput,
  type OfdPathBox,
  type OfdTextBox,
} from '../../ofd/index.js';
import { layOutText } from '../../ofd/write/text-layout.js';
import { chineseDate, type LicenceStatus, type LicenceView } from './licence-view.js';
import { QR_QUIET_ZONE, qrSymbol } from './qr-code.js';

/**
 * The page of a licence file, once for both renderings: the OFD writes these pages as they are
 * (createOfd), the PDF draws the same boxes, lines and QR code with pdfkit — so the two are the same
 * page, measure for measure. Millimetres from the page's top-left corner, A4.
 *
 *   ┌──────────────────────────────────────────────┐
 *   │              居住证                   ▓▓▓▓▓  │  title (the type's Chinese name), English below
 *   │           Residence permit            ▓▓▓▓▓  │  QR code of the check URL, 扫码核验
 *   │ 证照编号：1.2.156.3005.2.…                    │
 *   │ ┌──────────┬─────────────────────────────┐   │  a bordered table: holder, the claims in the
 *   │ │ 姓名      │ 张三                         │   │  type's order, validity
 *   │ │ …        │ …                           │   │
 *   │ └──────────┴─────────────────────────────┘   │
 *   │                      发证机关：某市公安局 (◯)  │  the issuer and the date under the stamp area
 *   │                      发证日期：2026年3月4日    │
 *   │   footer: how to check it, the check URL       │
 *   └──────────────────────────────────────────────┘
 *
 * A table longer than the page continues on the next (a row's lines split where they must, its
 * label marked （续）); the issuer lines and the stamp area follow the table, on a page of their own
 * when the last one has no room.
 */

/** Where the issuing authority's seal goes: page (1 for the first), box in mm — the seal's own size, 42 mm round. */
export interface LicenceStampArea {
  readonly page: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LicenceLayout {
  readonly pages: readonly OfdPageInput[];
  /** What each text box of each page shows (the field's label), to name where a character cannot be printed. */
  readonly fields: readonly (readonly string[])[];
  readonly stampArea: LicenceStampArea;
  /** The document's title: the type's Chinese name and the licence number. */
  readonly title: string;
}

/** The title face: 宋体 in bold (the bold Noto Serif CJK SC a reader without SimSun substitutes). */
export const TITLE_FONT: OfdFont = Object.freeze({ ...OFD_FONTS.song, bold: true });

const INK: readonly [number, number, number] = [0, 0, 0];
const GREY: readonly [number, number, number] = [85, 85, 85];
const FRAME: readonly [number, number, number] = [30, 64, 120];
const RULE: readonly [number, number, number] = [60, 60, 60];
const LABEL_FILL: readonly [number, number, number] = [241, 244, 248];
const WARNING: readonly [number, number, number] = [179, 38, 30];

const LEFT = 20;
const WIDTH = A4.width - 2 * LEFT;
const LABEL_WIDTH = 40;
const PAD_X = 2.5;
const PAD_Y = 2.2;
const CELL_SIZE = FONT_SIZE_MM.wu;
const CELL_LINE = CELL_SIZE * 1.45;
/** Where a page's table may reach, leaving room for the footer. */
const TABLE_LIMIT = 262;
const QR = Object.freeze({ x: 166, y: 15, size: 26 });
/** The seal's size: tongban draws round seals 42 mm across. */
export const STAMP_SIZE = 42;
/** From the table's last rule to the bottom of the stamp area. */
const SIGNATURE_BLOCK = 47;

const STATUS_BANNER: Readonly<Record<Exclude<LicenceStatus, 'valid'>, string>> = {
  suspended: '本证照已被发证机关暂停使用，暂停期间不作为有效证照使用（Suspended）',
  revoked: '本证照已被发证机关撤销，不再有效，此文件仅供存档（Revoked）',
  expired: '本证照已超过有效期限，不再有效，此文件仅供存档（Expired）',
};

interface Row {
  readonly label: string;
  readonly value: string;
}

/** The layout of a licence's file (see above). Throws RangeError for a view it cannot lay out (an empty field it needs). */
export function layOutLicence(view: LicenceView): LicenceLayout {
  checkView(view);
  const pages: Array<{ texts: OfdTextBox[]; paths: OfdPathBox[]; fields: string[] }> = [];
  const newPage = () => {
    const page = { texts: [] as OfdTextBox[], paths: [] as OfdPathBox[], fields: [] as string[] };
    pages.push(page);
    return page;
  };
  const text = (page: (typeof pages)[number], field: string, box: OfdTextBox) => {
    page.texts.push(box);
    page.fields.push(field);
  };

  // ---- page 1: the frame, title, QR code and licence number ----
  let page = newPage();
  const titleSize = FONT_SIZE_MM.er;
  const titleLines = layOutText(view.type.name.zh, { width: 120, size: titleSize, align: 'center' }).length;
  let y = 20;
  text(page, '证照名称', {
    x: 45,
    y,
    width: 120,
    text: view.type.name.zh,
    font: TITLE_FONT,
    size: titleSize,
    lineHeight: titleSize * 1.3,
    align: 'center',
  });
  y += titleLines * titleSize * 1.3 + 1;
  const englishLines = layOutText(view.type.name.en, { width: 120, size: FONT_SIZE_MM.xiaoWu, align: 'center' }).length;
  text(page, 'Licence type', { x: 45, y, width: 120, text: view.type.name.en, size: FONT_SIZE_MM.xiaoWu, align: 'center', color: GREY });
  y += englishLines * FONT_SIZE_MM.xiaoWu * 1.5;
  if (view.status !== 'valid') {
    const banner = STATUS_BANNER[view.status];
    y += 1;
    const lines = layOutText(banner, { width: 120, size: FONT_SIZE_MM.xiaoWu, align: 'center' }).length;
    text(page, '证照状态', { x: 45, y, width: 120, text: banner, size: FONT_SIZE_MM.xiaoWu, align: 'center', color: WARNING });
    y += lines * FONT_SIZE_MM.xiaoWu * 1.5;
  }
  page.paths.push(qrPath(view.checkUrl));
  text(page, '二维码', {
    x: QR.x - 2,
    y: QR.y + QR.size + 0.5,
    width: QR.size + 4,
    text: '扫码核验',
    size: FONT_SIZE_MM.xiaoWu,
    align: 'center',
  });

  y = Math.max(y, QR.y + QR.size + 6) + 2;
  text(page, '证照编号', {
    x: LEFT,
    y,
    width: WIDTH,
    text: `证照编号：${view.id}`,
    size: FONT_SIZE_MM.xiaoWu,
    lineHeight: FONT_SIZE_MM.xiaoWu * 1.5,
  });
  y += layOutText(`证照编号：${view.id}`, { width: WIDTH, size: FONT_SIZE_MM.xiaoWu }).length * FONT_SIZE_MM.xiaoWu * 1.5 + 3;

  // ---- the table, continued over pages as it must ----
  let tableTop = y;
  let rowTop = y;
  /** The bottoms of the rows of the table on this page: the rules between them are drawn over the shading when it closes. */
  let bottoms: number[] = [];
  const closeTable = () => {
    if (rowTop > tableTop) page.paths.push(...tableRules(tableTop, bottoms));
    bottoms = [];
  };
  for (const row of rowsOf(view)) {
    const labelLines = layOutText(row.label, { width: LABEL_WIDTH - 2 * PAD_X, size: CELL_SIZE }).map((l) => l.text);
    let valueLines = layOutText(row.value, { width: WIDTH - LABEL_WIDTH - 2 * PAD_X, size: CELL_SIZE }).map((l) => l.text);
    let label = row.label;
    let labelShown = labelLines;
    for (;;) {
      const lines = Math.max(labelShown.length, valueLines.length);
      const room = Math.floor((TABLE_LIMIT - rowTop - 2 * PAD_Y + 1e-9) / CELL_LINE);
      if (lines <= room) {
        rowTop = cell(page, rowTop, label, labelShown, valueLines, text);
        bottoms.push(rowTop);
        break;
      }
      // Split a long value where the page ends (when at least two of its lines fit); else the row moves on.
      if (room >= 2 && valueLines.length > room && labelShown.length <= room) {
        rowTop = cell(page, rowTop, label, labelShown, valueLines.slice(0, room), text);
        bottoms.push(rowTop);
        valueLines = valueLines.slice(room);
        label = `${row.label}（续）`;
        labelShown = layOutText(label, { width: LABEL_WIDTH - 2 * PAD_X, size: CELL_SIZE }).map((l) => l.text);
      } else if (rowTop === tableTop && pages.length > 1) {
        throw new RangeError(`the label ${row.label} is too long to lay out`);
      }
      closeTable();
      page = newPage();
      tableTop = rowTop = 24;
    }
  }
  closeTable();

  // ---- the issuer, the date and the stamp area after the table ----
  if (rowTop + SIGNATURE_BLOCK > TABLE_LIMIT + 3) {
    page = newPage();
    rowTop = 24;
  }
  const issuerTop = rowTop + 16;
  const issuerLine = `发证机关：${view.issuer.name}`;
  const issuerLines = layOutText(issuerLine, { width: 100, size: FONT_SIZE_MM.xiaoSi, align: 'right' }).length;
  text(page, '发证机关', {
    x: LEFT + WIDTH - 100,
    y: issuerTop,
    width: 100,
    text: issuerLine,
    size: FONT_SIZE_MM.xiaoSi,
    lineHeight: FONT_SIZE_MM.xiaoSi * 1.6,
    align: 'right',
  });
  const dateTop = issuerTop + issuerLines * FONT_SIZE_MM.xiaoSi * 1.6;
  text(page, '发证日期', {
    x: LEFT + WIDTH - 100,
    y: dateTop,
    width: 100,
    text: `发证日期：${chineseDate(view.issuedAt)}`,
    size: FONT_SIZE_MM.xiaoSi,
    lineHeight: FONT_SIZE_MM.xiaoSi * 1.6,
    align: 'right',
  });
  // The seal over the issuer's name and the date, as a paper licence is stamped.
  const middle = (issuerTop + dateTop + FONT_SIZE_MM.xiaoSi * 1.6) / 2;
  const stampArea: LicenceStampArea = {
    page: pages.length,
    x: LEFT + WIDTH - 12 - STAMP_SIZE,
    y: Math.round((middle - STAMP_SIZE / 2) * 100) / 100,
    width: STAMP_SIZE,
    height: STAMP_SIZE,
  };

  // ---- every page: the frame and the footer ----
  pages.forEach((p, i) => {
    p.paths.unshift(...pageFrame());
    if (i > 0)
      text(p, '证照名称', {
        x: LEFT,
        y: 14,
        width: WIDTH,
        text: `${view.type.name.zh}（续页）  ${view.id}`,
        size: FONT_SIZE_MM.xiaoWu,
        color: GREY,
      });
    text(p, '页脚', {
      x: LEFT,
      y: 265,
      width: WIDTH,
      text: '本证照由发证机关加盖电子印章（GB/T 38540）。扫描二维码或访问以下地址可核验其当前状态：',
      size: FONT_SIZE_MM.xiaoWu,
      align: 'center',
      color: GREY,
    });
    text(p, '核验地址', { x: LEFT, y: 270, width: WIDTH, text: view.checkUrl, size: 2.6, lineHeight: 3.6, align: 'center', color: GREY });
    if (pages.length > 1)
      text(p, '页码', {
        x: LEFT,
        y: 278.5,
        width: WIDTH,
        text: `第 ${i + 1} 页 / 共 ${pages.length} 页`,
        size: FONT_SIZE_MM.xiaoWu,
        align: 'center',
        color: GREY,
      });
  });

  return {
    pages: pages.map((p) => ({ texts: p.texts, paths: p.paths })),
    fields: pages.map((p) => p.fields),
    stampArea,
    title: `${view.type.name.zh} ${view.id}`,
  };
}

/** The holder (unless a claim already shows the same), the claims in the type's order, and the validity. */
function rowsOf(view: LicenceView): Row[] {
  const citizen = view.holder.kind === 'citizen';
  const shown = new Set(view.claims.map((claim) => claim.value.trim()));
  const rows: Row[] = [];
  if (!shown.has(view.holder.name.trim())) rows.push({ label: citizen ? '持证人' : '持证主体', value: view.holder.name });
  if (!shown.has(view.holder.identifier.trim()))
    rows.push({ label: citizen ? '公民身份号码' : '统一社会信用代码', value: view.holder.identifier });
  for (const claim of view.claims) rows.push({ label: claim.label.zh, value: claim.value });
  rows.push({
    label: '有效期限',
    value: view.validUntil ? `${chineseDate(view.validFrom)}至${chineseDate(view.validUntil)}` : `${chineseDate(view.validFrom)}起长期有效`,
  });
  return rows;
}

/** One row of the table at `top`: the label shaded, both columns centred on the row's height; returns the row's bottom. */
function cell(
  page: { texts: OfdTextBox[]; paths: OfdPathBox[]; fields: string[] },
  top: number,
  label: string,
  labelLines: readonly string[],
  valueLines: readonly string[],
  text: (page: { texts: OfdTextBox[]; paths: OfdPathBox[]; fields: string[] }, field: string, box: OfdTextBox) => void,
): number {
  const lines = Math.max(labelLines.length, valueLines.length, 1);
  const height = lines * CELL_LINE + 2 * PAD_Y;
  page.paths.push({ x: LEFT, y: top, width: LABEL_WIDTH, height, commands: rectanglePath(0, 0, LABEL_WIDTH, height), fill: LABEL_FILL });
  const box = (x: number, width: number, shown: readonly string[], align?: 'left'): OfdTextBox => ({
    x,
    y: top + PAD_Y + ((lines - shown.length) * CELL_LINE) / 2,
    width,
    text: shown.join('\n'),
    size: CELL_SIZE,
    lineHeight: CELL_LINE,
    align,
    color: INK,
  });
  const field = label.replace(/（续）$/, '');
  text(page, field, box(LEFT + PAD_X, LABEL_WIDTH - 2 * PAD_X, labelLines));
  text(page, field, box(LEFT + LABEL_WIDTH + PAD_X, WIDTH - LABEL_WIDTH - 2 * PAD_X, valueLines, 'left'));
  return top + height;
}

/**
 * The rules of a table from `top` whose rows end at `bottoms`: one path of the lines between rows
 * and between the columns, then the outline, over the shading of the labels.
 */
function tableRules(top: number, bottoms: readonly number[]): OfdPathBox[] {
  const height = bottoms[bottoms.length - 1] - top;
  const inner = [
    ...bottoms.slice(0, -1).flatMap((bottom) => line(0, bottom - top, WIDTH, bottom - top)),
    ...line(LABEL_WIDTH, 0, LABEL_WIDTH, height),
  ];
  return [
    { x: LEFT, y: top, width: WIDTH, height, commands: inner, stroke: { color: RULE, width: 0.2 } },
    { x: LEFT, y: top, width: WIDTH, height, commands: rectanglePath(0, 0, WIDTH, height), stroke: { color: RULE, width: 0.5 } },
  ];
}

/** A double frame around the page, as printed certificates have. */
function pageFrame(): OfdPathBox[] {
  const outer = { x: 9, y: 9, width: A4.width - 18, height: A4.height - 18 };
  const inner = { x: 10.6, y: 10.6, width: A4.width - 21.2, height: A4.height - 21.2 };
  return [
    { ...outer, commands: rectanglePath(0, 0, outer.width, outer.height), stroke: { color: FRAME, width: 0.8 } },
    { ...inner, commands: rectanglePath(0, 0, inner.width, inner.height), stroke: { color: FRAME, width: 0.25 } },
  ];
}

function line(x1: number, y1: number, x2: number, y2: number) {
  return [
    { op: 'M', x: x1, y: y1 },
    { op: 'L', x: x2, y: y2 },
  ] as const;
}

/** The QR code as one filled path of its dark modules, its quiet zone inside the box (kept clear of everything else). */
function qrPath(url: string): OfdPathBox {
  const symbol = qrSymbol(url);
  const module = QR.size / (symbol.size + 2 * QR_QUIET_ZONE);
  const at = (n: number) => (n + QR_QUIET_ZONE) * module;
  return {
    ...QR,
    width: QR.size,
    height: QR.size,
    commands: symbol.rects.flatMap((r) => rectanglePath(at(r.column), at(r.row), r.width * module, r.height * module)),
    fill: INK,
  };
}

function checkView(view: LicenceView): void {
  const need = (value: unknown, what: string) => {
    if (typeof value !== 'string' || value.trim() === '') throw new RangeError(`a licence file needs ${what}`);
  };
  need(view?.id, 'the licence id');
  need(view.type?.name?.zh, "the type's Chinese name");
  need(view.type?.name?.en, "the type's English name");
  need(view.holder?.name, "the holder's name");
  need(view.holder?.identifier, "the holder's identifier");
  need(view.issuer?.name, "the issuer's name");
  need(view.checkUrl, 'the check URL');
  if (!/^https?:\/\//.test(view.checkUrl)) throw new RangeError('the check URL must be an http(s) URL');
  for (const [name, date] of [
    ['issuedAt', view.issuedAt],
    ['validFrom', view.validFrom],
  ] as const) {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError(`${name} must be a date`);
  }
  if (view.validUntil != null && (!(view.validUntil instanceof Date) || Number.isNaN(view.validUntil.getTime())))
    throw new RangeError('validUntil must be a date or null');
  if (!['valid', 'suspended', 'revoked', 'expired'].includes(view.status)) throw new RangeError('status is not a licence status');
  if (!Array.isArray(view.claims)) throw new RangeError('claims must be a list');
}
