import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousAxeViolations, WIDTHS } from '../support/axe.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import { authorizationRequest, registerPortal } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { scenarioSteps } from '../support/steps.js';
import { backend } from '../support/test-env.js';

/**
 * The account console as a citizen lives it in Chromium (issue 11, point 6): the sign-in history
 * (a sign-in at portal A shows with the portal's name, its level in words and the address
 * masked), the sessions of two browsers and "sign out this session" (the other browser finds
 * itself signed out at its next navigation, at tongban and — told by back-channel logout — at
 * portal A), portal names in the page's language (client_name#en), the password form's errors
 * beside their fields, and the page checked by axe at both widths in both languages.
 */
const PORTAL_A = '示范税务服务（网站 A）';
const PORTAL_A_EN = 'Demo tax service (website A)';
const ACCOUNT_CENTRE = '通办账户中心';

describe(`the account console in a browser, on ${backend}`, () => {
  let server: TestServer;
  let browser: Browser;
  /** The citizen's phone: signed in at portal A. */
  let phone: BrowserContext | undefined;
  /** The citizen's computer: the account page. */
  let computer: BrowserContext | undefined;
  let page: Page;
  let phonePage: Page;
  let citizen: TestCitizen;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    citizen = await newCitizen(server.app);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await phone?.close().catch(() => {});
    await computer?.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  const step = scenarioSteps(async () => {
    const shot = await screenshotOnFailure(page, 'browser-account-console');
    const phoneShot = await screenshotOnFailure(phonePage, 'browser-account-console-phone');
    return `(computer at ${page?.url()}${shot ? `; screenshot: ${shot}` : ''}; phone at ${phonePage?.url()}${phoneShot ? `; ${phoneShot}` : ''})`;
  });

  const isPortalHome = (url: URL) => url.origin === server.url && url.pathname === '/demo/portal-a';
  const isInteraction = (url: URL) => url.origin === server.url && url.pathname.startsWith('/interaction/');
  const rowTexts = async (p: Page, table: string) =>
    (await p.locator(`table.${table} tbody tr`).allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());

  async function typePassword(p: Page): Promise<void> {
    await p.getByLabel('身份证号', { exact: true }).fill(citizen.idNumber);
    await p.getByLabel('密码', { exact: true }).fill(citizen.password);
    await p.getByRole('button', { name: '登录', exact: true }).click();
  }

  /** Words of the tables split across two lines (a line starting inside a word), as `before|after`. */
  const brokenWords = (p: Page) =>
    p.evaluate(() => {
      const found: string[] = [];
      for (const cell of document.querySelectorAll('table td, table th')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
          const text = node.data;
          const range = document.createRange();
          let lastTop: number | undefined;
          for (let i = 0; i < text.length; i++) {
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getBoundingClientRect();
            if (!rect.height) continue;
            // A new line starting inside a word (a letter right before, on the line above).
            if (lastTop !== undefined && rect.top > lastTop + 2 && /[A-Za-z0-9]/.test(text[i]) && /[A-Za-z0-9]/.test(text[i - 1] ?? ' '))
              found.push(`${text.slice(Math.max(0, i - 10), i)}|${text.slice(i, i + 10)}`);
            lastTop = rect.top;
          }
        }
      }
      return found;
    });

  async function expectAccessible(p: Page, what: string): Promise<void> {
    for (const width of WIDTHS) {
      await p.setViewportSize({ width, height: 900 });
      expect({ what, width, violations: await seriousAxeViolations(p) }).toEqual({ what, width, violations: [] });
    }
    await p.setViewportSize({ width: 1024, height: 800 });
  }

  step('the phone signs in at portal A (and remembers the consent)', async () => {
    phone = await newCitizenContext(browser);
    phonePage = await phone.newPage();
    await phonePage.goto(`${server.url}/demo/portal-a`);
    await phonePage.getByRole('link', { name: '使用通办统一身份认证登录' }).click();
    await phonePage.waitForURL(isInteraction);
    await typePassword(phonePage);
    await phonePage.getByRole('checkbox', { name: '记住我对该网站的授权' }).check();
    await phonePage.getByRole('button', { name: '同意并继续', exact: true }).click();
    await phonePage.waitForURL(isPortalHome);
    expect(await phonePage.locator('main').innerText()).toContain(citizen.name);
  });

  step('the computer signs in to the account page: the history shows portal A with its level in words and the address masked', async () => {
    computer = await newCitizenContext(browser);
    page = await computer.newPage();
    await page.goto(`${server.url}/account`);
    await page.waitForURL(isInteraction);
    await typePassword(page);
    await page.waitForURL(`${server.url}/account`);
    await page.getByRole('heading', { name: '最近登录记录' }).waitFor();
    const history = await rowTexts(page, 'history');
    expect(history).toHaveLength(2);
    // Newest first: this sign-in (the account centre), then portal A's.
    expect(history[0]).toContain(ACCOUNT_CENTRE);
    expect(history[1]).toContain(PORTAL_A);
    expect(history[1]).toContain('基本（密码）');
    expect(history[1]).toContain('127.0.0.*');
    expect(history[1]).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    expect(await page.locator('table.history th').first().innerText()).toBe('时间（北京时间）');
    expect((await page.locator('main').innerText()).includes('127.0.0.1')).toBe(false);
  });

  step('two sessions are listed: this device marked, and the phone with portal A', async () => {
    const sessions = await rowTexts(page, 'sessions');
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toContain('本设备');
    expect(sessions[0]).toContain(ACCOUNT_CENTRE);
    expect(sessions[1]).not.toContain('本设备');
    expect(sessions[1]).toContain(PORTAL_A);
    expect(sessions[1]).toContain('基本（密码）');
    // This device signs out the usual way; the other has its own button.
    expect(await page.locator('table.sessions tbody tr').first().getByRole('link', { name: '退出登录' }).count()).toBe(1);
    expect(
      await page
        .locator('table.sessions tbody tr')
        .nth(1)
        .getByRole('button', { name: /退出此会话/ })
        .count(),
    ).toBe(1);
    // At 1280 px every portal name, time and level stands on one line (Chinese names are not cut either).
    await page.setViewportSize({ width: 1280, height: 900 });
    const lines = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('td.portal, td.when time, table.sessions li, table.history td:nth-child(3)')].map((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        return `${el.innerText.trim()}: ${tops.size}`;
      }),
    );
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line).toMatch(/: 1$/);
    await expectAccessible(page, 'account page, zh-CN');
  });

  step('the portals table and the history read in English (client_name#en), at 1280 px without broken words', async () => {
    await page.goto(`${server.url}/account?lang=en`);
    await page.getByRole('heading', { name: 'Recent sign-ins' }).waitFor();
    const history = await rowTexts(page, 'history');
    expect(history[1]).toContain(PORTAL_A_EN);
    expect(history[1]).toContain('Basic (password)');
    expect(history[0]).toContain('tongban account centre');
    expect((await rowTexts(page, 'consents'))[0]).toContain(PORTAL_A_EN);
    expect((await rowTexts(page, 'sessions'))[1]).toContain(PORTAL_A_EN);
    expect(await page.locator('main').innerText()).not.toContain(PORTAL_A);

    // No word of the tables is split across lines at 1280 px: each line of a cell ends at a word's end.
    await page.setViewportSize({ width: 1280, height: 900 });
    const broken = await brokenWords(page);
    expect(broken).toEqual([]);
    // The check can fail: a cell squeezed with words allowed to break.
    await page.evaluate(() => {
      const cell = document.querySelector<HTMLElement>('table.history td.portal')!;
      cell.style.cssText = 'word-break:break-all;display:block;width:4em';
    });
    expect((await brokenWords(page)).length).toBeGreaterThan(0);
    await page.reload();
    await expectAccessible(page, 'account page, en');
    await page.goto(`${server.url}/account?lang=zh-CN`);
  });

  step('"sign out this session" ends the phone\'s session, and says portal A was told', async () => {
    await page
      .locator('table.sessions tbody tr')
      .nth(1)
      .getByRole('button', { name: /退出此会话/ })
      .click();
    const notice = page.locator('#sessions-notice');
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toContain('已退出该会话，那台设备需要重新登录。');
    expect(text).toContain(`已通知以下网站退出：${PORTAL_A}。`);
    expect(await notice.getAttribute('role')).toBe('status');
    const sessions = await rowTexts(page, 'sessions');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toContain('本设备');
    // The computer is still signed in.
    await page.goto(`${server.url}/account`);
    await page.getByRole('heading', { name: '我的账户' }).waitFor();
  });

  step('the phone finds itself signed out at its next navigation: at portal A and at tongban', async () => {
    await phonePage.goto(`${server.url}/demo/portal-a`);
    await phonePage.waitForURL(isPortalHome);
    expect(await phonePage.locator('main').innerText()).toContain('您尚未登录本网站。');
    await phonePage.getByRole('link', { name: '使用通办统一身份认证登录' }).click();
    await phonePage.waitForURL(isInteraction);
    // tongban asks for the password again: its session is gone.
    await phonePage.getByLabel('密码', { exact: true }).waitFor();
    await phonePage.goto(`${server.url}/account`);
    await phonePage.waitForURL(isInteraction);
    expect(await phonePage.getByLabel('密码', { exact: true }).count()).toBe(1);
  });

  step('a portal without back-channel logout is named as not told', async () => {
    // The phone signs in at the portal registered without a back-channel logout address.
    await phonePage.goto(`${server.url}/account`);
    await phonePage.waitForURL(isInteraction);
    await typePassword(phonePage);
    await phonePage.waitForURL(`${server.url}/account`);
    const portal = await registerPortal(server, { client_id: 'quiet-portal', client_name: '示范无通知网站' });
    const request = await authorizationRequest(portal);
    await phonePage.goto(request.url.href);
    await phonePage.getByRole('button', { name: '同意并继续', exact: true }).click();
    await phonePage.waitForURL((url) => url.href.startsWith(portal.redirectUri));

    await page.goto(`${server.url}/account`);
    await page
      .locator('table.sessions tbody tr')
      .nth(1)
      .getByRole('button', { name: /退出此会话/ })
      .click();
    const text = await page.locator('#sessions-notice').innerText();
    expect(text).toContain('以下网站未登记退出通知（或未能送达）');
    expect(text).toContain('示范无通知网站');
    // A session that is gone (ended just now) cannot be ended again: said, not an error page.
    const answer = await page.request.post(`${server.url}/account/sessions/no-such-session-uid-x/end`, {
      form: { csrf: (await page.locator('input[name="csrf"]').first().getAttribute('value'))! },
    });
    expect(answer.status()).toBe(404);
    expect(await answer.text()).toContain('该会话已经结束');
  });

  step('the password form: every error beside its field, all at once', async () => {
    await page.goto(`${server.url}/account`);
    await page.getByLabel('新密码', { exact: true }).fill('password');
    await page.getByLabel('确认新密码', { exact: true }).fill('passw0rd');
    await page.getByRole('button', { name: '修改密码', exact: true }).click();
    await page.locator('#new_password-error').waitFor();
    expect(await page.locator('#current_password-error').innerText()).toContain('请输入当前密码。');
    expect(await page.locator('#new_password-error').innerText()).toContain('这是常见密码');
    expect(await page.locator('#new_password_confirm-error').innerText()).toContain('两次输入的新密码不一致。');
    for (const id of ['current_password', 'new_password', 'new_password_confirm']) {
      expect(await page.locator(`#${id}`).getAttribute('aria-invalid')).toBe('true');
      expect((await page.locator(`#${id}`).getAttribute('aria-describedby'))?.split(' ')[0]).toBe(`${id}-error`);
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('current_password');

    await page.getByLabel('当前密码', { exact: true }).fill('not-my-password');
    await page.getByLabel('新密码', { exact: true }).fill('lantern river copper morning');
    await page.getByLabel('确认新密码', { exact: true }).fill('lantern river copper morning');
    await page.getByRole('button', { name: '修改密码', exact: true }).click();
    await page.locator('#current_password-error').waitFor();
    expect(await page.locator('#current_password-error').innerText()).toContain('当前密码不正确。');
    expect(await page.locator('#new_password').getAttribute('aria-invalid')).toBeNull();
    await expectAccessible(page, 'account page, password errors');
  });
});
