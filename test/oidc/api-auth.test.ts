/**
 * tongban's own API (PUBLIC_URL/api) accepts only its own, valid, unexpired access tokens for
 * that audience, with the scope the route needs, and a DPoP proof when the token is DPoP-bound.
 * Also: the registry import over HTTP, introspection and revocation, and tokens across a rotation
 * of the `oidc` signing key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { jest } from '@jest/globals';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { ClientStore } from '../../src/clients/client-store.js';
import { OidcProviderService } from '../../src/oidc/oidc-provider.service.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { client, registerPortal, registerService, signInForTokens, type Portal } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';

const REGISTRY = '/api/v1/registry/citizens';
const CLIENTS = '/api/v1/clients';

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: string };
  headers: Headers;
}

function b64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

describe(`tongban API access tokens on ${backend}`, () => {
  let server: TestServer;
  let service: Portal;
  let api: string;

  async function call(
    method: string,
    path: string,
    options: { authorization?: string; dpop?: string; body?: unknown; rawBody?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    if (options.dpop !== undefined) headers.dpop = options.dpop;
    let body: string | undefined;
    if (options.rawBody !== undefined || options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.rawBody ?? JSON.stringify(options.body);
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
  }

  /** The two protected routes under test, each with a body that is valid for it. */
  const routes = [
    { name: `POST ${REGISTRY}`, method: 'POST', path: REGISTRY, body: [] as unknown[], scope: 'registry:write' },
    { name: `GET ${CLIENTS}`, method: 'GET', path: CLIENTS, body: undefined, scope: 'clients:write' },
  ];

  async function serviceToken(scope: string, options: { DPoP?: client.DPoPHandle } = {}): Promise<string> {
    const response = await client.clientCredentialsGrant(service.config, { scope }, options);
    return response.access_token;
  }

  /** A well-formed access token for the API with a payload of our choosing, signed by a foreign key. */
  async function forgedToken(overrides: { kid?: string; exp?: number } = {}): Promise<string> {
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ client_id: service.clientId, scope: 'registry:write clients:write' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...(overrides.kid ? { kid: overrides.kid } : {}) })
      .setIssuer(server.url)
      .setAudience(api)
      .setSubject(service.clientId)
      .setIssuedAt(now - 60)
      .setJti(randomUUID())
      .setExpirationTime(overrides.exp ?? now + 600)
      .sign(privateKey);
  }

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    api = `${server.url}/api`;
    service = await registerService(server, 'registry:write clients:write verify');
  });
  afterAll(() => server?.close());

  it('issues client-credentials tokens for the API as ES256 JWTs (typ at+jwt, aud PUBLIC_URL/api) with the granted scope', async () => {
    const response = await client.clientCredentialsGrant(service.config, { scope: 'registry:write' });
    expect(response.token_type.toLowerCase()).toBe('bearer');
    const header = decodeProtectedHeader(response.access_token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const oidcKid = server.app.get(KeyStore).current('oidc', 'ES256').kid;
    expect(header.kid).toBe(oidcKid);
    const payload = decodeJwt(response.access_token);
    expect(payload).toMatchObject({ iss: server.url, aud: api, client_id: service.clientId, scope: 'registry:write' });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(600);
    expect(payload.cnf).toBeUndefined();
  });

  it('a scope the service client is not registered for is not granted', async () => {
    const error = await client.clientCredentialsGrant(service.config, { scope: 'licence:issue' }).then(
      () => undefined,
      (err: unknown) => err as client.ResponseBodyError,
    );
    expect(error).toBeInstanceOf(client.ResponseBodyError);
    expect(error!.error).toBe('invalid_scope');
  });

  describe.each(routes)('$name', (route) => {
    const send = (authorization?: string, dpop?: string) => call(route.method, route.path, { authorization, dpop, body: route.body });

    function expectInvalidToken(answer: Answer) {
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('invalid_token');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(JSON.stringify(answer.body)).not.toMatch(/\n\s+at /);
    }

    it('without Authorization: 401 invalid_token with a WWW-Authenticate challenge', async () => {
      expectInvalidToken(await send());
      expectInvalidToken(await send(''));
      expectInvalidToken(await send('Basic dXNlcjpwYXNz'));
    });

    it('a garbage token: 401', async () => {
      expectInvalidToken(await send('Bearer not-a-token'));
      expectInvalidToken(await send('Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln'));
    });

    it("a token signed by another key: 401, also when it names the issuer's kid", async () => {
      const kid = server.app.get(KeyStore).current('oidc', 'ES256').kid;
      expectInvalidToken(await send(`Bearer ${await forgedToken()}`));
      expectInvalidToken(await send(`Bearer ${await forgedToken({ kid: 'someone-elses-key' })}`));
      expectInvalidToken(await send(`Bearer ${await forgedToken({ kid })}`));
    });

    it('an expired token: 401', async () => {
      const kid = server.app.get(KeyStore).current('oidc', 'ES256').kid;
      expectInvalidToken(await send(`Bearer ${await forgedToken({ kid, exp: Math.floor(Date.now() / 1000) - 3600 })}`));
    });

    it("an unsigned token (alg none) naming the issuer's kid: 401", async () => {
      const kid = server.app.get(KeyStore).current('oidc', 'ES256').kid;
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${b64url({ alg: 'none', typ: 'at+jwt', kid })}.${b64url({ iss: server.url, aud: api, client_id: service.clientId, scope: route.scope, iat: now, exp: now + 600, jti: randomUUID() })}.`;
      expectInvalidToken(await send(`Bearer ${unsigned}`));
    });

    it('a real token whose payload was changed: 401', async () => {
      const real = await serviceToken('verify');
      const [header, payload, signature] = real.split('.');
      const widened = b64url({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: route.scope });
      expectInvalidToken(await send(`Bearer ${header}.${widened}.${signature}`));
    });

    it("tokens of this issuer for another audience: 401 (a portal's userinfo access token, an ID token)", async () => {
      const portal = await registerPortal(server);
      const tokens = await signInForTokens(new UserAgent(server.url), portal);
      // The userinfo token works where it belongs ...
      await expect(client.fetchUserInfo(portal.config, tokens.access_token, tokens.claims()!.sub)).resolves.toMatchObject({
        sub: tokens.claims()!.sub,
      });
      // ... but not at the API.
      expectInvalidToken(await send(`Bearer ${tokens.access_token}`));
      // An ID token is signed with the same key, but is not an access token for the API.
      expect(decodeProtectedHeader(tokens.id_token!).kid).toBe(server.app.get(KeyStore).current('oidc', 'ES256').kid);
      expectInvalidToken(await send(`Bearer ${tokens.id_token}`));
    });

    it("a valid token without the route's scope: 403 insufficient_scope", async () => {
      const token = await serviceToken('verify');
      const answer = await send(`Bearer ${token}`);
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe('insufficient_scope');
      expect(answer.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
      expect(answer.headers.get('www-authenticate')).toContain(route.scope);
    });

    it('a valid token with the scope: 200 (the scheme name is case-insensitive)', async () => {
      const token = await serviceToken(route.scope);
      expect((await send(`Bearer ${token}`)).status).toBe(200);
      expect((await send(`bearer ${token}`)).status).toBe(200);
    });

    it('when the token cannot be checked (client records unreadable): 503 unavailable, not a 401 that would make the client drop its token', async () => {
      const token = await serviceToken(route.scope);
      const clients = server.app.get(ClientStore);
      const outage = jest.spyOn(clients, 'exists').mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      try {
        const answer = await send(`Bearer ${token}`);
        expect(answer.status).toBe(503);
        expect(answer.body).toEqual({ error: 'unavailable', message: 'the access token cannot be checked now: try again later' });
        expect(answer.headers.get('www-authenticate')).toBeNull();
      } finally {
        outage.mockRestore();
      }
      expect((await send(`Bearer ${token}`)).status).toBe(200);
    });
  });

  describe('DPoP-bound API tokens', () => {
    let keys: CryptoKeyPair;
    let handle: client.DPoPHandle;
    let token: string;
    let publicJwk: JWK;
    const url = (path: string) => `${server.url}${path}`;

    async function proof(
      claims: Record<string, unknown> = {},
      options: { key?: CryptoKey; jwk?: JWK; typ?: string } = {},
    ): Promise<string> {
      return new SignJWT({ htm: 'POST', htu: url(REGISTRY), jti: randomUUID(), ath: ath(token), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: options.typ ?? 'dpop+jwt', jwk: options.jwk ?? publicJwk })
        .setIssuedAt(typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000))
        .sign(options.key ?? keys.privateKey);
    }

    beforeAll(async () => {
      keys = await client.randomDPoPKeyPair('ES256');
      handle = client.getDPoPHandle(service.config, keys);
      token = await serviceToken('registry:write clients:write', { DPoP: handle });
      publicJwk = await exportJWK(keys.publicKey);
    });

    it('the token is bound to the DPoP key (cnf.jkt)', async () => {
      const payload = decodeJwt(token);
      expect((payload.cnf as { jkt?: string } | undefined)?.jkt).toBe(await calculateJwkThumbprint(publicJwk, 'sha256'));
      expect(payload.aud).toBe(api);
    });

    it('presented as a Bearer token (with or without a proof): 401', async () => {
      const bare = await call('POST', REGISTRY, { authorization: `Bearer ${token}`, body: [] });
      expect(bare.status).toBe(401);
      expect(bare.body.error).toBe('invalid_token');
      expect(bare.headers.get('www-authenticate')).toBeTruthy();
      const withProof = await call('POST', REGISTRY, { authorization: `Bearer ${token}`, dpop: await proof(), body: [] });
      expect(withProof.status).toBe(401);
    });

    it('with Authorization: DPoP but no proof: 401', async () => {
      const answer = await call('POST', REGISTRY, { authorization: `DPoP ${token}`, body: [] });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBeTruthy();
    });

    it("openid-client's fetchProtectedResource with the DPoP handle: 200", async () => {
      const registry = await client.fetchProtectedResource(
        service.config,
        token,
        new URL(url(REGISTRY)),
        'POST',
        JSON.stringify([]),
        new Headers({ 'content-type': 'application/json' }),
        {
          DPoP: handle,
        },
      );
      expect(registry.status).toBe(200);
      expect(await registry.json()).toMatchObject({ results: [], summary: { read: 0 } });
      const clients = await client.fetchProtectedResource(service.config, token, new URL(url(CLIENTS)), 'GET', undefined, undefined, {
        DPoP: handle,
      });
      expect(clients.status).toBe(200);
    });

    it('a hand-made proof works once; the same proof again is a replay: 401', async () => {
      const once = await proof();
      const first = await call('POST', REGISTRY, { authorization: `DPoP ${token}`, dpop: once, body: [] });
      expect(first.status).toBe(200);
      const again = await call('POST', REGISTRY, { authorization: `DPoP ${token}`, dpop: once, body: [] });
      expect(again.status).toBe(401);
      expect(again.body.error).toBe('invalid_dpop_proof');
      expect(again.headers.get('www-authenticate')).toBeTruthy();
      // A fresh proof is fine again.
      expect((await call('POST', REGISTRY, { authorization: `DPoP ${token}`, dpop: await proof(), body: [] })).status).toBe(200);
    });

    it('htu is compared without the query string', async () => {
      const answer = await call('GET', `${CLIENTS}?page=1`, {
        authorization: `DPoP ${token}`,
        dpop: await proof({ htm: 'GET', htu: url(CLIENTS) }),
      });
      expect(answer.status).toBe(200);
    });

    it.each([
      ['for another method', async () => proof({ htm: 'GET' })],
      ['for another URL', async () => proof({ htu: url(CLIENTS) })],
      ['for another origin', async () => proof({ htu: `http://evil.example${REGISTRY}` })],
      ['for another access token (ath)', async () => proof({ ath: ath('another token') })],
      ['without ath', async () => proof({ ath: undefined })],
      ['without jti', async () => proof({ jti: undefined })],
      ['issued long ago', async () => proof({ iat: Math.floor(Date.now() / 1000) - 3600 })],
      ['issued in the future', async () => proof({ iat: Math.floor(Date.now() / 1000) + 3600 })],
      [
        'signed by a key other than the bound one',
        async () => {
          const other = await generateKeyPair('ES256');
          return proof({}, { key: other.privateKey, jwk: await exportJWK(other.publicKey) });
        },
      ],
      [
        'whose jwk header is not the signing key',
        async () => {
          const other = await generateKeyPair('ES256');
          return proof({}, { key: other.privateKey });
        },
      ],
      ['with another typ', async () => proof({}, { typ: 'JWT' })],
      ['that is not a JWT', () => Promise.resolve('not-a-proof')],
    ])('a proof %s: 401', async (_name, make) => {
      const answer = await call('POST', REGISTRY, { authorization: `DPoP ${token}`, dpop: await make(), body: [] });
      expect(answer.status).toBe(401);
      expect(['invalid_dpop_proof', 'invalid_token']).toContain(answer.body.error);
    });

    it('a proof whose jwk header carries the private key: 401 (the same key with its public jwk: 200)', async () => {
      const extractable = await generateKeyPair('ES256', { extractable: true });
      const bound = await serviceToken('registry:write', { DPoP: client.getDPoPHandle(service.config, extractable) });
      const send = async (jwk: JWK) =>
        call('POST', REGISTRY, {
          authorization: `DPoP ${bound}`,
          dpop: await new SignJWT({ htm: 'POST', htu: url(REGISTRY), jti: randomUUID(), ath: ath(bound) })
            .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
            .setIssuedAt()
            .sign(extractable.privateKey),
          body: [],
        });
      const withPrivate = await send(await exportJWK(extractable.privateKey));
      expect(withPrivate.status).toBe(401);
      expect(withPrivate.body.error).toBe('invalid_dpop_proof');
      expect((await send(await exportJWK(extractable.publicKey))).status).toBe(200);
    });

    it('a token that is not DPoP-bound, sent with Authorization: DPoP: 401', async () => {
      const plain = await serviceToken('registry:write');
      const answer = await call('POST', REGISTRY, { authorization: `DPoP ${plain}`, dpop: await proof({ ath: ath(plain) }), body: [] });
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('invalid_token');
    });
  });

  describe('registry import over HTTP', () => {
    let token: string;
    const valid = {
      id_number: makeCitizenId({ region: '330106', birthDate: '1975-04-12', sequence: 321 }),
      name: '钱七',
      status: 'active',
    };
    const wrongChecksum = `${valid.id_number.slice(0, 17)}${valid.id_number.endsWith('0') ? '1' : '0'}`;
    const rows: unknown[] = [valid, { id_number: wrongChecksum, name: '孙八' }, 42];
    const import_ = (body: unknown) => call('POST', REGISTRY, { authorization: `Bearer ${token}`, body });

    beforeAll(async () => {
      token = await serviceToken('registry:write');
    });

    it('reports every row by index and upserts the valid ones; the same rows again are unchanged', async () => {
      const registry = server.app.get(RegistryService);
      const before = await registry.counts();
      const first = await import_(rows);
      expect(first.status).toBe(200);
      expect(first.body.results).toEqual([
        { index: 0, status: 'inserted' },
        { index: 1, status: 'rejected', problems: [expect.objectContaining({ field: 'id_number', code: 'CHECKSUM' })] },
        { index: 2, status: 'rejected', problems: [expect.objectContaining({ code: 'TYPE' })] },
      ]);
      expect(first.body.summary).toMatchObject({ kind: 'citizens', read: 3, inserted: 1, updated: 0, unchanged: 0, rejected: 2 });
      // Messages never repeat an ID number.
      expect(JSON.stringify(first.body)).not.toContain(wrongChecksum);
      expect(JSON.stringify(first.body)).not.toContain(valid.id_number);
      expect((await registry.counts()).citizens).toBe(before.citizens + 1);
      expect(await registry.findCitizenByIdNumber(valid.id_number)).toMatchObject({ name: valid.name, status: 'active' });

      const second = await import_(rows);
      expect(second.status).toBe(200);
      expect((second.body.results as unknown[])[0]).toEqual({ index: 0, status: 'unchanged' });
      expect(second.body.summary).toMatchObject({ read: 3, inserted: 0, updated: 0, unchanged: 1, rejected: 2 });
      expect((await registry.counts()).citizens).toBe(before.citizens + 1);

      const changed = await import_([{ ...valid, status: 'deceased' }]);
      expect(changed.body.results).toEqual([{ index: 0, status: 'updated' }]);
      expect(await registry.findCitizenByIdNumber(valid.id_number)).toMatchObject({ status: 'deceased' });
    });

    it('a body that is not an array, too many rows, or not JSON: 400, and nothing is written', async () => {
      const registry = server.app.get(RegistryService);
      const before = await registry.counts();
      const fresh = { id_number: makeCitizenId({ region: '330106', birthDate: '1976-04-12', sequence: 1 }), name: '周九' };

      const object = await import_(fresh);
      expect(object.status).toBe(400);
      expect(object.body.error).toBe('validation_failed');

      // 10,001 valid rows: one over the limit, refused as a whole rather than half-imported.
      const many = Array.from({ length: 10_001 }, (_, i) => ({
        id_number: makeCitizenId({ region: '330106', birthDate: `19${60 + Math.floor(i / 1000)}-06-0${1 + (i % 9)}`, sequence: i % 1000 }),
        name: '吴十',
      }));
      expect(new Set(many.map((row) => row.id_number)).size).toBe(10_001);
      const tooMany = await import_(many);
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error).toBe('validation_failed');

      const malformed = await call('POST', REGISTRY, { authorization: `Bearer ${token}`, rawBody: `[${JSON.stringify(fresh)},` });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toBe('malformed_json');

      expect(await registry.counts()).toEqual(before);
      expect(await registry.findCitizenByIdNumber(fresh.id_number)).toBeNull();
    });
  });

  describe("introspection and revocation of a portal's tokens", () => {
    it('introspection says active with sub and client_id; after the refresh token is revoked the access token is inactive', async () => {
      const portal = await registerPortal(server);
      const tokens = await signInForTokens(new UserAgent(server.url), portal, {
        scope: 'openid profile offline_access',
        prompt: 'consent',
      });
      expect(tokens.refresh_token).toBeTruthy();
      const sub = tokens.claims()!.sub;

      const active = await client.tokenIntrospection(portal.config, tokens.access_token);
      expect(active).toMatchObject({ active: true, sub, client_id: portal.clientId });
      expect(await client.tokenIntrospection(portal.config, tokens.refresh_token!)).toMatchObject({
        active: true,
        client_id: portal.clientId,
      });

      // Another client may not revoke this portal's tokens.
      const other = await registerPortal(server);
      await client.tokenRevocation(other.config, tokens.refresh_token!).catch(() => undefined);
      expect(await client.tokenIntrospection(portal.config, tokens.access_token)).toMatchObject({ active: true });

      await client.tokenRevocation(portal.config, tokens.refresh_token!);
      expect(await client.tokenIntrospection(portal.config, tokens.access_token)).toEqual({ active: false });
      expect(await client.tokenIntrospection(portal.config, tokens.refresh_token!)).toEqual({ active: false });
      await expect(client.fetchUserInfo(portal.config, tokens.access_token, sub)).rejects.toThrow();
      await expect(client.refreshTokenGrant(portal.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('an unknown token introspects as inactive', async () => {
      const portal = await registerPortal(server);
      expect(await client.tokenIntrospection(portal.config, 'no-such-token')).toEqual({ active: false });
    });
  });

  describe('rotation of the oidc signing key', () => {
    it('tokens from before stay valid, /jwks lists old and new kid at once, new tokens carry the new kid', async () => {
      const keys = server.app.get(KeyStore);
      const before = await serviceToken('registry:write');
      const oldKid = decodeProtectedHeader(before).kid!;
      expect(oldKid).toBe(keys.current('oidc', 'ES256').kid);

      const rotation = await keys.rotate('oidc');
      const newKid = keys.current('oidc', 'ES256').kid;
      expect(newKid).not.toBe(oldKid);
      expect(rotation.retired.map((k) => k.kid)).toContain(oldKid);

      // The token signed before the rotation still passes the guard.
      expect((await call('POST', REGISTRY, { authorization: `Bearer ${before}`, body: [] })).status).toBe(200);

      // The provider publishes both keys without a restart ...
      const jwks = (await (await fetch(`${server.url}/jwks`)).json()) as { keys: Array<{ kid: string }> };
      const kids = jwks.keys.map((k) => k.kid);
      expect(kids).toContain(oldKid);
      expect(kids).toContain(newKid);
      expect(JSON.stringify(jwks)).not.toMatch(/"d"/);

      // ... and signs with the new one.
      const after = await serviceToken('registry:write');
      expect(decodeProtectedHeader(after).kid).toBe(newKid);
      expect((await call('POST', REGISTRY, { authorization: `Bearer ${after}`, body: [] })).status).toBe(200);
    });

    it('a token request in flight during a rotation is still answered with a token', async () => {
      // Requests already inside oidc-provider keep the instance they started on; a rotation builds a
      // new instance. Serving a request with the instance from before the rotation is what such a
      // request experiences.
      const inFlight = server.app.get(OidcProviderService).provider;
      await server.app.get(KeyStore).rotate('oidc');
      const handle = inFlight.callback();
      // Koa answers its own errors; one escaping it answers 500, so the test fails with it.
      const http = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = http.address() as AddressInfo;
        const response = await fetch(`http://127.0.0.1:${port}/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${service.clientId}:${service.secret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'registry:write' }),
        });
        const body = (await response.json()) as { access_token?: string; error?: string };
        expect(body.error).toBeUndefined();
        expect(response.status).toBe(200);
        // Whichever key signed it, the API accepts it.
        expect((await call('POST', REGISTRY, { authorization: `Bearer ${body.access_token}`, body: [] })).status).toBe(200);
      } finally {
        await new Promise((resolve) => http.close(resolve));
      }
    });
  });
});
