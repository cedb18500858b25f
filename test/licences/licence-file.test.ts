import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { strFromU8, unzipSync } from 'fflate';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { ClientStore } from '../../src/clients/client-store.js';
import { ClientsService } from '../../src/clients/clients.service.js';
import { ApiError } from '../../src/common/api-error.js';
import { makeUscc } from '../../src/identifiers/generate.js';
import { makeLicenceId } from '../../src/identifiers/licence-id.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import {
  LicenceFontError,
  licenceCheckUrl,
  licenceClaimRows,
  LicenceSeals,
  renderLicenceOfd,
  renderLicencePdf,
  type LicenceView,
} from '../../src/licences/file/index.js';
import { BUSINESS_LICENCE, RESIDENCE_PERMIT } from '../../src/licences/types/index.js';
import { checkReferences, createOfd, readOfd, readPageBox, rectanglePath, type OfdPathBox } from '../../src/ofd/index.js';
import { PkiService } from '../../src/pki/pki.service.js';
import { parseCertificate } from '../../src/pki/x509.js';
import { decodeSealV4 } from '../../src/seals/index.js';
import { AUTHORITY_SEAL_PURPOSE, SealsService } from '../../src/seals/seals.service.js';
import { independentlyRead } from '../ofd/independent-checker.js';
import { independentlyReadDocument } from '../ofd/independent-document.js';
import { backend } from '../support/test-env.js';
import { check, startVerifier, statuses, type Verifier } from '../verification/support.js';

/**
 * The licence file (issue 13 §5): the OFD read back by tongban's reader and by one written here
 * (fflate and xmldom: the holder's name among the texts, the QR code's path drawn and decoded by
 * zbarimg), the PDF read by poppler (pdftotext, pdffonts, pdftoppm) and zbarimg, and the OFD
 * stamped with the issuing authority's seal — tongban's SM2 licence key in the KeyStore — which
 * POST /api/v1/verify/document passes.
 */

const ISSUER = makeUscc({ authority: '1', entityType: '1', region: '350100', organisationBody: 'MB0C2E4F' });
const AT = new Date('2026-03-04T02:00:00Z');
const work = mkdtempSync(join(tmpdir(), 'tongban-licence-file-'));
let files = 0;

function residencePermit(overrides: Partial<LicenceView> = {}, name = '王喆'): LicenceView {
  const id = makeLicenceId({ typeCode: RESIDENCE_PERMIT.code, issuerCode: ISSUER, serial: '202600000001', version: 1 });
  const claims = {
    name,
    id_number: '110105199003071239',
    sex: 'male',
    ethnicity: '汉',
    birth_date: '1990-03-07',
    residence_address: '福建省福州市鼓楼区五四路 158 号',
    issuing_authority: '福州市公安局鼓楼分局',
  };
  return {
    id,
    type: { id: RESIDENCE_PERMIT.id, name: RESIDENCE_PERMIT.name },
    holder: { kind: 'citizen', name, identifier: '110105199003071239' },
    claims: licenceClaimRows(RESIDENCE_PERMIT, claims),
    issuer: { name: '福州市公安局', code: ISSUER },
    issuedAt: AT,
    validFrom: AT,
    validUntil: new Date('2027-03-04T02:00:00Z'),
    status: 'valid',
    checkUrl: licenceCheckUrl('https://tongban.example.gov.cn', id),
    ...overrides,
  };
}

