import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/accounts/demo-accounts.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-data.js';
import { seriousAxeViolations, WIDTHS } from '../support/axe.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Every page a citizen can reach is checked by axe-core (WCAG 2.1 AA and best practices) in
 * Chromium at a phone's width and a desktop's, in both languages: no serious or critical finding.
 */
describe('accessibility of the pages (axe-core in Chromium)', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Signs the demo citizen 张三 in at a demo portal, up to the consent page (in either language: by ids, not words). */
  async function toConsent(page: Page, slug = 'portal-a'): Promise<void> {
    await page.goto(`${server.url}/demo/${slug}/login`);
    await page.locator('#id_number').fill(DEMO_CITIZENS[1].id_number);
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.locator('form[action$="/login"] button[type="submit"]').click();
    await page.locator('form[action$="/confirm"] button[type="submit"]').waitFor();
  }

  /** Signed in at portal A (consent given), on the portal's page. */
  async function signedInAtPortal(page: Page): Promise<void> {
    await toConsent(page);
    await page.locator('form[action$="/confirm"] button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/demo/portal-a');
  }

  /** Signed in at portal A, then its sign-out: tongban's sign-out page. */
  async function toSignOut(page: Page): Promise<void> {
    await signedInAtPortal(page);
    await page.locator('form[action$="/logout"] button').click();
    await page.locator('button[name="logout"]').waitFor();
  }

  /** The pages to check, each reached the way a citizen reaches it. */
  const pages: Array<[string, (page: Page) => Promise<unknown>]> = [
    ['sign-in', (page) => page.goto(`${server.url}/demo/portal-a/login`)],
    ['registration', (page) => page.goto(`${server.url}/register`)],
    ['an expired sign-in request', (page) => page.goto(`${server.url}/interaction/not-a-real-one`)],
    ['the home page', (page) => page.goto(`${server.url}/`)],
    ['help', (page) => page.goto(`${server.url}/help`)],
    ['forgot password', (page) => page.goto(`${server.url}/forgot-password`)],
    ['the user agreement', (page) => page.goto(`${server.url}/terms`)],
    ['the privacy notice', (page) => page.goto(`${server.url}/privacy`)],
    ['an unknown page (404)', (page) => page.goto(`${server.url}/no/such/page`)],
    ['an unknown website (error page)', (page) => page.goto(`${server.url}/auth?client_id=nobody&response_type=code&scope=openid`)],
    ['consent (who is signed in, not you?)', (page) => toConsent(page)],
    ['sign-out (two choices)', (page) => toSignOut(page)],
    [
      'signed out (您已安全退出)',
      async (page) => {
        await toSignOut(page);
        await page.locator('button[name="logout"]').click();
        await page.waitForURL((url) => url.pathname === '/session/end/success');
      },
    ],
    [
      'left one website, still signed in',
      async (page) => {
        await toSignOut(page);
        await page.locator('button[form="op.logoutForm"]:not([name])').click();
        await page.waitForURL((url) => url.pathname === '/session/end/success');
      },
    ],
    ['demo portal, signed out', (page) => page.goto(`${server.url}/demo/portal-a`)],
    [
      'demo portal, signed in (details open)',
      async (page) => {
        await signedInAtPortal(page);
        await page.locator('details summary').click();
      },
    ],
    ['demo portal, an error in words', (page) => page.goto(`${server.url}/demo/portal-b/callback?error=unmet_authentication_requirements`)],
  ];

  test('the check finds a field without its label (it can fail)', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/register`);
      await page.evaluate(() => document.querySelectorAll('label').forEach((label) => label.remove()));
      expect((await seriousAxeViolations(page)).map((v) => v.id)).toContain('label');
    } finally {
      await context.close();
    }
  });

  for (const width of WIDTHS) {
    for (const lang of ['zh-CN', 'en'] as const) {
      test.each(pages)(`%s at ${width} px (${lang})`, async (_name, open) => {
        const context: BrowserContext = await browser.newContext({ locale: lang, viewport: { width, height: 900 } });
        try {
          const page = await context.newPage();
          await open(page);
          expect(await seriousAxeViolations(page)).toEqual([]);
        } finally {
          await context.close();
        }
      });
    }
  }
});
