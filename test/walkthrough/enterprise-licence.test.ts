import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '../../src/accounts/demo-accounts.js';
import { controlSocketPath } from '../../src/database/data-dir-lock.js';
import { DEMO_CITIZENS, DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { startServiceProcess, tongban, type Finished, type ServiceProcess } from '../support/processes.js';
import { freePort } from '../support/server.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { UserAgent, type Page } from '../support/user-agent.js';
import { scenarioSteps } from '../support/steps.js';

/**
 * The "done when", as a new user would type it: the built service running on its own
 * (demo data, keys created at the first start), the real `tongban` CLI in other processes, and a
 * browser (a cookie-jar user agent) at a demo portal.
 *
 *   tongban wallet init
 *   tongban --json wallet enrol --uscc <USCC>        (the operator's path: no issuer credentials)
 *   tongban --json wallet show
 *   …the portal's "以企业身份登录", 陈伟 signs in, the QR page shows a challenge…
 *   tongban --json wallet login <challenge>          → accepted; the page continues to the portal
 *   tongban --json licence revoke --serial <serial> --reason keyCompromise
 *   …a fresh sign-in…
 *   tongban wallet login <challenge>                 → exit 1: the licence certificate is revoked
 */
const ENTERPRISE = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
const CHEN = { idNumber: DEMO_CITIZENS[0].id_number, name: DEMO_CITIZENS[0].name, password: DEMO_PASSWORD };
const PASSPHRASE = 'walkthrough wallet passphrase';
/** Deadlines for things that happen "soon", never expected durations. */
const POLL_DEADLINE_MS = 30_000;

describe(`walkthrough: an enterprise signs in with its electronic business licence (service and CLI as processes, ${backend})`, () => {
  let t: TestEnv;
  let root: string;
  let walletDir: string;
  let passphraseFile: string;
  let service: ServiceProcess | undefined;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://localhost:${port}`;
    // The test's own DATA_DIR and KEYS_DIR (and, with DATABASE_URL, a scratch database of its own).
    t = await makeTestEnv({ DEMO: '1', KEYS_AUTO_INIT: '1', LOG_LEVEL: 'warn', PORT: String(port), PUBLIC_URL: url });
    root = mkdtempSync(join(tmpdir(), 'tongban-walkthrough-'));
    walletDir = join(root, 'wallet');
    passphraseFile = join(root, 'passphrase');
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    service = await startServiceProcess(t.env);
  }, 120_000);

  afterAll(async () => {
    if (service && service.child.exitCode === null && service.child.signalCode === null) await service.stop();
    await t?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** One step of the walkthrough; once one fails, the later ones are not run (they build on it). */
  const step = scenarioSteps(() =>
    service ? `--- service output (last 3000 characters) ---\n${service.output().slice(-3000)}` : undefined,
  );

  /** `tongban …` in its own process, with the service's configuration; HOME points away from the user's own wallet. */
  const cli = (args: string[]): Promise<Finished> =>
    tongban(args, { ...t.env, HOME: root, TONGBAN_WALLET: '', TONGBAN_WALLET_PASSPHRASE: '' });
  const walletOptions = () => ['--wallet', walletDir, '--passphrase-file', passphraseFile];
  const json = (result: Finished) => {
    try {
      return JSON.parse(result.stdout);
    } catch {
      throw new Error(`not JSON (exit ${result.code}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
  };

  const isPortalA = (page: Page) => page.url === `${url}/demo/portal-a`;
  const isQrPage = (page: Page) =>
    /^\/interaction\/[\w-]+\/enterprise$/.test(new URL(page.url).pathname) && page.html.includes('id="challenge-text"');
  const isConsentPage = (page: Page) => page.url.includes('/interaction/') && page.html.includes('/confirm"');

  /** The page's meta refresh: where a browser goes next by itself. */
  function refreshUrl(page: Page): string {
    const target = /<meta http-equiv="refresh" content="\d+;url=([^"]+)"/.exec(page.html)?.[1];
    if (!target) throw new Error(`no meta refresh on ${page.url} (${page.status}):\n${page.html.slice(0, 1500)}`);
    return new URL(target.replace(/&amp;/g, '&'), page.url).href;
  }

  function challengeText(page: Page): string {
    const text = /<code class="secret" id="challenge-text">([^<]+)<\/code>/.exec(page.html)?.[1];
    if (!text) throw new Error(`no challenge on ${page.url} (${page.status}):\n${page.html.slice(0, 1500)}`);
    return text;
  }

  /** After the wallet's answer to a QR code shown first: the page asks the person to sign in. */
  const isPersonStep = (page: Page) => page.url.includes('/interaction/') && page.html.includes('id="enterprise-answered"');

  /** A browser opens the portal's enterprise sign-in: tongban's enterprise tab shows the QR code at once (before any password). */
  async function openEnterpriseSignIn(ua: UserAgent): Promise<{ page: Page; text: string }> {
    const page = await ua.open(`${url}/demo/portal-a/login?acr=3`);
    expect(page.status).toBe(200);
    expect(page.url).toMatch(/\/interaction\/[\w-]+\/enterprise$/);
    expect(page.html).toMatch(/aria-current="page"[^>]*>法人登录（电子营业执照）</);
    expect(page.html).not.toContain('name="password"');
    expect(isQrPage(page)).toBe(true);
    expect(page.html).toMatch(/<svg[\s\S]*<\/svg>/);
    const text = challengeText(page);
    expect(text).toMatch(/^tongban-login:[\w-]+$/);
    return { page, text };
  }

  let thumbprint: string;
  let serial: string;
  let ua: UserAgent;
  let qrPage: Page;
  let firstText: string;

  step('the service runs (DEMO=1, keys created at the first start) at its PUBLIC_URL', async () => {
    expect(service!.url).toBe(url);
    expect(service!.output()).toContain('Demo data');
    expect(await (await fetch(`${url}/health/ready`)).json()).toMatchObject({ status: 'ok' });
  });

  step('tongban wallet init', async () => {
    const init = await cli(['wallet', 'init', ...walletOptions()]);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`created a wallet in ${walletDir}`);
    thumbprint = /thumbprint (\S+)/.exec(init.stdout)![1]!;
    expect(thumbprint).toMatch(/^[\w-]{43}$/);
  });

  step("tongban --json wallet enrol --uscc <USCC>: the operator's local path issues the licence for the wallet key", async () => {
    const enrolled = await cli(['--json', 'wallet', 'enrol', '--uscc', ENTERPRISE.uscc, ...walletOptions()]);
    expect(enrolled.code).toBe(0);
    // On the embedded store the running service holds the database and the CLI issues through its
    // control socket (the note saying so is left out of --json output); on PostgreSQL it issues itself.
    expect(enrolled.stderr).toBe('');
    const result = json(enrolled);
    expect(result.wallet).toBe(walletDir);
    expect(result.licence).toMatchObject({ uscc: ENTERPRISE.uscc, enterpriseName: ENTERPRISE.name, state: 'valid' });
    expect(result.licence.subject).toContain(ENTERPRISE.uscc);
    expect(result.licence.serial).toMatch(/^[0-9a-f]+$/i);
    serial = result.licence.serial;
  });

  step('tongban --json wallet show: the licence, never the key', async () => {
    const shown = await cli(['--json', 'wallet', 'show', '--wallet', walletDir]);
    expect(shown.code).toBe(0);
    const info = json(shown);
    expect(info).toMatchObject({ dir: walletDir, alg: 'ES256', thumbprint });
    expect(info.licences).toEqual([
      expect.objectContaining({ uscc: ENTERPRISE.uscc, enterpriseName: ENTERPRISE.name, serial, state: 'valid' }),
    ]);
    expect(shown.stdout).not.toMatch(/PRIVATE|encryptedKey|"d":|salt/);
  });

  step('at demo portal A, "sign in for an enterprise": the QR page shows the challenge at once', async () => {
    ua = new UserAgent(url);
    const portal = await ua.open(`${url}/demo/portal-a`);
    expect(portal.html).toContain('href="/demo/portal-a/login?acr=3"');
    ({ page: qrPage, text: firstText } = await openEnterpriseSignIn(ua));
  });

  step(
    'tongban --json wallet login <text> → accepted; the page, polled, asks 陈伟 to sign in, then continues to portal A as the enterprise',
    async () => {
      const login = await cli(['--json', 'wallet', 'login', firstText, ...walletOptions()]);
      expect(login.code).toBe(0);
      expect(json(login)).toEqual({ status: 'accepted', uscc: ENTERPRISE.uscc, enterpriseName: ENTERPRISE.name, aud: url });

      // What the browser does by itself: open the meta-refresh URL until the sign-in has moved on.
      let page = qrPage;
      const deadline = Date.now() + POLL_DEADLINE_MS;
      while (!isPortalA(page)) {
        if (Date.now() > deadline)
          throw new Error(`the sign-in did not reach portal A; last page ${page.url} (${page.status}):\n${page.html.slice(0, 1500)}`);
        if (isConsentPage(page)) {
          page = await ua.fill(page, '/confirm', { remember: '1' });
          continue;
        }
        if (isPersonStep(page)) {
          page = await ua.fill(page, '/login?enterprise=1', { id_number: CHEN.idNumber, password: CHEN.password });
          continue;
        }
        if (!isQrPage(page)) throw new Error(`unexpected page ${page.url} (${page.status}):\n${page.html.slice(0, 1500)}`);
        const next = refreshUrl(page);
        if (page !== qrPage) await new Promise((resolve) => setTimeout(resolve, 250));
        page = await ua.open(next);
      }
      expect(page.status).toBe(200);
      expect(page.html).not.toContain('role="alert"');
      expect(page.html).toContain(`已以企业身份登录： <strong>${ENTERPRISE.name}</strong>`);
      expect(page.html).toContain(`<dt>统一社会信用代码</dt><dd>${ENTERPRISE.uscc}</dd>`);
      expect(page.html).toContain(`<dt>经办人</dt><dd>${CHEN.name}（法定代表人）</dd>`);
      expect(page.html).toContain('<code>urn:tongban:loa:3</code>');
      expect(page.html).not.toContain(CHEN.idNumber);
    },
  );

  step('tongban --json licence revoke --serial <serial> --reason keyCompromise', async () => {
    const revoked = await cli(['--json', 'licence', 'revoke', '--serial', serial, '--reason', 'keyCompromise']);
    expect(revoked.code).toBe(0);
    expect(json(revoked)).toMatchObject({ serial: serial.toLowerCase(), status: 'revoked', reason: 'keyCompromise', changed: true });
  });

  step('a fresh sign-in: tongban wallet login <new text> exits 1, the licence certificate is revoked; the page keeps waiting', async () => {
    /** A new browser, a new challenge, and the wallet's answer to it. */
    const attempt = async () => {
      const browser = new UserAgent(url);
      const fresh = await openEnterpriseSignIn(browser);
      return { browser, ...fresh, result: await cli(['wallet', 'login', fresh.text, ...walletOptions()]) };
    };
    // Sign-in reads revocation fresh from the database: refused at once, whichever process revoked.
    const current = await attempt();
    const { browser, page, text, result } = current;
    expect(text).not.toBe(firstText);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
    expect(result.stderr).toContain('certificate_revoked');
    expect(result.stderr).toMatch(/revoked/i);
    expect(result.stderr).toContain('REVOKED');

    // With --json the stable code (the challenge is still open: a refused answer does not spend it).
    const again = await cli(['--json', 'wallet', 'login', text, ...walletOptions()]);
    expect(again.code).toBe(1);
    expect(json(again)).toMatchObject({ error: 'certificate_revoked', message: expect.stringMatching(/revoked/i) });

    // The sign-in page does not go anywhere: polled, it still shows the same challenge.
    const polled = await browser.open(refreshUrl(page));
    expect(polled.status).toBe(200);
    expect(isQrPage(polled)).toBe(true);
    expect(challengeText(polled)).toBe(text);
  });

  step('the service stops on SIGTERM', async () => {
    const stopped = await service!.stop();
    expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
    if (backend === 'pglite') expect(existsSync(controlSocketPath(t.config.dataDir))).toBe(false);
  });
});