function businessLicence(scope: string): LicenceView {
  const uscc = '91350100MA2YTB8K4L';
  const id = makeLicenceId({ typeCode: BUSINESS_LICENCE.code, issuerCode: ISSUER, serial: 'B2026000042', version: 2 });
  return {
    id,
    type: { id: BUSINESS_LICENCE.id, name: BUSINESS_LICENCE.name },
    holder: { kind: 'enterprise', name: '福州示范科技有限公司', identifier: uscc },
    claims: licenceClaimRows(BUSINESS_LICENCE, {
      uscc,
      name: '福州示范科技有限公司',
      type: '有限责任公司（自然人投资或控股）',
      legal_representative: '林小明',
      registered_capital: '壹仟万元整',
      established: '2018-06-01',
      business_term: '2018年6月1日至长期',
      address: '福建省福州市鼓楼区软件大道 89 号',
      business_scope: scope,
      registration_authority: '福州市市场监督管理局',
    }),
    issuer: { name: '福州市市场监督管理局', code: ISSUER },
    issuedAt: AT,
    validFrom: AT,
    validUntil: null,
    status: 'valid',
    checkUrl: licenceCheckUrl('https://tongban.example.gov.cn/', id),
  };
}

/** An ApiError's status and code. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; error: string }> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { status: err.getStatus(), error: (err.getResponse() as { error: string }).error };
  }
  throw new Error('expected a refusal');
}

function tool(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function save(data: Buffer, extension: string): string {
  const path = join(work, `file-${++files}.${extension}`);
  writeFileSync(path, data);
  return path;
}

// ---- reading the OFD without tongban's code ----

const NS = 'http://www.ofdspec.org/2016';

interface SeenPath {
  id: number;
  boundary: number[];
  stroke: boolean;
  fill: boolean;
  fillColor: string | null;
  data: string;
}

/** Every PathObject of every page, read with fflate and xmldom. */
function pathsOf(ofd: Buffer): SeenPath[][] {
  const files = unzipSync(ofd);
  const xml = (path: string) => new DOMParser().parseFromString(strFromU8(files[path]), 'text/xml').documentElement!;
  const pages = Array.from(xml('Doc_0/Document.xml').getElementsByTagNameNS(NS, 'Page')).map((p) => p.getAttribute('BaseLoc')!);
  return pages.map((loc) =>
    Array.from(xml(`Doc_0/${loc}`).getElementsByTagNameNS(NS, 'PathObject')).map((path: Element): SeenPath => {
      const fill = path.getElementsByTagNameNS(NS, 'FillColor')[0];
      return {
        id: Number(path.getAttribute('ID')),
        boundary: path.getAttribute('Boundary')!.split(' ').map(Number),
        stroke: path.getAttribute('Stroke') !== 'false',
        fill: path.getAttribute('Fill') === 'true',
        fillColor: fill ? fill.getAttribute('Value') : null,
        data: path.getElementsByTagNameNS(NS, 'AbstractData')[0].textContent!,
      };
    }),
  );
}

/**
 * A filled path of axis-aligned rectangles (M L L L C each, coordinates from its Boundary) drawn on
 * white at `pxPerMm` with a margin, as a greyscale PNG written here (zlib, CRC-32).
 */
function rasterise(path: SeenPath, pxPerMm = 12, marginMm = 4): Buffer {
  const [, , width, height] = path.boundary;
  const size = Math.ceil((width + 2 * marginMm) * pxPerMm);
  const rows = Math.ceil((height + 2 * marginMm) * pxPerMm);
  const pixels = Buffer.alloc(size * rows, 255);
  const tokens = path.data.trim().split(/\s+/);
  let points: Array<[number, number]> = [];
  for (let i = 0; i < tokens.length;) {
    const op = tokens[i++];
    if (op === 'M' || op === 'L') {
      points.push([Number(tokens[i++]), Number(tokens[i++])]);
    } else if (op === 'C') {
      const xs = points.map(([x]) => x);
      const ys = points.map(([, y]) => y);
      const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)].map((v) =>
        Math.round((v + marginMm) * pxPerMm),
      );
      for (let y = y0; y < y1; y++) pixels.fill(0, y * size + x0, y * size + x1);
      points = [];
    } else throw new Error(`unexpected path command ${op}`);
  }
  return greyPng(pixels, size, rows);
}

function greyPng(pixels: Buffer, width: number, height: number): Buffer {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) pixels.copy(raw, y * (width + 1) + 1, y * width, (y + 1) * width);
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (grey), compression, filter, interlace 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

