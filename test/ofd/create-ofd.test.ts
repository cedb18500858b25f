import {
  A4,
  checkReferences,
  createOfd,
  FONT_SIZE_MM,
  OFD_FONTS,
  readOfd,
  readPageBox,
  SAMPLE_STAMP_AREA,
  sampleOfd,
  stampOfd,
  type CreateOfdOptions,
} from '../../src/ofd/index.js';
import { fixture, text, unzipFiles } from './fixtures.js';
import { independentlyRead } from './independent-checker.js';
import { independentlyReadDocument, type SeenText } from './independent-document.js';

const AT = new Date('2026-03-04T17:06:07Z');

/** Where each glyph of a line is, from its X and DeltaX (what a viewer computes). */
function glyphPositions(line: SeenText['lines'][number]): number[] {
  return [...line.text].map((_, i) => line.x + line.deltaX.slice(0, i).reduce((sum, d) => sum + d, 0));
}

function allText(box: SeenText): string {
  return box.lines.map((line) => line.text).join('');
}

describe('writing OFD documents', () => {
  it('the sample: A4 pages of Chinese and English text that tongban’s reader and an independent one both read', () => {
    const ofd = sampleOfd({ pages: 3, createdAt: AT, docId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' });
    const read = readOfd(ofd);
    expect(read.version).toBe('1.0');
    expect(read.documents).toHaveLength(1);
    const [document] = read.documents;
    expect(document.path).toBe('Doc_0/Document.xml');
    expect(document.pageArea).toEqual({ x: 0, y: 0, width: 210, height: 297 });
    expect(document.pages.map((page) => page.path)).toEqual([0, 1, 2].map((i) => `Doc_0/Pages/Page_${i}/Content.xml`));
    expect(document.signatures).toEqual([]);
    for (const page of document.pages) expect(readPageBox(read, document, page)).toEqual({ x: 0, y: 0, width: 210, height: 297 });

    const seen = independentlyReadDocument(ofd);
    expect([...seen.files.keys()].sort()).toEqual(
      ['OFD.xml', 'Doc_0/Document.xml', 'Doc_0/PublicRes.xml', ...[0, 1, 2].map((i) => `Doc_0/Pages/Page_${i}/Content.xml`)].sort(),
    );
    // The date is China's (17:06 UTC is already the 5th there).
    expect(seen.docInfo).toEqual({
      DocID: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      Title: '通办示范文件',
      Author: 'tongban',
      Subject: 'sample document for electronic seals',
      CreationDate: '2026-03-05',
      Creator: 'tongban',
    });
    expect(seen.pageArea).toEqual([0, 0, 210, 297]);
    // Fonts by name, none embedded: 宋体 and 黑体 with the Noto CJK families a reader without them substitutes.
    expect(seen.fonts).toEqual([
      { name: '黑体', family: 'Noto Sans CJK SC', serif: false },
      { name: '宋体', family: 'Noto Serif CJK SC', serif: true },
    ]);
    expect([...seen.files.keys()].some((path) => /\.(ttf|otf|ttc)$/i.test(path))).toBe(false);

    const [first, second, third] = seen.pages;
    expect(seen.pages.map((page) => page.id)).toEqual(document.pages.map((page) => Number(page.id)));
    expect(first.texts[0]).toMatchObject({ font: { name: '黑体' }, size: FONT_SIZE_MM.er, lines: [{ text: '通办示范文件' }] });
    const texts = first.texts.map(allText);
    expect(texts).toEqual(
      expect.arrayContaining([
        '\u3000\u3000这是 tongban 生成的示范 OFD 文件（GB/T 33190），用来试用电子印章：企业用钱包里的营业执照密钥，在本页右下方的盖章处加盖本企业的电子印章，再把盖章后的文件交给验证接口，即可看到文件是否完整、印章与签章人是否有效。',
        '示范单位（盖章）',
        '2026年3月5日',
        '第 1 页 / 共 3 页',
      ]),
    );
    expect(first.texts.flatMap((box) => box.lines.map((line) => line.text))).toContain(
      `tongban wallet stamp FILE.ofd --seal ID --page 1 --x ${SAMPLE_STAMP_AREA.x} --y ${SAMPLE_STAMP_AREA.y}`,
    );
    expect(allText(second.texts[1])).toBe('第 2 页 / 共 3 页');
    expect(allText(third.texts[0])).toContain('示范文件的第 3 页。This is page 3 of the sample document.');
    for (const page of seen.pages) {
      expect(page.area).toBeNull();
      for (const box of page.texts) {
        const [x, y, width, height] = box.boundary;
        expect(x >= 0 && y >= 0 && x + width <= 210 && y + height <= 297).toBe(true);
        for (const line of box.lines) {
          // Every glyph inside its box: the last one's advance is a full em at most.
          expect(line.x).toBeGreaterThanOrEqual(0);
          expect(glyphPositions(line).at(-1)! + box.size).toBeLessThanOrEqual(width + 0.01);
          expect(line.y).toBeLessThanOrEqual(height);
        }
      }
    }
    // The place for the seal is free of text, and on the first page.
    const stampArea = SAMPLE_STAMP_AREA;
    expect(stampArea.x + stampArea.width).toBeLessThanOrEqual(A4.width);
    expect(stampArea.y + stampArea.height).toBeLessThanOrEqual(A4.height);
  });

  it('lays text out as a Song face sets it: a full em for Chinese, half for Latin, wrapped to the box, aligned as asked', () => {
    const ofd = createOfd({
      createdAt: AT,
      pages: [
        {
          texts: [
            { x: 10, y: 10, width: 40, size: 4, text: '一二三四五六七八九十，甲乙' },
            { x: 10, y: 40, width: 40, size: 4, text: 'alpha beta gamma delta epsilon' },
            { x: 10, y: 70, width: 20, size: 4, text: 'abcdefghijklmnopqrstuvwxyz' },
            { x: 10, y: 100, width: 100, size: 5, text: '右对齐 right', align: 'right' },
            { x: 10, y: 120, width: 100, size: 5, text: '居中', align: 'center', color: [230, 0, 18] },
            { x: 10, y: 140, width: 100, size: 4, lineHeight: 10, text: 'first\n\n  indented third' },
            { x: 10, y: 170, width: 100, text: '   \n  ' },
          ],
        },
      ],
    });
    const [page] = independentlyReadDocument(ofd).pages;
    const [chinese, latin, long, right, centre, lines] = page.texts;
    expect(page.texts).toHaveLength(6); // the blank box is no object
    // 40 mm holds ten 4 mm characters; "，" may not open a line, so "十" goes down with it.
    expect(chinese.lines.map((line) => line.text)).toEqual(['一二三四五六七八九', '十，甲乙']);
    expect(chinese.lines[0].deltaX).toEqual(Array(8).fill(4));
    expect(chinese.boundary).toEqual([10, 10, 40, 12]); // two lines of 1.5 em
    expect(latin.lines.map((line) => line.text)).toEqual(['alpha beta gamma', 'delta epsilon']);
    expect(latin.lines[0].deltaX).toEqual(Array(15).fill(2));
    expect(long.lines.map((line) => line.text)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz']);
    // Right: 3 × 5 + 1 × 2.5 + 5 × 2.5 = 30 mm wide, ending at the box's right edge.
    expect(right.lines[0].x).toBeCloseTo(70, 3);
    expect(centre.lines[0].x).toBeCloseTo(45, 3);
    expect(centre.fill).toBe('230 0 18');
    expect(right.fill).toBeNull();
    expect(lines.lines.map((line) => [line.text, line.x, line.y])).toEqual([
      ['first', 0, expect.closeTo(3 + 3.52, 3)],
      ['indented third', 4, expect.closeTo(23 + 3.52, 3)],
    ]);
    // Baselines go down a line height at a time.
    expect(chinese.lines[1].y - chinese.lines[0].y).toBeCloseTo(6, 3);
  });

  it('gives a page of another size its own Area, and uses the fonts it is given', () => {
    const landscape = { width: 297, height: 210 };
    const font = { name: 'Courier New', family: 'Liberation Mono', fixedWidth: true };
    const ofd = createOfd({
      createdAt: AT,
      pages: [
        { texts: [{ x: 10, y: 10, width: 100, text: 'A4' }] },
        { size: landscape, texts: [{ x: 200, y: 10, width: 90, text: 'wide', font }] },
      ],
    });
    const read = readOfd(ofd);
    const [document] = read.documents;
    expect(readPageBox(read, document, document.pages[1])).toEqual({ x: 0, y: 0, ...landscape });
    const seen = independentlyReadDocument(ofd);
    expect(seen.pages[1].area).toEqual([0, 0, 297, 210]);
    expect(seen.pages[1].texts[0].font).toEqual({ name: 'Courier New', family: 'Liberation Mono', serif: false });
    expect(text(unzipFiles(ofd).get('Doc_0/PublicRes.xml')!)).toContain(
      'FontName="Courier New" FamilyName="Liberation Mono" FixedWidth="true"',
    );
  });

  it('gives the same bytes for the same input, time and DocID', () => {
    const options = { pages: 2, createdAt: AT, docId: 'abc123' };
    expect(sampleOfd(options).equals(sampleOfd(options))).toBe(true);
    expect(sampleOfd({ pages: 1, createdAt: AT }).equals(sampleOfd({ pages: 1, createdAt: AT }))).toBe(false); // a random DocID
  });

  it('refuses what it cannot write faithfully, with the box named', () => {
    const page = (box: object): CreateOfdOptions => ({ pages: [{ texts: [{ x: 10, y: 10, width: 50, text: '文字', ...box }] }] });
    const refusals: Array<[CreateOfdOptions, RegExp]> = [
      [{ pages: [] }, /at least one page/],
      [page({ height: 3 }), /page 1, text 1: the text takes 1 line\(s\), 5\.556 mm, more than the box's 3 mm/],
      [page({ x: 180 }), /page 1, text 1: the box 180 10 50 5\.556 does not lie on the page \(210 × 297 mm\)/],
      [page({ size: 0 }), /width, size and line height must be above 0/],
      [page({ width: Number.NaN }), /width must be a number/],
      [page({ text: 'bell\u0007' }), /cannot carry/],
      [page({ color: [0, 0, 256] }), /color must be three whole numbers/],
      [page({ font: { name: ' ' } }), /a font needs a name/],
      [{ pages: [{ size: { width: 0, height: 10 }, texts: [] }] }, /page 1's size must be/],
    ];
    for (const [options, message] of refusals) expect(() => createOfd(options)).toThrow(message);
    expect(() => sampleOfd({ pages: 0 })).toThrow(/from 1 to 1000/);
    expect(() => sampleOfd({ pages: 1001 })).toThrow(/from 1 to 1000/);
  });

  it('a written document takes a stamp like any other: every reference checks out for tongban and for the independent checker', async () => {
    const stamped = await stampOfd(sampleOfd({ pages: 2, createdAt: AT }), {
      ...SAMPLE_STAMP_AREA,
      page: 2,
      seal: fixture('UserV4.esl'),
      provider: { name: 'tongban' },
      signingTime: AT,
      sign: () => Promise.resolve(Buffer.from('a dummy SES_Signature')),
    });
    const read = readOfd(stamped);
    const [signature] = read.documents[0].signatures;
    if (signature.kind !== 'signature') throw new Error(signature.reason);
    expect(checkReferences(read, signature)).toMatchObject({ intact: true, uncovered: [] });
    const seen = independentlyRead(stamped);
    expect(seen.signatures[0].stampAnnots).toEqual([{ id: 's002', pageRef: String(seen.pageIds[1]), boundary: [128, 206, 42, 42] }]);
    for (const reference of seen.signatures[0].references) expect(reference.checkValue).toBe(reference.sm3);
    // The document itself still reads as it was written.
    expect(independentlyReadDocument(stamped).pages).toHaveLength(2);
  });

  it('names 宋体 with the Noto Serif family by default (OFD_FONTS.song)', () => {
    expect(OFD_FONTS.song).toEqual({ name: '宋体', family: 'Noto Serif CJK SC', serif: true });
    const seen = independentlyReadDocument(createOfd({ createdAt: AT, pages: [{ texts: [{ x: 0, y: 0, width: 10, text: '字' }] }] }));
    expect(seen.fonts).toEqual([{ name: '宋体', family: 'Noto Serif CJK SC', serif: true }]);
  });
});
