import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AccountsService } from '../../src/accounts/accounts.service.js';
import { EnterpriseAgentsService } from '../../src/accounts/enterprise-agents.service.js';
import { totpCode, totpStep } from '../../src/accounts/totp.js';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { enrol, httpIssuer, initWallet, parseLoginChallenge, type Wallet } from '../../src/wallet/index.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import {
  authorizationRequest,
  CHEN,
  client,
  registerPortal,
  registerService,
  signInForTokens,
  stopAtPortal,
  type AuthorizationRequest,
  type Credentials,
  type Portal,
} from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent, type Page } from '../support/user-agent.js';

const LOA1 = 'urn:tongban:loa:1';
const LOA2 = 'urn:tongban:loa:2';
const LOA3 = 'urn:tongban:loa:3';
const ACME = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
/** Error codes that must never reach a citizen as page text. */
const RAW_CODES =
  /\b(invalid_code|invalid_recovery_code|locked|csrf|access_denied|unmet_authentication_requirements|interaction_expired)\b/;

interface Totp {
  secret: string;
  /** A code of a later time step each call: every code works once. */
  next(): string;
  recoveryCodes: string[];
}

/** The text a person reads (no markup, no style sheet). */
function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

/** The attributes of the input with this id. */
function inputAttrs(html: string, id: string): Record<string, string> {
  const tag = new RegExp(`<input\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  if (!tag) throw new Error(`no input #${id}`);
  return Object.fromEntries([...tag.matchAll(/([a-z-]+)(?:="([^"]*)")?/g)].slice(1).map((m) => [m[1], m[2] ?? '']));
}

const masked = (idNumber: string) => `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`;

describe(`two-step sign-in that holds, on ${backend}`, () => {
  let server: TestServer;
  let portal: Portal;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    portal = await registerPortal(server, { client_name: '示范门户' });
  });
  afterAll(() => server.close());

  async function enableTotp(accountId: string): Promise<Totp> {
    const accounts = server.app.get(AccountsService);
    const { secret } = await accounts.startTotpEnrolment(accountId);
    let step = totpStep(Date.now());
    const { recoveryCodes } = await accounts.confirmTotpEnrolment(accountId, totpCode(secret, step));
    return { secret, next: () => totpCode(secret, ++step), recoveryCodes };
  }

  /** The password step of a sign-in at `p`; returns the page after it. */
  async function passwordStep(ua: UserAgent, p: Portal, who: Credentials, parameters: Record<string, string> = {}) {
    const request = await authorizationRequest(p, parameters);
    const first = await ua.open(request.url.href, { stopAt: stopAtPortal(p) });
    expect(first.html).toContain('name="password"');
    const page = await ua.fill(first, '/login', { id_number: who.idNumber, password: who.password }, { stopAt: stopAtPortal(p) });
    return { request, page };
  }

  /** Consent if asked, then the tokens the portal gets. */
  async function tokensAfter(ua: UserAgent, p: Portal, request: AuthorizationRequest, page: Page) {
    // Another subject than the session's (the person, now the enterprise): oidc-provider ends the
    // old session first with a form that a browser's script submits.
    if (page.html.includes('action="' + server.url + '/session/end/confirm"'))
      page = await ua.fill(page, '/session/end/confirm', {}, { stopAt: stopAtPortal(p) });
    if (page.url.includes('/interaction/') && page.html.includes('/confirm"'))
      page = await ua.fill(page, '/confirm', { remember: '1' }, { stopAt: stopAtPortal(p) });
    if (!page.url.startsWith(p.redirectUri))
      throw new Error(`not back at the portal: ${page.url} ${page.status}\n${visibleText(page.html)}`);
    return client.authorizationCodeGrant(p.config, new URL(page.url), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
  }

  it('asks for the code at a portal that needs only loa:1 once two-step sign-in is on; the ID token says loa:2, pwd otp', async () => {
    const citizen = await newCitizen(server.app);
    const totp = await enableTotp(citizen.accountId);
    const ua = new UserAgent(server.url);
    const { request, page } = await passwordStep(ua, portal, citizen);
    expect(page.url).toMatch(/\/interaction\/[\w-]+\/login$/);
    expect(page.html).toContain('name="code"');
    expect(page.html).not.toContain('name="password"');
    // Who is signing in, where the code is, the other way in, and help for a lost phone.
    const text = visibleText(page.html);
    expect(text).toContain(citizen.name);
    expect(text).toContain(masked(citizen.idNumber));
    expect(page.html).not.toContain(citizen.idNumber);
    expect(text).toContain('验证器应用');
    expect(text).toContain('用恢复码登录');
    expect(text).toContain('手机丢失');
    expect(page.html).toMatch(/<a href="\/interaction\/[\w-]+\/recovery">/);
    expect(page.html).toContain('href="/help"');
    expect(text).toContain('示范门户');

    const wrong = await ua.fill(page, '/otp', { code: '000000' }, { stopAt: stopAtPortal(portal) });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toMatch(/role="alert" id="otp-error"><p>动态验证码不正确/);
    expect(inputAttrs(wrong.html, 'code')).toMatchObject({
      'aria-invalid': 'true',
      'aria-describedby': expect.stringContaining('otp-error'),
    });
    expect(visibleText(wrong.html)).not.toMatch(RAW_CODES);

    const done = await ua.fill(wrong, '/otp', { code: totp.next() }, { stopAt: stopAtPortal(portal) });
    const tokens = await tokensAfter(ua, portal, request, done);
    expect(tokens.claims()).toMatchObject({ acr: LOA2, amr: ['pwd', 'otp'] });
  });

  it('still signs a citizen without two-step sign-in in with the password alone (loa:1)', async () => {
    const citizen = await newCitizen(server.app);
    const tokens = await signInForTokens(new UserAgent(server.url), portal, {}, citizen);
    expect(tokens.claims()).toMatchObject({ acr: LOA1, amr: ['pwd'] });
  });

  it('does not ask again by SSO once the session is at loa:2, not even for a portal that requires loa:2', async () => {
    const citizen = await newCitizen(server.app);
    const totp = await enableTotp(citizen.accountId);
    const ua = new UserAgent(server.url);
    const { request, page } = await passwordStep(ua, portal, citizen);
    await tokensAfter(ua, portal, request, await ua.fill(page, '/otp', { code: totp.next() }, { stopAt: stopAtPortal(portal) }));

    for (const other of [await registerPortal(server), await registerPortal(server, { minimum_loa: 2 })]) {
      const next = await authorizationRequest(other);
      const reached = await ua.open(next.url.href, { stopAt: stopAtPortal(other) });
      expect(reached.html).not.toContain('name="password"');
      expect(reached.html).not.toContain('name="code"');
      const tokens = await tokensAfter(ua, other, next, reached);
      expect(tokens.claims()).toMatchObject({ acr: LOA2, amr: ['pwd', 'otp'] });
    }
  });

  it('asks a session opened with the password alone for the code at the next portal once two-step sign-in is turned on', async () => {
    const citizen = await newCitizen(server.app);
    const ua = new UserAgent(server.url);
    const first = await signInForTokens(ua, portal, {}, citizen);
    expect(first.claims()).toMatchObject({ acr: LOA1, amr: ['pwd'] });
    const totp = await enableTotp(citizen.accountId);

    const other = await registerPortal(server);
    const next = await authorizationRequest(other);
    const reached = await ua.open(next.url.href, { stopAt: stopAtPortal(other) });
    expect(reached.html).toContain('name="code"');
    expect(reached.html).not.toContain('name="password"');
    const tokens = await tokensAfter(
      ua,
      other,
      next,
      await ua.fill(reached, '/otp', { code: totp.next() }, { stopAt: stopAtPortal(other) }),
    );
    expect(tokens.claims()).toMatchObject({ acr: LOA2, amr: ['pwd', 'otp'] });
  });

  it('keeps the code page when the language is switched (no second password)', async () => {
    const citizen = await newCitizen(server.app);
    await enableTotp(citizen.accountId);
    const ua = new UserAgent(server.url);
    const { page } = await passwordStep(ua, portal, citizen);
    const switchUrl = /<a class="lang-switch" href="([^"]+)"/.exec(page.html)![1].replace(/&amp;/g, '&');
    const english = await ua.open(switchUrl);
    expect(english.html).toMatch(/<html lang="en">/);
    expect(english.html).toContain('name="code"');
    expect(english.html).not.toContain('name="password"');
    expect(visibleText(english.html)).toContain('Use a recovery code instead');
    const recovery = await ua.open(`${new URL(english.url).pathname.replace(/\/$/, '')}/recovery`);
    expect(recovery.html).toContain('name="recovery_code"');
    expect(visibleText(recovery.html)).toContain('Recovery code');
  });

  it('signs in with a recovery code once (loa:2, pwd otp) and refuses the same code the second time', async () => {
    const citizen = await newCitizen(server.app);
    const totp = await enableTotp(citizen.accountId);

    const signInWithRecovery = async (code: string) => {
      const ua = new UserAgent(server.url);
      const { request, page } = await passwordStep(ua, portal, citizen);
      const link = /<a href="(\/interaction\/[\w-]+\/recovery)">/.exec(page.html)![1];
      const form = await ua.open(link);
      expect(form.status).toBe(200);
      expect(form.html).toContain('name="recovery_code"');
      expect(visibleText(form.html)).toContain(citizen.name);
      expect(form.html).toContain('href="/help"');
      const after = await ua.fill(form, '/recovery', { recovery_code: code }, { stopAt: stopAtPortal(portal) });
      return { ua, request, after };
    };

    const first = await signInWithRecovery(totp.recoveryCodes[0]);
    const tokens = await tokensAfter(first.ua, portal, first.request, first.after);
    expect(tokens.claims()).toMatchObject({ acr: LOA2, amr: ['pwd', 'otp'] });

    const again = await signInWithRecovery(totp.recoveryCodes[0]);
    expect(again.after.status).toBe(401);
    expect(again.after.url).toContain('/interaction/');
    expect(again.after.html).toMatch(/role="alert" id="otp-error"><p>恢复码不正确，或已经使用过/);
    expect(inputAttrs(again.after.html, 'recovery_code')).toMatchObject({ 'aria-invalid': 'true' });
    expect(visibleText(again.after.html)).not.toMatch(RAW_CODES);
    // Another code, typed in capitals without the hyphen, works on the same page.
    const other = await again.ua.fill(
      again.after,
      '/recovery',
      { recovery_code: totp.recoveryCodes[1].toUpperCase().replace('-', '') },
      {
        stopAt: stopAtPortal(portal),
      },
    );
    expect((await tokensAfter(again.ua, portal, again.request, other)).claims()).toMatchObject({ acr: LOA2 });
    expect(await server.app.get(AccountsService).recoveryCodesLeft(citizen.accountId)).toBe(8);
  });

  it('counts wrong recovery codes on the account’s code lock: the fifth locks, and then a good code is refused too', async () => {
    const citizen = await newCitizen(server.app);
    const totp = await enableTotp(citizen.accountId);
    const ua = new UserAgent(server.url);
    const { page } = await passwordStep(ua, portal, citizen);
    let form = await ua.open(/<a href="(\/interaction\/[\w-]+\/recovery)">/.exec(page.html)![1]);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      form = await ua.fill(form, '/recovery', { recovery_code: `aaaaa-bbbb${i}` }, { stopAt: stopAtPortal(portal) });
      statuses.push(form.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    expect(form.html).toMatch(/role="alert" id="otp-error"><p>验证码输错次数过多，已暂时锁定，请 \d+ 分钟后再试/);
    expect(form.headers.get('retry-after')).toMatch(/^\d+$/);
    const refused = await ua.fill(form, '/recovery', { recovery_code: totp.recoveryCodes[0] }, { stopAt: stopAtPortal(portal) });
    expect(refused.status).toBe(423);
    expect(await server.app.get(AccountsService).recoveryCodesLeft(citizen.accountId)).toBe(10);
    expect(await server.app.get(AccountsService).verifyTotp(citizen.accountId, totp.next())).toBe(false);
  });

  describe('on the account page', () => {
    /** Signs in to /account (with the code when two-step sign-in is on). */
    async function openAccount(ua: UserAgent, citizen: TestCitizen, totp?: Totp): Promise<Page> {
      let page = await ua.fill(await ua.open('/account'), '/login', { id_number: citizen.idNumber, password: citizen.password });
      if (totp) page = await ua.fill(page, '/otp', { code: totp.next() });
      expect(page.url).toBe(`${server.url}/account`);
      return page;
    }
    const secretOn = (html: string) => /<code class="secret" translate="no">([A-Z2-7 ]+)<\/code>/.exec(html)?.[1].replace(/ /g, '');
    const qrOn = (html: string) => /<figure class="qr"[^>]*>([\s\S]*?)<\/figure>/.exec(html)?.[1];
    const codesOn = (html: string) => [...html.matchAll(/<li><code>([0-9a-z]{5}-[0-9a-z]{5})<\/code><\/li>/g)].map((m) => m[1]);

    it('keeps the same secret and QR code after a wrong set-up code, with the error next to the field; shows the codes once', async () => {
      const citizen = await newCitizen(server.app);
      const ua = new UserAgent(server.url);
      const account = await openAccount(ua, citizen);
      const started = await ua.fill(account, '/account/totp/start', {});
      const secret = secretOn(started.html)!;
      const qr = qrOn(started.html)!;
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(qr).toMatch(/^<svg/);
      expect(visibleText(started.html)).toMatch(/请在北京时间 \d\d:\d\d 前完成/);

      const wrong = await ua.fill(started, '/account/totp/confirm', { code: '000000' });
      expect(wrong.status).toBe(400);
      expect(secretOn(wrong.html)).toBe(secret);
      expect(qrOn(wrong.html)).toBe(qr);
      expect(wrong.html).toMatch(/<div class="alert" role="alert" id="totp-error"><p>动态验证码不正确或已过期。[^<]*无需重新扫码/);
      // The alert sits right before the form of the field it describes.
      expect(wrong.html).toMatch(/id="totp-error">[^]*?<\/div><form method="post" action="\/account\/totp\/confirm">/);
      expect(inputAttrs(wrong.html, 'totp-confirm-code')).toMatchObject({ 'aria-invalid': 'true', 'aria-describedby': 'totp-error' });
      expect(visibleText(wrong.html)).not.toMatch(RAW_CODES);
      // Starting again while the set-up is good gives the same secret (the app may have it already).
      const restarted = await ua.fill(await ua.open('/account'), '/account/totp/start', {});
      expect(secretOn(restarted.html)).toBe(secret);

      const enabled = await ua.fill(wrong, '/account/totp/confirm', { code: totpCode(secret, totpStep(Date.now())) });
      expect(enabled.status).toBe(200);
      const codes = codesOn(enabled.html);
      expect(codes).toHaveLength(10);
      expect(visibleText(enabled.html)).toContain('离开本页后，将无法再次查看');
      const later = await ua.open('/account');
      expect(codesOn(later.html)).toEqual([]);
      expect(visibleText(later.html)).toContain('您还有 10 个未使用的恢复码');
      expect(await server.app.get(AccountsService).useRecoveryCode(citizen.accountId, codes[3])).toEqual({ ok: true });
    });

    it('asks to start again once the set-up has expired', async () => {
      const citizen = await newCitizen(server.app);
      const ua = new UserAgent(server.url);
      const started = await ua.fill(await openAccount(ua, citizen), '/account/totp/start', {});
      const secret = secretOn(started.html)!;
      await server.app
        .get(DataSource)
        .query(`UPDATE accounts_citizens SET totp_pending_expires_at = now() - interval '1 second' WHERE id = $1`, [citizen.accountId]);
      const late = await ua.fill(started, '/account/totp/confirm', { code: totpCode(secret, totpStep(Date.now())) });
      expect(late.status).toBe(400);
      expect(visibleText(late.html)).toContain('设置已超时（30 分钟内未完成）');
      expect(late.html).toContain('action="/account/totp/start"');
      expect(secretOn(late.html)).toBeUndefined();
      expect((await server.app.get(AccountsService).findById(citizen.accountId))!.totpEnabled).toBe(false);
    });

    it('warns when two or fewer codes are left, and new codes make the old ones stop working', async () => {
      const citizen = await newCitizen(server.app);
      const totp = await enableTotp(citizen.accountId);
      const accounts = server.app.get(AccountsService);
      for (const code of totp.recoveryCodes.slice(0, 7))
        expect(await accounts.useRecoveryCode(citizen.accountId, code)).toEqual({ ok: true });
      // The account page's own sign-in, with the eighth code.
      const ua = new UserAgent(server.url);
      const codePage = await ua.fill(await ua.open('/account'), '/login', { id_number: citizen.idNumber, password: citizen.password });
      const recoveryForm = await ua.open(/<a href="(\/interaction\/[\w-]+\/recovery)">/.exec(codePage.html)![1]);
      const account = await ua.fill(recoveryForm, '/recovery', { recovery_code: totp.recoveryCodes[7] });
      expect(account.url).toBe(`${server.url}/account`);
      expect(account.html).toMatch(/<p class="note warn">恢复码只剩 2 个了/);

      const wrong = await ua.fill(account, '/account/totp/recovery-codes', { code: '000000' });
      expect(wrong.status).toBe(400);
      expect(inputAttrs(wrong.html, 'totp-regenerate-code')).toMatchObject({
        'aria-invalid': 'true',
        'aria-describedby': expect.stringContaining('totp-error'),
      });
      expect(visibleText(wrong.html)).not.toMatch(RAW_CODES);

      const renewed = await ua.fill(account, '/account/totp/recovery-codes', { code: totp.next() });
      expect(renewed.status).toBe(200);
      const codes = codesOn(renewed.html);
      expect(codes).toHaveLength(10);
      expect(visibleText(renewed.html)).toContain('已生成新的恢复码');
      for (const old of totp.recoveryCodes.slice(8)) expect(await accounts.useRecoveryCode(citizen.accountId, old)).toEqual({ ok: false });
      expect(await accounts.useRecoveryCode(citizen.accountId, codes[0])).toEqual({ ok: true });
      expect(visibleText((await ua.open('/account')).html)).toContain('您还有 9 个未使用的恢复码');
    });

    it('turns two-step sign-in off with a recovery code (a lost phone), and the codes are gone from the table', async () => {
      const citizen = await newCitizen(server.app);
      const totp = await enableTotp(citizen.accountId);
      const ua = new UserAgent(server.url);
      const account = await openAccount(ua, citizen, totp);
      const off = await ua.fill(account, '/account/totp/disable', { code: totp.recoveryCodes[4] });
      expect(off.url).toMatch(/done=totp_disabled$/);
      const rows = await server.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM accounts_recovery_codes WHERE account_id = $1`, [citizen.accountId]);
      expect(rows).toEqual([{ n: 0 }]);
      // And the next sign-in asks for the password alone again.
      const tokens = await signInForTokens(new UserAgent(server.url), portal, {}, citizen);
      expect(tokens.claims()).toMatchObject({ acr: LOA1, amr: ['pwd'] });
    });
  });

  describe('enterprise sign-in', () => {
    let entPortal: Portal;
    let wallet: Wallet;
    let walletDir: string;

    beforeAll(async () => {
      entPortal = await registerPortal(server, { scope: 'openid profile enterprise' });
      const regulator = await registerService(server, 'licence:issue');
      walletDir = mkdtempSync(join(tmpdir(), 'tongban-two-step-wallet-'));
      wallet = await initWallet(join(walletDir, 'w'), 'two-step wallet passphrase');
      await enrol(wallet, {
        uscc: ACME.uscc,
        issue: httpIssuer({ publicUrl: server.url, clientId: regulator.clientId, clientSecret: regulator.secret }),
      });
    });
    afterAll(() => rmSync(walletDir, { recursive: true, force: true }));

    /** From the code page on: the code, the QR page, the wallet's answer, consent; the tokens. */
    async function codeThenLicence(ua: UserAgent, request: AuthorizationRequest, codePage: Page, code: string) {
      expect(codePage.html).toContain('name="code"');
      expect(codePage.html).not.toContain('tongban-login:');
      // The licence page cannot be reached past the code.
      const skipped = await ua.open(`${new URL(codePage.url).pathname.replace(/\/(login|enterprise)$/, '')}/enterprise`, {
        stopAt: stopAtPortal(entPortal),
      });
      expect(skipped.html).toContain('name="code"');
      expect(skipped.html).not.toContain('tongban-login:');
      const qrPage = await ua.fill(codePage, '/otp', { code }, { stopAt: stopAtPortal(entPortal) });
      expect(qrPage.url).toMatch(/\/interaction\/[\w-]+\/enterprise$/);
      const text = /<code class="secret" id="challenge-text">([^<]+)<\/code>/.exec(qrPage.html)![1];
      await wallet.login(text, { uscc: ACME.uscc });
      const pollUrl = new URL(/content="3;url=([^"]+)"/.exec(qrPage.html)![1].replace(/&amp;/g, '&'), qrPage.url).href;
      const polled = await ua.open(pollUrl, { stopAt: stopAtPortal(entPortal) });
      return tokensAfter(ua, entPortal, request, polled);
    }

    it('QR code first: after the wallet answers, the person gives the password, then the code, and only then the licence is theirs: loa:3, pwd otp swk', async () => {
      const chen = (await server.app.get(AccountsService).findByIdNumber(CHEN.idNumber))!;
      const totp = await enableTotp(chen.id);
      try {
        const ua = new UserAgent(server.url);
        const request = await authorizationRequest(entPortal, { scope: 'openid enterprise', acr_values: LOA3 });
        const qrPage = await ua.open(request.url.href, { stopAt: stopAtPortal(entPortal) });
        expect(qrPage.html).not.toContain('name="password"');
        const text = /<code class="secret" id="challenge-text">([^<]+)<\/code>/.exec(qrPage.html)![1];
        expect(await wallet.login(text, { uscc: ACME.uscc })).toMatchObject({ status: 'accepted' });
        const pollUrl = new URL(/content="3;url=([^"]+)"/.exec(qrPage.html)![1].replace(/&amp;/g, '&'), qrPage.url).href;
        const signInPage = await ua.open(pollUrl, { stopAt: stopAtPortal(entPortal) });
        expect(signInPage.html).toContain('id="enterprise-answered"');
        const codePage = await ua.fill(
          signInPage,
          '/login?enterprise=1',
          { id_number: CHEN.idNumber, password: CHEN.password },
          { stopAt: stopAtPortal(entPortal) },
        );
        expect(codePage.html).toContain('name="code"');
        // The licence is not the person's before the code: the enterprise page asks for it too.
        const skipped = await ua.open(pollUrl, { stopAt: stopAtPortal(entPortal) });
        expect(skipped.html).toContain('name="code"');
        const [before] = await server.app
          .get(DataSource)
          .query(`SELECT status FROM oidc_enterprise_challenges WHERE id = $1`, [parseLoginChallenge(text).challenge_id]);
        expect(before).toEqual({ status: 'answered' });
        const after = await ua.fill(codePage, '/otp', { code: totp.next() }, { stopAt: stopAtPortal(entPortal) });
        const tokens = await tokensAfter(ua, entPortal, request, after);
        expect(tokens.claims()).toMatchObject({ acr: LOA3, amr: ['pwd', 'otp', 'swk'] });
      } finally {
        await server.app.get(AccountsService).disableTotp(chen.id, totp.recoveryCodes[0]);
      }
    });

    it('asks a person signed in with the password alone (before two-step sign-in was on) for the code before the licence', async () => {
      const agent = await newCitizen(server.app);
      const chen = (await server.app.get(AccountsService).findByIdNumber(CHEN.idNumber))!;
      await server.app
        .get(EnterpriseAgentsService)
        .grant(ACME.uscc, chen.id, { idNumber: agent.idNumber, role: 'operator', expiresAt: new Date(Date.now() + 86_400_000) });
      const ua = new UserAgent(server.url);
      await signInForTokens(ua, portal, {}, agent); // an SSO session at loa:1
      const totp = await enableTotp(agent.accountId);
      const request = await authorizationRequest(entPortal, { scope: 'openid enterprise', acr_values: LOA3 });
      const page = await ua.open(request.url.href, { stopAt: stopAtPortal(entPortal) });
      expect(page.html).not.toContain('name="password"');
      const tokens = await codeThenLicence(ua, request, page, totp.next());
      expect(tokens.claims()).toMatchObject({ acr: LOA3, amr: ['pwd', 'otp', 'swk'] });
    });
  });
});
