import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/accounts/demo-accounts.js';
import { DEMO_CITIZENS, DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { PkiService } from '../../src/pki/pki.service.js';
import {
  WalletError,
  enrol,
  httpIssuer,
  initWallet,
  parseLoginChallenge,
  type StoredLicence,
  type Wallet,
} from '../../src/wallet/index.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { registerService } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { scenarioSteps } from '../support/steps.js';

/**
 * Enterprise sign-in with the electronic business licence (design §6) as the acting person sees
 * it in a real browser (Debian's Chromium through playwright-core): the demo portal's enterprise
 * link, tongban's enterprise tab, the QR page that reloads itself (a meta refresh, no script)
 * until the holder's wallet has answered the challenge, and back at the portal as the enterprise.
 * After the licence is revoked, the wallet's answer is refused and the page keeps waiting.
 */
const ENTERPRISE = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
const CHEN = { idNumber: DEMO_CITIZENS[0].id_number, name: DEMO_CITIZENS[0].name, password: DEMO_PASSWORD };
const ENTERPRISE_LINK = '以企业身份登录（电子营业执照）';
/** Far longer than the page's 3-second refresh: a deadline, not an expected duration. */
const RELOAD_DEADLINE_MS = 30_000;

describe(`enterprise sign-in in a browser: demo portal A with the e-licence wallet, on ${backend}`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let walletRoot: string;
  let wallet: Wallet;
  let licence: StoredLicence;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    // The market regulator's service client enrols the holder's wallet over HTTP.
    const regulator = await registerService(server, 'licence:issue');
    walletRoot = mkdtempSync(join(tmpdir(), 'tongban-browser-wallet-'));
    wallet = await initWallet(join(walletRoot, 'wallet'), 'browser test wallet passphrase');
    licence = await enrol(wallet, {
      uscc: ENTERPRISE.uscc,
      issue: httpIssuer({ publicUrl: server.url, clientId: regulator.clientId, clientSecret: regulator.secret }),
    });
    browser = await launchBrowser();
    context = await newCitizenContext(browser);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.close();
    if (walletRoot) rmSync(walletRoot, { recursive: true, force: true });
  });

  /** One step of the scenario; a failure takes a screenshot (OS temp dir) and stops the later steps. */
  const step = scenarioSteps(async () => {
    const shot = await screenshotOnFailure(page, 'browser-enterprise');
    return `(browser at ${page?.url()}${shot ? `; screenshot: ${shot}` : ''})`;
  });

  const portalA = () => `${server.url}/demo/portal-a`;
  const isPortalA = (url: URL) => url.origin === server.url && url.pathname === '/demo/portal-a';
  const isEnterprisePage = (url: URL) => url.origin === server.url && /^\/interaction\/[\w-]+\/enterprise$/.test(url.pathname);
  const isInteraction = (url: URL) => url.origin === server.url && url.pathname.startsWith('/interaction/');

  /** Resolves with the next document the main frame loads (a reload or a navigation), once it has loaded. */
  function nextDocument(): Promise<void> {
    return page
      .waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: RELOAD_DEADLINE_MS })
      .then(() => page.waitForLoadState('load'));
  }

  async function expectSignedOut(): Promise<void> {
    await page.waitForURL(isPortalA);
    expect(await page.locator('main').innerText()).toContain('您尚未登录本网站。');
    const link = page.getByRole('link', { name: ENTERPRISE_LINK, exact: true });
    expect(await link.getAttribute('href')).toBe('/demo/portal-a/login?acr=3');
  }

  /** From the portal's enterprise link to tongban's QR page: the enterprise tab, 陈伟 signs in with the labelled fields. */
  async function signInUpToQrPage(): Promise<string> {
    await page.getByRole('link', { name: ENTERPRISE_LINK, exact: true }).click();

    // Sent straight to the enterprise tab: the person signs in first.
    await page.waitForURL(isEnterprisePage);
    await page.getByRole('heading', { name: '登录', exact: true }).waitFor();
    const tabs = page.getByRole('navigation', { name: '登录方式' });
    const enterpriseTab = tabs.getByRole('link', { name: /^法人登录/ });
    expect(await enterpriseTab.innerText()).toBe('法人登录（电子营业执照）');
    expect(await enterpriseTab.getAttribute('aria-current')).toBe('page');
    expect(await tabs.getByRole('link', { name: '个人登录', exact: true }).getAttribute('aria-current')).toBeNull();
    expect(await page.locator('main').innerText()).toContain('法人登录分两步');
    expect(await page.getByText('示范税务服务（网站 A）').count()).toBeGreaterThan(0);

    await page.getByLabel('身份证号', { exact: true }).fill(CHEN.idNumber);
    await page.getByLabel('密码', { exact: true }).fill(CHEN.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();

    // The QR page: a QR code (SVG) and the same challenge as text, for a wallet on this computer.
    await page.getByRole('heading', { name: '法人登录：出示电子营业执照', exact: true }).waitFor();
    expect(isEnterprisePage(new URL(page.url()))).toBe(true);
    const qr = page.getByRole('img', { name: '登录二维码' });
    expect(await qr.locator('svg').count()).toBe(1);
    expect(await qr.locator('svg path').count()).toBeGreaterThan(0);
    const lead = await page.locator('main p.lead').innerText();
    expect(lead).toContain(CHEN.name);
    expect(lead).toContain(`${CHEN.idNumber.slice(0, 6)}********${CHEN.idNumber.slice(-4)}`);
    expect(await page.content()).not.toContain(CHEN.idNumber);
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toMatch(
      /^3;url=\/interaction\/[\w-]+\/enterprise\?challenge=[\w-]+$/,
    );
    const text = (await page.locator('#challenge-text').innerText()).trim();
    expect(text).toMatch(/^tongban-login:[\w-]+$/);
    return text;
  }

  step('1. portal A: not signed in; it offers the enterprise sign-in (电子营业执照)', async () => {
    await page.goto(portalA());
    await expectSignedOut();
  });

  let firstChallenge: string;

  step(
    '2. tongban: enterprise tab, 陈伟 signs in, the QR page; the wallet answers and the page continues by itself to consent and portal A',
    async () => {
      const text = await signInUpToQrPage();
      firstChallenge = text;
      const challenge = parseLoginChallenge(text);
      expect(challenge.aud).toBe(server.url);

      expect(await wallet.login(text)).toEqual({
        status: 'accepted',
        uscc: ENTERPRISE.uscc,
        enterpriseName: ENTERPRISE.name,
        aud: server.url,
      });

      // No click: the page's own refresh notices the answer and ends the sign-in (consent comes next).
      await page.waitForURL((url) => !isEnterprisePage(url) && (isInteraction(url) || isPortalA(url)), { timeout: RELOAD_DEADLINE_MS });
      const allow = page.getByRole('button', { name: '同意并继续', exact: true });
      await allow.waitFor();
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('示范税务服务（网站 A）');
      await allow.click();

      await page.waitForURL(isPortalA);
      expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
      const signedIn = page.locator('main p', { hasText: '已以企业身份登录' });
      expect(await signedIn.locator('strong').innerText()).toBe(ENTERPRISE.name);
      // In words: the enterprise's code, who acts for it in which role, and how (the raw claims behind "详细信息").
      const shown = (term: string) =>
        page.locator(`xpath=//dl[@class="person"]/dt[normalize-space()="${term}"]/following-sibling::dd[1]`).innerText();
      expect(await shown('统一社会信用代码')).toBe(ENTERPRISE.uscc);
      expect(await shown('经办人')).toBe(`${CHEN.name}（法定代表人）`);
      expect(await shown('登录方式')).toBe('电子营业执照');
      const raw = (term: string) =>
        page.locator(`xpath=//details//dt[normalize-space()="${term}"]/following-sibling::dd[1]/code`).textContent();
      expect(await raw('acr')).toBe('urn:tongban:loa:3');
      expect((await raw('amr'))?.split(' ')).toEqual(['pwd', 'swk']);
      expect(await page.content()).not.toContain(CHEN.idNumber);
    },
  );

  step("3. the licence is revoked (keyCompromise); sign out at portal A, confirmed on tongban's logout page", async () => {
    const revoked = await server.app.get(PkiService).revoke(licence.serial, 'keyCompromise');
    expect(revoked).toMatchObject({ status: 'revoked', reason: 'keyCompromise', changed: true });

    await page.getByRole('button', { name: /退出登录/ }).click();
    await page.waitForURL((url) => url.origin === server.url && url.pathname.startsWith('/session/end'));
    await page.getByRole('heading', { name: '退出登录', exact: true }).waitFor();
    const confirm = page.getByRole('button', { name: '全部退出', exact: true });
    expect(await confirm.getAttribute('form')).toBe('op.logoutForm');
    await confirm.click();
    await page.getByRole('heading', { name: '您已安全退出', exact: true }).waitFor();
    await page.getByRole('link', { name: '返回“示范税务服务（网站 A）”' }).click();
    await expectSignedOut();
  });

  step("4. again: the password is asked, the wallet's answer is refused (certificate_revoked) and the QR page keeps waiting", async () => {
    const text = await signInUpToQrPage();
    expect(text).not.toBe(firstChallenge);
    const enterpriseUrl = page.url();

    const refused = await wallet.login(text).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WalletError);
    expect(refused).toMatchObject({ code: 'certificate_revoked', status: 403 });
    expect((refused as Error).message).toContain('REVOKED');

    // The page reloads itself (after the refusal) and still shows the same challenge, waiting.
    await nextDocument();
    expect(isEnterprisePage(new URL(page.url()))).toBe(true);
    expect(new URL(page.url()).searchParams.get('challenge')).toBe(parseLoginChallenge(text).challenge_id);
    expect(page.url().startsWith(enterpriseUrl)).toBe(true);
    await page.getByRole('heading', { name: '法人登录：出示电子营业执照', exact: true }).waitFor();
    expect(await page.getByRole('img', { name: '登录二维码' }).locator('svg').count()).toBe(1);
    expect((await page.locator('#challenge-text').innerText()).trim()).toBe(text);
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(1);
    // And another reload later: still waiting, never signed in.
    await nextDocument();
    expect(isEnterprisePage(new URL(page.url()))).toBe(true);
    expect((await page.locator('#challenge-text').innerText()).trim()).toBe(text);
  });
});
