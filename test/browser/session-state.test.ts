import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { scenarioSteps } from '../support/steps.js';

/**
 * Session state is always clear (issue 11, point 3), in Chromium against the two demo portals:
 * the consent page says who is signed in and lets someone else switch account ("不是您？");
 * "记住我" is not ticked in advance; the sign-out page's two choices do what they say, and each
 * portal's state afterwards matches the words of the signed-out page.
 */
const PORTAL_A = '示范税务服务（网站 A）';
const PORTAL_B = '示范社保服务（网站 B）';

describe('session state in a browser: who is signed in, switching account, the two ways of signing out', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;
  let first: TestCitizen;
  let second: TestCitizen;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    first = await newCitizen(server.app);
    second = await newCitizen(server.app);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  const step = scenarioSteps(async () => {
    const shot = await screenshotOnFailure(page, 'browser-session-state');
    return `(browser at ${page?.url()}${shot ? `; screenshot: ${shot}` : ''})`;
  });

  /** A browser of its own, as another day or another computer. */
  async function freshBrowser(): Promise<void> {
    await context?.close();
    context = await newCitizenContext(browser);
    page = await context.newPage();
  }

  const masked = (c: TestCitizen) => `${c.idNumber.slice(0, 6)}********${c.idNumber.slice(-4)}`;
  const portalUrl = (slug: string) => `${server.url}/demo/${slug}`;
  const isPortalHome = (slug: string) => (url: URL) => url.origin === server.url && url.pathname === `/demo/${slug}`;
  const isInteraction = (url: URL) => url.origin === server.url && url.pathname.startsWith('/interaction/');
  const mainText = async () => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

  /** At a portal's sign-in link: the password step, then the consent page (nothing remembered). */
  async function signInAt(slug: string, who: TestCitizen): Promise<void> {
    await page.goto(portalUrl(slug));
    await page.waitForURL(isPortalHome(slug));
    await page.getByRole('link', { name: '使用通办统一身份认证登录' }).click();
    await passwordStep(who);
  }

  async function passwordStep(who: TestCitizen): Promise<void> {
    await page.waitForURL(isInteraction);
    await page.getByLabel('身份证号', { exact: true }).fill(who.idNumber);
    await page.getByLabel('密码', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('button', { name: '同意并继续', exact: true }).waitFor();
  }

  /** Arrived at a portal by SSO: tongban asks for consent (remembering is never ticked in advance), never for a password. */
  async function allowWithoutPassword(slug: string): Promise<void> {
    await page.waitForURL((url) => isPortalHome(slug)(url) || isInteraction(url));
    if (isInteraction(new URL(page.url()))) {
      await page.getByRole('button', { name: '同意并继续', exact: true }).waitFor();
      expect(await page.locator('input[type="password"]').count()).toBe(0);
      await page.getByRole('button', { name: '同意并继续', exact: true }).click();
    }
    await page.waitForURL(isPortalHome(slug));
  }

  async function expectSignedInAs(slug: string, who: TestCitizen): Promise<void> {
    await page.waitForURL(isPortalHome(slug));
    const line = page.locator('main p', { hasText: '已登录' });
    expect(await line.locator('strong').innerText()).toBe(who.name);
    expect(await line.innerText()).toContain(masked(who));
  }

  async function expectSignedOut(slug: string): Promise<void> {
    await page.waitForURL(isPortalHome(slug));
    expect(await mainText()).toContain('您尚未登录本网站。');
    expect(await page.locator('main p', { hasText: '已登录' }).count()).toBe(0);
  }

  step('consent says who is signed in, and "remember" is not ticked', async () => {
    await freshBrowser();
    await signInAt('portal-b', first);
    const who = page.locator('form.who');
    expect((await who.innerText()).replace(/\s+/g, ' ')).toContain(`当前以 ${first.name}（${masked(first)}） 登录`);
    expect(await who.getByRole('button', { name: '不是您？' }).count()).toBe(1);
    // The line comes before the heading: it is read first.
    expect(
      await page.evaluate(() => Boolean(document.querySelector('form.who')!.compareDocumentPosition(document.querySelector('h1')!) & 4)),
    ).toBe(true);
    expect(await page.getByRole('checkbox', { name: '记住我对该网站的授权' }).isChecked()).toBe(false);
    const items = await page.locator('ul.claims li').allInnerTexts();
    expect(items[0]).toMatch(/^确认您的身份（该网站会得到一个代表您的编号/);
    expect(await mainText()).not.toContain('匿名标识');
    await page.getByRole('button', { name: '同意并继续', exact: true }).click();
    await expectSignedInAs('portal-b', first);
  });

  step('"不是您？" at portal A: the first person is signed out everywhere, the second signs in for portal A', async () => {
    await page.goto(portalUrl('portal-a'));
    await allowWithoutPasswordUntilConsent();
    expect((await page.locator('form.who').innerText()).replace(/\s+/g, ' ')).toContain(`当前以 ${first.name}`);
    await page.getByRole('button', { name: '不是您？' }).click();

    // A fresh sign-in, for the same portal.
    await page.waitForURL(isInteraction);
    await page.getByLabel('密码', { exact: true }).waitFor();
    expect(await mainText()).toContain(PORTAL_A);
    await passwordStep(second);
    expect((await page.locator('form.who').innerText()).replace(/\s+/g, ' ')).toContain(`当前以 ${second.name}（${masked(second)}） 登录`);
    await page.getByRole('button', { name: '同意并继续', exact: true }).click();
    await expectSignedInAs('portal-a', second);

    // The first person's session at portal B ended too (back-channel logout), in this browser.
    await page.goto(portalUrl('portal-b'));
    await expectSignedOut('portal-b');
  });

  /** Portal A's silent check found a session without consent: the portal asks again, and tongban shows the consent page. */
  async function allowWithoutPasswordUntilConsent(): Promise<void> {
    await page.waitForURL(isInteraction);
    await page.getByRole('button', { name: '同意并继续', exact: true }).waitFor();
    expect(await page.locator('input[type="password"]').count()).toBe(0);
  }

  step('sign-out "保持登录": only the asking website is left; tongban and the other website stay signed in', async () => {
    await freshBrowser();
    await signInAt('portal-a', first);
    await page.getByRole('button', { name: '同意并继续', exact: true }).click();
    await expectSignedInAs('portal-a', first);
    await page.goto(portalUrl('portal-b'));
    await allowWithoutPassword('portal-b');
    await expectSignedInAs('portal-b', first);

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '退出登录', exact: true }).waitFor();
    const text = await mainText();
    expect(text).toContain(`当前以 ${first.name}（${masked(first)}） 登录通办统一身份认证。`);
    expect(text).toContain(`“${PORTAL_B}”请求为您退出登录。`);
    expect(await page.locator('ul.sites li').allInnerTexts()).toEqual(expect.arrayContaining([PORTAL_A, PORTAL_B]));
    const stay = page.getByRole('button', { name: `保持登录，只退出“${PORTAL_B}”` });
    expect(await page.locator('#stay-detail').innerText()).toContain(`仍保持登录的网站：${PORTAL_A}。`);
    await stay.click();

    await page.getByRole('heading', { name: `您已退出“${PORTAL_B}”`, exact: true }).waitFor();
    expect(await mainText()).toContain(`您仍以 ${first.name}（${masked(first)}） 登录通办统一身份认证`);
    expect(await page.locator('ul.sites li').allInnerTexts()).toEqual([PORTAL_A]);
    expect(await mainText()).toContain('如果您使用的是公共设备或他人的设备，请全部退出并关闭浏览器。');
    await page.getByRole('link', { name: `返回“${PORTAL_B}”` }).click();
    await expectSignedOut('portal-b');

    // As described: portal A is still signed in, and tongban too (portal B needs no password).
    await page.goto(portalUrl('portal-a'));
    await expectSignedInAs('portal-a', first);
    await page.goto(portalUrl('portal-b'));
    await page.getByRole('link', { name: '使用通办统一身份认证登录' }).click();
    await allowWithoutPassword('portal-b');
    await expectSignedInAs('portal-b', first);
  });

  step('sign-out "全部退出": the "您已安全退出" page, and both websites and tongban signed out', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '退出登录', exact: true }).waitFor();
    expect(await page.locator('#confirm-detail').innerText()).toContain('通知上面列出的所有网站为您退出');
    await page.getByRole('button', { name: '全部退出', exact: true }).click();

    await page.getByRole('heading', { name: '您已安全退出', exact: true }).waitFor();
    expect(await mainText()).toContain('已退出通办统一身份认证，以及以下网站：');
    expect(await page.locator('ul.sites li').allInnerTexts()).toEqual(expect.arrayContaining([PORTAL_A, PORTAL_B]));
    expect(await mainText()).toContain('如果您使用的是公共设备或他人的设备，请关闭所有浏览器窗口');
    // Read from the session when shown: a reload, or the same page in English, says the same.
    await page.reload();
    await page.getByRole('heading', { name: '您已安全退出', exact: true }).waitFor();
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'You have signed out', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('link', { name: '中文' }).click();
    await page.getByRole('link', { name: `返回“${PORTAL_B}”` }).click();
    await expectSignedOut('portal-b');

    // Portal A learnt of it by back-channel, and tongban asks for the password again.
    await page.goto(portalUrl('portal-a'));
    await expectSignedOut('portal-a');
    await page.getByRole('link', { name: '使用通办统一身份认证登录' }).click();
    await page.waitForURL(isInteraction);
    await page.getByLabel('密码', { exact: true }).waitFor();
  });
});
