/**
 * Client management: /api/v1/clients (scope clients:write) and `tongban clients add|list|remove`.
 * A generated secret is shown once and never again; invalid metadata is a 400 with a stable
 * code; removing a client ends everything issued to it.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { client, registerService, signInForTokens, type Portal } from '../support/oidc.js';
import { tongban } from '../support/processes.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';

const insecure = { execute: [client.allowInsecureRequests] };

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: string; message?: string };
  text: string;
}

/** The OAuth error code of a failed openid-client call (from the body, or from a WWW-Authenticate challenge). */
async function oauthError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof client.ResponseBodyError) return err.error;
    if (err instanceof client.WWWAuthenticateChallengeError) return err.cause[0]?.parameters.error;
    throw err;
  }
  throw new Error('the request succeeded');
}

function expectStableError(answer: Answer, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.body.error).toBe(code);
  expect(typeof answer.body.message).toBe('string');
  expect(answer.text).not.toMatch(/\bat .+\.(ts|js):\d+|"stack"/);
}

describe(`/api/v1/clients on ${backend}`, () => {
  let server: TestServer;
  let admin: Portal;
  let token: string;
  let uniq = 0;
  const id = (prefix: string) => `${prefix}-${++uniq}-${Math.random().toString(36).slice(2, 6)}`;

  async function call(method: string, path: string, body?: unknown, bearer = token): Promise<Answer> {
    const response = await fetch(`${server.url}/api/v1/clients${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {}, text };
  }

  /** openid-client configuration for a client registered over HTTP. */
  async function portalFor(clientId: string, secret: string, redirectUri: string): Promise<Portal> {
    const config = await client.discovery(new URL(server.url), clientId, undefined, client.ClientSecretBasic(secret), insecure);
    return { clientId, secret, redirectUri, config };
  }

  /** A token request with a made-up code: invalid_client means the credentials failed, invalid_grant that they passed. */
  async function tokenRequestError(clientId: string, secret: string): Promise<string | undefined> {
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'made-up',
        redirect_uri: 'https://portal.example/cb',
        code_verifier: 'x'.repeat(43),
      }),
    });
    return ((await response.json()) as { error?: string }).error;
  }

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    admin = await registerService(server, 'clients:write registry:write verify');
    token = (await client.clientCredentialsGrant(admin.config, { scope: 'clients:write' })).access_token;
  });
  afterAll(() => server?.close());

  it('registers a portal: 201, the generated secret once, metadata without it (pairwise, client_secret_basic)', async () => {
    const clientId = id('tax-portal');
    const redirect = `${server.url}/cb/${clientId}`;
    const created = await call('POST', '', {
      client_id: clientId,
      client_name: '税务门户',
      redirect_uris: [redirect],
      scope: 'openid profile',
      sector: 'tax',
    });
    expect(created.status).toBe(201);
    const secret = created.body.client_secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const metadata = created.body.client as Record<string, unknown>;
    expect(metadata).toMatchObject({
      client_id: clientId,
      client_name: '税务门户',
      redirect_uris: [redirect],
      scope: 'openid profile',
      subject_type: 'pairwise',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      tongban_sector: 'tax',
    });
    expect(metadata).not.toHaveProperty('client_secret');

    // The secret works (credentials pass, the made-up code does not); a wrong one does not.
    expect(await tokenRequestError(clientId, secret)).toBe('invalid_grant');
    expect(await tokenRequestError(clientId, `${secret}x`)).toBe('invalid_client');

    // Never again: not in the list, not in the client's own document.
    const list = await call('GET', '');
    expect(list.status).toBe(200);
    const clients = list.body.clients as Array<Record<string, unknown>>;
    expect(clients.find((c) => c.client_id === clientId)).toMatchObject({ client_id: clientId, subject_type: 'pairwise' });
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toMatch(/"client_secret"/);
    expect(list.text).not.toContain('secret_enc');

    const one = await call('GET', `/${clientId}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ client_id: clientId, redirect_uris: [redirect], tongban_sector: 'tax' });
    expect(one.text).not.toContain(secret);
    expect(one.text).not.toMatch(/"client_secret"/);

    // The same client_id again.
    const again = await call('POST', '', { client_id: clientId, redirect_uris: [`${server.url}/elsewhere`] });
    expectStableError(again, 409, 'client_exists');
    // ... and the first registration is untouched.
    expect(await tokenRequestError(clientId, secret)).toBe('invalid_grant');
    expect((await call('GET', `/${clientId}`)).body.redirect_uris).toEqual([redirect]);
  });

  it('registers a service client (client credentials, public subject) and a private_key_jwt client without any secret', async () => {
    const serviceId = id('registry-feed');
    const service = await call('POST', '', { client_id: serviceId, scope: 'registry:write' });
    expect(service.status).toBe(201);
    expect(service.body.client).toMatchObject({
      client_id: serviceId,
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'registry:write',
    });
    const config = await client.discovery(
      new URL(server.url),
      serviceId,
      undefined,
      client.ClientSecretBasic(service.body.client_secret as string),
      insecure,
    );
    expect((await client.clientCredentialsGrant(config, { scope: 'registry:write' })).access_token).toBeTruthy();

    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwtId = id('jwt-portal');
    const jwt = await call('POST', '', {
      client_id: jwtId,
      redirect_uris: [`${server.url}/cb/${jwtId}`],
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] },
      fapi: true,
    });
    expect(jwt.status).toBe(201);
    expect(jwt.body).not.toHaveProperty('client_secret');
    expect(jwt.body.client).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
    });
  });

  it.each([
    ['redirect_uris that are not URLs', { redirect_uris: ['not a url'] }, 'validation_failed'],
    ['a javascript: redirect URI', { redirect_uris: ['javascript:alert(1)'] }, 'validation_failed'],
    ['an unknown grant type', { redirect_uris: ['https://portal.example/cb'], grant_types: ['password'] }, 'validation_failed'],
    ['an unknown property', { redirect_uris: ['https://portal.example/cb'], is_admin: true }, 'validation_failed'],
    ['a client_id with illegal characters', { client_id: 'bad id/..', redirect_uris: ['https://portal.example/cb'] }, 'validation_failed'],
    ['fapi without jwks', { redirect_uris: ['https://portal.example/cb'], fapi: true }, 'invalid_client_metadata'],
    [
      'a scope the server does not support',
      { redirect_uris: ['https://portal.example/cb'], scope: 'openid superpowers' },
      'invalid_client_metadata',
    ],
    ['a minimum LoA that does not exist', { redirect_uris: ['https://portal.example/cb'], minimum_loa: 7 }, 'validation_failed'],
  ])('refuses %s: 400 with a stable code and no stack', async (_name, fields, code) => {
    const clientId = id('bad');
    const answer = await call('POST', '', { client_id: clientId, ...fields });
    expectStableError(answer, 400, code);
    expectStableError(await call('GET', `/${clientId}`), 404, 'client_not_found');
  });

  it('refuses a jwks holding a private key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const clientId = id('leaky');
    const answer = await call('POST', '', {
      client_id: clientId,
      redirect_uris: ['https://portal.example/cb'],
      jwks: { keys: [await exportJWK(privateKey)] },
    });
    expectStableError(answer, 400, 'invalid_client_metadata');
    expect((await call('GET', `/${clientId}`)).status).toBe(404);
  });

  it('DELETE: 204, everything issued to the client stops working, consent is forgotten; DELETE again: 404', async () => {
    const clientId = id('leaving-portal');
    const redirect = `${server.url}/cb/${clientId}`;
    const created = await call('POST', '', { client_id: clientId, redirect_uris: [redirect], scope: 'openid profile offline_access' });
    expect(created.status).toBe(201);
    const portal = await portalFor(clientId, created.body.client_secret as string, redirect);
    const ua = new UserAgent(server.url);
    const tokens = await signInForTokens(ua, portal, { scope: 'openid profile offline_access', prompt: 'consent' });
    expect(tokens.refresh_token).toBeTruthy();
    const sub = tokens.claims()!.sub;
    // Working before the removal.
    const refreshed = await client.refreshTokenGrant(portal.config, tokens.refresh_token!);
    await expect(client.fetchUserInfo(portal.config, refreshed.access_token, sub)).resolves.toMatchObject({ sub });

    const removed = await call('DELETE', `/${clientId}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expectStableError(await call('GET', `/${clientId}`), 404, 'client_not_found');
    expect(((await call('GET', '')).body.clients as Array<{ client_id: string }>).map((c) => c.client_id)).not.toContain(clientId);

    expect(await oauthError(client.refreshTokenGrant(portal.config, refreshed.refresh_token!))).toMatch(/^invalid_(client|grant)$/);
    const userinfo = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    expect(userinfo.status).toBe(401);

    // The same client_id registered anew is a new client: the old tokens and the remembered consent do not come back.
    const reborn = await call('POST', '', { client_id: clientId, redirect_uris: [redirect], scope: 'openid profile offline_access' });
    expect(reborn.status).toBe(201);
    const newSecret = reborn.body.client_secret as string;
    expect(newSecret).not.toBe(created.body.client_secret);
    expect(await tokenRequestError(clientId, created.body.client_secret as string)).toBe('invalid_client');
    const newPortal = await portalFor(clientId, newSecret, redirect);
    expect(await oauthError(client.refreshTokenGrant(newPortal.config, refreshed.refresh_token!))).toBe('invalid_grant');
    const again = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    expect(again.status).toBe(401);
    const request = client.buildAuthorizationUrl(newPortal.config, {
      redirect_uri: redirect,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const page = await ua.open(request.href, { stopAt: (url) => url.href.startsWith(redirect) });
    expect(page.url).toContain('/interaction/');
    expect(page.html).toContain('/confirm"');

    expect((await call('DELETE', `/${clientId}`)).status).toBe(204);
    expectStableError(await call('DELETE', `/${clientId}`), 404, 'client_not_found');
  });

  it('DELETE of a service client: its API access tokens stop working', async () => {
    const clientId = id('retired-feed');
    const created = await call('POST', '', { client_id: clientId, scope: 'registry:write' });
    expect(created.status).toBe(201);
    const config = await client.discovery(
      new URL(server.url),
      clientId,
      undefined,
      client.ClientSecretBasic(created.body.client_secret as string),
      insecure,
    );
    const apiToken = (await client.clientCredentialsGrant(config, { scope: 'registry:write' })).access_token;
    const importEmpty = () =>
      fetch(`${server.url}/api/v1/registry/citizens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: '[]',
      });
    expect((await importEmpty()).status).toBe(200);

    expect((await call('DELETE', `/${clientId}`)).status).toBe(204);
    expect(await oauthError(client.clientCredentialsGrant(config, { scope: 'registry:write' }))).toBe('invalid_client');
    const after = await importEmpty();
    expect(after.status).toBe(401);
  });

  it("tongban's own account-console client cannot be removed: the account pages keep signing citizens in", async () => {
    const removed = await call('DELETE', '/tongban-account');
    expect(removed.status).toBeGreaterThanOrEqual(400);
    expect(removed.status).toBeLessThan(500);
    expect(removed.body.error).toEqual(expect.any(String));
    expect((await call('GET', '/tongban-account')).status).toBe(200);
    const account = await new UserAgent(server.url).open('/account');
    expect(account.status).toBe(200);
    expect(account.url).toContain('/interaction/');
  });

  it('DELETE /:id with illegal characters: 400; unknown: 404', async () => {
    expectStableError(await call('DELETE', `/${encodeURIComponent('bad id')}`), 400, 'validation_failed');
    expectStableError(await call('DELETE', '/no-such-client'), 404, 'client_not_found');
  });

  it('needs clients:write: a token with only verify gets 403 on every route, no token 401', async () => {
    const verifyOnly = (await client.clientCredentialsGrant(admin.config, { scope: 'verify' })).access_token;
    const clientId = id('not-allowed');
    for (const [method, path, body] of [
      ['GET', '', undefined],
      ['GET', `/${admin.clientId}`, undefined],
      ['POST', '', { client_id: clientId, redirect_uris: ['https://portal.example/cb'] }],
      ['DELETE', `/${admin.clientId}`, undefined],
    ] as const) {
      expectStableError(await call(method, path, body, verifyOnly), 403, 'insufficient_scope');
      expectStableError(await call(method, path, body, 'not-a-token'), 401, 'invalid_token');
    }
    // Nothing happened.
    expect((await call('GET', `/${clientId}`)).status).toBe(404);
    expect((await call('GET', `/${admin.clientId}`)).status).toBe(200);
  });
});

