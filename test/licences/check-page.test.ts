import './../support/silent.js';
import fastifyCookie from '@fastify/cookie';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { securityHeadersHook } from '../../src/common/security-headers.js';
import { makeUscc } from '../../src/identifiers/generate.js';
import { makeLicenceId } from '../../src/identifiers/licence-id.js';
import {
  LICENCE_LOOKUP,
  LicenceCheckPageController,
  licenceCheckUrl,
  maskHolderName,
  shownStatus,
  type LicenceLookup,
  type PublicLicenceView,
} from '../../src/licences/check-page/index.js';
import { BUSINESS_LICENCE, RESIDENCE_PERMIT } from '../../src/licences/types/index.js';

/**
 * The public check page GET /v/{id} (issue 13 §7) over HTTP, on a Nest application of its own with
 * the controller and an in-memory LicenceLookup (the issuance service provides the real one): what
 * it shows of each licence and state, what it never shows, and its styled 404 and 503 pages.
 */

const ISSUER = makeUscc({ authority: '1', entityType: '1', region: '350100', organisationBody: 'MB0C2E4F' });
const DAY = 86_400_000;
const id = (serial: string, type = RESIDENCE_PERMIT.code) => makeLicenceId({ typeCode: type, issuerCode: ISSUER, serial, version: 1 });

/** The in-memory LicenceLookup of these tests: the licences by id; `broken` makes every read fail. */
class MemoryLicenceLookup implements LicenceLookup {
  readonly licences = new Map<string, PublicLicenceView>();
  readonly asked: string[] = [];
  broken = false;

  async publicView(licenceId: string): Promise<PublicLicenceView | undefined> {
    this.asked.push(licenceId);
    if (this.broken) throw new Error('the licences table cannot be read');
    return Promise.resolve(this.licences.get(licenceId));
  }

  add(view: PublicLicenceView): PublicLicenceView {
    this.licences.set(view.id, view);
    return view;
  }
}

function citizenLicence(serial: string, overrides: Partial<PublicLicenceView> = {}): PublicLicenceView {
  return {
    id: id(serial),
    type: { id: RESIDENCE_PERMIT.id, name: RESIDENCE_PERMIT.name },
    issuer: { name: '福州市公安局', nameEn: 'Fuzhou Public Security Bureau' },
    holder: { kind: 'citizen', name: '张小三' },
    status: 'valid',
    validFrom: new Date(Date.now() - 30 * DAY),
    validUntil: new Date(Date.now() + 335 * DAY),
    ...overrides,
  };
}

