import { A4, createOfd, FONT_SIZE_MM, OFD_FONTS, type OfdPageInput, type OfdTextBox } from './create-ofd.js';

/** Where the sample's first page leaves room for a round 42 mm seal, over the issuer line and the date as seals are put. */
export const SAMPLE_STAMP_AREA = Object.freeze({ page: 1, x: 128, y: 206, width: 42, height: 42 });

export const MAX_SAMPLE_PAGES = 1000;

export interface SampleOfdOptions {
  /** 1 to 1000; default 1. */
  readonly pages?: number;
  readonly title?: string;
  /** Default now: the date printed on the first page and in DocInfo. */
  readonly createdAt?: Date;
  readonly docId?: string;
}

const MARGIN = 25;
/** Two ideographic spaces: a Chinese paragraph's first-line indent. */
const INDENT = '\u3000\u3000';
const BODY_WIDTH = A4.width - 2 * MARGIN;

/**
 * A sample document to stamp (`tongban ofd sample`): A4, a title, a few paragraphs in Chinese and
 * English saying what it is and how to stamp and verify it, the issuer and the date under the
 * place for the seal (SAMPLE_STAMP_AREA), and page numbers; further pages carry a line each.
 */
export function sampleOfd(options: SampleOfdOptions = {}): Buffer {
  const count = options.pages ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLE_PAGES)
    throw new RangeError(`pages must be a whole number from 1 to ${MAX_SAMPLE_PAGES}`);
  const createdAt = options.createdAt ?? new Date();
  const title = options.title ?? '通办示范文件';
  const china = new Date(createdAt.getTime() + 8 * 3600_000);
  const date = `${china.getUTCFullYear()}年${china.getUTCMonth() + 1}月${china.getUTCDate()}日`;
  const { x, y, page } = SAMPLE_STAMP_AREA;

  const paragraph = (top: number, text: string, size: number = FONT_SIZE_MM.xiaoSi): OfdTextBox => ({
    x: MARGIN,
    y: top,
    width: BODY_WIDTH,
    text,
    size,
    lineHeight: size * 1.75,
  });
  const footer = (n: number): OfdTextBox => ({
    x: MARGIN,
    y: A4.height - 15,
    width: BODY_WIDTH,
    text: `第 ${n} 页 / 共 ${count} 页`,
    size: FONT_SIZE_MM.xiaoWu,
    align: 'center',
  });

  const first: OfdPageInput = {
    texts: [
      { x: MARGIN, y: 30, width: BODY_WIDTH, text: title, font: OFD_FONTS.hei, size: FONT_SIZE_MM.er, align: 'center' },
      {
        x: MARGIN,
        y: 44,
        width: BODY_WIDTH,
        text: 'tongban sample document for electronic seals',
        size: FONT_SIZE_MM.wu,
        align: 'center',
        color: [90, 90, 90],
      },
      paragraph(
        62,
        `${INDENT}这是 tongban 生成的示范 OFD 文件（GB/T 33190），用来试用电子印章：企业用钱包里的营业执照密钥，` +
          '在本页右下方的盖章处加盖本企业的电子印章，再把盖章后的文件交给验证接口，' +
          '即可看到文件是否完整、印章与签章人是否有效。',
      ),
      paragraph(
        100,
        'This is a sample OFD document made by tongban. Stamp it with the enterprise wallet:\n' +
          `    tongban wallet stamp FILE.ofd --seal ID --page ${page} --x ${x} --y ${y}\n` +
          'and check the stamped copy with POST /api/v1/verify/document.',
        FONT_SIZE_MM.wu,
      ),
      paragraph(
        132,
        `${INDENT}文中文字引用宋体、黑体，未嵌入字体：阅读器以本机的同名字体或替代字体显示，每个字的位置已写在文件中。`,
        FONT_SIZE_MM.wu,
      ),
      { x: 100, y: 222, width: 85, text: '示范单位（盖章）', size: FONT_SIZE_MM.xiaoSi, align: 'right' },
      { x: 100, y: 232, width: 85, text: date, size: FONT_SIZE_MM.xiaoSi, align: 'right' },
      footer(1),
    ],
  };
  const rest = Array.from({ length: count - 1 }, (_, i): OfdPageInput => ({
    texts: [paragraph(30, `${INDENT}示范文件的第 ${i + 2} 页。This is page ${i + 2} of the sample document.`), footer(i + 2)],
  }));
  return createOfd({
    pages: [first, ...rest],
    title,
    author: 'tongban',
    subject: 'sample document for electronic seals',
    createdAt,
    docId: options.docId,
  });
}
