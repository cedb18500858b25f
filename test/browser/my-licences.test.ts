import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/accounts/demo-accounts.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-data.js';
import { readOfd } from '../../src/ofd/index.js';
import { seriousAxeViolations, WIDTHS } from '../support/axe.js';
import { launchBrowser, newCitizenContext, screenshotOnFailure } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { scenarioSteps } from '../support/steps.js';
import { backend } from '../support/test-env.js';

const ZHANG = DEMO_CITIZENS[1];
/** The demo residence permit's claims (src/demo/demo-licences.ts) that the holder does not show. */
const NOT_SHOWN = ['110105199003071239', '1239', '北京市朝阳区建国路88号', '福州市公安局鼓楼分局', '汉族', '1990年3月7日'];
/** The lifetime chosen: short, so the test sees the share expire. */
const LIFETIME_SECONDS = 30;

/**
 * 我的证照 as the demo citizen lives it in Chromium (issue 13 §6, §9): 张三 signs in to the
 * account page, finds the demo residence permit under 我的证照, downloads its OFD and PDF, shows it
 * (亮证) with his name and residence address only, for a short time; a second browser (the clerk)
 * opens the link — by the QR code's URL, decoded from the page — and sees only those claims with
 * the live status; the holder's page lists the opening; once the lifetime is over, the clerk's page
 * says the share has expired (its countdown goes there by itself), and so does opening the link
 * anew. Every page checked by axe at 390 and 1280 px; the home page's licence check reaches /v/{id}.
 */
