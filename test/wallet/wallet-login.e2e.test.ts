import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { EnterpriseAgentsService } from '../../src/accounts/enterprise-agents.service.js';
import { serveOperations } from '../../src/cli/control-server.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { WalletError, enrol, httpIssuer, initWallet, openWallet, parseLoginChallenge, type Wallet } from '../../src/wallet/index.js';
import {
  CHEN,
  ZHANG,
  authorizationRequest,
  client,
  registerPortal,
  registerService,
  stopAtPortal,
  type Credentials,
  type Portal,
} from '../support/oidc.js';
import { tongban } from '../support/processes.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent, type Page } from '../support/user-agent.js';

const ENTERPRISE = DEMO_ENTERPRISES[0]; // active; legal representative 陈伟 (CHEN)
const PASSPHRASE = 'end-to-end wallet passphrase';
const LOA3 = 'urn:tongban:loa:3';

describe(`wallet ↔ service, end to end, on ${backend}`, () => {
  let server: TestServer;
  let root: string;
  let wallet: Wallet;
  let portal: Portal;

  /** Opens a portal's enterprise sign-in: the tab shows the challenge at once (QR first); returns the page and the challenge text. */
  async function enterpriseSignIn(): Promise<{
    ua: UserAgent;
    request: Awaited<ReturnType<typeof authorizationRequest>>;
    page: Page;
    text: string;
  }> {
    const ua = new UserAgent(server.url);
    const request = await authorizationRequest(portal, { scope: 'openid enterprise', acr_values: LOA3 });
    const page = await ua.open(request.url.href, { stopAt: stopAtPortal(portal) });
    expect(page.html).not.toContain('name="password"');
    const text = /id="challenge-text">([^<]+)</.exec(page.html)?.[1];
    if (!text) throw new Error(`no challenge on ${page.url} (${page.status}):\n${page.html.slice(0, 2000)}`);
    return { ua, request, page, text: text.replace(/&amp;/g, '&') };
  }

  /** The page's poll after the wallet's answer: it asks the person to sign in (the licence received). */
  async function personStep(ua: UserAgent, page: Page): Promise<Page> {
    const poll = /<meta http-equiv="refresh" content="\d+;url=([^"]+)"/.exec(page.html)?.[1];
    if (!poll) throw new Error('the enterprise page does not poll');
    const next = await ua.open(new URL(poll.replace(/&amp;/g, '&'), page.url).href, { stopAt: stopAtPortal(portal) });
    if (!next.html.includes('id="enterprise-answered"'))
      throw new Error(`the page does not ask the person to sign in: ${next.url} (${next.status})\n${next.html.slice(0, 1500)}`);
    return next;
  }

  /** After the wallet's answer: `who` signs in on the page, consents once, and is back at the portal. */
  async function finish(ua: UserAgent, page: Page, who: Credentials): Promise<URL> {
    let next = await ua.fill(
      await personStep(ua, page),
      '/login?enterprise=1',
      { id_number: who.idNumber, password: who.password },
      { stopAt: stopAtPortal(portal) },
    );
    if (next.url.includes('/interaction/') && next.html.includes('/confirm"'))
      next = await ua.fill(next, '/confirm', { remember: '1' }, { stopAt: stopAtPortal(portal) });
    if (!next.url.startsWith(portal.redirectUri))
      throw new Error(`did not return to the portal: ${next.url} (${next.status})\n${next.html.slice(0, 1500)}`);
    return new URL(next.url);
  }

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    // As src/server.ts does: CLI commands beside this service run inside it.
    const db = server.app.get(DatabaseService);
    if (db.lock) serveOperations(server.app, db.lock);
    root = mkdtempSync(join(tmpdir(), 'tongban-wallet-e2e-'));
    wallet = await initWallet(join(root, 'wallet'), PASSPHRASE);
    portal = await registerPortal(server, { scope: 'openid profile enterprise' });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("enrols over HTTP as the regulator's service client: the CA issues for the wallet key", async () => {
    const regulator = await registerService(server, 'licence:issue');
    const stored = await enrol(wallet, {
      uscc: ENTERPRISE.uscc,
      issue: httpIssuer({ publicUrl: server.url, clientId: regulator.clientId, clientSecret: regulator.secret }),
    });
    expect(stored).toMatchObject({ uscc: ENTERPRISE.uscc, enterpriseName: ENTERPRISE.name });
    expect(stored.chain).toHaveLength(2);
    expect(wallet.licence(ENTERPRISE.uscc)).toEqual(stored);
    const wrongSecret = httpIssuer({ publicUrl: server.url, clientId: regulator.clientId, clientSecret: 'wrong' });
    await expect(enrol(wallet, { uscc: ENTERPRISE.uscc, issue: wrongSecret })).rejects.toMatchObject({
      code: 'invalid_client',
      status: 401,
    });
  });

  it('the legal representative signs in as the enterprise with the wallet: loa:3, the enterprise as subject', async () => {
    const { ua, request, page, text } = await enterpriseSignIn();
    const challenge = parseLoginChallenge(text);
    expect(challenge.aud).toBe(server.url);
    const result = await wallet.login(text, { expectedAudience: server.url });
    expect(result).toEqual({ status: 'accepted', uscc: ENTERPRISE.uscc, enterpriseName: ENTERPRISE.name, aud: server.url });

    const callback = await finish(ua, page, CHEN);
    const tokens = await client.authorizationCodeGrant(portal.config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    const claims = decodeJwt(tokens.id_token!);
    expect(claims.acr).toBe(LOA3);
    const userinfo = await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub!);
    expect(userinfo).toMatchObject({
      account_type: 'enterprise',
      uscc: ENTERPRISE.uscc,
      enterprise_name: ENTERPRISE.name,
      act: { name: CHEN.name, role: 'legal_representative' },
    });

    // The same answer again: the challenge is spent.
    const replay = await wallet.login(text).catch((err: WalletError) => err);
    expect(replay).toBeInstanceOf(WalletError);
    expect([(replay as WalletError).code, (replay as WalletError).status]).toEqual(['challenge_used', 409]);
  });

  it('someone who is neither the legal representative nor an agent is refused (in words on the page, then at the wallet) until granted', async () => {
    // QR first: the wallet's answer is good; 张三 signs in after it and is refused on the page.
    const first = await enterpriseSignIn();
    expect(await wallet.login(first.text)).toMatchObject({ status: 'accepted', uscc: ENTERPRISE.uscc });
    const refused = await first.ua.fill(
      await personStep(first.ua, first.page),
      '/login?enterprise=1',
      { id_number: ZHANG.idNumber, password: ZHANG.password },
      { stopAt: stopAtPortal(portal) },
    );
    expect(refused.status).toBe(403);
    expect(refused.html).toContain(`不是“${ENTERPRISE.name}”的法定代表人，也不是其授权的经办人`);
    // Signed in now, 张三 gets a QR code of their own, which the wallet is refused for at once.
    const own = await first.ua.open(/href="([^"]+\/enterprise)"/.exec(refused.html)![1], { stopAt: stopAtPortal(portal) });
    const ownText = /id="challenge-text">([^<]+)</.exec(own.html)![1];
    await expect(wallet.login(ownText)).rejects.toMatchObject({ code: 'not_authorised', status: 403 });
    const zhang = (
      await server.app.get(EnterpriseAgentsService).grant(ENTERPRISE.uscc, await chenAccountId(), {
        idNumber: ZHANG.idNumber,
        role: 'operator',
        expiresAt: new Date(Date.now() + 86400_000),
      })
    ).agent.accountId;
    expect(await server.app.get(EnterpriseAgentsService).authorisationFor(ENTERPRISE.uscc, zhang)).toEqual({ role: 'operator' });
    const second = await enterpriseSignIn();
    expect(await wallet.login(second.text)).toMatchObject({ status: 'accepted', uscc: ENTERPRISE.uscc });
    const callback = await finish(second.ua, second.page, ZHANG);
    const tokens = await client.authorizationCodeGrant(portal.config, callback, {
      pkceCodeVerifier: second.request.verifier,
      expectedState: second.request.state,
      expectedNonce: second.request.nonce,
    });
    const userinfo = await client.fetchUserInfo(portal.config, tokens.access_token, decodeJwt(tokens.id_token!).sub!);
    expect(userinfo).toMatchObject({ account_type: 'enterprise', uscc: ENTERPRISE.uscc, act: { name: ZHANG.name, role: 'operator' } });
  });

  it('the CLI: enrol as the operator (the local operation, through the running service), show, login', async () => {
    const dir = join(root, 'cli-wallet');
    const passphraseFile = join(root, 'passphrase');
    writeFileSync(passphraseFile, PASSPHRASE, { mode: 0o600 });
    const env = { ...server.env.env, HOME: root, TONGBAN_WALLET: dir, TONGBAN_WALLET_PASSPHRASE: '' };
    const opts = ['--passphrase-file', passphraseFile];
    expect((await tongban(['wallet', 'init', ...opts], env)).code).toBe(0);
    const enrolled = await tongban(['--json', 'wallet', 'enrol', '--uscc', ENTERPRISE.uscc, ...opts], env);
    expect(enrolled.stderr).toBe('');
    expect(enrolled.code).toBe(0);
    expect(JSON.parse(enrolled.stdout).licence).toMatchObject({ uscc: ENTERPRISE.uscc, state: 'valid' });
    const shown = await tongban(['--json', 'wallet', 'show'], env);
    expect(JSON.parse(shown.stdout).licences).toEqual([
      expect.objectContaining({ uscc: ENTERPRISE.uscc, enterpriseName: ENTERPRISE.name, state: 'valid' }),
    ]);
    const cliWallet = await openWallet(dir, PASSPHRASE);
    expect(cliWallet.licence(ENTERPRISE.uscc)).not.toBeNull();

    const { text } = await enterpriseSignIn();
    const login = await tongban(['--json', 'wallet', 'login', text, '--expect-url', server.url, ...opts], env);
    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout)).toEqual({
      status: 'accepted',
      uscc: ENTERPRISE.uscc,
      enterpriseName: ENTERPRISE.name,
      aud: server.url,
    });
    const again = await tongban(['--json', 'wallet', 'login', text, ...opts], env);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error).toBe('challenge_used');
  });

  async function chenAccountId(): Promise<string> {
    const { AccountsService } = await import('../../src/accounts/accounts.service.js');
    return (await server.app.get(AccountsService).findByIdNumber(CHEN.idNumber))!.id;
  }
});