function zbar(png: Buffer): string {
  return tool('zbarimg', ['-q', '--raw', save(png, 'png')]).trim();
}

/** The page's texts as one string per text box. */
function textsOf(ofd: Buffer): string[][] {
  return independentlyReadDocument(ofd).pages.map((page) => page.texts.map((t) => t.lines.map((l) => l.text).join('')));
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the licence file as OFD', () => {
  it('an A4 page in Chinese that tongban’s reader and an independent one read: title, number, holder, claims in order, issuer, dates', () => {
    const view = residencePermit();
    const { ofd, stampArea } = renderLicenceOfd(view, { createdAt: AT, docId: 'abcdef0123456789abcdef0123456789' });

    const read = readOfd(ofd);
    const [document] = read.documents;
    expect(document.pages).toHaveLength(1);
    expect(readPageBox(read, document, document.pages[0])).toEqual({ x: 0, y: 0, width: 210, height: 297 });

    const seen = independentlyReadDocument(ofd);
    expect(seen.docInfo).toMatchObject({ Title: `居住证 ${view.id}`, Author: '福州市公安局', CreationDate: '2026-03-04' });
    // Fonts by name, none embedded: 宋体 for the text, bold for the title.
    expect([...seen.files.keys()].some((path) => /\.(ttf|otf|ttc)$/i.test(path))).toBe(false);
    expect(seen.fonts.map((f) => f.name)).toEqual(['宋体', '宋体']);
    const texts = textsOf(ofd)[0];
    expect(texts[0]).toBe('居住证');
    expect(texts).toContain('Residence permit');
    expect(texts).toContain(`证照编号：${view.id}`);
    expect(texts).toContain('王喆');
    expect(texts).toContain('110105199003071239');
    expect(texts).toContain('发证机关：福州市公安局');
    expect(texts).toContain('发证日期：2026年3月4日');
    expect(texts).toContain('2026年3月4日至2027年3月4日');
    // Labels in the type's order, values as a Chinese licence prints them; the holder is not shown twice (the claims name them).
    const labels = ['姓名', '公民身份号码', '性别', '民族', '出生日期', '居住地址', '签发机关', '有效期限'];
    expect(texts.filter((t) => labels.includes(t))).toEqual(labels);
    expect(texts).toEqual(expect.arrayContaining(['男', '1990年3月7日', '福建省福州市鼓楼区五四路 158 号']));
    expect(texts).not.toContain('持证人');
    expect(texts.some((t) => t.includes('Suspended') || t.includes('Revoked'))).toBe(false);

    // The stamp area lies on the page, over the issuer's lines and below the table.
    const [page] = seen.pages;
    const issuerBox = page.texts.find((t) => t.lines[0].text.startsWith('发证机关'))!;
    const table = pathsOf(ofd)[0].filter((p) => p.stroke && !p.fill);
    const tableBottom = Math.max(...table.filter((p) => p.boundary[0] === 20).map((p) => p.boundary[1] + p.boundary[3]));
    expect(stampArea).toMatchObject({ page: 1, width: 42, height: 42 });
    expect(stampArea.y).toBeGreaterThan(tableBottom - 1);
    expect(stampArea.y).toBeLessThan(issuerBox.boundary[1]);
    expect(stampArea.y + stampArea.height).toBeGreaterThan(issuerBox.boundary[1] + issuerBox.boundary[3]);
    expect(stampArea.x + stampArea.width).toBeLessThanOrEqual(190);
  });

  it('the QR code is a vector path of its modules that, drawn as it says, zbarimg decodes to the check URL', () => {
    const view = residencePermit();
    const { ofd } = renderLicenceOfd(view);
    const filled = pathsOf(ofd)[0].filter((p) => p.fill && p.fillColor === '0 0 0');
    expect(filled).toHaveLength(1);
    const [qr] = filled;
    expect(qr.boundary[2]).toBe(qr.boundary[3]);
    expect(qr.boundary[2]).toBeGreaterThanOrEqual(25);
    expect(qr.stroke).toBe(false);
    expect(zbar(rasterise(qr))).toBe(`https://tongban.example.gov.cn/v/${view.id}`);
    // No ID above MaxUnitID, none twice (the independent reader's check covers texts; paths here).
    const seen = independentlyReadDocument(ofd);
    const ids = pathsOf(ofd)
      .flat()
      .map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids)).toBeLessThan(seen.maxUnitId);
  });

  it('a business licence with a long business scope continues on a second page, the seal after the table', () => {
    const scope = `${'软件开发；信息系统集成服务；数据处理和存储支持服务；'.repeat(60)}（依法须经批准的项目，经相关部门批准后方可开展经营活动）`;
    const view = businessLicence(scope);
    const { ofd, stampArea } = renderLicenceOfd(view);
    const pages = textsOf(ofd);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(stampArea.page).toBe(pages.length);
    expect(pages[0]).toContain('经营范围');
    expect(pages[1]).toContain('经营范围（续）');
    expect(pages[1]).toContain(`营业执照（续页）  ${view.id}`);
    expect(pages.at(-1)).toContain('发证机关：福州市市场监督管理局');
    expect(pages.flat().filter((t) => t.startsWith('第 ')).length).toBe(pages.length);
    // The business scope is whole, across the pages, in order.
    const valueBoxes = independentlyReadDocument(ofd).pages.flatMap((page) =>
      page.texts.filter(
        (t) => (t.boundary[0] > 60 && t.lines[0].text.startsWith('软件')) || t.lines.some((l) => l.text.includes('依法须经')),
      ),
    );
    expect(valueBoxes.map((t) => t.lines.map((l) => l.text).join('')).join('')).toBe(scope);
    // No end of validity: 长期.
    expect(pages.flat()).toContain('2026年3月4日起长期有效');
    // The enterprise is named by the claims: no separate holder rows.
    expect(pages[0]).not.toContain('持证主体');
  });

  it('a licence that is not valid says so across its top; a holder without the claims gets the holder rows', () => {
    const view = residencePermit({ status: 'revoked', claims: [] });
    const texts = textsOf(renderLicenceOfd(view).ofd)[0];
    expect(texts).toContain('本证照已被发证机关撤销，不再有效，此文件仅供存档（Revoked）');
    expect(texts).toEqual(expect.arrayContaining(['持证人', '王喆', '公民身份号码', '110105199003071239']));
  });

  it('createOfd’s paths: under the texts, M/L/C from their box, stroke and fill as asked; what it cannot write is refused', () => {
    const page = (paths: OfdPathBox[]) => createOfd({ pages: [{ texts: [{ x: 20, y: 20, width: 100, text: '正文' }], paths }] });
    const ofd = page([
      { x: 10, y: 10, width: 50, height: 20, commands: rectanglePath(0, 0, 50, 20), stroke: { color: [30, 64, 120], width: 0.5 } },
      { x: 10, y: 40, width: 10, height: 10, commands: rectanglePath(0, 0, 10, 10), fill: [0, 0, 0], rule: 'Even-Odd' },
    ]);
    const content = strFromU8(unzipSync(ofd)['Doc_0/Pages/Page_0/Content.xml']);
    expect(content).toContain(
      '<ofd:PathObject ID="3" Boundary="10 10 50 20" LineWidth="0.5"><ofd:StrokeColor Value="30 64 120"/>' +
        '<ofd:AbstractData>M 0 0 L 50 0 L 50 20 L 0 20 C</ofd:AbstractData></ofd:PathObject>',
    );
    expect(content).toContain(
      '<ofd:PathObject ID="4" Boundary="10 40 10 10" Stroke="false" Fill="true" Rule="Even-Odd"><ofd:FillColor Value="0 0 0"/>',
    );
    expect(content.indexOf('PathObject')).toBeLessThan(content.indexOf('TextObject'));
    expect(independentlyReadDocument(ofd).pages[0].texts[0].lines[0].text).toBe('正文');
    const refusals: Array<[OfdPathBox, RegExp]> = [
      [{ x: 200, y: 10, width: 20, height: 10, commands: rectanglePath(0, 0, 20, 10), fill: [0, 0, 0] }, /does not lie on the page/],
      [{ x: 10, y: 10, width: 20, height: 10, commands: rectanglePath(0, 0, 30, 10), fill: [0, 0, 0] }, /outside the path's box/],
      [{ x: 10, y: 10, width: 20, height: 10, commands: [{ op: 'L', x: 1, y: 1 }], stroke: {} }, /before any M/],
      [{ x: 10, y: 10, width: 20, height: 10, commands: [{ op: 'C' }], stroke: {} }, /not started/],
      [{ x: 10, y: 10, width: 20, height: 10, commands: rectanglePath(0, 0, 5, 5) }, /stroked, filled or both/],
      [{ x: 10, y: 10, width: 20, height: 10, commands: [], fill: [0, 0, 0] }, /needs commands/],
      [{ x: 10, y: 10, width: 20, height: 10, commands: rectanglePath(0, 0, 5, 5), fill: [0, 0, 256] }, /fill colour/],
      [{ x: 10, y: 10, width: 20, height: 10, commands: rectanglePath(0, 0, 5, 5), stroke: { width: 0 } }, /line width/],
    ];
    for (const [path, message] of refusals) expect(() => page([path])).toThrow(message);
  });

  it('refuses a view it cannot lay out', () => {
    expect(() => renderLicenceOfd(residencePermit({ checkUrl: 'javascript:alert(1)' }))).toThrow(RangeError);
    expect(() => renderLicenceOfd(residencePermit({ holder: { kind: 'citizen', name: ' ', identifier: 'x' } }))).toThrow(/holder's name/);
    expect(() => renderLicenceOfd(residencePermit({ validFrom: new Date(NaN) }))).toThrow(/validFrom/);
  });
});