describe(`我的证照 and 亮证 in a browser, on ${backend}`, () => {
  let server: TestServer;
  let browser: Browser;
  let citizen: BrowserContext | undefined;
  let clerk: BrowserContext | undefined;
  let page: Page;
  let clerkPage: Page | undefined;
  let shareUrl: string;
  let licenceId: string;
  const work = mkdtempSync(join(tmpdir(), 'tongban-my-licences-'));

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await clerk?.close().catch(() => {});
    await citizen?.close().catch(() => {});
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const step = scenarioSteps(async () => {
    const shot = await screenshotOnFailure(page, 'browser-my-licences');
    const clerkShot = await screenshotOnFailure(clerkPage, 'browser-my-licences-clerk');
    return `(citizen at ${page?.url()}${shot ? `; screenshot: ${shot}` : ''}; clerk at ${clerkPage?.url()}${clerkShot ? `; ${clerkShot}` : ''})`;
  });

  async function expectAccessible(p: Page, what: string): Promise<void> {
    for (const width of WIDTHS) {
      await p.setViewportSize({ width, height: 900 });
      expect({ what, width, violations: await seriousAxeViolations(p) }).toEqual({ what, width, violations: [] });
    }
    await p.setViewportSize({ width: 1024, height: 800 });
  }

  /** What a page says, without the markup. */
  const mainText = async (p: Page) => (await p.locator('main').innerText()).replace(/\s+/g, ' ');

  step('张三 signs in to the account page and finds the demo residence permit under 我的证照', async () => {
    citizen = await newCitizenContext(browser);
    page = await citizen.newPage();
    await page.goto(`${server.url}/account`);
    await page.waitForURL((url) => url.pathname.startsWith('/interaction/'));
    await page.getByLabel('身份证号', { exact: true }).fill(ZHANG.id_number);
    await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(`${server.url}/account`);
    const section = page.locator('section#licences');
    await section.getByRole('heading', { name: '我的证照' }).waitFor();
    const card = section.locator('li.licence-card', { has: page.getByRole('heading', { name: '居住证' }) });
    expect(await card.count()).toBe(1);
    const text = (await card.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('示范证照签发机关');
    expect(text).toContain('有效');
    expect(text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日/);
    licenceId = (await card.locator('dd.licence-number').innerText()).trim();
    expect(licenceId).toMatch(/^1\.2\.156\.3005\.2\./);
    expect(await section.getByText('您还没有出示过证照。').count()).toBe(1);
    await expectAccessible(page, '我的证照 on the account page');
  });

  step('downloads the stamped OFD and the PDF of the permit', async () => {
    const card = page.locator('li.licence-card').first();
    for (const [name, extension] of [
      ['下载 OFD 文件', 'ofd'],
      ['下载 PDF 文件', 'pdf'],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        card.getByRole('link', { name: new RegExp(`^${name}`) }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`居住证-${licenceId}.${extension}`);
      const path = join(work, `permit.${extension}`);
      await download.saveAs(path);
      const bytes = readFileSync(path);
      if (extension === 'ofd') expect(readOfd(bytes).documents[0].signatures).toHaveLength(1);
      else expect(execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' })).toContain(ZHANG.name);
    }
  });

  step(
    '亮证: chooses his name and residence address (the name ticked already, nothing else), a short lifetime, and gets the QR code and link',
    async () => {
      await page.locator('li.licence-card').first().getByRole('link', { name: /^亮证/ }).click();
      await page.waitForURL((url) => url.pathname.endsWith('/show'));
      await page.getByRole('heading', { name: '亮证：居住证' }).waitFor();
      // Only the name is ticked to begin with; two minutes is the lifetime chosen.
      const ticked = await page
        .locator('input[name="disclose"]:checked')
        .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
      expect(ticked).toEqual(['name']);
      expect(await page.getByRole('radio', { name: /^2 分钟/ }).isChecked()).toBe(true);
      await expectAccessible(page, 'choosing what to show');
      await page.getByRole('checkbox', { name: /居住地址/ }).check();
      // The shortest lifetime offered is a minute; the service takes any from 30 s: the test waits less.
      await page.getByRole('radio', { name: /^1 分钟/ }).check();
      await page
        .getByRole('radio', { name: /^1 分钟/ })
        .evaluate((input, seconds) => ((input as HTMLInputElement).value = String(seconds)), LIFETIME_SECONDS);
      await page.getByRole('button', { name: '生成二维码' }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/account/licences/shares/'));
      await page.getByRole('heading', { name: '亮证二维码' }).waitFor();
      shareUrl = await page.getByRole('textbox', { name: '链接' }).inputValue();
      expect(shareUrl).toMatch(new RegExp(`^${server.url}/s/[A-Za-z0-9_-]{43}$`));
      const text = await mainText(page);
      expect(text).toContain(`姓名 ${ZHANG.name}`);
      expect(text).toContain('居住地址 福建省福州市鼓楼区五四路1号');
      expect(text).toMatch(/剩余时间：0:[0-3]\d/);
      // The QR code holds the link: drawn on the page, decoded by zbarimg.
      const qr = join(work, 'qr.png');
      await page.locator('figure.qr').screenshot({ path: qr });
      expect(execFileSync('zbarimg', ['--raw', '-q', qr], { encoding: 'utf8' }).trim()).toBe(shareUrl);
      await expectAccessible(page, 'the QR code and link');
    },
  );

  step('a second browser (the clerk) opens the link: the type, issuer, status and only the chosen claims', async () => {
    clerk = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 390, height: 800 } });
    clerkPage = await clerk.newPage();
    const response = await clerkPage.goto(shareUrl);
    expect(response?.status()).toBe(200);
    const text = await mainText(clerkPage);
    expect(text).toContain('亮证核验');
    expect(text).toContain('状态：有效');
    expect(text).toContain('证照类型 居住证');
    expect(text).toContain('发证机关 示范证照签发机关');
    expect(text).toContain(`姓名 ${ZHANG.name}`);
    expect(text).toContain('居住地址 福建省福州市鼓楼区五四路1号');
    for (const hidden of [...NOT_SHOWN, licenceId]) expect(text).not.toContain(hidden);
    // … not in the page's markup either.
    const html = await clerkPage.content();
    for (const hidden of [...NOT_SHOWN, licenceId]) expect(html).not.toContain(hidden);
    await expectAccessible(clerkPage, 'the shared licence');
  });

  step('the holder’s page lists the opening: time, network masked, browser', async () => {
    await page.reload();
    const rows = (await page.locator('table.openings tbody tr').allInnerTexts()).map((row) => row.replace(/\s+/g, ' '));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0]).toContain('127.0.0.*');
    expect(rows[0]).toContain('Headless Chrome');
    expect(rows[0]).toContain('看到了证照内容');
    await page.goto(`${server.url}/account`);
    const shares = (await page.locator('table.shares tbody tr').allInnerTexts()).map((row) => row.replace(/\s+/g, ' '));
    expect(shares).toHaveLength(1);
    expect(shares[0]).toContain('居住证');
    expect(shares[0]).toContain('姓名、居住地址');
    expect(shares[0]).toMatch(/[1-9] 次/);
    await expectAccessible(page, 'the account page with a share');
  });

  step(
    'after the lifetime the clerk’s page says the share has expired (its countdown goes there), and opening the link anew too',
    async () => {
      // The page's countdown reaches zero and reloads it: the page then says the link has expired.
      await clerkPage!.getByRole('heading', { name: '这个亮证链接已过期' }).waitFor({ timeout: (LIFETIME_SECONDS + 20) * 1000 });
      const text = await mainText(clerkPage!);
      expect(text).not.toContain(ZHANG.name);
      expect(text).not.toContain('五四路');
      await expectAccessible(clerkPage!, 'an expired share');
      const again = await clerkPage!.goto(shareUrl);
      expect(again?.status()).toBe(410);
      expect(await mainText(clerkPage!)).toContain('这个亮证链接已过期');
      // The holder's page says so too, and offers to show it again.
      await page.goto(`${server.url}/account`);
      await page.locator('table.shares tbody tr').first().getByRole('link', { name: /^查看/ }).click();
      expect(await mainText(page)).toMatch(/这个链接已于 .*失效/);
      expect(await page.getByRole('link', { name: '再次亮证' }).count()).toBe(1);
      expect((await page.locator('table.openings tbody tr').allInnerTexts()).join(' ')).toContain('链接已过期，未显示内容');
    },
  );

  step('the home page’s licence check takes a licence number to its check page /v/{id}', async () => {
    await page.goto(`${server.url}/`);
    const form = page.locator('#check-licence');
    await form.getByRole('heading', { name: '核验电子证照' }).waitFor();
    expect(await form.innerText()).toContain('证照文件（OFD 或 PDF）上的二维码打开的也是这个核验页面');
    await form.getByLabel('证照编号').fill('1.2.156.3005.2.not-a-number');
    await form.getByRole('button', { name: '核验' }).click();
    await page.locator('#licence-number-error').waitFor();
    expect(await page.getByLabel('证照编号').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'the home page with a wrong licence number');
    await page.getByLabel('证照编号').fill(` ${licenceId.toLowerCase()} `);
    await page.getByRole('button', { name: '核验' }).click();
    await page.waitForURL(`${server.url}/v/${licenceId}`);
    expect(await mainText(page)).toContain('状态：有效');
  });
});