describe('the licence check page, GET /v/{id}', () => {
  let app: NestFastifyApplication;
  let url: string;
  const lookup = new MemoryLicenceLookup();

  beforeAll(async () => {
    @Module({ controllers: [LicenceCheckPageController], providers: [{ provide: LICENCE_LOOKUP, useValue: lookup }] })
    class CheckPageTestModule {}
    const adapter = new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 } });
    adapter.getInstance().addHook('onRequest', securityHeadersHook());
    app = await NestFactory.create<NestFastifyApplication>(CheckPageTestModule, adapter, { logger: false });
    await app.register(fastifyCookie);
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    url = url.replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, { headers: { accept: 'text/html', ...headers } });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
  /** The visible text: markup and the stylesheet left out, entities read. */
  const visible = (body: string) =>
    body
      .replace(/<style>[\s\S]*?<\/style>/, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ');

  it('a valid citizen’s licence: status in words, number, type, issuer, masked name, validity; never cached', async () => {
    const licence = lookup.add(citizenLicence('1001'));
    const page = await get(`/v/${licence.id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.body).toContain('<html lang="zh-CN">');
    const text = visible(page.body);
    expect(text).toContain('电子证照核验');
    expect(text).toContain('状态：有效');
    expect(text).toContain('这份证照由下列发证机关签发，目前有效。');
    expect(text).toContain(licence.id);
    expect(text).toContain('居住证');
    expect(text).toContain('福州市公安局');
    expect(text).toContain('张*三');
    expect(text).not.toContain('张小三');
    expect(text).toMatch(/有效期限 \d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日/);
    expect(page.body).toContain('data-status="valid"');
    expect(page.body).toContain(`href="/v/${licence.id}?lang=en"`);
  });

  it('in English by the language switch, the type and issuer in English', async () => {
    const licence = lookup.add(citizenLicence('1002', { holder: { kind: 'citizen', name: '王五' } }));
    const page = await get(`/v/${licence.id}?lang=en`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="en">');
    const text = visible(page.body);
    expect(text).toContain('Electronic licence check');
    expect(text).toContain('Status: Valid');
    expect(text).toContain('Residence permit');
    expect(text).toContain('Fuzhou Public Security Bureau');
    expect(text).toContain('王* (partly hidden)');
    expect(text).toMatch(/Valid from \d{1,2} [A-Z][a-z]+ \d{4} to \d{1,2} [A-Z][a-z]+ \d{4}/);
    expect(page.headers.get('set-cookie')).toMatch(/^tongban_lang=en;/);
  });

  it('each state explained in words: suspended, revoked, expired (also past validUntil), not yet valid', async () => {
    const cases: Array<[Partial<PublicLicenceView>, string, string]> = [
      [{ status: 'suspended' }, 'suspended', '状态：已暂停'],
      [{ status: 'revoked' }, 'revoked', '状态：已撤销'],
      [{ status: 'expired' }, 'expired', '状态：已过期'],
      [{ status: 'valid', validUntil: new Date(Date.now() - DAY) }, 'expired', '发证机关'],
      [{ status: 'valid', validFrom: new Date(Date.now() + DAY) }, 'not_yet_valid', '状态：尚未生效'],
      [{ status: 'suspended', validUntil: new Date(Date.now() - DAY) }, 'expired', '状态：已过期'],
    ];
    let n = 2000;
    for (const [overrides, shown, words] of cases) {
      const licence = lookup.add(citizenLicence(String(++n), overrides));
      const page = await get(`/v/${licence.id}`);
      expect([shown, page.status]).toEqual([shown, 200]);
      expect([shown, page.body.includes(`data-status="${shown}"`)]).toEqual([shown, true]);
      expect([shown, visible(page.body).includes(words)]).toEqual([shown, true]);
    }
    const en = await get(`/v/${id('2002')}?lang=en`);
    expect(visible(en.body)).toContain(
      'The issuing authority has revoked this licence. It is no longer valid and will not become valid again.',
    );
  });

  it('an enterprise’s licence shows the enterprise’s name in full; no end of validity is 长期', async () => {
    const licence = lookup.add({
      id: id('3001', BUSINESS_LICENCE.code),
      type: { id: BUSINESS_LICENCE.id, name: BUSINESS_LICENCE.name },
      issuer: { name: '福州市市场监督管理局' },
      holder: { kind: 'enterprise', name: '福州示范科技有限公司' },
      status: 'valid',
      validFrom: new Date('2026-03-04T02:00:00Z'),
      validUntil: null,
    });
    const text = visible((await get(`/v/${licence.id}`)).body);
    expect(text).toContain('持证人 福州示范科技有限公司');
    expect(text).not.toContain('（已部分隐去）');
    expect(text).toContain('2026年3月4日起长期有效');
    // No English name for the issuer: its Chinese one.
    expect(visible((await get(`/v/${licence.id}?lang=en`)).body)).toContain('福州市市场监督管理局');
  });

  it('shows only the allowed fields: nothing of what a lookup might carry besides', async () => {
    const licence = citizenLicence('4001');
    lookup.add({
      ...licence,
      // A careless lookup handing over more than the interface asks for.
      ...({ claims: { id_number: '110105199003071239', address: '福建省福州市鼓楼区五四路 158 号' }, reason: 'death' } as object),
    });
    const page = await get(`/v/${licence.id}`);
    const terms = [...page.body.matchAll(/<dt>([^<]+)<\/dt>/g)].map((m) => m[1]);
    expect(terms).toEqual(['证照编号', '证照类型', '发证机关', '持证人', '有效期限']);
    for (const secret of ['110105199003071239', '五四路', 'death', '张小三']) expect(page.body).not.toContain(secret);
  });

  it('a lower-case number is the same licence; a malformed or unknown one gets the styled 404 page, not JSON', async () => {
    const licence = lookup.add(citizenLicence('5001'));
    expect((await get(`/v/${licence.id.toLowerCase()}`)).status).toBe(200);
    expect(lookup.asked.at(-1)).toBe(licence.id);

    const unknown = await get(`/v/${id('5999')}`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(visible(unknown.body)).toContain('没有找到这份证照');
    expect(visible(unknown.body)).toContain('通办没有这个编号的电子证照');

    const asked = lookup.asked.length;
    const wrongCheck = licence.id.slice(0, -1) + (licence.id.endsWith('0') ? '1' : '0');
    for (const bad of [wrongCheck, 'not-a-licence', '1.2.156.3005.2.x', encodeURIComponent('<script>alert(1)</script>')]) {
      const page = await get(`/v/${bad}`);
      expect([bad, page.status]).toEqual([bad, 404]);
      expect(visible(page.body)).toContain('链接中的编号不是有效的电子证照编号');
      expect(page.body).not.toContain('<script>alert');
    }
    // A malformed number is not looked up.
    expect(lookup.asked.length).toBe(asked);
    const en = await get(`/v/nope?lang=en`);
    expect(en.body).toContain('<html lang="en">');
    expect(visible(en.body)).toContain('Licence not found');
    // Even a program asking for JSON gets the page: this path is for people.
    expect((await get(`/v/nope`, { accept: 'application/json' })).headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('when the licences cannot be read: a styled 503 page', async () => {
    const licence = lookup.add(citizenLicence('6001'));
    lookup.broken = true;
    try {
      const page = await get(`/v/${licence.id}`);
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.body).not.toContain('the licences table cannot be read');
    } finally {
      lookup.broken = false;
    }
  });

  it('names masked by code point; the status decided with the dates; the URL the QR code opens', () => {
    expect(['张三', '张小三', '欧阳娜娜', '王', '阿依古丽·买买提', '𠀀小明'].map(maskHolderName)).toEqual([
      '张*',
      '张*三',
      '欧**娜',
      '*',
      '阿******提',
      '𠀀*明',
    ]);
    const now = new Date('2026-03-04T00:00:00Z');
    const dates = { validFrom: new Date('2026-01-01T00:00:00Z'), validUntil: new Date('2027-01-01T00:00:00Z') };
    expect(shownStatus({ status: 'valid', ...dates }, now)).toBe('valid');
    expect(shownStatus({ status: 'valid', ...dates, validUntil: now }, now)).toBe('expired');
    expect(shownStatus({ status: 'revoked', ...dates, validUntil: now }, now)).toBe('revoked');
    expect(shownStatus({ status: 'valid', ...dates, validUntil: null }, now)).toBe('valid');
    expect(licenceCheckUrl('https://tongban.example.gov.cn/', id('7001'))).toBe(`https://tongban.example.gov.cn/v/${id('7001')}`);
  });
});
