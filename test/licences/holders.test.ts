import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ClientsService } from '../../src/clients/clients.service.js';
import { DEMO_LICENCE_AUTHORITY } from '../../src/demo/demo-licences.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { LicenceSharesService } from '../../src/licences/holders/index.js';
import { readOfd } from '../../src/ofd/index.js';
import { enrol, fetchHeldLicences, httpIssuer, initWallet, WalletError, type Wallet } from '../../src/wallet/index.js';
import {
  CHEN,
  ZHANG as ZHANG_SAN,
  authorizationRequest,
  client,
  registerPortal,
  registerService,
  signIn,
  stopAtPortal,
  type Credentials,
  type Portal,
} from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';
import {
  ACME,
  call,
  foodPermitClaims,
  issuerCode,
  openCredential,
  permitClaims,
  ZHANG,
  type Authority,
  type IssuedLicenceBody,
} from './issuance-support.js';

/**
 * The holders' side of electronic licences (issue 13 §6) over HTTP: GET /api/v1/me/licences with
 * citizens' access tokens got through the real OIDC flow (openid-client; a holder's app with
 * public subjects) and with an enterprise wallet's proof; the licence files for holder and issuer;
 * 亮证 shares — only the chosen claims, verified from the presentation (not the stored claims), the
 * status live, the lifetime, each opening recorded, every refusal with its code.
 */

interface HeldLicence {
  id: string;
  type: string;
  status: string;
  credential: string;
  claims: Record<string, unknown>;
  issuer: { clientId: string; code: string; name: string | null };
  validFrom: string;
  validUntil: string;
}
interface Share {
  id: string;
  url: string;
  qr: string;
  expiresAt: string;
  disclosed: string[];
  error?: string;
}
interface Shares {
  shares: Array<{ id: string; state: string; url?: string; openings: Array<{ ipMasked: string; browser: string; outcome: string }> }>;
}

/** An issuing authority with a name (its seal carries it: a licence file needs one), and its access token. */
async function namedAuthority(server: TestServer, name: string, types: string[]): Promise<Authority> {
  const clientId = `authority-${Math.random().toString(36).slice(2, 8)}`;
  const code = issuerCode();
  const { client_secret } = await server.app
    .get(ClientsService)
    .register({ client_id: clientId, client_name: name, scope: 'licence:issue', licence_types: types, issuer_code: code });
  const config = await client.discovery(new URL(server.url), clientId, undefined, client.ClientSecretBasic(client_secret), {
    execute: [client.allowInsecureRequests],
  });
  const { access_token } = await client.clientCredentialsGrant(config, { scope: 'licence:issue' });
  return { clientId, code, token: access_token };
}

