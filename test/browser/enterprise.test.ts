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
 * Enterprise sign-in with the electronic business licence (design §6, QR code first) as the
 * acting person sees it in a real browser (Debian's Chromium through playwright-core): the demo
 * portal's enterprise link, tongban's enterprise tab showing the QR code at once with its expiry
 * in 北京时间 and a running countdown, the wallet command and challenge behind a closed 开发者
 * disclosure; the holder's wallet answers, the page moves on by itself (its script asks the
 * status URL) and asks the person to sign in; back at the portal as the enterprise. After the
 * licence is revoked, the wallet's answer is refused and the page says why in words, still
 * waiting. Without script the same sign-in works through the page's no-script refresh.
 */
const ENTERPRISE = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
const CHEN = { idNumber: DEMO_CITIZENS[0].id_number, name: DEMO_CITIZENS[0].name, password: DEMO_PASSWORD };
const ENTERPRISE_LINK = '以企业身份登录（电子营业执照）';
/** Far longer than the page's 2-second status poll and 3-second no-script refresh: a deadline, not an expected duration. */
const MOVE_DEADLINE_MS = 30_000;

/** A moment as a Beijing wall-clock time, HH:MM (rounded down: the validity's end). */
function beijingHhMm(at: Date): string {
  const local = new Date(Math.floor(at.getTime() / 60_000) * 60_000 + 8 * 3600_000);
  return `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
}

/** m:ss → seconds. */
function seconds(text: string): number {
  const [m, s] = text.trim().split(':').map(Number);
  return m * 60 + s;
}

describe(`enterprise sign-in in a browser: demo portal A with the e-licence wallet, QR code first, on ${backend}`, () => {
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

  async function expectSignedOut(p: Page = page): Promise<void> {
    await p.waitForURL(isPortalA);
    expect(await p.locator('main').innerText()).toContain('您尚未登录本网站。');
    const link = p.getByRole('link', { name: ENTERPRISE_LINK, exact: true });
    expect(await link.getAttribute('href')).toBe('/demo/portal-a/login?acr=3');
  }

  /** From the portal's enterprise link to tongban's enterprise tab: the QR code at once, nobody asked for a password yet. */
  async function openQrPage(p: Page = page): Promise<string> {
    await p.getByRole('link', { name: ENTERPRISE_LINK, exact: true }).click();
    await p.waitForURL(isEnterprisePage);
    await p.getByRole('heading', { name: '法人登录', exact: true }).waitFor();
    const tabs = p.getByRole('navigation', { name: '登录方式' });
    const enterpriseTab = tabs.getByRole('link', { name: /^法人登录/ });
    expect(await enterpriseTab.getAttribute('aria-current')).toBe('page');
    expect(await tabs.getByRole('link', { name: '个人登录', exact: true }).getAttribute('aria-current')).toBeNull();
    expect(await p.getByText('示范税务服务（网站 A）').count()).toBeGreaterThan(0);
    // QR code first: no password field, the steps say the person signs in after the wallet.
    expect(await p.locator('input[type="password"]').count()).toBe(0);
    const qr = p.getByRole('img', { name: '登录二维码' });
    expect(await qr.locator('svg path').count()).toBeGreaterThan(0);
    expect(await p.getByRole('list', { name: '登录步骤' }).innerText()).toContain('以本人身份登录');
    // The developers' disclosure is closed; it holds the command and the raw challenge, out of sight.
    const disclosure = p.locator('details.developer');
    expect(await disclosure.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await p.locator('summary').innerText()).toBe('开发者');
    expect(await p.locator('#wallet-command').isVisible()).toBe(false);
    expect(await p.locator('main').innerText()).not.toContain('tongban-login:');
    const text = ((await p.locator('#challenge-text').textContent()) ?? '').trim();
    expect(text).toMatch(/^tongban-login:[\w-]+$/);
    expect(((await p.locator('#wallet-command').textContent()) ?? '').trim()).toBe(`tongban wallet login ${text}`);
    return text;
  }

  step('1. portal A: not signed in; it offers the enterprise sign-in (电子营业执照)', async () => {
    await page.goto(portalA());
    await expectSignedOut();
  });

  let firstChallenge: string;

  step('2. tongban: the enterprise tab shows the QR code at once, its expiry in 北京时间 and a running countdown', async () => {
    const text = await openQrPage();
    firstChallenge = text;
    const challenge = parseLoginChallenge(text);
    expect(challenge.aud).toBe(server.url);
    const expiry = await page.locator('p.expiry').innerText();
    expect(expiry).toContain(`二维码 ${beijingHhMm(new Date(challenge.exp * 1000))} 失效（北京时间）`);
    // The countdown runs (the page script), from about five minutes.
    const timer = page.getByRole('timer');
    const before = seconds(await timer.locator('[data-countdown-left]').innerText());
    expect(before).toBeGreaterThan(240);
    expect(before).toBeLessThanOrEqual(300);
    expect(await timer.innerText()).toMatch(/^还剩 \d:\d\d$/);
    await page.waitForFunction(
      (start) => {
        const el = document.querySelector('[data-countdown-left]');
        const [m, s] = (el?.textContent ?? '').split(':').map(Number);
        return m * 60 + s <= start - 2;
      },
      before,
      { timeout: 10_000 },
    );
    // With script, the no-script refresh is inert: the page asks its status URL instead.
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
  });

  step('3. the developer opens 开发者: it stays open while the page waits (no reloads), and holds the command', async () => {
    const url = page.url();
    let navigations = 0;
    const count = (frame: { parentFrame(): unknown }) => {
      if (!frame.parentFrame()) navigations++;
    };
    page.on('framenavigated', count);
    await page.getByText('开发者', { exact: true }).click();
    expect(await page.locator('#wallet-command').isVisible()).toBe(true);
    expect(await page.locator('#wallet-command').innerText()).toBe(`tongban wallet login ${firstChallenge}`);
    // Three of the script's polls later: the same page, the disclosure still open.
    await page.waitForTimeout(6_500);
    page.off('framenavigated', count);
    expect(navigations).toBe(0);
    expect(page.url()).toBe(url);
    expect(await page.locator('details.developer').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
  });

  step('4. the wallet answers; the page moves on by itself and asks the person to sign in; 陈伟 does; consent; portal A', async () => {
    expect(await wallet.login(firstChallenge)).toEqual({
      status: 'accepted',
      uscc: ENTERPRISE.uscc,
      enterpriseName: ENTERPRISE.name,
      aud: server.url,
    });
    // No click: the page's script notices the answer.
    const received = page.locator('#enterprise-answered');
    await received.waitFor({ timeout: MOVE_DEADLINE_MS });
    expect(await received.innerText()).toContain(`钱包已出示“${ENTERPRISE.name}”的电子营业执照`);
    expect(await received.innerText()).toMatch(/请在 \d\d:\d\d（北京时间）前完成登录，还剩 \d:\d\d。/);
    expect(await page.getByRole('link', { name: /^法人登录/ }).getAttribute('aria-current')).toBe('page');
    await page.getByLabel('身份证号', { exact: true }).fill(CHEN.idNumber);
    await page.getByLabel('密码', { exact: true }).fill(CHEN.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();

    const allow = page.getByRole('button', { name: '同意并继续', exact: true });
    await allow.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('示范税务服务（网站 A）');
    await allow.click();

    await page.waitForURL(isPortalA);
    expect(await page.getByRole('alert').allInnerTexts()).toEqual([]);
    const signedIn = page.locator('main p', { hasText: '已以企业身份登录' });
    expect(await signedIn.locator('strong').innerText()).toBe(ENTERPRISE.name);
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
  });

  step("5. the licence is revoked (keyCompromise); sign out at portal A, confirmed on tongban's logout page", async () => {
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

  step(
    "6. again: the wallet's answer is refused (certificate_revoked); the page says why in words and keeps the same QR code",
    async () => {
      const text = await openQrPage();
      expect(text).not.toBe(firstChallenge);
      const refused = await wallet.login(text).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(WalletError);
      expect(refused).toMatchObject({ code: 'certificate_revoked', status: 403 });

      // The script sees the refusal and reloads the page once: the reason in words, the same challenge, still waiting.
      const note = page.locator('#last-refusal');
      await note.waitFor({ timeout: MOVE_DEADLINE_MS });
      expect(await note.innerText()).toBe('钱包刚才的确认未通过：这份电子营业执照已被吊销或暂停使用。处理后可用同一个二维码再试。');
      expect(new URL(page.url()).searchParams.get('challenge')).toBe(parseLoginChallenge(text).challenge_id);
      expect(((await page.locator('#challenge-text').textContent()) ?? '').trim()).toBe(text);
      expect(await page.getByRole('img', { name: '登录二维码' }).locator('svg').count()).toBe(1);
      const visible = await page.locator('body').innerText();
      expect(visible).not.toMatch(/certificate_revoked|REVOKED/);
      expect(visible).not.toMatch(/\b[a-z]+(?:_[a-z]+)+\b/);
      expect(await page.locator('input[type="password"]').count()).toBe(0);
    },
  );

  step('7. without script: the QR page reloads itself (no-script refresh), and the whole sign-in still works', async () => {
    const noScript = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', javaScriptEnabled: false });
    noScript.setDefaultTimeout(15_000);
    try {
      const p = await noScript.newPage();
      // A fresh licence for the wallet (the first was revoked above).
      const regulator = await registerService(server, 'licence:issue');
      const fresh = await initWallet(join(walletRoot, 'no-script'), 'no-script wallet passphrase');
      await enrol(fresh, {
        uscc: ENTERPRISE.uscc,
        issue: httpIssuer({ publicUrl: server.url, clientId: regulator.clientId, clientSecret: regulator.secret }),
      });
      await p.goto(portalA());
      await expectSignedOut(p);
      const text = await openQrPage(p);
      expect(await p.locator('meta[http-equiv="refresh"]').getAttribute('content')).toMatch(
        /^3;url=\/interaction\/[\w-]+\/enterprise\?challenge=[\w-]+$/,
      );
      // The time is written in the page; the countdown shows the server's seconds (right at each reload).
      expect(await p.locator('p.expiry').innerText()).toMatch(/二维码 \d\d:\d\d 失效（北京时间），还剩 \d:\d\d/);
      expect(await fresh.login(text)).toMatchObject({ status: 'accepted' });
      await p.locator('#enterprise-answered').waitFor({ timeout: MOVE_DEADLINE_MS });
      // Without script the show-password button is not there to press.
      expect(await p.locator('button[data-password-toggle]').isVisible()).toBe(false);
      await p.getByLabel('身份证号', { exact: true }).fill(CHEN.idNumber);
      await p.getByLabel('密码', { exact: true }).fill(CHEN.password);
      await p.getByRole('button', { name: '登录', exact: true }).click();
      await p.getByRole('button', { name: '同意并继续', exact: true }).click();
      await p.waitForURL(isPortalA);
      expect(await p.locator('main p', { hasText: '已以企业身份登录' }).locator('strong').innerText()).toBe(ENTERPRISE.name);
    } finally {
      await noScript.close();
    }
  });
});
