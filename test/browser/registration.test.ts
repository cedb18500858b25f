import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { TERMS_VERSION } from '../../src/accounts/terms.js';
import { seriousAxeViolations, WIDTHS } from '../support/axe.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { scenarioSteps } from '../support/steps.js';
import { backend } from '../support/test-env.js';

/**
 * Registration as a citizen lives it in Chromium (issue 11, point 5): the password rules before
 * anything is typed, a strength meter that follows the typing, every field's error at once beside
 * the field, what was valid kept, the agreement and privacy notice accepted with an unticked box,
 * then 注册成功 and back to the sign-in page of the portal the citizen came from, with the ID number
 * in its field — which never appears in a URL or a log line.
 */
const PORTAL_A = '示范税务服务（网站 A）';

describe(`registration in a browser, on ${backend}`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;
  let citizen: TestCitizen;
  /** Every URL the browser asked for. */
  const urls: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1', LOG_LEVEL: 'info' });
    citizen = await newCitizen(server.app, { account: false });
    browser = await launchBrowser();
    context = await newCitizenContext(browser);
    page = await context.newPage();
    page.on('request', (request) => urls.push(request.url()));
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  const step = scenarioSteps(async () => {
    const shot = await screenshotOnFailure(page, 'browser-registration');
    return `(browser at ${page?.url()}${shot ? `; screenshot: ${shot}` : ''})`;
  });

  const isInteraction = (url: URL) => url.origin === server.url && /^\/interaction\/[\w-]+$/.test(url.pathname);
  const rule = (name: string) => page.locator(`#password-rules li[data-rule="${name}"]`);
  const meterText = () => page.locator('.meter .meter-text').innerText();

  /** No serious or critical axe finding at either width, in this page's language and the other. */
  async function expectAccessible(what: string): Promise<void> {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      expect({ what, width, violations: await seriousAxeViolations(page) }).toEqual({ what, width, violations: [] });
    }
    await page.setViewportSize({ width: 1024, height: 800 });
  }

  step('from portal A\'s sign-in page, "注册账户" leads to registration, which says where it will return', async () => {
    await page.goto(`${server.url}/demo/portal-a`);
    await page.getByRole('link', { name: '使用通办统一身份认证登录' }).click();
    await page.waitForURL(isInteraction);
    const link = page.getByRole('link', { name: '注册账户' });
    const uid = new URL(page.url()).pathname.split('/')[2];
    expect(await link.getAttribute('href')).toBe(`/register?return=${uid}`);
    await link.click();
    await page.waitForURL((url) => url.pathname === '/register');
    expect(await page.locator('main .note').innerText()).toContain(`注册完成后，您将回到“${PORTAL_A}”的登录页面`);
    expect(await page.locator('input[name="return"]').getAttribute('value')).toBe(uid);
    expect(await page.getByRole('link', { name: '返回登录' }).getAttribute('href')).toBe(`/interaction/${uid}`);
  });

  step('the rules are on the page before anything is typed, and the terms box is not ticked', async () => {
    const rules = (await page.locator('#password-rules').innerText()).replace(/\s+/g, ' ');
    expect(rules).toContain('8–128 个字符');
    expect(rules).toContain('不能是或包含身份证号，也不能是出生日期或身份证号的后 6 位、后 8 位');
    expect(rules).toContain('不能是常见密码');
    expect(await page.getByLabel('设置密码', { exact: true }).getAttribute('aria-describedby')).toContain('password-rules');
    expect(await meterText()).toBe('密码强度：尚未输入');
    expect(await page.getByRole('checkbox', { name: /我已阅读并同意/ }).isChecked()).toBe(false);
    const terms = page.getByRole('link', { name: /《用户协议》/ });
    const privacy = page.getByRole('link', { name: /《隐私政策》/ });
    expect([await terms.getAttribute('href'), await privacy.getAttribute('href')]).toEqual(['/terms', '/privacy']);
    // The pages exist.
    for (const path of ['/terms', '/privacy']) expect((await page.request.get(`${server.url}${path}`)).status()).toBe(200);
    await expectAccessible('registration, empty');
  });

  step('the strength meter follows the typing, rule by rule', async () => {
    const password = page.getByLabel('设置密码', { exact: true });
    await page.getByLabel('身份证号', { exact: true }).fill(citizen.idNumber);
    await password.fill('abc');
    expect(await meterText()).toBe('密码强度：不符合要求');
    expect(await rule('length').getAttribute('class')).toBe('unmet');

    await password.fill('password1');
    expect(await rule('length').getAttribute('class')).toBe('met');
    expect(await rule('common').getAttribute('class')).toBe('unmet');
    expect(await meterText()).toBe('密码强度：不符合要求');

    // The last 8 characters of the ID number, and the birth date: the ID rule, as the server applies it.
    await password.fill(citizen.idNumber.slice(-8));
    expect(await rule('id').getAttribute('class')).toBe('unmet');
    await password.fill(`x${citizen.idNumber}y`);
    expect(await rule('id').getAttribute('class')).toBe('unmet');

    await password.fill('Qz7-tk');
    await password.fill('Qz7-tkWm9!');
    expect(await rule('id').getAttribute('class')).toBe('met');
    expect(await rule('common').getAttribute('class')).toBe('met');
    expect(await meterText()).toBe('密码强度：较强');
    await password.fill('lantern river copper morning');
    expect(await meterText()).toBe('密码强度：强');
    expect(await rule('length').locator('.rule-state').innerText()).toBe('已满足：');
  });

  step('every invalid field at once, each error beside its field; what was valid stays filled', async () => {
    await page.getByLabel('身份证号', { exact: true }).fill(`${citizen.idNumber.slice(0, 17)}`);
    await page.getByLabel('姓名', { exact: true }).fill(citizen.name);
    await page.getByLabel('设置密码', { exact: true }).fill('12345678');
    await page.getByLabel('确认密码', { exact: true }).fill('1234567');
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.title()).toMatch(/^错误：/);

    const summary = await page.locator('.error-summary li').allInnerTexts();
    expect(summary).toEqual([
      '身份证号应为 18 位，您输入了 17 位。',
      '这是常见密码，很容易被猜到，请换一个。',
      '两次输入的密码不一致，请重新输入。',
      '请阅读《用户协议》和《隐私政策》，勾选同意后再注册。',
    ]);
    expect(await page.locator('.error-summary').getAttribute('role')).toBe('alert');
    // Each beside its field, and the field points at it.
    for (const [id, text] of [
      ['id_number', '身份证号应为 18 位'],
      ['password', '这是常见密码'],
      ['password_confirm', '两次输入的密码不一致'],
      ['accept_terms', '勾选同意后再注册'],
    ]) {
      const field = page.locator(`#${id}`);
      expect({ id, invalid: await field.getAttribute('aria-invalid') }).toEqual({ id, invalid: 'true' });
      expect((await field.getAttribute('aria-describedby'))?.split(' ')[0]).toBe(`${id}-error`);
      expect(await page.locator(`#${id}-error`).innerText()).toContain(text);
      const sameField = await page.evaluate(
        (fieldId) => document.getElementById(`${fieldId}-error`)!.closest('.field') === document.getElementById(fieldId)!.closest('.field'),
        id,
      );
      expect({ id, sameField }).toEqual({ id, sameField: true });
    }
    expect(await page.locator('#name').getAttribute('aria-invalid')).toBeNull();
    // The summary links to each field.
    expect(await page.locator('.error-summary a').first().getAttribute('href')).toBe('#id_number');
    // Kept: the name, and the ID number as typed; never a password.
    expect(await page.locator('#name').inputValue()).toBe(citizen.name);
    expect(await page.locator('#id_number').inputValue()).toBe(citizen.idNumber.slice(0, 17));
    expect(await page.locator('#password').inputValue()).toBe('');
    expect(await page.locator('#password_confirm').inputValue()).toBe('');
    expect(await page.locator('#password-hint').innerText()).toContain('请重新输入');
    // The first field with an error has the focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('id_number');
    // The way back to the portal is kept too.
    expect(await page.locator('input[name="return"]').count()).toBe(1);
    await expectAccessible('registration, with errors');
  });

  step('the terms must be accepted: everything else right is still refused, and says why', async () => {
    await page.getByLabel('身份证号', { exact: true }).fill(citizen.idNumber);
    await page.getByLabel('设置密码', { exact: true }).fill(citizen.password);
    await page.getByLabel('确认密码', { exact: true }).fill(citizen.password);
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.error-summary li').allInnerTexts()).toEqual(['请阅读《用户协议》和《隐私政策》，勾选同意后再注册。']);
    expect(await page.locator('#accept_terms').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('accept_terms');
    expect(await page.locator('#id_number').inputValue()).toBe(citizen.idNumber);
    expect(await accountExists()).toBe(false);
  });

  async function accountExists(): Promise<boolean> {
    const rows = await server.app
      .get(DataSource)
      .query<Array<{ id: string }>>(
        `SELECT a.id FROM accounts_citizens a JOIN registry_citizens r ON r.id = a.registry_citizen_id WHERE r.name = $1`,
        [citizen.name],
      );
    return rows.length > 0;
  }

  step('accepted: 注册成功, with the terms version and time stored with the account', async () => {
    await page.getByLabel('设置密码', { exact: true }).fill(citizen.password);
    await page.getByLabel('确认密码', { exact: true }).fill(citizen.password);
    await page.getByRole('checkbox', { name: /我已阅读并同意/ }).check();
    const before = Date.now();
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/register/done');
    await page.getByRole('heading', { name: '注册成功', exact: true }).waitFor();
    const main = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(main).toContain(citizen.name);
    expect(main).toContain(`${citizen.idNumber.slice(0, 6)}********${citizen.idNumber.slice(-4)}`);
    expect(main).not.toContain(citizen.idNumber);
    expect(main).toContain(`请返回“${PORTAL_A}”，输入刚才设置的密码登录。身份证号已为您填好。`);

    const [row] = await server.app.get(DataSource).query<Array<{ terms_version: string; terms_accepted_at: Date }>>(
      `SELECT a.terms_version, a.terms_accepted_at FROM accounts_citizens a JOIN registry_citizens r ON r.id = a.registry_citizen_id
        WHERE r.name = $1`,
      [citizen.name],
    );
    expect(row.terms_version).toBe(TERMS_VERSION);
    expect(new Date(row.terms_accepted_at).getTime()).toBeGreaterThan(before - 5_000);
    await expectAccessible('注册成功');
    // The same page in English.
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Registration complete', exact: true }).waitFor();
    await expectAccessible('registration complete');
    await page.getByRole('link', { name: '中文' }).click();
    await page.getByRole('heading', { name: '注册成功', exact: true }).waitFor();
  });

  step("back to portal A's sign-in page with the ID number in its field; the password signs in", async () => {
    await page.getByRole('link', { name: `返回“${PORTAL_A}”登录` }).click();
    await page.waitForURL(isInteraction);
    const idField = page.getByLabel('身份证号', { exact: true });
    expect(await idField.inputValue()).toBe(citizen.idNumber);
    // The citizen types the password next: it has the focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.getByLabel('密码', { exact: true }).fill(citizen.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('button', { name: '同意并继续', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/demo/portal-a');
    expect(await page.locator('main').innerText()).toContain(citizen.name);
  });

  step('the ID number was never in a URL or a log line', () => {
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(decodeURIComponent(url)).not.toContain(citizen.idNumber);
    expect(server.logs.length).toBeGreaterThan(0);
    expect(server.logs.join('\n')).not.toContain(citizen.idNumber);
    expect(server.logs.join('\n')).not.toContain(citizen.password);
    return Promise.resolve();
  });

  step('only an open interaction is returned to: anything else is a registration without a way back', async () => {
    for (const value of ['https://evil.example/', '//evil.example', 'no-such-interaction-uid-xx', '../account']) {
      const res = await page.request.get(`${server.url}/register?return=${encodeURIComponent(value)}`);
      const body = await res.text();
      expect({ value, status: res.status() }).toEqual({ value, status: 200 });
      expect(body).not.toContain('name="return"');
      // (The language switch repeats the page's own query, as a relative link.)
      expect(body).not.toMatch(/(href|action)="(https?:)?\/\/evil/);
      expect(body).toContain('href="/account"');
    }
  });

  step('in English, an empty form: every field says what it needs, and the page passes axe', async () => {
    await context?.close();
    context = await browser.newContext({ locale: 'en', viewport: { width: 1024, height: 800 } });
    page = await context.newPage();
    await page.goto(`${server.url}/register?lang=en`);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.error-summary h2').innerText()).toBe('There are 5 things to fix before you continue');
    expect(await page.locator('.error-summary li').allInnerTexts()).toEqual([
      'Enter your ID number.',
      'Enter your full name.',
      'Choose a password.',
      'Type your password again.',
      'Read the user agreement and the privacy notice, and tick the box to accept them, before you register.',
    ]);
    await expectAccessible('registration with errors, en');
  });
});
