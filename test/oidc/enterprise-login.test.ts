import { X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, generateKeyPair } from 'jose';
import { DataSource } from 'typeorm';
import { EnterpriseAgentsService } from '../../src/accounts/enterprise-agents.service.js';
import { encodeEcSignature } from '../../src/crypto/ec-signature.js';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { PkiService } from '../../src/pki/pki.service.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { enrol, httpIssuer, initWallet, parseLoginChallenge, type Wallet } from '../../src/wallet/index.js';
import { newCitizen } from '../support/citizens.js';
import {
  authorizationRequest,
  CHEN,
  client,
  registerPortal,
  registerService,
  signInForTokens,
  stopAtPortal,
  ZHANG,
  type Credentials,
  type Portal,
} from '../support/oidc.js';
import { opensslSm2Verify } from '../crypto/openssl-sm2.js';
import { mustOpenssl, Scratch } from '../pki/support.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent, type Page } from '../support/user-agent.js';

const ACME = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
const LOA3 = 'urn:tongban:loa:3';

describe(`enterprise sign-in with the electronic business licence on ${backend}`, () => {
  let server: TestServer;
  let portal: Portal;
  /** A portal at loa:1, for an SSO session opened before the enterprise sign-in. */
  let citizenPortal: Portal;
  let wallet: Wallet;
  let walletDir: string;
  let issuer: ReturnType<typeof httpIssuer>;
  const scratch = new Scratch();

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    portal = await registerPortal(server, { scope: 'openid profile enterprise' });
    citizenPortal = await registerPortal(server);
    const regulator = await registerService(server, 'licence:issue');
    issuer = httpIssuer({ publicUrl: server.url, clientId: regulator.clientId, clientSecret: regulator.secret });
    walletDir = mkdtempSync(join(tmpdir(), 'tongban-wallet-'));
    wallet = await initWallet(join(walletDir, 'a'), 'correct horse battery staple');
    await enrol(wallet, { uscc: ACME.uscc, issue: issuer });
  });
  afterAll(async () => {
    await server.close();
    rmSync(walletDir, { recursive: true, force: true });
    scratch.cleanup();
  });

  /**
   * The browser part up to the QR code: the enterprise tab shows it at once, before any password
   * (QR first); with an SSO session the person is named on it and the challenge is theirs.
   */
  async function openChallenge(ua: UserAgent, parameters: Record<string, string> = {}) {
    const request = await authorizationRequest(portal, { scope: 'openid enterprise', acr_values: LOA3, ...parameters });
    const page = await ua.open(request.url.href, { stopAt: stopAtPortal(portal) });
    expect(page.url).toMatch(/\/interaction\/[\w-]+\/enterprise$/);
    expect(page.html).toMatch(/aria-current="page"[^>]*>法人登录/);
    expect(page.html).not.toContain('name="password"');
    // Without script the page reloads itself (the refresh is inert where the page script runs).
    expect(page.html).toMatch(/<noscript><meta http-equiv="refresh" content="3;url=/);
    expect(page.html).toMatch(/<svg[\s\S]*<\/svg>/);
    const text = /<code class="secret" id="challenge-text">([^<]+)<\/code>/.exec(page.html)![1];
    const pollUrl = new URL(/content="3;url=([^"]+)"/.exec(page.html)![1].replace(/&amp;/g, '&'), page.url).href;
    const statusUrl = new URL(/data-status-url="([^"]+)"/.exec(page.html)![1].replace(/&amp;/g, '&'), page.url).href;
    return { request, page, text, pollUrl, statusUrl };
  }

  /**
   * After the wallet answered: the page's next poll asks the person to sign in (QR first) and
   * `who` does, or — the person signed in already — finishes; consent once; the tokens.
   */
  async function finish(ua: UserAgent, pollUrl: string, request: Awaited<ReturnType<typeof authorizationRequest>>, who?: Credentials) {
    let page: Page = await ua.open(pollUrl, { stopAt: stopAtPortal(portal) });
    if (page.html.includes('id="enterprise-answered"')) {
      expect(page.html).toContain('name="password"');
      page = await ua.fill(
        page,
        '/login?enterprise=1',
        { id_number: who!.idNumber, password: who!.password },
        { stopAt: stopAtPortal(portal) },
      );
    }
    if (page.url.includes('/interaction/') && page.html.includes('/confirm"'))
      page = await ua.fill(page, '/confirm', { remember: '1' }, { stopAt: stopAtPortal(portal) });
    return client.authorizationCodeGrant(portal.config, new URL(page.url), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
  }

  /** The page's status URL, as its script asks it (with this browser's cookies, or none). */
  async function statusOf(ua: UserAgent | undefined, statusUrl: string) {
    const response = await fetch(statusUrl, { headers: ua ? { cookie: cookieHeader(ua, statusUrl) } : {} });
    return { status: response.status, body: (await response.json()) as { state: string; refusal?: string } };
  }

  it('signs the legal representative in as the enterprise: loa:3, the enterprise as subject, the person in act', async () => {
    const ua = new UserAgent(server.url);
    const { request, text, pollUrl } = await openChallenge(ua);
    const challenge = parseLoginChallenge(text);
    expect(challenge.aud).toBe(server.url);
    expect(await wallet.login(text, { uscc: ACME.uscc })).toMatchObject({ status: 'accepted', uscc: ACME.uscc });
    const tokens = await finish(ua, pollUrl, request, CHEN);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ acr: LOA3, amr: ['pwd', 'swk'] });
    const userinfo = await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({
      account_type: 'enterprise',
      uscc: ACME.uscc,
      enterprise_name: ACME.name,
      act: { name: CHEN.name, role: 'legal_representative' },
    });
    expect((userinfo.act as { sub: string }).sub).not.toBe(claims.sub);

    // The same challenge answered again is refused.
    await expect(wallet.login(text, { uscc: ACME.uscc })).rejects.toMatchObject({ code: 'challenge_used' });
  });

  it('gives the enterprise the same subject whoever acts for it', async () => {
    const agent = await newCitizen(server.app);
    await server.app.get(EnterpriseAgentsService).grant(ACME.uscc, (await accountOf(CHEN)).id, {
      idNumber: agent.idNumber,
      role: 'operator',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const subOf = async (who: Credentials) => {
      const ua = new UserAgent(server.url);
      const { request, text, pollUrl } = await openChallenge(ua);
      await wallet.login(text, { uscc: ACME.uscc });
      const tokens = await finish(ua, pollUrl, request, who);
      return {
        sub: tokens.claims()!.sub,
        act: (await client.fetchUserInfo(portal.config, tokens.access_token, tokens.claims()!.sub)).act as { sub: string; role: string },
      };
    };
    const asRepresentative = await subOf(CHEN);
    const asAgent = await subOf(agent);
    expect(asAgent.sub).toBe(asRepresentative.sub);
    expect(asAgent.act.role).toBe('operator');
    expect(asAgent.act.sub).not.toBe(asRepresentative.act.sub);
  });

  it("a wallet's answer to a QR code shown first signs nobody in: it waits for a person in that browser, once", async () => {
    const ua = new UserAgent(server.url);
    const { request, text, pollUrl, statusUrl } = await openChallenge(ua);
    expect(await statusOf(ua, statusUrl)).toEqual({ status: 200, body: { state: 'waiting', refusal: '' } });
    const challenge = parseLoginChallenge(text);

    // The wallet's answer proves the licence; the service says a person has yet to sign in.
    const jws = await wallet.signLoginChallenge(challenge, ACME.uscc);
    const answer = await fetch(`${server.url}/api/v1/licence-login/${challenge.challenge_id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jws }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'accepted', uscc: ACME.uscc, enterprise_name: ACME.name, awaiting_person: true });
    expect(await statusOf(ua, statusUrl)).toEqual({ status: 200, body: { state: 'answered', refusal: '' } });
    // Replayed: the challenge is spent.
    await expect(wallet.login(text, { uscc: ACME.uscc })).rejects.toMatchObject({ code: 'challenge_used' });

    // Anyone else with the QR code's text (a photo of the screen) has no interaction to use it in.
    const other = new UserAgent(server.url);
    expect(await statusOf(other, statusUrl)).toEqual({ status: 404, body: { state: 'gone' } });
    const elsewhere = await other.open(pollUrl, { stopAt: stopAtPortal(portal) });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.html).not.toContain('name="password"');
    expect(elsewhere.html).not.toContain(ACME.name);
    // Nor does another sign-in request of the same browser.
    const second = await openChallenge(ua);
    expect(second.text).not.toBe(text);
    expect(second.page.html).not.toContain('id="enterprise-answered"');

    // In its own browser the page asks the person to sign in, saying whose licence arrived.
    const signInPage = await ua.open(pollUrl, { stopAt: stopAtPortal(portal) });
    expect(signInPage.status).toBe(200);
    expect(signInPage.html).toContain('id="enterprise-answered"');
    expect(signInPage.html).toContain(`钱包已出示“${ACME.name}”的电子营业执照`);
    expect(signInPage.html).toMatch(/请在 \d\d:\d\d（北京时间）前完成登录/);
    // A wrong password: the answer keeps waiting, the ID number stays in its field, attempts left are said.
    const wrong = await ua.fill(signInPage, '/login?enterprise=1', { id_number: CHEN.idNumber, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('id="enterprise-answered"');
    expect(wrong.html).toContain(`value="${CHEN.idNumber}"`);
    expect(wrong.html).toMatch(/该身份证号还可尝试 \d 次/);
    expect(await statusOf(ua, statusUrl)).toEqual({ status: 200, body: { state: 'answered', refusal: '' } });

    let page = await ua.fill(
      wrong,
      '/login?enterprise=1',
      { id_number: CHEN.idNumber, password: CHEN.password },
      { stopAt: stopAtPortal(portal) },
    );
    if (page.html.includes('/confirm"')) page = await ua.fill(page, '/confirm', { remember: '1' }, { stopAt: stopAtPortal(portal) });
    const tokens = await client.authorizationCodeGrant(portal.config, new URL(page.url), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()).toMatchObject({ acr: LOA3, amr: ['pwd', 'swk'] });
    expect(await client.fetchUserInfo(portal.config, tokens.access_token, tokens.claims()!.sub)).toMatchObject({
      uscc: ACME.uscc,
      act: { name: CHEN.name, role: 'legal_representative' },
    });
    const [row] = await server.app
      .get(DataSource)
      .query(`SELECT status, account_id, role FROM oidc_enterprise_challenges WHERE id = $1`, [challenge.challenge_id]);
    expect(row).toEqual({ status: 'accepted', account_id: (await accountOf(CHEN)).id, role: 'legal_representative' });
  });

  it('refuses a person who signs in after the answer but is neither the legal representative nor an agent (also once withdrawn)', async () => {
    const refusedAfterAnswer = async (who: Credentials & { name: string }) => {
      const ua = new UserAgent(server.url);
      const { text, pollUrl, statusUrl } = await openChallenge(ua);
      expect(await wallet.login(text, { uscc: ACME.uscc })).toMatchObject({ status: 'accepted', uscc: ACME.uscc });
      const signInPage = await ua.open(pollUrl, { stopAt: stopAtPortal(portal) });
      const refused = await ua.fill(
        signInPage,
        '/login?enterprise=1',
        { id_number: who.idNumber, password: who.password },
        {
          stopAt: stopAtPortal(portal),
        },
      );
      expect(refused.status).toBe(403);
      expect(refused.url).toMatch(/\/interaction\/[\w-]+\/enterprise$/);
      expect(refused.html).toContain(`不是“${ACME.name}”的法定代表人，也不是其授权的经办人`);
      expect(refused.html).toContain(who.name);
      expect(refused.html).not.toContain('not_authorised');
      expect(refused.html).not.toContain('/confirm"');
      // The challenge is spent for good; the page's own poll says the same.
      expect((await statusOf(ua, statusUrl)).body.state).toBe('failed');
      const again = await ua.open(pollUrl, { stopAt: stopAtPortal(portal) });
      expect(again.status).toBe(403);
      expect(again.html).toContain('不是“');
      // A new QR code is now the person's own: the wallet is told at once.
      const next = await ua.open(/href="([^"]+\/enterprise)"/.exec(refused.html)![1], { stopAt: stopAtPortal(portal) });
      const nextText = /<code class="secret" id="challenge-text">([^<]+)<\/code>/.exec(next.html)![1];
      await expect(wallet.login(nextText, { uscc: ACME.uscc })).rejects.toMatchObject({ code: 'not_authorised', status: 403 });
      const waiting = await ua.open(new URL(/content="3;url=([^"]+)"/.exec(next.html)![1].replace(/&amp;/g, '&'), next.url).href);
      expect(waiting.html).toContain('钱包刚才的确认未通过：登录的人不是该企业的法定代表人，也不是其授权的经办人。');
    };
    await refusedAfterAnswer(ZHANG);

    const agent = await newCitizen(server.app);
    const agents = server.app.get(EnterpriseAgentsService);
    const grant = await agents.grant(ACME.uscc, (await accountOf(CHEN)).id, {
      idNumber: agent.idNumber,
      role: 'administrator',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await agents.withdraw(ACME.uscc, grant.id, (await accountOf(CHEN)).id);
    await refusedAfterAnswer(agent);
  });

  it('a person signed in already is named on the QR page, the challenge is theirs, and the wallet is refused at once', async () => {
    const ua = new UserAgent(server.url);
    await signInForTokens(ua, citizenPortal, {}, ZHANG);
    const { text, page, pollUrl } = await openChallenge(ua);
    expect(page.html).toContain('当前以 <strong>张三</strong>');
    expect(page.html).toContain('随即代表企业登录');
    await expect(wallet.login(text, { uscc: ACME.uscc })).rejects.toMatchObject({ code: 'not_authorised', status: 403 });
    const waiting = await ua.open(pollUrl, { stopAt: stopAtPortal(portal) });
    expect(waiting.html).toContain('id="last-refusal"');
    expect(waiting.html).toMatch(/<svg[\s\S]*<\/svg>/);
  });

  it('the held answer lapses when nobody signs in within five minutes: said in words, with a new QR code', async () => {
    const ua = new UserAgent(server.url);
    const { text, pollUrl, statusUrl } = await openChallenge(ua);
    await wallet.login(text, { uscc: ACME.uscc });
    await server.app
      .get(DataSource)
      .query(`UPDATE oidc_enterprise_challenges SET answered_at = now() - interval '301 seconds' WHERE id = $1`, [
        parseLoginChallenge(text).challenge_id,
      ]);
    const lapsed = await ua.open(pollUrl, { stopAt: stopAtPortal(portal) });
    expect(lapsed.status).toBe(400);
    expect(lapsed.html).toContain('钱包已确认，但本人登录没有在 5 分钟内完成');
    expect(lapsed.html).not.toContain('name="password"');
    // The tab without it: a new QR code, waiting.
    const fresh = await ua.open(/href="([^"]+\/enterprise)"/.exec(lapsed.html)![1], { stopAt: stopAtPortal(portal) });
    expect(fresh.html).toContain('id="challenge-text"');
    expect(/id="challenge-text">([^<]+)</.exec(fresh.html)![1]).not.toBe(text);
    expect((await statusOf(ua, statusUrl)).body.state).toBe('answered');
  });

  it('refuses an expired challenge, a forged signature, a wrong USCC and a certificate from another CA', async () => {
    const db = server.app.get(DataSource);
    const expired = await openChallenge(new UserAgent(server.url));
    await db.query(`UPDATE oidc_enterprise_challenges SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      parseLoginChallenge(expired.text).challenge_id,
    ]);
    await expect(wallet.login(expired.text, { uscc: ACME.uscc })).rejects.toMatchObject({ code: 'challenge_expired' });

    const { text } = await openChallenge(new UserAgent(server.url));
    const challenge = parseLoginChallenge(text);
    const stored = wallet.licence(ACME.uscc)!;
    const x5c = [stored.certificate, stored.chain[0]].map((pem) => pem.replace(/-----[^-]+-----|\s/g, ''));
    const post = (jws: string) =>
      fetch(`${server.url}/api/v1/licence-login/${challenge.challenge_id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jws }),
      });
    const sign = async (payload: object, key: CryptoKey | Uint8Array) =>
      new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', x5c }).sign(key);

    const stranger = await generateKeyPair('ES256');
    const forged = await post(
      await sign({ nonce: challenge.nonce, aud: challenge.aud, uscc: ACME.uscc, iat: Math.floor(Date.now() / 1000) }, stranger.privateKey),
    );
    expect(forged.status).toBe(400);
    expect((await forged.json()).error).toBe('signature_invalid');

    // A genuine answer, with the USCC changed afterwards: its signature no longer holds.
    const [header, , signature] = (await wallet.signLoginChallenge(challenge, ACME.uscc)).split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ nonce: challenge.nonce, aud: challenge.aud, uscc: DEMO_ENTERPRISES[1].uscc, iat: Math.floor(Date.now() / 1000) })).toString('base64url')}.${signature}`;
    expect((await (await post(tampered)).json()).error).toBe('signature_invalid');

    const garbage = await post('not.a.jws-at-all-but-long-enough');
    expect(garbage.status).toBe(400);
    expect(JSON.stringify(await garbage.json())).not.toMatch(/at \w+ \(/);

    // Signed with the licence key, but JSON that is not an object: refused, not a server error.
    const licenceKey = (wallet as unknown as { privateKey: KeyObject }).privateKey;
    const notAnObject = await post(await new CompactSign(Buffer.from('null')).setProtectedHeader({ alg: 'ES256', x5c }).sign(licenceKey));
    expect(notAnObject.status).toBe(400);
    expect((await notAnObject.json()).error).toBe('signature_invalid');

    // A licence from another CA, for the same key.
    const other = await initWallet(join(walletDir, 'other-ca'), 'x'.repeat(12));
    const { pem: foreignPem } = await foreignCertificate(await other.createCsr({ uscc: ACME.uscc }));
    await other.storeLicence(ACME.uscc, {
      serial: '01',
      certificate: foreignPem,
      chain: [],
      licence: '',
      enterprise: { uscc: ACME.uscc, name: ACME.name },
    });
    const third = await openChallenge(new UserAgent(server.url));
    await expect(other.login(third.text, { uscc: ACME.uscc })).rejects.toMatchObject({ code: 'certificate_invalid' });
  });

  it('an SM2 wallet enrols (SM2 licence from the SM2 issuing CA) and signs the enterprise in at loa:3 with an SM2SM3 answer', async () => {
    const sm2 = await initWallet(join(walletDir, 'sm2'), 'sm2 wallet passphrase', { alg: 'SM2SM3' });
    const stored = await enrol(sm2, { uscc: ACME.uscc, issue: issuer });
    expect(new X509Certificate(stored.chain[0]).subject).toContain('CN=tongban SM2 Issuing CA');
    expect(mustOpenssl(['x509', '-in', scratch.write('sm2-licence.pem', stored.certificate), '-noout', '-text'])).toMatch(
      /Signature Algorithm: SM2-with-SM3[\s\S]*ASN1 OID: SM2/,
    );

    const ua = new UserAgent(server.url);
    const { request, text, pollUrl } = await openChallenge(ua);
    const challenge = parseLoginChallenge(text);
    // The answer as the wallet makes it: alg SM2SM3, r‖s that openssl verifies with the licence certificate.
    const answer = await sm2.signLoginChallenge(challenge, ACME.uscc);
    const [encodedHeader, encodedPayload, encodedSignature] = answer.split('.');
    expect(JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')).alg).toBe('SM2SM3');
    const raw = Buffer.from(encodedSignature, 'base64url');
    const der = encodeEcSignature(BigInt(`0x${raw.subarray(0, 32).toString('hex')}`), BigInt(`0x${raw.subarray(32).toString('hex')}`));
    expect(
      opensslSm2Verify(scratch, scratch.path('sm2-licence.pem'), scratch.write('input.txt', `${encodedHeader}.${encodedPayload}`), der, {
        certificate: true,
      }),
    ).toBe(true);

    // Refusals are tried on a challenge of their own (five refused answers spend one).
    const other = parseLoginChallenge((await openChallenge(new UserAgent(server.url))).text);
    const otherAnswer = await sm2.signLoginChallenge(other, ACME.uscc);
    const post = (jws: string) =>
      fetch(`${server.url}/api/v1/licence-login/${other.challenge_id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jws }),
      });
    const refused = async (jws: string) => {
      const response = await post(jws);
      return [response.status, ((await response.json()) as { error: string }).error];
    };
    const relabel = (jws: string, alg: string) => {
      const [h, p, sig] = jws.split('.');
      const header = { ...JSON.parse(Buffer.from(h, 'base64url').toString('utf8')), alg };
      return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${sig}`;
    };
    // An SM2 signature labelled ES256, the DER form instead of r‖s, a changed byte: signature_invalid.
    const [otherHeader, otherPayload, otherSignature] = otherAnswer.split('.');
    const otherRaw = Buffer.from(otherSignature, 'base64url');
    const otherDer = encodeEcSignature(
      BigInt(`0x${otherRaw.subarray(0, 32).toString('hex')}`),
      BigInt(`0x${otherRaw.subarray(32).toString('hex')}`),
    );
    expect(await refused(relabel(otherAnswer, 'ES256'))).toEqual([400, 'signature_invalid']);
    expect(await refused(`${otherHeader}.${otherPayload}.${otherDer.toString('base64url')}`)).toEqual([400, 'signature_invalid']);
    otherRaw[63] ^= 1;
    expect(await refused(`${otherHeader}.${otherPayload}.${otherRaw.toString('base64url')}`)).toEqual([400, 'signature_invalid']);
    // A P-256 licence's answer labelled SM2SM3: the algorithm must be the key's.
    expect(await refused(relabel(await wallet.signLoginChallenge(other, ACME.uscc), 'SM2SM3'))).toEqual([400, 'signature_invalid']);
    // An unknown algorithm name is not an answer at all.
    expect(await refused(relabel(otherAnswer, 'SM2'))).toEqual([400, 'malformed_answer']);

    expect(await sm2.login(text, { uscc: ACME.uscc })).toMatchObject({ status: 'accepted', uscc: ACME.uscc });
    const tokens = await finish(ua, pollUrl, request, CHEN);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ acr: LOA3, amr: ['pwd', 'swk'] });
    expect(await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub)).toMatchObject({
      account_type: 'enterprise',
      uscc: ACME.uscc,
      enterprise_name: ACME.name,
      act: { name: CHEN.name, role: 'legal_representative' },
    });

    // Revoked, the SM2 licence signs in no more.
    await server.app.get(PkiService).revoke(stored.serial, 'keyCompromise');
    await expect(sm2.login((await openChallenge(new UserAgent(server.url))).text, { uscc: ACME.uscc })).rejects.toMatchObject({
      code: 'certificate_revoked',
    });
  });

  it('refuses a revoked licence, an expired licence and a cancelled enterprise', async () => {
    const pki = server.app.get(PkiService);
    const revokedWallet = await initWallet(join(walletDir, 'revoked'), 'y'.repeat(12));
    const revoked = await enrol(revokedWallet, { uscc: ACME.uscc, issue: issuer });
    await pki.revoke(revoked.serial, 'keyCompromise');
    await expect(revokedWallet.login((await openChallenge(new UserAgent(server.url))).text, { uscc: ACME.uscc })).rejects.toMatchObject({
      code: 'certificate_revoked',
    });

    const expiredWallet = await initWallet(join(walletDir, 'expired'), 'z'.repeat(12));
    const lapsed = await pki.issueFromCsr(await expiredWallet.createCsr({ uscc: ACME.uscc }), {
      profile: 'enterprise-licence',
      subject: { uscc: ACME.uscc, organizationName: ACME.name, commonName: ACME.name },
      // The CA itself was made when the server started, so the licence cannot predate it: let it lapse instead.
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 2000),
    });
    await expiredWallet.storeLicence(ACME.uscc, {
      serial: lapsed.serial,
      certificate: lapsed.pem,
      chain: lapsed.chain,
      licence: '',
      enterprise: { uscc: ACME.uscc, name: ACME.name },
    });
    const stale = (await openChallenge(new UserAgent(server.url))).text;
    while (Date.now() <= lapsed.notAfter.getTime() + 100) await new Promise((resolve) => setTimeout(resolve, 100));
    // The wallet would rightly refuse to present it: it is made to sign as of a moment while it was
    // still valid, so that the server is the one deciding.
    const whileValid = new Date(lapsed.notAfter.getTime() - 500);
    await expect(expiredWallet.login(stale, { uscc: ACME.uscc, now: whileValid })).rejects.toMatchObject({ code: 'certificate_expired' });

    // A cancelled enterprise: the register's change revokes its licences at once.
    const cancelledWallet = await initWallet(join(walletDir, 'cancelled'), 'w'.repeat(12));
    const uscc = await newEnterprise(server, CHEN.idNumber);
    await enrol(cancelledWallet, { uscc, issue: issuer });
    await server.app.get(RegistryService).importEnterprises([
      {
        line: 1,
        fields: {
          uscc,
          name: '即将注销有限公司',
          type: '有限责任公司',
          legal_representative_id_number: CHEN.idNumber,
          address: '杭州',
          established: '2020-01-01',
          status: 'cancelled',
        },
      },
    ]);
    await expect(cancelledWallet.login((await openChallenge(new UserAgent(server.url))).text, { uscc })).rejects.toMatchObject({
      code: 'certificate_revoked',
    });
  });

  it('ends the enterprise session when the licence it was opened with is revoked', async () => {
    const own = await initWallet(join(walletDir, 'session'), 's'.repeat(12));
    const stored = await enrol(own, { uscc: ACME.uscc, issue: issuer });
    const ua = new UserAgent(server.url);
    const { request, text, pollUrl } = await openChallenge(ua);
    await own.login(text, { uscc: ACME.uscc });
    const tokens = await finish(ua, pollUrl, request, CHEN);
    const sub = tokens.claims()!.sub;
    expect((await client.fetchUserInfo(portal.config, tokens.access_token, sub)).uscc).toBe(ACME.uscc);

    await server.app.get(PkiService).revoke(stored.serial, 'keyCompromise');
    await expect(client.fetchUserInfo(portal.config, tokens.access_token, sub)).rejects.toMatchObject({ status: 401 });
    // Single sign-on at loa:3 no longer goes through: the browser is asked again.
    const again = await ua.open((await authorizationRequest(portal, { scope: 'openid enterprise', acr_values: LOA3 })).url.href, {
      stopAt: stopAtPortal(portal),
    });
    expect(again.url).toContain('/interaction/');
  });

  it("issues licences only to active enterprises, through the regulator's API", async () => {
    const suspended = DEMO_ENTERPRISES.find((e) => e.status === 'suspended')!;
    const csr = await wallet.createCsr({ uscc: suspended.uscc });
    await expect(issuer(csr, suspended.uscc)).rejects.toMatchObject({ code: 'enterprise_inactive' });
  });

  async function accountOf(who: Credentials) {
    const { AccountsService } = await import('../../src/accounts/accounts.service.js');
    return (await server.app.get(AccountsService).findByIdNumber(who.idNumber))!;
  }
});