describe('the licence file as PDF', () => {
  it('pdftotext reads the Chinese name and type; every font is embedded; the QR decodes to the check URL', async () => {
    const name = '阿依古丽·买买提';
    const view = residencePermit({}, name);
    const pdf = await renderLicencePdf(view, { createdAt: AT });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const path = save(pdf, 'pdf');

    const text = tool('pdftotext', ['-layout', path, '-']);
    expect(text).toContain(name);
    expect(text).toContain('居住证');
    expect(text).toContain(view.id);
    expect(text).toContain('福州市公安局');

    const fonts = tool('pdffonts', [path]).trim().split('\n').slice(2);
    expect(fonts.length).toBe(2);
    for (const line of fonts) {
      // name, type, encoding, emb, sub, uni, object ID
      const [font, , , , , emb, sub, uni] = line.split(/\s+/);
      expect({ font, emb, sub, uni }).toEqual({
        font: expect.stringMatching(/^[A-Z]{6}\+NotoSerifCJKsc-(Regular|Bold)$/),
        emb: 'yes',
        sub: 'yes',
        uni: 'yes',
      });
    }

    const prefix = join(work, `page-${++files}`);
    tool('pdftoppm', ['-png', '-r', '150', path, prefix]);
    const png = readdirSync(work).find((f) => f.startsWith(`page-${files}`))!;
    expect(tool('zbarimg', ['-q', '--raw', join(work, png)]).trim()).toBe(view.checkUrl);
  });

  it('a character the fonts lack is refused with the characters and the fields named, never drawn blank', async () => {
    // 𠀀 (U+20000) is in no font tongban ships; 喆 and 堃 (通用规范汉字表, not GB 2312) are.
    const ok = await renderLicencePdf(residencePermit({}, '王喆堃'));
    expect(tool('pdftotext', [save(ok, 'pdf'), '-'])).toContain('王喆堃');
    const refused = await renderLicencePdf(residencePermit({}, '张𠀀')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(LicenceFontError);
    expect(refused).toMatchObject({ code: 'font_lacks_characters', characters: ['𠀀'], fields: ['姓名'] });
    expect((refused as Error).message).toContain('U+20000');
    // The OFD names its fonts: the reader draws the character, so it is still made.
    expect(textsOf(renderLicenceOfd(residencePermit({}, '张𠀀')).ofd)[0]).toContain('张𠀀');
  });
});

describe(`the licence file stamped with the issuing authority's seal, verified through the API, on ${backend}`, () => {
  let v: Verifier;
  let seals: SealsService;
  let licenceSeals: LicenceSeals;
  let authority: string;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    v = await startVerifier();
    const app = v.server.app;
    seals = app.get(SealsService);
    licenceSeals = new LicenceSeals(seals, app.get(PkiService), app.get(KeyStore), app.get(ClientStore));
    authority = `fuzhou-psb-${Math.random().toString(36).slice(2, 6)}`;
    await app.get(ClientsService).register({
      client_id: authority,
      client_name: '福州市公安局',
      'client_name#en': 'Fuzhou Public Security Bureau',
      scope: 'licence:issue',
      licence_types: ['residence-permit'],
      issuer_code: ISSUER,
    });
  });
  afterAll(async () => {
    await v?.close();
    if (Object.keys(timings).length) console.log(`licence file timings (ms per file): ${JSON.stringify(timings)}`);
  });

  it('TOTAL_PASSED with every check passed; the seal is the authority’s, its signer tongban’s SM2 licence key', async () => {
    const view = residencePermit();
    const { ofd, stampArea } = renderLicenceOfd(view);
    const stamped = await licenceSeals.stamp(ofd, authority, stampArea);
    const [report, ...more] = await v.document(stamped);
    expect(more).toEqual([]);
    expect(statuses(report)).toEqual([
      'format:PASSED',
      'dataHash:PASSED',
      'signature:PASSED',
      'seal:PASSED',
      'certList:PASSED',
      'chain:PASSED',
      'revocation:PASSED',
      'validity:PASSED',
    ]);
    expect(report).toMatchObject({
      indication: 'TOTAL_PASSED',
      subject: { commonName: expect.stringMatching(/^tongban SM2 Licence Issuer/) },
      signature: { type: 'Seal', algorithm: 'SM2 with SM3' },
      seal: { name: '福州市公安局', type: 1, vendor: 'tongban', maker: { commonName: 'tongban SM2 Seal Maker' } },
    });
    expect(report.subIndication).toBeUndefined();
    expect(check(report, 'revocation').message).toMatch(/^the seal: not revoked/);

    // The stamp is where the layout put it, and every reference checks out for tongban and for the independent checker.
    const read = readOfd(stamped);
    const [signature] = read.documents[0].signatures;
    expect(signature.kind).toBe('signature');
    if (signature.kind !== 'signature') return;
    expect(signature.stampAnnots[0].boundary).toEqual({ x: stampArea.x, y: stampArea.y, width: 42, height: 42 });
    expect(checkReferences(read, signature).intact).toBe(true);
    const [independent] = independentlyRead(stamped).signatures;
    expect(independent.references.every((r) => r.sm3 === r.checkValue)).toBe(true);
    // The page still reads as the licence, holder's name and all.
    expect(textsOf(stamped)[0]).toContain('王喆');

    // The seal: the authority's USCC and name, 电子证照专用章, one signer (tongban's licence certificate).
    const made = await licenceSeals.sealFor(authority);
    expect(made.seal).toMatchObject({ uscc: ISSUER, name: '福州市公安局', type: 1, algorithm: 'sm2', status: 'valid' });
    const decoded = decodeSealV4(made.seal.der);
    expect(decoded.eSealInfo.property.certList).toEqual({ kind: 'certs', certs: [made.signer.certificate] });
    expect(parseCertificate(made.signer.certificate).serial).toBe(made.seal.signerSerials[0]);
    expect((await v.server.app.get(PkiService).ownCertificate('licence', 'sm2')).der.equals(made.signer.certificate)).toBe(true);
    expect(made.picture.png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(AUTHORITY_SEAL_PURPOSE).toBe('电子证照专用章');
  });

  it('one seal per authority: made once, found again (another LicenceSeals, as another process); a revoked one is replaced', async () => {
    const first = await licenceSeals.sealFor(authority);
    const again = await new LicenceSeals(
      seals,
      v.server.app.get(PkiService),
      v.server.app.get(KeyStore),
      v.server.app.get(ClientStore),
    ).sealFor(authority);
    expect(again.seal.esID).toBe(first.seal.esID);
    const listed = await seals.listForEnterprise(ISSUER);
    expect(listed.map((s) => s.esID)).toEqual([first.seal.esID]);

    await seals.revoke(first.seal.esID, 'superseded', 'licence file tests');
    const fresh = new LicenceSeals(seals, v.server.app.get(PkiService), v.server.app.get(KeyStore), v.server.app.get(ClientStore));
    const next = await fresh.sealFor(authority);
    expect(next.seal.esID).not.toBe(first.seal.esID);
    expect(next.seal.status).toBe('valid');
    const { ofd, stampArea } = renderLicenceOfd(residencePermit());
    const [report] = await v.document(await fresh.stamp(ofd, authority, stampArea));
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.seal?.esID).toBe(next.seal.esID);
  });

  it('only issuing authorities get a seal; the enterprise path still refuses an agency that is not in the register', async () => {
    const plain = `plain-${Math.random().toString(36).slice(2, 6)}`;
    await v.server.app.get(ClientsService).register({ client_id: plain, scope: 'verify' });
    expect(await refusal(licenceSeals.sealFor(plain))).toEqual({ status: 403, error: 'not_an_issuing_authority' });
    expect(await refusal(licenceSeals.sealFor('no-such-client'))).toEqual({ status: 403, error: 'not_an_issuing_authority' });
    const pki = v.server.app.get(PkiService);
    const licencePem = (await pki.ownCertificate('licence', 'sm2')).pem;
    expect(
      await refusal(
        seals.make(
          { uscc: ISSUER, type: 1, name: '福州市公安局', signerCertificates: [licencePem], validEnd: new Date(Date.now() + 86_400_000) },
          { madeBy: 'licence file tests' },
        ),
      ),
    ).toEqual({ status: 404, error: 'enterprise_not_found' });
    // A USCC with a wrong check character is no authority's.
    expect(await refusal(seals.makeAuthoritySeal({ uscc: '91350100MA2YTB8K4X', name: '某机关' }, { madeBy: 'tests' }))).toEqual({
      status: 400,
      error: 'validation_failed',
    });
  });

  it('the PDF prints the authority’s seal picture in the stamp area when given it (a picture, not a signature)', async () => {
    const seal = await licenceSeals.sealFor(authority);
    const path = save(await renderLicencePdf(residencePermit(), { sealPicture: seal.picture }), 'pdf');
    // The seal's PNG: one image with its soft mask (the red ink's transparency).
    const images = tool('pdfimages', ['-list', path]).trim().split('\n').slice(2);
    expect(images.map((line) => line.trim().split(/\s+/)[2])).toEqual(['image', 'smask']);
    expect(tool('pdftotext', [path, '-'])).toContain('王喆');
  });

  it('figures: rendering and stamping per file', async () => {
    const view = residencePermit();
    const seal = await licenceSeals.sealFor(authority);
    const time = async (name: string, n: number, run: () => unknown) => {
      await run();
      const start = performance.now();
      for (let i = 0; i < n; i++) await run();
      timings[name] = Math.round(((performance.now() - start) / n) * 10) / 10;
    };
    await time('ofd', 20, () => renderLicenceOfd(view));
    await time('ofd+stamp', 10, async () => {
      const { ofd, stampArea } = renderLicenceOfd(view);
      return licenceSeals.stampWith(ofd, seal, stampArea);
    });
    await time('pdf', 5, () => renderLicencePdf(view, { sealPicture: seal.picture }));
    expect(timings.ofd).toBeGreaterThan(0);
  });
});
