import { LICENCE_ID_EXAMPLE } from '../../src/licences/issuance/licences.dto.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/accounts/demo-accounts.js';
import { AccountsService } from '../../src/accounts/accounts.service.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-data.js';
import { seriousAxeViolations, WIDTHS } from '../support/axe.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { registerPortal } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { scenarioSteps } from '../support/steps.js';
import { backend } from '../support/test-env.js';

const ZHANG = DEMO_CITIZENS[1];
const LI = DEMO_CITIZENS[2];
const PORTAL_A = '示范税务服务（网站 A）';
const PORTAL_A_EN = 'Demo tax service (website A)';
const PORTAL_B = '示范社保服务（网站 B）';
/** The portal of the other citizen's entries: its name must never show on 张三's page. */
const OTHERS_PORTAL = '另一位市民的门户';

/**
 * 谁用了我的身份信息 as a citizen lives it in Chromium (issue 14 §4, §6): the demo citizen 张三
 * signs in at demo portal A, opens the account console and its access log, and finds that
 * sign-in first — the portal by its name, the level in words, in one sentence, newest first —
 * and nothing of another citizen's (李娜's entries, appended just before through AuditService);
 * then demo portal B, signed in by the same session, is there too.
 * Older entries are a page away ("更早的记录"); the page reads in English too; axe at 390 and
 * 1280 px; screenshots at both widths in /tmp/access-log-*.png.
 */