/** The Cookie header `ua` would send to `url` (its cookie jar is private to it). */
function cookieHeader(ua: UserAgent, url: string): string {
  return (ua as unknown as { cookiesFor(url: URL): string }).cookiesFor(new URL(url));
}

let enterpriseSequence = 0;

async function newEnterprise(server: TestServer, legalRepresentative: string): Promise<string> {
  const { makeUscc } = await import('../../src/identifiers/generate.js');
  const uscc = makeUscc({ region: '330100', organisationBody: `MA${String(1000 + ++enterpriseSequence).padStart(6, '0')}` });
  await server.app.get(RegistryService).importEnterprises([
    {
      line: 1,
      fields: {
        uscc,
        name: '即将注销有限公司',
        type: '有限责任公司',
        legal_representative_id_number: legalRepresentative,
        address: '杭州',
        established: '2020-01-01',
        status: 'active',
      },
    },
  ]);
  return uscc;
}

/** A certificate for the CSR's key from a CA that is not tongban's. */
async function foreignCertificate(csrPem: string): Promise<{ pem: string }> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  const { webcrypto } = await import('node:crypto');
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: '0102',
    subject: 'CN=Impostor, O=Impostor',
    issuer: 'CN=Not tongban CA',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: alg,
    publicKey: await csr.publicKey.export(webcrypto as unknown as Crypto),
    signingKey: keys.privateKey,
  });
  return { pem: certificate.toString('pem') };
}
