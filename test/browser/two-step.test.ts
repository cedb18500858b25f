import type { Browser, BrowserContext, Page } from 'playwright-core';
import { totpCode, totpStep } from '../../src/accounts/totp.js';
import { seriousAxeViolations, WIDTHS } from '../support/axe.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import { authorizationRequest, client, registerPortal, type AuthorizationRequest, type Portal } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { scenarioSteps } from '../support/steps.js';

/**
 * Two-step sign-in as a citizen lives it in Chromium (issue 11, point 1): turning it on at the
 * account page (a wrong code keeps the same QR code; the ten recovery codes shown once), then the
 * code asked at a portal that needs only loa:1, then a recovery code instead of the phone. Each
 * new page is checked with axe-core at a phone's width and a desktop's.
 */
describe(`two-step sign-in in a browser, on ${backend}`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let portal: Portal;
  let citizen: TestCitizen;
  let secret = '';
  let lastStep = 0;
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    portal = await registerPortal(server, { client_name: '示范门户（一级）' });
    citizen = await newCitizen(server.app);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  const step = scenarioSteps(async () => {
    const shot = await screenshotOnFailure(page, 'browser-two-step');
    return `(browser at ${page?.url()}${shot ? `; screenshot: ${shot}` : ''})`;
  });

  /** A fresh browser, as on another day or another computer. */
  async function freshBrowser(): Promise<Page> {
    await context?.close();
    context = await newCitizenContext(browser);
    page = await context.newPage();
    return page;
  }

  /** No serious or critical axe finding at either width. */
  async function expectAccessible(p: Page, what: string): Promise<void> {
    for (const width of WIDTHS) {
      await p.setViewportSize({ width, height: 900 });
      expect({ what, width, violations: await seriousAxeViolations(p) }).toEqual({ what, width, violations: [] });
    }
    await p.setViewportSize({ width: 1024, height: 800 });
  }

  /** The code of a time step not used yet, within the one-step window either side of now. */
  async function freshCode(): Promise<string> {
    for (;;) {
      const now = totpStep(Date.now());
      const next = Math.max(lastStep + 1, now);
      if (next <= now + 1) {
        lastStep = next;
        return totpCode(secret, next);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async function typePassword(p: Page): Promise<void> {
    await p.locator('#id_number').fill(citizen.idNumber);
    await p.locator('#password').fill(citizen.password);
    await p.locator('form[action*="/login"] button[type="submit"]').click();
  }

  /** Consent if asked; then the portal redeems the code and the ID token's claims are returned. */
  async function claimsAtPortal(p: Page, request: AuthorizationRequest) {
    const atPortal = (url: URL) => url.href.startsWith(portal.redirectUri);
    await p.waitForURL((url) => atPortal(url) || /\/interaction\/[\w-]+$/.test(url.pathname) || url.pathname.endsWith('/confirm'));
    if (!atPortal(new URL(p.url()))) {
      await p.locator('form[action$="/confirm"] button[type="submit"]').first().click();
      await p.waitForURL(atPortal);
    }
    const tokens = await client.authorizationCodeGrant(portal.config, new URL(p.url()), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    return tokens.claims()!;
  }

  const masked = () => `${citizen.idNumber.slice(0, 6)}********${citizen.idNumber.slice(-4)}`;

  step('1. the account page: a wrong set-up code keeps the same QR code, with the error at the field', async () => {
    const p = await freshBrowser();
    await p.goto(`${server.url}/account`);
    await typePassword(p);
    await p.waitForURL(`${server.url}/account`);
    await p.getByRole('button', { name: '开启两步验证', exact: true }).click();

    const qr = p.getByRole('img', { name: '用于在验证器应用中添加本账户的二维码' });
    await qr.waitFor();
    const svg = await qr.innerHTML();
    secret = (await p.locator('code.secret').innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await p.locator('main').innerText()).toMatch(/请在北京时间 \d\d:\d\d 前完成/);

    const field = p.getByLabel('动态验证码', { exact: true });
    await field.fill('000000');
    await p.getByRole('button', { name: '确认开启', exact: true }).click();
    const alert = p.locator('#totp-error');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('无需重新扫码');
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await p.getByLabel('动态验证码', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('totp-confirm-code');
    expect((await p.locator('code.secret').innerText()).replace(/\s/g, '')).toBe(secret);
    expect(await p.getByRole('img', { name: '用于在验证器应用中添加本账户的二维码' }).innerHTML()).toBe(svg);
    await expectAccessible(p, 'TOTP set-up with a wrong code');
  });

  step('2. the right code turns it on and shows ten recovery codes, this once', async () => {
    const p = page!;
    lastStep = totpStep(Date.now());
    await p.getByLabel('动态验证码', { exact: true }).fill(totpCode(secret, lastStep));
    await p.getByRole('button', { name: '确认开启', exact: true }).click();
    await p.getByRole('heading', { name: '请保存您的恢复码', exact: true }).waitFor();
    expect(await p.getByRole('status').innerText()).toContain('两步验证已开启');
    recoveryCodes = (await p.locator('ol.recovery-codes li').allInnerTexts()).map((code) => code.trim());
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    expect(await p.locator('main').innerText()).toContain('离开本页后，将无法再次查看这些恢复码');
    await expectAccessible(p, 'recovery codes shown once');
    await p.getByRole('link', { name: '我已保存好恢复码', exact: true }).click();
    await p.waitForURL(`${server.url}/account`);
    expect(await p.locator('ol.recovery-codes').count()).toBe(0);
    expect(await p.locator('main').innerText()).toContain('您还有 10 个未使用的恢复码');
  });

  step('3. a portal that needs only loa:1 asks for the code after the password: loa:2, pwd otp', async () => {
    const p = await freshBrowser();
    const request = await authorizationRequest(portal);
    await p.goto(request.url.href);
    await typePassword(p);

    await p.getByRole('heading', { name: '两步验证', exact: true, level: 1 }).waitFor();
    const main = await p.locator('main').innerText();
    expect(main).toContain(citizen.name);
    expect(main).toContain(masked());
    expect(await p.content()).not.toContain(citizen.idNumber);
    expect(main).toContain('示范门户（一级）');
    expect(main).toContain('验证器应用');
    expect(await p.getByRole('link', { name: '手机不在身边？用恢复码登录' }).getAttribute('href')).toMatch(
      /^\/interaction\/[\w-]+\/recovery$/,
    );
    expect(await p.getByRole('link', { name: '查看帮助' }).getAttribute('href')).toBe('/help');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('code');
    await expectAccessible(p, 'one-time-code page');

    // The same page in English (the language switch keeps it: no second password).
    await p.getByRole('link', { name: 'English' }).click();
    await p.getByRole('heading', { name: 'Two-step sign-in', exact: true, level: 1 }).waitFor();
    expect(await p.locator('#password').count()).toBe(0);
    await expectAccessible(p, 'one-time-code page (en)');
    await p.getByRole('link', { name: '中文' }).click();
    await p.getByRole('heading', { name: '两步验证', exact: true, level: 1 }).waitFor();

    await p.getByLabel('动态验证码', { exact: true }).fill('000000');
    await p.getByRole('button', { name: '验证', exact: true }).click();
    const alert = p.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('动态验证码不正确');
    expect(await alert.innerText()).not.toMatch(/invalid_code/);
    expect(await p.getByLabel('动态验证码', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(p, 'one-time-code page with an error');

    await p.getByLabel('动态验证码', { exact: true }).fill(await freshCode());
    await p.getByRole('button', { name: '验证', exact: true }).click();
    expect(await claimsAtPortal(p, request)).toMatchObject({ acr: 'urn:tongban:loa:2', amr: ['pwd', 'otp'] });
  });

  step('4. without the phone: a recovery code instead, which then counts as used', async () => {
    const p = await freshBrowser();
    const request = await authorizationRequest(portal);
    await p.goto(request.url.href);
    await typePassword(p);
    await p.getByRole('link', { name: '手机不在身边？用恢复码登录' }).click();

    await p.getByRole('heading', { name: '用恢复码登录', exact: true, level: 1 }).waitFor();
    expect(await p.locator('main').innerText()).toContain(masked());
    await expectAccessible(p, 'recovery-code form');
    const field = p.getByLabel('恢复码', { exact: true });
    await field.fill('zzzzz-zzzzz');
    await p.getByRole('button', { name: '登录', exact: true }).click();
    await p.getByRole('alert').waitFor();
    expect(await p.getByRole('alert').innerText()).toContain('恢复码不正确，或已经使用过');
    expect(await p.getByLabel('恢复码', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(p, 'recovery-code form with an error');

    await p.getByLabel('恢复码', { exact: true }).fill(recoveryCodes[0].toUpperCase());
    await p.getByRole('button', { name: '登录', exact: true }).click();
    expect(await claimsAtPortal(p, request)).toMatchObject({ acr: 'urn:tongban:loa:2', amr: ['pwd', 'otp'] });

    // The account page, through the same (loa:2) session: nothing asked, one code fewer.
    await p.goto(`${server.url}/account`);
    await p.waitForURL(`${server.url}/account`);
    expect(await p.locator('main').innerText()).toContain('您还有 9 个未使用的恢复码');
    await expectAccessible(p, 'account page with two-step sign-in on');
  });
});