describe(`holders' licences over HTTP on ${backend}`, () => {
  let server: TestServer;
  let app: Portal;
  let portal: Portal;
  let issuer: Authority;
  let other: Authority;
  let zhang: string;
  let chen: string;
  let permit: IssuedLicenceBody;
  let demoPermit: HeldLicence;
  const work = mkdtempSync(join(tmpdir(), 'tongban-holders-'));

  /** A citizen's access token for tongban's API, through the authorization code flow of `via` (consent given on the way). */
  async function holderToken(who: Credentials, via: Portal, scope = 'openid licences'): Promise<string> {
    const resource = `${server.url}/api`;
    const request = await authorizationRequest(via, { scope, resource });
    const callback = await signIn(new UserAgent(server.url), via, request, who);
    const tokens = await client.authorizationCodeGrant(
      via.config,
      callback,
      { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
      { resource },
    );
    return tokens.access_token;
  }

  const me = <T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown) =>
    call<T>(server, method, `/api/v1/me/licences${path}`, { token, ...(body === undefined ? {} : { body }) });
  const enc = encodeURIComponent;
  const page = async (url: string, userAgent = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36') => {
    const response = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url), {
      headers: { 'user-agent': userAgent, 'accept-language': 'zh-CN' },
    });
    return { status: response.status, html: await response.text(), headers: response.headers };
  };
  /** The text of a page without its markup. */
  const text = (html: string) =>
    html
      .replace(/<style>[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    // A holder's app: its tokens' sub is the account itself (public subjects).
    app = await registerPortal(server, { scope: 'openid licences', subject_type: 'public' });
    // A portal, pairwise as portals are.
    portal = await registerPortal(server, { scope: 'openid profile licences' });
    issuer = await namedAuthority(server, '福州市公安局', ['residence-permit', 'food-business-permit']);
    other = await namedAuthority(server, '厦门市公安局', ['residence-permit']);
    const issued = await call<IssuedLicenceBody>(server, 'POST', '/api/v1/licences', {
      token: issuer.token,
      body: { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims: permitClaims(ZHANG, { sex: 'male' }) },
    });
    expect(issued.status).toBe(201);
    permit = issued.body;
    zhang = await holderToken(ZHANG_SAN, app);
    chen = await holderToken(CHEN, app);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  describe('GET /api/v1/me/licences', () => {
    it("lists the citizen's licences with their credentials: the demo residence permit and the one issued here", async () => {
      const answer = await me<{ licences: HeldLicence[] }>('GET', '', zhang);
      expect(answer.status).toBe(200);
      expect(answer.body.licences.map((l) => l.id)).toContain(permit.id);
      demoPermit = answer.body.licences.find((l) => l.issuer.clientId === DEMO_LICENCE_AUTHORITY.clientId)!;
      expect(demoPermit).toMatchObject({
        type: 'residence-permit',
        status: 'valid',
        claims: { name: ZHANG.name, id_number: ZHANG.id_number },
      });
      const mine = answer.body.licences.find((l) => l.id === permit.id)!;
      expect(mine).toMatchObject({
        type: 'residence-permit',
        status: 'valid',
        issuer: { clientId: issuer.clientId, code: issuer.code },
        credential: permit.credential,
        claims: permitClaims(ZHANG, { sex: 'male' }),
      });
      // The credential is the SD-JWT VC itself: every claim in a Disclosure.
      const opened = openCredential(mine.credential);
      expect(opened.header.typ).toBe('dc+sd-jwt');
      expect(opened.disclosures.map((d) => d[1])).toEqual(expect.arrayContaining(['name', 'id_number', 'residence_address']));
    });

    it("another citizen sees only their own (none of 张三's)", async () => {
      const answer = await me<{ licences: HeldLicence[] }>('GET', '', chen);
      expect(answer.status).toBe(200);
      expect(answer.body.licences.map((l) => l.id)).not.toContain(permit.id);
      expect(answer.body.licences.map((l) => l.id)).not.toContain(demoPermit.id);
    });

    it('refuses without a token (401), a pairwise portal’s token and a client’s own token (403 holder_token_required), a token without the scope (403 insufficient_scope)', async () => {
      const none = await call(server, 'GET', '/api/v1/me/licences');
      expect([none.status, none.body.error]).toEqual([401, 'invalid_token']);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);

      const pairwise = await me('GET', '', await holderToken(ZHANG_SAN, portal, 'openid licences'));
      expect([pairwise.status, pairwise.body.error]).toEqual([403, 'holder_token_required']);

      const service = await registerService(server, 'licences');
      const { access_token } = await client.clientCredentialsGrant(service.config, { scope: 'licences' });
      const own = await me('GET', '', access_token);
      expect([own.status, own.body.error]).toEqual([403, 'holder_token_required']);

      const wider = await registerPortal(server, { scope: 'openid licences account', subject_type: 'public' });
      const noScope = await me('GET', '', await holderToken(ZHANG_SAN, wider, 'openid account'));
      expect([noScope.status, noScope.body.error]).toEqual([403, 'insufficient_scope']);
    });
  });

  describe('licence files', () => {
    it('the holder downloads the stamped OFD and the PDF; a JSON client gets it base64 with its digest', async () => {
      const ofd = await fetch(`${server.url}/api/v1/me/licences/${enc(permit.id)}/file`, { headers: { authorization: `Bearer ${zhang}` } });
      expect(ofd.status).toBe(200);
      expect(ofd.headers.get('content-type')).toBe('application/ofd');
      expect(ofd.headers.get('content-disposition')).toContain(`filename="licence-${permit.id}.ofd"`);
      expect(ofd.headers.get('content-disposition')).toContain(`filename*=UTF-8''${enc('居住证')}-${permit.id}.ofd`);
      expect(ofd.headers.get('cache-control')).toBe('no-store');
      const bytes = Buffer.from(await ofd.arrayBuffer());
      const read = readOfd(bytes);
      expect(read.documents[0].signatures).toHaveLength(1);

      const pdf = await fetch(`${server.url}/api/v1/me/licences/${enc(permit.id)}/file?format=pdf`, {
        headers: { authorization: `Bearer ${zhang}` },
      });
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toContain(`filename="licence-${permit.id}.pdf"`);
      const pdfPath = join(work, 'permit.pdf');
      writeFileSync(pdfPath, Buffer.from(await pdf.arrayBuffer()));
      const pdfText = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
      expect(pdfText).toContain(ZHANG.name);
      expect(pdfText.replace(/\s+/g, '')).toContain(permit.id);

      const json = await call<{ id: string; format: string; mediaType: string; size: number; sha256: string; data: string }>(
        server,
        'GET',
        `/api/v1/me/licences/${enc(permit.id)}/file`,
        { token: zhang, headers: { accept: 'application/json' } },
      );
      expect(json.status).toBe(200);
      expect(json.body).toMatchObject({ id: permit.id, format: 'ofd', mediaType: 'application/ofd' });
      const data = Buffer.from(json.body.data, 'base64');
      expect([data.length, createHash('sha256').update(data).digest('hex')]).toEqual([json.body.size, json.body.sha256]);
    });

    it("someone else's licence is 404 licence_not_found, as if there were none; a bad format is 400", async () => {
      const theirs = await me('GET', `/${enc(permit.id)}/file`, chen);
      expect([theirs.status, theirs.body.error]).toEqual([404, 'licence_not_found']);
      const format = await me('GET', `/${enc(permit.id)}/file?format=docx`, zhang);
      expect([format.status, format.body.error]).toEqual([400, 'validation_failed']);
    });

    it('the issuing authority gets the file at GET /api/v1/licences/{id}/file; another authority 403; a revoked licence’s file still downloads and says so', async () => {
      const ofd = await fetch(`${server.url}/api/v1/licences/${enc(permit.id)}/file`, {
        headers: { authorization: `Bearer ${issuer.token}` },
      });
      expect([ofd.status, ofd.headers.get('content-type')]).toEqual([200, 'application/ofd']);
      const foreign = await call(server, 'GET', `/api/v1/licences/${enc(permit.id)}/file`, { token: other.token });
      expect([foreign.status, foreign.body.error]).toEqual([403, 'not_licence_issuer']);
      const holderToken = await call(server, 'GET', `/api/v1/licences/${enc(permit.id)}/file`, { token: zhang });
      expect([holderToken.status, holderToken.body.error]).toEqual([403, 'insufficient_scope']);

      const revoked = await call<IssuedLicenceBody>(server, 'POST', '/api/v1/licences', {
        token: issuer.token,
        body: { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims: permitClaims(ZHANG) },
      });
      expect(
        (
          await call(server, 'POST', `/api/v1/licences/${enc(revoked.body.id)}/revoke`, {
            token: issuer.token,
            body: { reason: '测试撤销' },
          })
        ).status,
      ).toBe(200);
      const pdf = await fetch(`${server.url}/api/v1/me/licences/${enc(revoked.body.id)}/file?format=pdf`, {
        headers: { authorization: `Bearer ${zhang}` },
      });
      expect(pdf.status).toBe(200);
      const path = join(work, 'revoked.pdf');
      writeFileSync(path, Buffer.from(await pdf.arrayBuffer()));
      expect(execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')).toContain('本证照已被发证机关撤销');
      // … and it cannot be shown.
      const share = await me<Share>('POST', `/${enc(revoked.body.id)}/shares`, zhang, { disclose: ['name'] });
      expect([share.status, share.body.error]).toEqual([409, 'licence_not_valid']);
    });
  });

  describe('亮证 shares', () => {
    let share: Share;

    it('POST …/shares → the URL, its QR code (a PNG data URL, decoded by zbarimg) and when it expires', async () => {
      const before = Date.now();
      const answer = await me<Share>('POST', `/${enc(permit.id)}/shares`, zhang, {
        disclose: ['name', 'residence_address'],
        ttlSeconds: 90,
      });
      expect(answer.status).toBe(201);
      share = answer.body;
      expect(share.url).toMatch(new RegExp(`^${server.url}/s/[A-Za-z0-9_-]{43}$`));
      expect(share.disclosed).toEqual(['name', 'residence_address']);
      const expires = new Date(share.expiresAt).getTime();
      expect(expires).toBeGreaterThanOrEqual(before + 89_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 91_000);
      expect(share.qr.startsWith('data:image/png;base64,')).toBe(true);
      const png = join(work, 'share.png');
      writeFileSync(png, Buffer.from(share.qr.slice('data:image/png;base64,'.length), 'base64'));
      expect(execFileSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' }).trim()).toBe(share.url);
    });

    it('whoever opens the URL sees the type, issuer, live status and only the disclosed claims', async () => {
      const opened = await page(share.url);
      expect(opened.status).toBe(200);
      expect(opened.headers.get('cache-control')).toBe('no-store');
      const words = text(opened.html);
      expect(words).toContain('居住证');
      expect(words).toContain('状态：有效');
      expect(words).toContain(ZHANG.name);
      expect(words).toContain('福建省福州市鼓楼区五四路1号');
      // Nothing that was not disclosed: not the ID number (nor its masked form), not the sex, not the police station.
      expect(words).not.toContain(ZHANG.id_number);
      expect(words).not.toContain(ZHANG.id_number.slice(-4));
      expect(words).not.toContain('福州市公安局鼓楼分局');
      expect(words).not.toContain('男');
      expect(words).not.toContain(permit.id);
    });

    it('the claims shown are the presentation’s, verified — not the stored claims', async () => {
      // The stored claims changed behind the service's back: the share still shows what the presentation discloses.
      const keys = server.app.get(KeyStore);
      const tampered = await keys.sealText(
        JSON.stringify({ ...permitClaims(ZHANG), name: '李四' }),
        `tongban licence-claims v1 ${permit.id}`,
      );
      const db = server.app.get(DataSource);
      const [{ claims_enc: original }] = await db.query<Array<{ claims_enc: string }>>(`SELECT claims_enc FROM licences WHERE id = $1`, [
        permit.id,
      ]);
      await db.query(`UPDATE licences SET claims_enc = $2 WHERE id = $1`, [permit.id, tampered.value]);
      try {
        const words = text((await page(share.url)).html);
        expect(words).toContain(ZHANG.name);
        expect(words).not.toContain('李四');
      } finally {
        await db.query(`UPDATE licences SET claims_enc = $2 WHERE id = $1`, [permit.id, original]);
      }
    });

    it('disclosing nothing shows the type, issuer and status, and no claim at all', async () => {
      const answer = await me<Share>('POST', `/${enc(permit.id)}/shares`, zhang, { disclose: [] });
      expect(answer.status).toBe(201);
      const words = text((await page(answer.body.url)).html);
      expect(words).toContain('居住证');
      expect(words).toContain('持证人没有选择出示证照上的具体内容');
      expect(words).not.toContain(ZHANG.name);
      expect(words).not.toContain('五四路');
    });

    it('each opening is recorded for the holder: time, network masked, browser family', async () => {
      await page(
        share.url,
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47',
      );
      const answer = await me<Shares>('GET', `/${enc(permit.id)}/shares`, zhang);
      expect(answer.status).toBe(200);
      const listed = answer.body.shares.find((s) => s.id === share.id)!;
      expect(listed).toMatchObject({ state: 'open', url: share.url });
      // Newest first: WeChat on the iPhone, then the two openings by Chrome on Android above.
      expect(listed.openings.map((o) => [o.browser, o.outcome])).toEqual([
        ['WeChat on iOS', 'shown'],
        ['Chrome on Android', 'shown'],
        ['Chrome on Android', 'shown'],
      ]);
      expect(listed.openings.every((o) => o.ipMasked === '127.0.0.*')).toBe(true);
      // Another citizen neither sees the shares nor learns the licence exists.
      const theirs = await me('GET', `/${enc(permit.id)}/shares`, chen);
      expect([theirs.status, theirs.body.error]).toEqual([404, 'licence_not_found']);
    });

    it('after its lifetime the page says the share has expired (410), shows nothing, records it; what was kept sealed is erased', async () => {
      const db = server.app.get(DataSource);
      await db.query(
        `UPDATE licence_shares SET created_at = now() - interval '3 minutes', expires_at = now() - interval '1 second' WHERE id = $1`,
        [share.id],
      );
      const opened = await page(share.url);
      expect(opened.status).toBe(410);
      const words = text(opened.html);
      expect(words).toContain('这个亮证链接已过期');
      expect(words).not.toContain(ZHANG.name);
      expect(words).not.toContain('五四路');
      const listed = (await me<Shares>('GET', `/${enc(permit.id)}/shares`, zhang)).body.shares.find((s) => s.id === share.id)!;
      expect(listed.state).toBe('expired');
      expect(listed.url).toBeUndefined();
      expect(listed.openings[0].outcome).toBe('expired');

      const shares: unknown = server.app.get(LicenceSharesService);
      await (shares as { sweep(): Promise<void> }).sweep();
      const [row] = await db.query<Array<{ presentation_enc: string | null; token_enc: string | null }>>(
        `SELECT presentation_enc, token_enc FROM licence_shares WHERE id = $1`,
        [share.id],
      );
      expect(row).toEqual({ presentation_enc: null, token_enc: null });
      expect((await page(share.url)).status).toBe(410);
    });

    it('the holder ends a share early: its page says so (410); an unknown token is a 404 page', async () => {
      const made = await me<Share>('POST', `/${enc(permit.id)}/shares`, zhang, { disclose: ['name'], ttlSeconds: 600 });
      const ended = await me<{ state: string; endedAt: string }>('DELETE', `/${enc(permit.id)}/shares/${made.body.id}`, zhang);
      expect(ended.status).toBe(200);
      expect(ended.body.state).toBe('ended');
      const opened = await page(made.body.url);
      expect(opened.status).toBe(410);
      expect(text(opened.html)).toContain('持证人已停止出示这份证照');
      expect(text(opened.html)).not.toContain(ZHANG.name);
      const unknown = await page(`${server.url}/s/${'A'.repeat(43)}`);
      expect(unknown.status).toBe(404);
      expect(text(unknown.html)).toContain('没有找到这个亮证链接');
      expect((await page(`${server.url}/s/short`)).status).toBe(404);
      const notMine = await me('DELETE', `/${enc(permit.id)}/shares/${made.body.id}`, chen);
      expect([notMine.status, notMine.body.error]).toEqual([404, 'licence_not_found']);
    });

    it('the status shown is live: a share made while valid shows the licence suspended once its issuer suspends it', async () => {
      const made = await me<Share>('POST', `/${enc(permit.id)}/shares`, zhang, { disclose: ['name'] });
      expect(
        (await call(server, 'POST', `/api/v1/licences/${enc(permit.id)}/suspend`, { token: issuer.token, body: { reason: '核实中' } }))
          .status,
      ).toBe(200);
      try {
        const words = text((await page(made.body.url)).html);
        expect(words).toContain('状态：已暂停');
        expect(words).toContain(ZHANG.name);
      } finally {
        expect(
          (
            await call(server, 'POST', `/api/v1/licences/${enc(permit.id)}/reinstate`, {
              token: issuer.token,
              body: { reason: '核实完毕' },
            })
          ).status,
        ).toBe(200);
      }
      expect(text((await page(made.body.url)).html)).toContain('状态：有效');
    });

    it.each([
      [{ disclose: ['name'], ttlSeconds: 10 }, 'invalid_ttl'],
      [{ disclose: ['name'], ttlSeconds: 3601 }, 'invalid_ttl'],
      [{ disclose: ['name'], ttlSeconds: 12.5 }, 'validation_failed'],
      [{ disclose: ['name'], ttlSeconds: '120' }, 'validation_failed'],
      [{ disclose: ['height'] }, 'unknown_claim'],
      [{ disclose: ['name', 'iss'] }, 'unknown_claim'],
      [{ disclose: 'name' }, 'validation_failed'],
      [{ disclose: [''] }, 'validation_failed'],
      [{}, 'validation_failed'],
      [{ disclose: ['name'], extra: true }, 'validation_failed'],
    ])('refuses %j with 400 %s', async (body, code) => {
      const answer = await me<{ error: string; details?: { claims?: string[] } }>('POST', `/${enc(permit.id)}/shares`, zhang, body);
      expect([answer.status, answer.body.error]).toEqual([400, code]);
      if (code === 'unknown_claim') expect(answer.body.details?.claims).toEqual(expect.arrayContaining(['name', 'id_number']));
    });

    it("someone else's licence is 404, and so is a licence that does not exist", async () => {
      const theirs = await me('POST', `/${enc(permit.id)}/shares`, chen, { disclose: ['name'] });
      expect([theirs.status, theirs.body.error]).toEqual([404, 'licence_not_found']);
      const none = await me('POST', `/${enc(permit.id.replace(/\.001\../, '.002.X'))}/shares`, zhang, { disclose: ['name'] });
      expect(none.status).toBeGreaterThanOrEqual(400);
      expect(none.status).toBeLessThan(500);
    });
  });

  describe('an enterprise wallet’s proof', () => {
    let wallet: Wallet;

    beforeAll(async () => {
      wallet = await initWallet(join(work, 'wallet'), 'a wallet passphrase for the test');
      await enrol(wallet, {
        uscc: ACME.uscc,
        issue: httpIssuer({
          publicUrl: server.url,
          clientId: DEMO_LICENCE_AUTHORITY.clientId,
          clientSecret: DEMO_LICENCE_AUTHORITY.secret,
        }),
      });
      const food = await call(server, 'POST', '/api/v1/licences', {
        token: issuer.token,
        body: { type: 'food-business-permit', holder: { uscc: ACME.uscc }, claims: foodPermitClaims(ACME) },
      });
      expect(food.status).toBe(201);
    }, 60_000);

    it("lists the enterprise's licences, bound to the wallet key", async () => {
      const licences = await fetchHeldLicences(wallet, { serviceUrl: server.url });
      expect(licences.map((l) => l.type)).toEqual(expect.arrayContaining(['food-business-permit', 'business-licence']));
      for (const licence of licences) {
        expect(licence.holder).toMatchObject({ kind: 'enterprise', uscc: ACME.uscc });
        const cnf = openCredential(licence.credential).payload.cnf as { jwk: { x: string } };
        expect(cnf.jwk.x).toBe(wallet.publicJwk.x);
      }
    });

    it('a proof is for one request, once: replayed, for another URL or method, or stale → 401 invalid_wallet_proof', async () => {
      const url = `${server.url}/api/v1/me/licences`;
      const proof = await wallet.signHolderProof({ method: 'GET', url });
      const first = await call(server, 'GET', '/api/v1/me/licences', { headers: { authorization: `Wallet ${proof}` } });
      expect(first.status).toBe(200);
      const again = await call(server, 'GET', '/api/v1/me/licences', { headers: { authorization: `Wallet ${proof}` } });
      expect([again.status, again.body.error]).toEqual([401, 'invalid_wallet_proof']);
      expect(again.headers.get('www-authenticate')).toMatch(/^Wallet error="invalid_wallet_proof"/);

      const elsewhere = await wallet.signHolderProof({ method: 'GET', url: `${url}/x/file` });
      expect((await call(server, 'GET', '/api/v1/me/licences', { headers: { authorization: `Wallet ${elsewhere}` } })).body.error).toBe(
        'invalid_wallet_proof',
      );
      const post = await wallet.signHolderProof({ method: 'POST', url });
      expect((await call(server, 'GET', '/api/v1/me/licences', { headers: { authorization: `Wallet ${post}` } })).body.error).toBe(
        'invalid_wallet_proof',
      );
      // Made for ten minutes from now (a wallet whose clock is wrong): not fresh.
      const future = await wallet.signHolderProof({ method: 'GET', url }, undefined, new Date(Date.now() + 10 * 60_000));
      const futureAnswer = await call(server, 'GET', '/api/v1/me/licences', { headers: { authorization: `Wallet ${future}` } });
      expect([futureAnswer.status, futureAnswer.body.error]).toEqual([401, 'invalid_wallet_proof']);
      // A proof with its payload changed no longer verifies.
      const [h, , s] = (await wallet.signHolderProof({ method: 'GET', url })).split('.');
      const forged = Buffer.from(
        JSON.stringify({ htm: 'GET', htu: url, iat: Math.floor(Date.now() / 1000), jti: 'forged-forged-forged', uscc: ACME.uscc }),
      ).toString('base64url');
      const tampered = await call(server, 'GET', '/api/v1/me/licences', { headers: { authorization: `Wallet ${h}.${forged}.${s}` } });
      expect([tampered.status, tampered.body.error]).toEqual([401, 'invalid_wallet_proof']);
    });

    it('the enterprise shares a licence with its wallet, and downloads its file', async () => {
      const [food] = (await fetchHeldLicences(wallet, { serviceUrl: server.url })).filter((l) => l.type === 'food-business-permit');
      const url = `${server.url}/api/v1/me/licences/${enc(food.id)}/shares`;
      const proof = await wallet.signHolderProof({ method: 'POST', url });
      const made = await call<Share>(server, 'POST', `/api/v1/me/licences/${enc(food.id)}/shares`, {
        headers: { authorization: `Wallet ${proof}` },
        body: { disclose: ['operator_name', 'permit_number'], ttlSeconds: 60 },
      });
      expect(made.status).toBe(201);
      const words = text((await page(made.body.url)).html);
      expect(words).toContain(ACME.name);
      expect(words).toContain('JY23501020012345');
      expect(words).not.toContain('福建省福州市鼓楼区五四路1号一层');

      const fileUrl = `${server.url}/api/v1/me/licences/${enc(food.id)}/file`;
      const file = await fetch(fileUrl, {
        headers: { authorization: `Wallet ${await wallet.signHolderProof({ method: 'GET', url: fileUrl })}` },
      });
      expect([file.status, file.headers.get('content-type')]).toEqual([200, 'application/ofd']);
    });

    it("an enterprise session's token (enterprise sign-in with the wallet, through a holder's app) names the enterprise", async () => {
      const enterpriseApp = await registerPortal(server, { scope: 'openid enterprise licences', subject_type: 'public' });
      const resource = `${server.url}/api`;
      const request = await authorizationRequest(enterpriseApp, {
        scope: 'openid enterprise licences',
        acr_values: 'urn:tongban:loa:3',
        resource,
      });
      const ua = new UserAgent(server.url);
      let at = await ua.open(request.url.href, { stopAt: stopAtPortal(enterpriseApp) });
      expect(at.url).toMatch(/\/interaction\/[\w-]+\/enterprise$/);
      const challenge = /<code class="secret" id="challenge-text">([^<]+)<\/code>/.exec(at.html)![1];
      const poll = new URL(/content="3;url=([^"]+)"/.exec(at.html)![1].replace(/&amp;/g, '&'), at.url).href;
      expect(await wallet.login(challenge, { uscc: ACME.uscc })).toMatchObject({ status: 'accepted' });
      // The legal representative signs in on the page, then allows the app.
      at = await ua.open(poll, { stopAt: stopAtPortal(enterpriseApp) });
      at = await ua.fill(
        at,
        '/login?enterprise=1',
        { id_number: CHEN.idNumber, password: CHEN.password },
        { stopAt: stopAtPortal(enterpriseApp) },
      );
      if (at.url.includes('/interaction/')) at = await ua.fill(at, '/confirm', {}, { stopAt: stopAtPortal(enterpriseApp) });
      const tokens = await client.authorizationCodeGrant(
        enterpriseApp.config,
        new URL(at.url),
        { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
        { resource },
      );
      const answer = await me<{ licences: HeldLicence[] }>('GET', '', tokens.access_token);
      expect(answer.status).toBe(200);
      expect(answer.body.licences.length).toBeGreaterThan(0);
      expect(answer.body.licences.every((l) => (l as unknown as { holder: { uscc: string } }).holder.uscc === ACME.uscc)).toBe(true);
      expect(answer.body.licences.map((l) => l.type)).toContain('food-business-permit');
    });

    it('a wallet without a licence refuses before asking anything (NO_LICENCE)', async () => {
      const empty = await initWallet(join(work, 'empty-wallet'), 'a wallet passphrase for the test');
      await expect(fetchHeldLicences(empty, { serviceUrl: server.url })).rejects.toMatchObject({ code: 'NO_LICENCE' });
      await expect(fetchHeldLicences(empty, { serviceUrl: server.url })).rejects.toBeInstanceOf(WalletError);
    });
  });
});
