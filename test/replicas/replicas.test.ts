import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { authorizationRequest, client, signIn, ZHANG, type Portal } from '../support/oidc.js';
import { startServiceProcess, tongban, type ServiceProcess } from '../support/processes.js';
import { freePort } from '../support/server.js';
import { createScratchDatabase } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';

/**
 * Two replicas of the service (`node dist/src/main.js`) on one PostgreSQL database and one
 * KEYS_DIR, with one issuer: a citizen signs in through replica A, the portal redeems the code and
 * refreshes through replica B, and a key rotation made by the CLI reaches both. This runs on
 * PostgreSQL in every test run (the embedded store cannot be shared): DATABASE_URL's server, or
 * the local one.
 */
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type TokenSet = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

describe('two replicas on one PostgreSQL database and one KEYS_DIR', () => {
  let dir: string;
  let dropDatabase: (() => Promise<void>) | undefined;
  let env: Record<string, string>;
  let replicaA: ServiceProcess | undefined;
  let replicaB: ServiceProcess | undefined;
  let A: string;
  let B: string;
  /** The issuer of both: replica A's address. */
  let issuer: string;

  let portal: Portal;
  /** The same portal with its token, userinfo and JWKS endpoints at replica B (authorization stays at A). */
  let portalViaB: client.Configuration;
  /** Every URL portalViaB contacted. */
  const contactedViaB: string[] = [];
  let serviceToken: string;

  let request: Awaited<ReturnType<typeof authorizationRequest>>;
  let callback: URL;
  let fromCode: TokenSet;
  let fromRefresh: TokenSet;
  let subject: string;
  let rotated: { promoted: Array<{ kid: string; alg: string }>; retired: Array<{ kid: string; alg: string }> };

  beforeAll(async () => {
    const database = await createScratchDatabase(SERVER_URL);
    dropDatabase = database.drop;
    dir = mkdtempSync(join(tmpdir(), 'tongban-replicas-'));
    const portA = await freePort();
    let portB = await freePort();
    while (portB === portA) portB = await freePort();
    issuer = `http://localhost:${portA}`;
    env = {
      DATABASE_URL: database.url,
      KEYS_DIR: join(dir, 'keys'),
      DATA_DIR: join(dir, 'cli'),
      PUBLIC_URL: issuer,
      OIDC_FETCH_ALLOW_PRIVATE: '1',
      KEYS_RELOAD_SECONDS: '1',
      KEYS_AUTO_INIT: '0',
      DEMO: '0',
      LOG_LEVEL: 'warn',
    };
    // A first: it creates the keys and the demo citizens' accounts; B starts on what A made.
    replicaA = await startServiceProcess({ ...env, PORT: String(portA), DATA_DIR: join(dir, 'a'), KEYS_AUTO_INIT: '1', DEMO: '1' });
    replicaB = await startServiceProcess({ ...env, PORT: String(portB), DATA_DIR: join(dir, 'b') });
    A = replicaA.url;
    B = replicaB.url;
  }, 180_000);

  afterAll(async () => {
    const stopped = await Promise.allSettled([replicaA?.stop(), replicaB?.stop()]);
    await dropDatabase?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const result of stopped) if (result.status === 'rejected') throw result.reason;
  }, 60_000);

  it('both replicas are ready, with one issuer, one discovery document and one JWKS', async () => {
    expect(A).toBe(issuer);
    expect(B).not.toBe(A);
    for (const replica of [A, B]) expect((await fetch(`${replica}/health/ready`)).status).toBe(200);
    // Behind a load balancer both see the public Host: they must then answer alike.
    const publicHost = new URL(issuer).host;
    const atA = await getJson(A, '/.well-known/openid-configuration', publicHost);
    const atB = await getJson(B, '/.well-known/openid-configuration', publicHost);
    expect(atA).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
    });
    expect(atB).toEqual(atA);
    expect(await jwks(B)).toEqual(await jwks(A));
  });

  it("a portal is registered through replica A's API with a service token from replica B", async () => {
    // The operator's first service client, with the CLI (on PostgreSQL it talks to the database directly).
    const serviceId = 'ops-automation';
    const added = await tongban(
      ['--json', 'clients', 'add', '--client-id', serviceId, '--grant-type', 'client_credentials', '--scope', 'clients:write'],
      env,
    );
    expect(added).toMatchObject({ code: 0 });
    const { client_secret: serviceSecret } = JSON.parse(added.stdout) as { client_secret: string };
    expect(serviceSecret).toBeTruthy();

    // Its token from B (a JWT for tongban's API, signed by B) …
    const service = await discoverAt(A, serviceId, serviceSecret, { token_endpoint: `${B}/token` });
    serviceToken = (await explained(client.clientCredentialsGrant(service, { scope: 'clients:write' }))).access_token;

    // … is accepted by A's API.
    const clientId = 'replicated-portal';
    const redirectUri = `${issuer}/test-callback/${clientId}`;
    const response = await fetch(`${A}/api/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: clientId,
        client_name: '复制测试门户',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid profile offline_access',
        sector: 'replicas-test',
      }),
    });
    const body = (await response.json()) as { client: { client_id: string }; client_secret: string };
    expect({ status: response.status, clientId: body.client?.client_id }).toEqual({ status: 201, clientId });

    portal = { clientId, secret: body.client_secret, redirectUri, config: await discoverAt(A, clientId, body.client_secret) };
    portalViaB = await discoverAt(A, clientId, body.client_secret, {
      token_endpoint: `${B}/token`,
      userinfo_endpoint: `${B}/me`,
      jwks_uri: `${B}/jwks`,
    });
    portalViaB[client.customFetch] = (url, options) => {
      contactedViaB.push(url);
      return fetch(url, options as RequestInit);
    };
  });

  it('sign in at A, redeem the code and read userinfo at B', async () => {
    const ua = new UserAgent(A);
    request = await authorizationRequest(portal, { scope: 'openid profile offline_access', prompt: 'consent' });
    expect(request.url.origin).toBe(A);
    callback = await signIn(ua, portal, request, ZHANG);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(ua.history.every((url) => new URL(url).origin === A)).toBe(true);
    expect(ua.history.some((url) => url.includes('/interaction/'))).toBe(true);

    fromCode = await explained(
      client.authorizationCodeGrant(portalViaB, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
    );
    expect(fromCode.refresh_token).toBeTruthy();
    const claims = fromCode.claims()!;
    subject = claims.sub;
    expect(claims).toMatchObject({ iss: issuer, aud: portal.clientId });

    const userinfo = await client.fetchUserInfo(portalViaB, fromCode.access_token, subject);
    expect(userinfo).toMatchObject({ sub: subject, name: ZHANG.name });
  });

  it('refresh at B; the new tokens work at A', async () => {
    fromRefresh = await explained(client.refreshTokenGrant(portalViaB, fromCode.refresh_token!));
    expect(fromRefresh.refresh_token).toBeTruthy();
    expect(fromRefresh.refresh_token).not.toBe(fromCode.refresh_token);
    expect(fromRefresh.claims()?.sub).toBe(subject);
    expect(await client.fetchUserInfo(portal.config, fromRefresh.access_token, subject)).toMatchObject({ sub: subject, name: ZHANG.name });

    // Everything the portal's token calls touched was replica B.
    expect(contactedViaB).toEqual([`${B}/token`, `${B}/me`, `${B}/token`]);
  });

  it('`keys rotate --purpose oidc` on the shared KEYS_DIR reaches both replicas; what was signed before still works', async () => {
    const before = await jwks(A);
    const result = await tongban(['--json', 'keys', 'rotate', '--purpose', 'oidc'], env);
    expect(result).toMatchObject({ code: 0 });
    rotated = JSON.parse(result.stdout) as typeof rotated;
    const newKids = rotated.promoted.map((k) => k.kid);
    const oldKids = rotated.retired.map((k) => k.kid);
    expect(newKids.length).toBeGreaterThan(0);
    expect(oldKids.length).toBe(newKids.length);
    expect(before.keys.map((k) => k.kid)).toEqual(expect.arrayContaining(oldKids));
    for (const kid of newKids) expect(before.keys.map((k) => k.kid)).not.toContain(kid);

    // Both replicas notice (KEYS_RELOAD_SECONDS=1) and publish the new keys beside the retired ones.
    for (const replica of [A, B]) {
      await eventually(`${replica}/jwks lists ${newKids.join(', ')}`, async () => {
        const kids = (await jwks(replica)).keys.map((k) => k.kid);
        expect(kids).toEqual(expect.arrayContaining([...newKids, ...oldKids]));
      });
    }

    // The ID token signed before the rotation (with a now retired key) verifies against either JWKS.
    const oldIdToken = fromCode.id_token!;
    expect(oldKids).toContain(decodeProtectedHeader(oldIdToken).kid);
    for (const replica of [A, B]) {
      const { payload } = await jwtVerify(oldIdToken, createLocalJWKSet(await jwks(replica)), {
        issuer,
        audience: portal.clientId,
        currentDate: new Date(fromCode.claims()!.iat * 1000),
      });
      expect(payload.sub).toBe(subject);
    }
    // The access tokens issued before it still work at both replicas' userinfo …
    expect(await client.fetchUserInfo(portal.config, fromRefresh.access_token, subject)).toMatchObject({ name: ZHANG.name });
    expect(await client.fetchUserInfo(portalViaB, fromRefresh.access_token, subject)).toMatchObject({ name: ZHANG.name });
    // … and so does the service's API token (a JWT signed by B with the retired key) at both APIs.
    for (const replica of [A, B]) {
      const listed = await fetch(`${replica}/api/v1/clients`, { headers: { authorization: `Bearer ${serviceToken}` } });
      expect({ replica, status: listed.status }).toEqual({ replica, status: 200 });
    }
  }, 120_000);

  it('after the rotation both replicas sign with the new key', async () => {
    const newEs256 = rotated.promoted.find((k) => k.alg === 'ES256')!.kid;
    for (const config of [portal.config, portalViaB]) {
      await eventually(`${config.serverMetadata().token_endpoint} signs ID tokens with ${newEs256}`, async () => {
        fromRefresh = await explained(client.refreshTokenGrant(config, fromRefresh.refresh_token!));
        expect(decodeProtectedHeader(fromRefresh.id_token!).kid).toBe(newEs256);
      });
      const { payload } = await jwtVerify(fromRefresh.id_token!, createLocalJWKSet(await jwks(B)), { issuer, audience: portal.clientId });
      expect(payload.sub).toBe(subject);
    }
  }, 120_000);

  // Last, because replaying a spent token (or code) revokes the grant: nothing issued for it works afterwards.
  it('a spent refresh token is refused at A, and the replay revokes the grant at B too', async () => {
    // Still good until the replay below.
    expect(await client.fetchUserInfo(portalViaB, fromRefresh.access_token, subject)).toMatchObject({ sub: subject });
    // fromCode's refresh token was spent at B (rotation is shared state).
    await expect(client.refreshTokenGrant(portal.config, fromCode.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Replaying a spent refresh token ends the whole grant (oidc-provider's reuse detection), at every replica.
    await expect(client.refreshTokenGrant(portalViaB, fromRefresh.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.fetchUserInfo(portalViaB, fromRefresh.access_token, subject)).rejects.toMatchObject({ status: 401 });
    await expect(client.fetchUserInfo(portal.config, fromRefresh.access_token, subject)).rejects.toMatchObject({ status: 401 });
    // And the authorization code redeemed at B is spent for A too.
    await expect(
      client.authorizationCodeGrant(portal.config, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

/** openid-client against replica A's discovery document, optionally with some endpoints moved (to B). */
async function discoverAt(
  A: string,
  clientId: string,
  secret: string,
  endpoints: Partial<client.ServerMetadata> = {},
): Promise<client.Configuration> {
  const discovered = await client.discovery(new URL(A), clientId, undefined, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
  if (Object.keys(endpoints).length === 0) return discovered;
  const moved = new client.Configuration(
    { ...discovered.serverMetadata(), ...endpoints },
    clientId,
    undefined,
    client.ClientSecretBasic(secret),
  );
  client.allowInsecureRequests(moved);
  return moved;
}

async function jwks(replica: string): Promise<JSONWebKeySet> {
  const response = await fetch(`${replica}/jwks`);
  expect(response.status).toBe(200);
  return (await response.json()) as JSONWebKeySet;
}

/** Retries `check` until it passes (the replicas pick up changes on their own schedule); fails with its last error after a generous deadline. */
async function eventually(what: string, check: () => Promise<void>, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > end) {
        if (err instanceof Error) err.message = `still not so after ${deadlineMs / 1000} s: ${what}\n${err.message}`;
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** GET with a given Host header (fetch() will not send one of its own choosing). */
function getJson(base: string, path: string, host: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = httpGet(new URL(path, base), { headers: { host, accept: 'application/json' } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`GET ${path} at ${base}: ${response.statusCode} ${body}`));
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new Error(`GET ${path} at ${base}: the answer is not JSON: ${body}`));
        }
      });
    });
    request.on('error', reject);
  });
}

/** openid-client's errors say "server responded with an error"; this adds what the server said. */
async function explained<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    const e = err as Error & { error?: string; error_description?: string; status?: number };
    if (e.error) e.message += ` (${e.status ?? ''} ${e.error}: ${e.error_description ?? ''})`;
    throw err;
  }
}