describe(`tongban clients (CLI) on ${backend}`, () => {
  let t: TestEnv;

  interface Listed {
    clients: Array<Record<string, unknown>>;
  }

  beforeAll(async () => {
    t = await makeTestEnv();
    if (backend === 'postgres') expect((await tongban(['db', 'migrate'], t.env)).code).toBe(0);
  });
  afterAll(() => t.cleanup());

  it('add a portal with several redirect URIs: the secret is printed once', async () => {
    const added = await tongban(
      [
        '--json',
        'clients',
        'add',
        '--client-id',
        'cli-portal',
        '--name',
        '社保门户',
        '--redirect-uri',
        'https://sb.example/cb',
        '--redirect-uri',
        'https://sb.example/cb2',
        '--scope',
        'openid profile offline_access',
        '--sector',
        'social',
      ],
      t.env,
    );
    expect(added.code).toBe(0);
    const result = JSON.parse(added.stdout) as { client: Record<string, unknown>; client_secret: string };
    expect(result.client_secret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(result.client).toMatchObject({
      client_id: 'cli-portal',
      client_name: '社保门户',
      redirect_uris: ['https://sb.example/cb', 'https://sb.example/cb2'],
      scope: 'openid profile offline_access',
      token_endpoint_auth_method: 'client_secret_basic',
      subject_type: 'pairwise',
      tongban_sector: 'social',
    });
    expect(result.client).not.toHaveProperty('client_secret');

    const human = await tongban(['clients', 'add', '--client-id', 'cli-portal-2', '--redirect-uri', 'https://b.example/cb'], t.env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/registered cli-portal-2 \(authorization_code, refresh_token; client_secret_basic\)/);
    const secret = /client_secret: (\S+)\s+\(shown once/.exec(human.stdout)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32,}$/);

    const list = await tongban(['--json', 'clients', 'list'], t.env);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(result.client_secret);
    expect(list.stdout).not.toContain(secret!);
    expect(list.stdout).not.toMatch(/"client_secret"/);
  });

  it('add with --jwks: private_key_jwt and no secret', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'cli-key-1' }] });
    const added = await tongban(
      ['--json', 'clients', 'add', '--client-id', 'cli-fapi', '--redirect-uri', 'https://f.example/cb', '--jwks', jwks, '--fapi'],
      t.env,
    );
    expect(added.code).toBe(0);
    const result = JSON.parse(added.stdout) as { client: Record<string, unknown>; client_secret?: string };
    expect(result.client_secret).toBeUndefined();
    expect(result.client).toMatchObject({
      client_id: 'cli-fapi',
      token_endpoint_auth_method: 'private_key_jwt',
      require_pushed_authorization_requests: true,
    });
    expect((result.client.jwks as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid)).toEqual(['cli-key-1']);

    const service = await tongban(['--json', 'clients', 'add', '--client-id', 'cli-feed', '--scope', 'registry:write verify'], t.env);
    expect(service.code).toBe(0);
    expect(JSON.parse(service.stdout).client).toMatchObject({
      grant_types: ['client_credentials'],
      scope: 'registry:write verify',
      subject_type: 'public',
    });
  });

  it('list --json, and the human table', async () => {
    const list = await tongban(['--json', 'clients', 'list'], t.env);
    expect(list.code).toBe(0);
    const { clients } = JSON.parse(list.stdout) as Listed;
    const ids = clients.map((c) => c.client_id);
    expect(ids).toEqual(expect.arrayContaining(['cli-portal', 'cli-portal-2', 'cli-fapi', 'cli-feed']));
    expect(clients.find((c) => c.client_id === 'cli-fapi')).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt' });
    const human = await tongban(['clients', 'list'], t.env);
    expect(human.stdout).toMatch(/^CLIENT_ID\s+NAME\s+GRANTS\s+AUTH\s+SCOPE/);
    expect(human.stdout).toMatch(/cli-feed\s+client_credentials\s+client_secret_basic\s+registry:write verify/);
  });

  it('add the same client_id again: exit 1 with a clear message, the first one unchanged', async () => {
    const again = await tongban(['clients', 'add', '--client-id', 'cli-portal', '--redirect-uri', 'https://other.example/cb'], t.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/cli-portal is already registered/);
    const { clients } = JSON.parse((await tongban(['--json', 'clients', 'list'], t.env)).stdout) as Listed;
    expect(clients.find((c) => c.client_id === 'cli-portal')!.redirect_uris).toEqual(['https://sb.example/cb', 'https://sb.example/cb2']);
  });

  it('refuses invalid metadata with exit 1 and the reason', async () => {
    const noJwks = await tongban(
      ['clients', 'add', '--client-id', 'cli-bad-fapi', '--redirect-uri', 'https://f.example/cb', '--fapi'],
      t.env,
    );
    expect(noJwks.code).toBe(1);
    expect(noJwks.stderr).toMatch(/jwks/);
    const scope = await tongban(
      ['clients', 'add', '--client-id', 'cli-bad-scope', '--scope', 'openid superpowers', '--redirect-uri', 'https://f.example/cb'],
      t.env,
    );
    expect(scope.code).toBe(1);
    expect(scope.stderr).toMatch(/scope/);
    const grant = await tongban(['clients', 'add', '--client-id', 'cli-bad-grant', '--grant-type', 'password'], t.env);
    expect([1, 2]).toContain(grant.code);
    expect(grant.stderr).toMatch(/grant/);
    const { clients } = JSON.parse((await tongban(['--json', 'clients', 'list'], t.env)).stdout) as Listed;
    expect(clients.map((c) => c.client_id)).not.toEqual(expect.arrayContaining(['cli-bad-fapi']));
    expect(clients.map((c) => c.client_id)).not.toContain('cli-bad-scope');
    expect(clients.map((c) => c.client_id)).not.toContain('cli-bad-grant');
  });

  it('a client id with illegal characters: refused with a clear message, nothing registered', async () => {
    const bad = await tongban(['clients', 'add', '--client-id', 'bad id/..', '--redirect-uri', 'https://b.example/cb'], t.env);
    expect([1, 2]).toContain(bad.code);
    expect(bad.stderr).toMatch(/client[ _-]id/i);
    const { clients } = JSON.parse((await tongban(['--json', 'clients', 'list'], t.env)).stdout) as Listed;
    expect(clients.map((c) => c.client_id)).not.toContain('bad id/..');
  });

  it('remove, then remove again: exit 1 with a clear message', async () => {
    const removed = await tongban(['--json', 'clients', 'remove', 'cli-portal-2'], t.env);
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toEqual({ removed: 'cli-portal-2' });
    const { clients } = JSON.parse((await tongban(['--json', 'clients', 'list'], t.env)).stdout) as Listed;
    expect(clients.map((c) => c.client_id)).not.toContain('cli-portal-2');
    expect(clients.map((c) => c.client_id)).toContain('cli-portal');

    const again = await tongban(['clients', 'remove', 'cli-portal-2'], t.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no client cli-portal-2');
    const json = await tongban(['--json', 'clients', 'remove', 'cli-portal-2'], t.env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: 'client_not_found', message: 'no client cli-portal-2' });
  });
});
