import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ERROR_KINDS } from '../../src/pages/error.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * tongban's own pages and its errors as a citizen meets them in Chromium (issue 11, points 4
 * and 7): the home page, a styled 404 in the page's language (the API keeps JSON), the icon,
 * error pages in plain words with no OAuth error code anywhere in their text, and the demo
 * portals showing the person in words, raw claims folded away, with margins on a phone.
 */

/** Every error code a page could show; none may appear in a page's text. */
const CODES = [...new Set([...Object.keys(ERROR_KINDS).filter((code) => code.includes('_')), 'invalid_client', 'invalid_request'])];

describe('home page, 404, icon and error pages in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let citizen: TestCitizen;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    citizen = await newCitizen(server.app);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    context = await newCitizenContext(browser);
    page = await context.newPage();
  });

  afterEach(async () => {
    const state = expect.getState();
    if (state.assertionCalls > state.numPassingAsserts) await screenshotOnFailure(page, 'browser-site-pages');
    await context.close();
  });

  const text = async () => page.locator('body').innerText();

  /** The visible text holds no error code, and the page gives the request id as its reference. */
  async function expectPlainWords(what: string): Promise<void> {
    const body = await text();
    expect({ what, codes: CODES.filter((code) => body.includes(code)) }).toEqual({ what, codes: [] });
    expect({ what, title: await page.title() }).not.toEqual({ what, title: expect.stringMatching(/[a-z]+_[a-z]+/) });
  }

  async function expectReference(response: { headers(): Record<string, string> } | null): Promise<void> {
    const id = response?.headers()['x-request-id'];
    expect(id).toBeTruthy();
    expect(await page.locator('p.reference code').innerText()).toBe(id);
  }

  test('/ is the home page: what tongban offers, in zh-CN and in English', async () => {
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('一次登录，办遍政务服务');
    const offers = page.getByRole('list', { name: '在这里，您可以' });
    for (const heading of ['登录政务服务网站', '注册账户', '我的账户', '核验电子证照', '帮助']) {
      expect(await offers.getByRole('heading', { name: heading, exact: true }).count()).toBe(1);
    }
    const hrefs = await offers.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(expect.arrayContaining(['/register', '/account', '/help', '/demo/portal-a', '/demo/portal-b']));
    for (const href of hrefs) expect((await page.request.get(`${server.url}${href}`, { maxRedirects: 0 })).status()).toBeLessThan(400);
    // The licence check is a form that leads to the public check page: a number that is not a
    // licence number comes back with the reason beside the field, in words.
    const check = offers.locator('li', { has: page.getByRole('heading', { name: '核验电子证照', exact: true }) });
    await check.getByLabel('证照编号').fill('1.2.156.3005.2.not-a-licence');
    await check.getByRole('button', { name: '核验' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#licence-number').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#licence-number-error').innerText()).toContain('这不是有效的电子证照编号');

    await page.goto(`${server.url}/?lang=en`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('One sign-in for government services');
  });

  test('help, forgot-password, terms and privacy exist in both languages and say what they should', async () => {
    const expectations: Array<[string, string, string[]]> = [
      ['/help', '帮助', ['两步验证', '恢复码', '法人登录', '12345']],
      ['/forgot-password', '忘记密码', ['目前暂不提供在线重置密码', '政务服务大厅', '居民身份证']],
      ['/terms', '用户协议', ['每个身份证号只能注册一个账户']],
      ['/privacy', '隐私政策', ['身份证号加密保存', '不同领域的网站得到的编号不同', '撤销']],
    ];
    for (const [path, title, phrases] of expectations) {
      expect((await page.goto(`${server.url}${path}?lang=zh-CN`))?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
      const body = await text();
      for (const phrase of phrases) expect({ path, phrase, found: body.includes(phrase) }).toEqual({ path, phrase, found: true });
      await page.goto(`${server.url}${path}?lang=en`);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('main').innerText()).not.toMatch(/[\u4e00-\u9fff]{2,}/);
    }
  });

  test('an unknown page is a styled 404 in the page language, with a way back', async () => {
    const response = await page.goto(`${server.url}/no/such/page`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('页面不存在');
    // Styled: the shared layout and its stylesheet apply.
    expect(await page.locator('header.topbar').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(11, 58, 117)');
    expect(await page.locator('.card').count()).toBe(1);
    expect(await page.getByRole('link', { name: '前往通办首页' }).getAttribute('href')).toBe('/');
    await expectReference(response);
    await expectPlainWords('404');

    const english = await page.goto(`${server.url}/no/such/page?lang=en`);
    expect(english?.status()).toBe(404);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Page not found');
    await page.goto(`${server.url}/demo/no-such-portal?lang=zh-CN`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('页面不存在');
  });

  test('the API, /pki and the OIDC endpoints keep their JSON answers, even for a browser', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    for (const path of ['/api/v1/no-such-route', '/pki/no-such-thing']) {
      const response = await fetch(`${server.url}${path}`, { headers: html });
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 404, expect.stringMatching(/json/)]);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
    const noAccept = await fetch(`${server.url}/no/such/page`);
    expect(noAccept.status).toBe(404);
    expect(await noAccept.json()).toMatchObject({ error: 'not_found' });
    const discovery = await fetch(`${server.url}/.well-known/openid-configuration`, { headers: html });
    expect(discovery.headers.get('content-type')).toMatch(/json/);
    // The protocol endpoints answer clients as before (oidc-provider: JSON unless HTML is preferred).
    const token = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=x',
    });
    expect(token.headers.get('content-type')).toMatch(/json/);
    expect(await token.json()).toHaveProperty('error');
  });

  test('the icon: linked from every page, and /favicon.ico is not a 404', async () => {
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const response = await fetch(`${server.url}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, expect.stringMatching(/^image\/svg\+xml/)]);
      expect(await response.text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
    for (const path of ['/', '/help', '/no/such/page', '/interaction/expired-one', '/demo/portal-a/login']) {
      await page.goto(`${server.url}${path}`);
      expect([path, await page.locator('link[rel="icon"]').getAttribute('href')]).toEqual([path, '/favicon.svg']);
    }
    // Chromium loads it (and draws it): a real image.
    await page.goto(`${server.url}/favicon.svg`);
    expect(await page.locator('svg').count()).toBe(1);
  });

  test('error pages for many codes: plain words, a way forward, a reference, never the code', async () => {
    const demoClient = 'demo-portal-a';
    const auth = (params: Record<string, string>) => `${server.url}/auth?${new URLSearchParams(params).toString()}`;
    const cases: Array<[string, string, string]> = [
      ['an expired sign-in page', `${server.url}/interaction/not-a-real-one`, '登录请求已过期'],
      [
        'an unknown website (invalid_client)',
        auth({
          client_id: 'nobody',
          response_type: 'code',
          scope: 'openid',
          redirect_uri: `${server.url}/cb`,
          code_challenge: 'x'.repeat(43),
          code_challenge_method: 'S256',
        }),
        '该网站的登录设置有误',
      ],
      [
        'a return address the website did not register (invalid_redirect_uri)',
        auth({
          client_id: demoClient,
          response_type: 'code',
          scope: 'openid',
          redirect_uri: 'https://evil.example/cb',
          code_challenge: 'x'.repeat(43),
          code_challenge_method: 'S256',
        }),
        '该网站的登录设置有误',
      ],
      ['a malformed request (invalid_request)', `${server.url}/auth?response_type=code&scope=openid`, '无法继续这次登录'],
      ['the signed-out page for an unknown website', `${server.url}/session/end/success?client_id=nobody`, '该网站的登录设置有误'],
      [
        'a sign-out for an unregistered address',
        `${server.url}/session/end?client_id=${demoClient}&post_logout_redirect_uri=https://evil.example/`,
        '无法按这个请求退出',
      ],
    ];
    for (const [what, url, title] of cases) {
      const response = await page.goto(url);
      expect({ what, status: response!.status() >= 400 }).toEqual({ what, status: true });
      expect({ what, h1: await page.getByRole('heading', { level: 1 }).innerText() }).toEqual({ what, h1: title });
      expect({ what, steps: await page.locator('ul.next-steps li').count() }).not.toEqual({ what, steps: 0 });
      await expectReference(response);
      await expectPlainWords(what);
    }
    // A malformed request from a known website goes back to it, which says the same in its own page.
    await page.goto(`${server.url}/auth?client_id=${demoClient}`);
    await page.waitForURL((u) => u.pathname === '/demo/portal-a/callback');
    expect(await page.getByRole('alert').getByRole('heading').innerText()).toBe('无法继续这次登录');
    await expectPlainWords('invalid_request at the portal');
    // The unregistered website is not offered as the way back.
    await page.goto(cases[2][1]);
    expect(await page.locator('a[href^="https://evil.example"]').count()).toBe(0);
    // A form posted without its token (csrf).
    await page.goto(`${server.url}/demo/portal-a/login`);
    await page.getByLabel('密码', { exact: true }).waitFor();
    await page.evaluate(() => {
      document.querySelectorAll<HTMLInputElement>('input[name="csrf"]').forEach((input) => (input.value = 'forged'));
      (document.querySelector('form[action$="/abort"]') as HTMLFormElement).submit();
    });
    await page.getByRole('heading', { name: '页面已过期', exact: true }).waitFor();
    await expectPlainWords('csrf');
  });

  test('errors a website receives are shown there in words: cancelled, and two-step sign-in required', async () => {
    // The person denies the consent: the portal gets access_denied.
    await page.goto(`${server.url}/demo/portal-a/login`);
    await page.getByLabel('身份证号', { exact: true }).fill(citizen.idNumber);
    await page.getByLabel('密码', { exact: true }).fill(citizen.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('button', { name: '拒绝', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/demo/portal-a/callback');
    const cancelled = page.getByRole('alert');
    expect(await cancelled.getByRole('heading').innerText()).toBe('登录未完成');
    expect(await cancelled.getByRole('link', { name: '重新登录' }).getAttribute('href')).toBe('/demo/portal-a/login');
    await expectPlainWords('access_denied at the portal');

    // Two-step sign-in is not on: the portal asking for loa:2 gets unmet_authentication_requirements.
    await page.goto(`${server.url}/demo/portal-a/login?acr=2`);
    await page.waitForURL((url) => url.pathname === '/demo/portal-a/callback');
    const needs = page.getByRole('alert');
    expect(await needs.getByRole('heading').innerText()).toBe('此服务要求两步验证');
    expect(await needs.getByRole('link', { name: '在“我的账户”中开启两步验证' }).getAttribute('href')).toBe('/account');
    expect(await needs.getByRole('link', { name: '开启后，在本网站重新登录' }).getAttribute('href')).toBe('/demo/portal-a/login?acr=2');
    await expectPlainWords('unmet_authentication_requirements at the portal');
  });

  test('a demo portal shows the person plainly, the raw claims folded away, with margins on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/demo/portal-b/login`);
    await page.getByLabel('身份证号', { exact: true }).fill(citizen.idNumber);
    await page.getByLabel('密码', { exact: true }).fill(citizen.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('button', { name: '同意并继续', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/demo/portal-b');

    const who = page.locator('main p.who');
    expect(await who.locator('strong').innerText()).toBe(citizen.name);
    expect(await who.innerText()).toContain(`${citizen.idNumber.slice(0, 6)}********${citizen.idNumber.slice(-4)}`);
    expect(await page.locator('xpath=//dl[@class="person"]/dt[normalize-space()="登录方式"]/following-sibling::dd[1]').innerText()).toBe(
      '密码登录',
    );
    // sub, acr and amr only inside the closed "详细信息".
    const details = page.locator('details');
    expect(await details.locator('summary').innerText()).toBe('详细信息');
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    const visible = await page.locator('main').innerText();
    expect(visible).not.toContain('urn:tongban:loa');
    expect(visible).not.toMatch(/\bsub\b|\bamr\b/);
    await details.locator('summary').click();
    expect(await details.innerText()).toContain('urn:tongban:loa:1');

    // Margins on a 390 px phone; nothing wider than the screen.
    const box = (await page.locator('main').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(8);
    expect(390 - (box.x + box.width)).toBeGreaterThanOrEqual(8);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.goto(`${server.url}/demo/portal-b?lang=en`);
    expect(
      await page.locator('xpath=//dl[@class="person"]/dt[normalize-space()="Signed in with"]/following-sibling::dd[1]').innerText(),
    ).toBe('Password');
    expect(await page.locator('details summary').innerText()).toBe('Details');
  });
});
