import '../support/silent.js';
import fastifyCookie from '@fastify/cookie';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { securityHeadersHook } from '../../src/common/security-headers.js';
import { makeUscc } from '../../src/identifiers/generate.js';
import { makeLicenceId } from '../../src/identifiers/licence-id.js';
import {
  LICENCE_LOOKUP,
  LicenceCheckPageController,
  type LicenceLookup,
  type PublicLicenceView,
} from '../../src/licences/check-page/index.js';
import { BUSINESS_LICENCE, RESIDENCE_PERMIT } from '../../src/licences/types/index.js';
import { seriousAxeViolations, WIDTHS } from '../support/axe.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';

/**
 * The public check page of a licence (GET /v/{id}, issue 13 §7) as someone who scanned a licence
 * file's QR code sees it in Chromium: only the type, issuer, status, validity and the holder's
 * name — a citizen's masked — in zh-CN and in English; a styled page for an unknown number; and
 * axe-core finds nothing serious at a phone's width or a desktop's, in either language. The
 * controller runs on a Nest application of its own with an in-memory LicenceLookup (the issuance
 * service provides the real one on the licences table).
 */

const ISSUER = makeUscc({ authority: '1', entityType: '1', region: '350100', organisationBody: 'MB0C2E4F' });
const DAY = 86_400_000;

/** The in-memory LicenceLookup of this test. */
class MemoryLicenceLookup implements LicenceLookup {
  readonly licences = new Map<string, PublicLicenceView>();
  async publicView(id: string): Promise<PublicLicenceView | undefined> {
    return Promise.resolve(this.licences.get(id));
  }
  add(view: PublicLicenceView): PublicLicenceView {
    this.licences.set(view.id, view);
    return view;
  }
}

describe('the licence check page in a browser', () => {
  let app: NestFastifyApplication;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const lookup = new MemoryLicenceLookup();
  const citizen = lookup.add({
    id: makeLicenceId({ typeCode: RESIDENCE_PERMIT.code, issuerCode: ISSUER, serial: '202600000001', version: 1 }),
    type: { id: RESIDENCE_PERMIT.id, name: RESIDENCE_PERMIT.name },
    issuer: { name: '福州市公安局', nameEn: 'Fuzhou Public Security Bureau' },
    holder: { kind: 'citizen', name: '张小三' },
    status: 'valid',
    validFrom: new Date(Date.now() - 30 * DAY),
    validUntil: new Date(Date.now() + 335 * DAY),
  });
  const revoked = lookup.add({
    id: makeLicenceId({ typeCode: BUSINESS_LICENCE.code, issuerCode: ISSUER, serial: 'B2026000042', version: 2 }),
    type: { id: BUSINESS_LICENCE.id, name: BUSINESS_LICENCE.name },
    issuer: { name: '福州市市场监督管理局', nameEn: 'Fuzhou Administration for Market Regulation' },
    holder: { kind: 'enterprise', name: '福州示范科技有限公司' },
    status: 'revoked',
    validFrom: new Date('2026-03-04T02:00:00Z'),
    validUntil: null,
  });

  beforeAll(async () => {
    @Module({ controllers: [LicenceCheckPageController], providers: [{ provide: LICENCE_LOOKUP, useValue: lookup }] })
    class CheckPageTestModule {}
    const adapter = new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 } });
    adapter.getInstance().addHook('onRequest', securityHeadersHook());
    app = await NestFactory.create<NestFastifyApplication>(CheckPageTestModule, adapter, { logger: false });
    await app.register(fastifyCookie);
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(async () => {
    context = await newCitizenContext(browser);
    page = await context.newPage();
  });

  afterEach(async () => {
    const state = expect.getState();
    if (state.assertionCalls > state.numPassingAsserts) await screenshotOnFailure(page, 'browser-licence-check');
    await context.close();
  });

  /** The description list's terms and details, as shown. */
  async function fields(): Promise<Array<[string, string]>> {
    const terms = await page.locator('dl.profile dt').allInnerTexts();
    const details = await page.locator('dl.profile dd').allInnerTexts();
    return terms.map((term, i) => [term, details[i].replace(/\s+/g, ' ')]);
  }

  test('a citizen’s licence: only type, issuer, status, validity and the masked name; zh-CN first, English by the switch', async () => {
    const response = await page.goto(`${url}/v/${citizen.id}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('电子证照核验');
    expect(await page.getByRole('region', { name: '状态：有效' }).innerText()).toContain('目前有效');
    expect(await fields()).toEqual([
      ['证照编号', citizen.id],
      ['证照类型', '居住证'],
      ['发证机关', '福州市公安局'],
      ['持证人', '张*三 （已部分隐去）'],
      ['有效期限', expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日$/)],
    ]);
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('张小三');

    await page.locator('a.lang-switch').click();
    await page.waitForURL((u) => u.searchParams.get('lang') === 'en');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Electronic licence check');
    expect(await page.getByRole('region', { name: 'Status: Valid' }).isVisible()).toBe(true);
    expect(await fields()).toEqual([
      ['Licence number', citizen.id],
      ['Type of licence', 'Residence permit'],
      ['Issuing authority', 'Fuzhou Public Security Bureau'],
      ['Holder', '张*三 (partly hidden)'],
      ['Valid', expect.stringMatching(/^from \d{1,2} [A-Z][a-z]+ \d{4} to \d{1,2} [A-Z][a-z]+ \d{4}$/)],
    ]);
    expect(await page.locator('body').innerText()).not.toContain('张小三');
  });

  test('a revoked enterprise licence says so in words; an unknown number gets the styled not-found page', async () => {
    await page.goto(`${url}/v/${revoked.id}`);
    const status = page.getByRole('region', { name: '状态：已撤销' });
    expect(await status.innerText()).toContain('发证机关已撤销这份证照，它不再有效，也不会恢复。');
    expect(await fields()).toContainEqual(['持证人', '福州示范科技有限公司']);

    const missing = await page.goto(`${url}/v/${citizen.id.replace('.202600000001.', '.202600000002.').slice(0, -1)}X`);
    expect(missing?.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('没有找到这份证照');
    expect(await page.locator('a[href="/"]').count()).toBeGreaterThan(0);
  });

  test('axe-clean at a phone’s width and a desktop’s, in both languages, with nothing wider than the screen', async () => {
    const found: Array<{ what: string; violations: unknown[] }> = [];
    const paths = [`/v/${citizen.id}`, `/v/${revoked.id}`, '/v/not-a-licence-number'];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 844 });
      for (const lang of ['zh-CN', 'en']) {
        for (const path of paths) {
          await page.goto(`${url}${path}?lang=${lang}`);
          const violations = await seriousAxeViolations(page);
          if (violations.length) found.push({ what: `${path} ${lang} ${width}px`, violations });
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect({ path, lang, width, overflow }).toEqual({ path, lang, width, overflow: 0 });
        }
      }
    }
    expect(found).toEqual([]);
  });
});
