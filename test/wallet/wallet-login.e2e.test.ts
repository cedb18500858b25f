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

  /** Opens a portal's enterprise sign-in as `who` and returns the page showing the challenge, and the challenge text. */
  async function enterpriseSignIn(
    who: Credentials,
  ): Promise<{ ua: UserAgent; request: Awaited<ReturnType<typeof authorizationRequest>>; page: Page; text: string }> {
    const ua = new UserAgent(server.url);
    const request = await authorizationRequest(portal, { scope: 'openid enterprise', acr_values: LOA3 });
    let page = await ua.open(request.url.href, { stopAt: stopAtPortal(portal) });
    if (page.html.includes('name="password"'))
      page = await ua.fill(
        page,
        '/login?enterprise=1',
        { id_number: who.idNumber, password: who.password },
        { stopAt: stopAtPortal(portal) },
      );
    const text = /id="challenge-text">([^<]+)</.exec(page.html)?.[1];
    if (!text) throw new Error(`no challenge on ${page.url} (${page.status}):\n${page.html.slice(0, 2000)}`);
    return { ua, request, page, text: text.replace(/&amp;/g, '&') };
  }

  /** Lets the page notice the wallet's answer (its poll) and follows it back to the portal. */
  async function finish(ua: UserAgent, page: Page): Promise<URL> {
    const poll = /<meta http-equiv="refresh" content="\d+;url=([^"]+)"/.exec(page.html)?.[1];
    if (!poll) throw new Error('the enterprise page does not poll');
    let next = await ua.open(new URL(poll.replace(/&amp;/g, '&'), page.url).href, { stopAt: stopAtPortal(portal) });
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
    const { ua, request, page, text } = await enterpriseSignIn(CHEN);
    const challenge = parseLoginChallenge(text);
    expect(challenge.aud).toBe(server.url);
    const result = await wallet.login(text, { expectedAudience: server.url });
    expect(result).toEqual({ status: 'accepted', uscc: ENTERPRISE.uscc, enterpriseName: ENTERPRISE.name, aud: server.url });

    const callback = await finish(ua, page);
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

  it('someone who is neither the legal representative nor an agent is refused (403 not_authorised) until granted', async () => {
    const first = await enterpriseSignIn(ZHANG);
    await expect(wallet.login(first.text)).rejects.toMatchObject({ code: 'not_authorised', status: 403 });
    const zhang = (
      await server.app.get(EnterpriseAgentsService).grant(ENTERPRISE.uscc, await chenAccountId(), {
        idNumber: ZHANG.idNumber,
        role: 'operator',
        expiresAt: new Date(Date.now() + 86400_000),
      })
    ).agent.accountId;
    expect(await server.app.get(EnterpriseAgentsService).authorisationFor(ENTERPRISE.uscc, zhang)).toEqual({ role: 'operator' });
    const second = await enterpriseSignIn(ZHANG);
    expect(await wallet.login(second.text)).toMatchObject({ status: 'accepted', uscc: ENTERPRISE.uscc });
    const callback = await finish(second.ua, second.page);
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

    const { text } = await enterpriseSignIn(CHEN);
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