describe(`the access log in a browser, on ${backend}`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;
  let audit: AuditService;
  let zhangAccount: string;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    audit = server.app.get(AuditService);
    const accounts = server.app.get(AccountsService);
    zhangAccount = (await accounts.findByIdNumber(ZHANG.id_number))!.id;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  const step = scenarioSteps(async () => {
    const shot = await screenshotOnFailure(page, 'browser-access-log');
    return `(browser at ${page?.url()}${shot ? `; screenshot: ${shot}` : ''})`;
  });

  /** axe finds nothing serious at either width, and nothing is wider than the screen (no sideways scrolling on a phone). */
  async function expectAccessible(p: Page, what: string): Promise<void> {
    for (const width of WIDTHS) {
      await p.setViewportSize({ width, height: 900 });
      expect({ what, width, violations: await seriousAxeViolations(p) }).toEqual({ what, width, violations: [] });
      expect({ what, width, scrollWidth: await p.evaluate(() => document.documentElement.scrollWidth) }).toEqual({
        what,
        width,
        scrollWidth: width,
      });
    }
    await p.setViewportSize({ width: 1024, height: 800 });
  }

  /** The entries' sentences as the page shows them, top to bottom. */
  const entries = async () => (await page.locator('ol.access-log > li').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
  const mainText = async () => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

  step("another citizen's entries are in the log before 张三 signs in anywhere", async () => {
    const li = (await server.app.get(AccountsService).findByIdNumber(LI.id_number))!;
    const others = await registerPortal(server, { client_name: OTHERS_PORTAL, 'client_name#en': 'Another citizen’s portal' });
    const subject = { kind: 'account', id: li.id } as const;
    await audit.append({
      action: 'signin',
      actor: subject,
      subject,
      client: others.clientId,
      outcome: 'success',
      details: { acr: 'urn:tongban:loa:2' },
    });
    await audit.append({
      action: 'claim.id_number.release',
      actor: { kind: 'client', id: others.clientId },
      subject,
      client: others.clientId,
      outcome: 'success',
    });
    const index = (await audit.citizenSubjects(LI.id_number))[0];
    await audit.append({
      action: 'signin',
      actor: { kind: 'system', id: 'anonymous' },
      subject: index,
      client: others.clientId,
      outcome: 'failure',
    });
  });

  step('张三 signs in at demo portal A with his password', async () => {
    context = await newCitizenContext(browser);
    page = await context.newPage();
    await page.goto(`${server.url}/demo/portal-a`);
    await page.getByRole('link', { name: '使用通办统一身份认证登录' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/interaction/'));
    await page.getByLabel('身份证号', { exact: true }).fill(ZHANG.id_number);
    await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    const allow = page.getByRole('button', { name: '同意并继续', exact: true });
    await Promise.race([allow.waitFor().then(() => allow.click()), page.waitForURL((url) => url.pathname === '/demo/portal-a')]);
    await page.waitForURL((url) => url.pathname === '/demo/portal-a');
    expect(await page.locator('main').innerText()).toContain('已登录');
  });

  step('the account page links to 谁用了我的身份信息; the log shows portal A’s sign-in first, in words', async () => {
    await page.goto(`${server.url}/account`);
    await page.waitForURL(`${server.url}/account`);
    await page.getByRole('link', { name: '谁用了我的身份信息' }).click();
    await page.waitForURL(`${server.url}/account/access-log`);
    await page.getByRole('heading', { level: 1, name: '谁用了我的身份信息' }).waitFor();
    const rows = await entries();
    const signIn = rows.findIndex((row) => row.startsWith(`${PORTAL_A} 于`) && row.includes('为您登录'));
    expect({ rows, signIn }).toEqual({ rows, signIn: expect.any(Number) });
    expect(signIn).toBeGreaterThanOrEqual(0);
    expect(rows[signIn]).toMatch(
      new RegExp(`^${PORTAL_A.replace(/[()（）]/g, '.')} 于 \\d{4}年\\d{1,2}月\\d{1,2}日 \\d\\d:\\d\\d 以“基本”级别为您登录。$`),
    );
    // Among the newest: only what came of the same sign-in (the consent, the portal collecting the details) is newer.
    for (const row of rows.slice(0, signIn)) expect(row).toContain(PORTAL_A);
    // Newest first.
    const times = await page
      .locator('ol.access-log > li')
      .evaluateAll((items) => items.map((li) => Date.parse(li.getAttribute('data-at')!)));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Nothing of another citizen's, and no protocol words.
    const text = await mainText();
    expect(text).not.toContain(OTHERS_PORTAL);
    expect(text).not.toContain(LI.id_number);
    expect(text).not.toMatch(/urn:|acr|amr|loa|client_id|id_number|signin/i);
    expect(text).toContain('这些记录只能添加，不能修改或删除');
    // A single page of entries: it says there are no earlier ones.
    expect(await page.getByRole('link', { name: '更早的记录' }).count()).toBe(0);
    expect(text).toContain('没有更早的记录了。');
    await expectAccessible(page, 'the access log, zh-CN');
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `/tmp/access-log-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1024, height: 800 });
  });

  step('张三 goes on to demo portal B (no password: the same session); the log then names portal B too, with the level', async () => {
    await page.goto(`${server.url}/demo/portal-b`);
    // Portal B checks silently with tongban: the session exists, so only the consent is asked.
    await page.waitForURL((url) => url.pathname === '/demo/portal-b' || url.pathname.startsWith('/interaction/'));
    if (new URL(page.url()).pathname.startsWith('/interaction/'))
      await page.getByRole('button', { name: '同意并继续', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/demo/portal-b');
    expect(await page.locator('main').innerText()).toContain('已登录');
    // The single sign-on is a sign-in of its own (recorded in the background: looked for a few times).
    const signedInAtB = (rows: string[]) => rows.find((row) => row.startsWith(`${PORTAL_B} 于`) && row.includes('“基本”级别为您登录'));
    let rows: string[] = [];
    for (let attempt = 0; attempt < 10 && !signedInAtB(rows); attempt++) {
      await page.goto(`${server.url}/account/access-log`);
      rows = await entries();
    }
    expect(signedInAtB(rows)).toBeDefined();
    expect(rows.find((row) => row.startsWith(`${PORTAL_B} 于`) && row.includes('“基本”级别'))).toBeDefined();
    expect(rows.find((row) => row.startsWith(`${PORTAL_A} 于`) && row.includes('“基本”级别'))).toBeDefined();
    expect(await mainText()).not.toContain(OTHERS_PORTAL);
  });

  step('older entries are a page away: 更早的记录, then back to the newest', async () => {
    const subject = { kind: 'account', id: zhangAccount } as const;
    for (let i = 0; i < 25; i++)
      await audit.append({
        action: 'verify',
        actor: { kind: 'client', id: 'demo-portal-b' },
        subject,
        client: 'demo-portal-b',
        object: LICENCE_ID_EXAMPLE,
        outcome: 'success',
      });
    await page.reload();
    const first = await entries();
    expect(first).toHaveLength(20);
    expect(first[0]).toContain('核验了您的电子证照');
    await page.getByRole('link', { name: '更早的记录' }).click();
    await page.waitForURL((url) => url.searchParams.has('before'));
    const second = await entries();
    expect(second.length).toBeGreaterThan(5);
    // Portal A's sign-in is on this older page now.
    expect(second.some((row) => row.startsWith(`${PORTAL_A} 于`))).toBe(true);
    expect(await mainText()).not.toContain(OTHERS_PORTAL);
    await expectAccessible(page, 'the access log, an older page');
    await page.getByRole('link', { name: '回到最新的记录' }).click();
    await page.waitForURL(`${server.url}/account/access-log`);
    expect((await entries())[0]).toBe(first[0]);
  });

  step('in English: the portal’s English name, the level in words', async () => {
    await page.goto(`${server.url}/account/access-log?lang=en`);
    await page.getByRole('heading', { level: 1, name: 'Who used my identity' }).waitFor();
    await page.getByRole('link', { name: 'Earlier' }).click();
    await page.waitForURL((url) => url.searchParams.has('before'));
    const rows = await entries();
    expect(rows.some((row) => row.startsWith('On ') && row.endsWith(`${PORTAL_A_EN} signed you in at the basic level.`))).toBe(true);
    expect(await mainText()).not.toContain(PORTAL_A);
    await expectAccessible(page, 'the access log, en');
    await page.setViewportSize({ width: 390, height: 900 });
    await page.screenshot({ path: '/tmp/access-log-390-en.png', fullPage: true });
  });
});
