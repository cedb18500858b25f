import type { Browser, BrowserContext, Page } from 'playwright-core';
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

  /** The pages to check, each reached the way a citizen reaches it. */
  const pages: Array<[string, (page: Page) => Promise<unknown>]> = [
    ['sign-in', (page) => page.goto(`${server.url}/demo/portal-a/login`)],
    ['registration', (page) => page.goto(`${server.url}/register`)],
    ['an expired sign-in request', (page) => page.goto(`${server.url}/interaction/not-a-real-one`)],
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
