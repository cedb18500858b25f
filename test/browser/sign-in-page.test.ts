import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/accounts/demo-accounts.js';
import { DEMO_CITIZENS, DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { enrol, httpIssuer, initWallet, type Wallet } from '../../src/wallet/index.js';
import { seriousAxeViolations, WIDTHS } from '../support/axe.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { registerService } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';

/**
 * The sign-in page as a citizen uses it (issue 11, point 2), in Chromium: the ID number stays in
 * its field after a failed attempt; the password can be shown and hidden (a page script; by
 * mouse and keyboard; its state announced); "还可尝试 N 次" counts down to the lock, the same for
 * a number without an account, and the lock says when it ends in 北京时间; 忘记密码 and help lead
 * to pages that exist; no error code reaches the page's text. Then axe-core on the sign-in page
 * in each state and on the enterprise tab in each of its states, at both widths, in both languages.
 */
const THRESHOLD = 3;
const LOCK_MINUTES = 15;
const ZHANG = { idNumber: DEMO_CITIZENS[1].id_number, name: DEMO_CITIZENS[1].name, password: DEMO_PASSWORD };
const ENTERPRISE = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;

/** Text that looks like a machine's error code (snake_case), which must never be shown to a citizen. */
const RAW_CODE = /\b[a-z]+(?:_[a-z]+)+\b/;

/** The Beijing wall-clock time `minutes` from now, rounded up to the minute, HH:MM. */
function beijingIn(minutes: number, from = Date.now()): string {
  const at = Math.ceil((from + minutes * 60_000) / 60_000) * 60_000 + 8 * 3600_000;
  const local = new Date(at);
  return `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
}

/** The page's text as a citizen reads it (the developers' disclosure, command and challenge, left out). */
async function visibleWords(page: Page): Promise<string> {
  return page.locator('body').evaluate((body) => {
    const copy = body.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('details.developer').forEach((d) => d.remove());
    return copy.innerText || copy.textContent || '';
  });
}

let numbers = 0;
/** A valid ID number nobody has an account for (or, with a region of the demo's, that may exist: it does not matter). */
function freshIdNumber(): string {
  numbers += 1;
  return makeCitizenId({ region: '350102', birthDate: '1977-07-07', sequence: (numbers * 7) % 1000 });
}

describe(`the sign-in page in a browser (Chromium), on ${backend}`, () => {
  let server: TestServer;
  let browser: Browser;
  let walletRoot: string;
  let wallet: Wallet;

  beforeAll(async () => {
    server = await startTestServer({
      DEMO: '1',
      LOGIN_LOCK_THRESHOLD: String(THRESHOLD),
      LOGIN_LOCK_MINUTES: String(LOCK_MINUTES),
      LOGIN_IP_LIMIT_PER_MINUTE: '0',
    });
    const regulator = await registerService(server, 'licence:issue');
    walletRoot = mkdtempSync(join(tmpdir(), 'tongban-sign-in-page-'));
    wallet = await initWallet(join(walletRoot, 'w'), 'sign-in page wallet passphrase');
    await enrol(wallet, {
      uscc: ENTERPRISE.uscc,
      issue: httpIssuer({ publicUrl: server.url, clientId: regulator.clientId, clientSecret: regulator.secret }),
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (walletRoot) rmSync(walletRoot, { recursive: true, force: true });
  });

  /** A fresh zh-CN context and page for one test; a failure leaves a screenshot in the OS temp dir. */
  async function withPage(name: string, run: (page: Page) => Promise<void>, options: { javaScriptEnabled?: boolean } = {}) {
    const context: BrowserContext =
      options.javaScriptEnabled === false
        ? await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', javaScriptEnabled: false })
        : await newCitizenContext(browser);
    const page = await context.newPage();
    try {
      await run(page);
    } catch (err) {
      const shot = await screenshotOnFailure(page, `sign-in-page-${name}`);
      throw shot ? new Error(`${(err as Error).message}\n(screenshot: ${shot})`, { cause: err }) : err;
    } finally {
      await context.close();
    }
  }

  async function signInPage(page: Page): Promise<void> {
    await page.goto(`${server.url}/demo/portal-a/login`);
    await page.getByRole('heading', { name: '登录', exact: true }).waitFor();
  }

  async function attempt(page: Page, idNumber: string, password: string): Promise<string> {
    await page.getByLabel('身份证号', { exact: true }).fill(idNumber);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForLoadState('load');
    return page.getByRole('alert').innerText();
  }

  test('after a wrong password the ID number stays in its field (not in the URL), the password does not', async () => {
    await withPage('kept', async (page) => {
      await signInPage(page);
      const alert = await attempt(page, ZHANG.idNumber, 'not the password');
      expect(alert).toContain('身份证号或密码不正确');
      const id = page.getByLabel('身份证号', { exact: true });
      expect(await id.inputValue()).toBe(ZHANG.idNumber);
      expect(await id.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel('密码', { exact: true }).inputValue()).toBe('');
      // The field to fix next has the focus.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
      expect(page.url()).not.toContain(ZHANG.idNumber);
      // And signing in from here needs only the password.
      await page.getByLabel('密码', { exact: true }).fill(ZHANG.password);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.getByRole('button', { name: '同意并继续', exact: true }).waitFor();
    });
  });

  test('the password can be shown and hidden, by mouse and by keyboard, the state announced; hidden again when sent', async () => {
    await withPage('toggle', async (page) => {
      await signInPage(page);
      const password = page.locator('#password');
      await password.fill('my secret 42');
      const show = page.getByRole('button', { name: '显示密码', exact: true });
      expect(await show.isVisible()).toBe(true);
      expect(await show.innerText()).toBe('显示');
      expect(await show.getAttribute('aria-controls')).toBe('password');
      await show.click();
      expect(await password.getAttribute('type')).toBe('text');
      const hide = page.getByRole('button', { name: '隐藏密码', exact: true });
      expect(await hide.innerText()).toBe('隐藏');
      expect(await page.getByRole('status').filter({ hasText: '密码' }).innerText()).toBe('密码已显示');
      // Keyboard: from the password field, Tab reaches the button; Space presses it.
      await password.focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-password-toggle'))).toBe('');
      await page.keyboard.press('Space');
      expect(await password.getAttribute('type')).toBe('password');
      expect(await page.getByRole('status').filter({ hasText: '密码' }).innerText()).toBe('密码已隐藏');
      await page.keyboard.press('Enter');
      expect(await password.getAttribute('type')).toBe('text');
      // Sent while shown: the field is a password field again before the page goes.
      await page.getByLabel('身份证号', { exact: true }).fill(ZHANG.idNumber);
      const typeAtSubmit = await page.locator('form[action$="/login"]').evaluate((form) => {
        let seen = '';
        // After the page script's own listener: what the browser would send the form with (kept here, not sent).
        form.addEventListener('submit', (event) => {
          seen = form.querySelector('#password')!.getAttribute('type')!;
          event.preventDefault();
        });
        (form as HTMLFormElement).requestSubmit();
        return seen;
      });
      expect(typeAtSubmit).toBe('password');
    });
    // Without script there is no button that would do nothing.
    await withPage(
      'toggle-no-script',
      async (page) => {
        await signInPage(page);
        expect(await page.locator('button[data-password-toggle]').isVisible()).toBe(false);
        expect(await page.getByRole('button', { name: '显示密码' }).count()).toBe(0);
      },
      { javaScriptEnabled: false },
    );
  });

  test('还可尝试 N 次 counts down to the lock — the same for a number without an account — and the lock ends at a time in 北京时间', async () => {
    /** The alerts of THRESHOLD wrong attempts and one more, for one ID number. */
    const alertsFor = async (idNumber: string, rightPassword: string) => {
      const messages: string[] = [];
      await withPage('attempts', async (page) => {
        await signInPage(page);
        for (let i = 0; i < THRESHOLD; i++) messages.push(await attempt(page, idNumber, `wrong ${i}`));
        const locked = Date.now();
        expect(messages[0]).toBe(
          `身份证号或密码不正确，请检查后重新输入。该身份证号还可尝试 ${THRESHOLD - 1} 次，再次失败将暂停登录 ${LOCK_MINUTES} 分钟。`,
        );
        expect(messages[1]).toContain('该身份证号还可尝试 1 次');
        // Locked: when it ends, as a Beijing clock time (rounded up to the minute).
        const match = /已暂停登录，(\d\d:\d\d) 解除（北京时间），约 (\d+) 分钟后。/.exec(messages[2]);
        expect(match).not.toBeNull();
        expect([beijingIn(LOCK_MINUTES, locked - 3000), beijingIn(LOCK_MINUTES, locked + 1000)]).toContain(match![1]);
        expect(Number(match![2])).toBe(LOCK_MINUTES);
        expect(await page.getByLabel('身份证号', { exact: true }).inputValue()).toBe(idNumber);
        // While locked, even the right password is refused, in the same words.
        messages.push(await attempt(page, idNumber, rightPassword));
        expect(messages[3]).toMatch(/解除（北京时间）/);
        expect(await visibleWords(page)).not.toMatch(RAW_CODE);
      });
      await server.app.get(DataSource).query('DELETE FROM accounts_login_failures');
      return messages.map((text) => text.replace(/\d\d:\d\d/, 'HH:MM'));
    };
    const withAccount = await alertsFor(ZHANG.idNumber, ZHANG.password);
    const withoutAccount = await alertsFor(freshIdNumber(), ZHANG.password);
    expect(withoutAccount).toEqual(withAccount);
  });

  test('忘记密码 leads to the page saying how a password is reset, and the help link to help', async () => {
    await withPage('links', async (page) => {
      await signInPage(page);
      const links = page.getByRole('navigation', { name: '其他帮助' });
      await links.getByRole('link', { name: '忘记密码？', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/forgot-password');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('忘记密码');
      await page.goBack();
      await page
        .getByRole('navigation', { name: '其他帮助' })
        .getByRole('link', { name: /登录遇到问题/ })
        .click();
      await page.waitForURL((url) => url.pathname === '/help');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('帮助');
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Accessibility: every state of the sign-in page and of the enterprise tab
  // ---------------------------------------------------------------------------------------------

  /** The enterprise tab of portal A's loa:3 sign-in, nobody signed in: its QR code. */
  async function qrPage(page: Page): Promise<string> {
    await page.goto(`${server.url}/demo/portal-a/login?acr=3`);
    await page.locator('figure.qr svg').waitFor();
    return ((await page.locator('#challenge-text').textContent()) ?? '').trim();
  }

  /** After the wallet's answer: the sign-in form with the licence received. */
  async function answered(page: Page): Promise<void> {
    await wallet.login(await qrPage(page));
    await page.locator('#enterprise-answered').waitFor({ timeout: 30_000 });
  }

  const fill = async (page: Page, idNumber: string, password: string) => {
    await page.locator('#id_number').fill(idNumber);
    await page.locator('#password').fill(password);
    await page.locator('form[action*="/login"] button[type="submit"]').click();
    await page.waitForLoadState('load');
  };

  const states: Array<[string, (page: Page) => Promise<unknown>]> = [
    ['sign-in', (page) => page.goto(`${server.url}/demo/portal-a/login`)],
    [
      'sign-in, password shown',
      async (page) => {
        await page.goto(`${server.url}/demo/portal-a/login`);
        await page.locator('#password').fill('secret');
        await page.locator('button[data-password-toggle]').click();
      },
    ],
    [
      'sign-in, wrong password (attempts left)',
      async (page) => {
        await page.goto(`${server.url}/demo/portal-a/login`);
        await fill(page, freshIdNumber(), 'wrong');
      },
    ],
    [
      'sign-in, locked (until a Beijing time)',
      async (page) => {
        await page.goto(`${server.url}/demo/portal-a/login`);
        const id = freshIdNumber();
        for (let i = 0; i < THRESHOLD; i++) await fill(page, id, 'wrong');
      },
    ],
    ['enterprise tab: the QR code', (page) => qrPage(page)],
    [
      'enterprise tab: the QR code, developers open',
      async (page) => {
        await qrPage(page);
        await page.locator('details.developer summary').click();
      },
    ],
    ['enterprise tab: licence received, the person signs in', (page) => answered(page)],
    [
      'enterprise tab: not authorised',
      async (page) => {
        await answered(page);
        await fill(page, ZHANG.idNumber, ZHANG.password);
        await page.locator('#enterprise-error').waitFor();
      },
    ],
    [
      'enterprise tab: expired',
      async (page) => {
        const text = await qrPage(page);
        const id = (JSON.parse(Buffer.from(text.slice('tongban-login:'.length), 'base64url').toString('utf8')) as { challenge_id: string })
          .challenge_id;
        await server.app.get(DataSource).query(`UPDATE oidc_enterprise_challenges SET expires_at = now() WHERE id = $1`, [id]);
        await page.locator('.qr-gone').waitFor({ timeout: 30_000 });
      },
    ],
  ];

  for (const width of WIDTHS) {
    for (const lang of ['zh-CN', 'en'] as const) {
      test.each(states)(`axe: %s at ${width} px (${lang})`, async (_name, open) => {
        const context = await browser.newContext({ locale: lang, timezoneId: 'Asia/Shanghai', viewport: { width, height: 900 } });
        context.setDefaultTimeout(15_000);
        try {
          const page = await context.newPage();
          await open(page);
          expect(await seriousAxeViolations(page)).toEqual([]);
          // No error code in the words of any state.
          expect(await visibleWords(page)).not.toMatch(RAW_CODE);
        } finally {
          await context.close();
        }
      });
    }
  }
});
