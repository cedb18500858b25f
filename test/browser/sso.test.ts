import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/accounts/demo-accounts.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-data.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { scenarioSteps } from '../support/steps.js';

/**
 * Single sign-on as a citizen sees it, in a real browser (Debian's Chromium through
 * playwright-core): the two demo portals of different sectors (DEMO=1), one password entry,
 * pairwise subjects, and RP-initiated logout that reaches the other portal by back-channel.
 */
const citizen = { idNumber: DEMO_CITIZENS[1].id_number, name: DEMO_CITIZENS[1].name, password: DEMO_PASSWORD };

/** A page the browser landed on (a main-frame document, not a redirect hop). */
interface Landing {
  url: string;
  status: number;
  hasPasswordInput: boolean;
}

describe('SSO in a browser: demo portals A and B', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every document the main frame received, with whether its HTML holds a password field. */
  let landings: Array<Promise<Landing | undefined>> = [];
  let subAtA: string;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    browser = await launchBrowser();
    context = await newCitizenContext(browser);
    page = await context.newPage();
    page.on('response', (response) => {
      if (response.frame() === page.mainFrame() && response.request().isNavigationRequest()) landings.push(landing(response));
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  /** One step of the scenario; a failure takes a screenshot (OS temp dir) and stops the later steps. */
  const step = scenarioSteps(async () => {
    const shot = await screenshotOnFailure(page, 'browser-sso');
    return `(browser at ${page?.url()}${shot ? `; screenshot: ${shot}` : ''})`;
  });

  const portalUrl = (slug: string) => `${server.url}/demo/${slug}`;
  const isPortalHome = (slug: string) => (url: URL) => url.origin === server.url && url.pathname === `/demo/${slug}`;
  const isTongbanPage = (url: string) => url.startsWith(`${server.url}/`) && !new URL(url).pathname.startsWith('/demo/');

  /** The documents landed on since the last call (redirect hops carry no document and are left out). */
  async function takeLandings(): Promise<Landing[]> {
    const taken = landings;
    landings = [];
    return (await Promise.all(taken)).filter((l): l is Landing => l !== undefined);
  }

  async function expectSignedOut(slug: string): Promise<void> {
    await page.waitForURL(isPortalHome(slug)); // and its load event: the portal pages are static HTML
    const text = await page.locator('main').innerText();
    expect(text).toContain('您尚未登录本网站。');
    expect(text).not.toContain('已登录');
    const signIn = page.getByRole('link', { name: '使用通办统一身份认证登录' });
    expect(await signIn.getAttribute('href')).toBe(`/demo/${slug}/login`);
    expect(await page.getByRole('button', { name: /退出登录/ }).count()).toBe(0);
  }

  /** The portal shows the citizen signed in; returns the `sub` it prints. */
  async function expectSignedIn(slug: string): Promise<string> {
    await page.waitForURL(isPortalHome(slug));
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    expect(await page.locator('main').innerText()).toContain('已登录');
    const line = page.locator('main p', { hasText: '已登录' });
    expect(await line.locator('strong').innerText()).toBe(citizen.name);
    // The masked ID number (region + last four), never the full number.
    const masked = `${citizen.idNumber.slice(0, 6)}********${citizen.idNumber.slice(-4)}`;
    expect(await line.innerText()).toContain(masked);
    expect(await page.content()).not.toContain(citizen.idNumber);
    const sub = (await page.locator('xpath=//details//dt[normalize-space()="sub"]/following-sibling::dd[1]/code').textContent())!.trim();
    expect(sub).toMatch(/^[\w-]{20,}$/);
    return sub;
  }

  step('1. portal A, first visit: not signed in (after a silent check with tongban)', async () => {
    await page.goto(portalUrl('portal-a'));
    await expectSignedOut('portal-a');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await takeLandings();
    await page.getByRole('link', { name: '使用通办统一身份认证登录' }).click();
  });

  step('2. tongban login by keyboard, consent, back on portal A signed in as 张三', async () => {
    await page.waitForURL((url) => url.origin === server.url && url.pathname.startsWith('/interaction/'));
    await page.getByRole('heading', { name: '登录', exact: true }).waitFor();
    expect(await page.getByText('示范税务服务（网站 A）').count()).toBeGreaterThan(0);

    const idField = page.getByLabel('身份证号', { exact: true });
    const passwordField = page.getByLabel('密码', { exact: true });
    expect(await idField.getAttribute('id')).toBe('id_number');
    expect(await passwordField.getAttribute('type')).toBe('password');
    expect(await passwordField.getAttribute('autocomplete')).toBe('current-password');

    await idField.focus();
    await page.keyboard.type(citizen.idNumber);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type(citizen.password);
    expect(await idField.inputValue()).toBe(citizen.idNumber);
    expect(await passwordField.inputValue()).toBe(citizen.password);
    await page.keyboard.press('Enter');

    // Consent for portal A (first time for this citizen).
    const allow = page.getByRole('button', { name: '同意并继续', exact: true });
    await allow.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('示范税务服务（网站 A）');
    expect(await page.getByRole('checkbox', { name: '记住我对该网站的授权' }).isChecked()).toBe(false);
    await allow.click();

    subAtA = await expectSignedIn('portal-a');
    // The detector of password fields below does see the login page's.
    const seen = await takeLandings();
    expect(seen.some((l) => isTongbanPage(l.url) && l.url.includes('/interaction/') && l.hasPasswordInput)).toBe(true);
  });

  step('3. portal B: signed in without a password, same citizen, another sub (pairwise by sector)', async () => {
    await page.goto(portalUrl('portal-b'));
    // B is a new portal for this citizen: tongban asks for consent once, never for the password.
    await page.waitForURL((url) => isPortalHome('portal-b')(url) || url.pathname.startsWith('/interaction/'));
    if (new URL(page.url()).pathname.startsWith('/interaction/')) {
      const allow = page.getByRole('button', { name: '同意并继续', exact: true });
      await allow.waitFor();
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('示范社保服务（网站 B）');
      expect(await page.locator('input[type="password"]').count()).toBe(0);
      await allow.click();
    }
    const subAtB = await expectSignedIn('portal-b');
    expect(subAtB).not.toBe(subAtA);

    const seen = await takeLandings();
    const atTongban = seen.filter((l) => isTongbanPage(l.url));
    expect(atTongban.filter((l) => l.hasPasswordInput).map((l) => l.url)).toEqual([]);
    expect(seen.every((l) => !l.hasPasswordInput)).toBe(true);
    expect(seen.at(-1)?.url).toBe(portalUrl('portal-b'));
  });

  step('4. sign out at portal B, everywhere, at tongban: B and then A are signed out', async () => {
    await page.getByRole('button', { name: /退出登录/ }).click();

    // tongban's RP-initiated logout page: confirm with the op.logoutForm submit button.
    await page.waitForURL((url) => url.origin === server.url && url.pathname.startsWith('/session/end'));
    await page.getByRole('heading', { name: '退出登录', exact: true }).waitFor();
    const confirm = page.getByRole('button', { name: '全部退出', exact: true });
    expect(await confirm.getAttribute('form')).toBe('op.logoutForm');
    await confirm.click();

    // tongban's signed-out page, then back to portal B by its link.
    await page.getByRole('heading', { name: '您已安全退出', exact: true }).waitFor();
    await page.getByRole('link', { name: '返回“示范社保服务（网站 B）”' }).click();
    await expectSignedOut('portal-b');

    // Portal A learnt of it by back-channel: its session is gone without the browser visiting it.
    await page.goto(portalUrl('portal-a'));
    await expectSignedOut('portal-a');
    await takeLandings();

    // And tongban's own session is over: signing in asks for the password again.
    await page.getByRole('link', { name: '使用通办统一身份认证登录' }).click();
    await page.waitForURL((url) => url.origin === server.url && url.pathname.startsWith('/interaction/'));
    await page.getByLabel('密码', { exact: true }).waitFor();
  });
});

async function landing(response: Response): Promise<Landing | undefined> {
  const status = response.status();
  if (status >= 300 && status < 400) return undefined;
  const type = response.headers()['content-type'] ?? '';
  let html = '';
  if (type.includes('html')) {
    try {
      html = await response.text();
    } catch {
      // The body is gone only if the browser had already moved on; count it as unreadable, not clean.
      return { url: response.url(), status, hasPasswordInput: true };
    }
  }
  return { url: response.url(), status, hasPasswordInput: /<input\b[^>]*\btype\s*=\s*["']?password\b/i.test(html) };
}
