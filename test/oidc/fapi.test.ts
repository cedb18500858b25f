/**
 * A FAPI 2.0 client as Singpass/Corppass require one: private_key_jwt client authentication,
 * pushed authorization requests, DPoP-bound tokens, ES256 ID tokens — driven end to end with
 * openid-client against the whole service, and the ways such a client must not get through.
 */
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { client, signIn, ZHANG, type AuthorizationRequest, type Portal } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';
import { ClientsService } from '../../src/clients/clients.service.js';

const insecure = { execute: [client.allowInsecureRequests] };

interface FapiClient extends Portal {
  privateKey: CryptoKey;
  kid: string;
}

/** A PAR request with DPoP (dpop_jkt bound to the handle's key) and PKCE; returns the URL to open. */
async function pushedRequest(fapi: FapiClient, dpop: client.DPoPHandle): Promise<AuthorizationRequest> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = await client.buildAuthorizationUrlWithPAR(
    fapi.config,
    {
      redirect_uri: fapi.redirectUri,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    },
    { DPoP: dpop },
  );
  return { url, verifier, state, nonce };
}

async function tokenEndpoint(server: TestServer, headers: Record<string, string>, body: Record<string, string>) {
  const response = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe(`FAPI 2.0 client (private_key_jwt, PAR, DPoP) on ${backend}`, () => {
  let server: TestServer;
  let fapi: FapiClient;
  let ua: UserAgent;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = 'fapi-test-key-1';
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const clientId = `fapi-portal-${Math.random().toString(36).slice(2, 8)}`;
    const redirectUri = `${server.url}/test-callback/${clientId}`;
    const registered = await server.app.get(ClientsService).register({
      client_id: clientId,
      fapi: true,
      jwks: { keys: [publicJwk] },
      redirect_uris: [redirectUri],
      scope: 'openid profile',
      sector: clientId,
    });
    expect(registered.client_secret).toBeUndefined();
    expect(registered.client).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
    });
    const config = await client.discovery(
      new URL(server.url),
      clientId,
      undefined,
      client.PrivateKeyJwt({ key: privateKey, kid }),
      insecure,
    );
    fapi = { clientId, secret: '', redirectUri, config, privateKey, kid };
    ua = new UserAgent(server.url);
  });
  afterAll(() => server?.close());

  it('PAR with DPoP, sign-in, code exchange with DPoP: a DPoP-bound access token and an ES256 ID token at LoA 1', async () => {
    const dpopKeys = await client.randomDPoPKeyPair('ES256');
    const dpop = client.getDPoPHandle(fapi.config, dpopKeys);
    const request = await pushedRequest(fapi, dpop);
    // What goes through the browser is only a reference to the pushed request.
    expect([...request.url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(request.url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);

    const callback = await signIn(ua, fapi, request, ZHANG);
    expect(callback.searchParams.get('iss')).toBe(server.url);
    const tokens = await client.authorizationCodeGrant(
      fapi.config,
      callback,
      { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
      undefined,
      { DPoP: dpop },
    );
    expect(tokens.token_type.toLowerCase()).toBe('dpop');

    // The ID token: ES256 under the provider's published key, LoA 1 by password.
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256');
    const jwks = (await (await fetch(`${server.url}/jwks`)).json()) as { keys: JWK[] };
    const { payload } = await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks), { issuer: server.url, audience: fapi.clientId });
    expect(payload.acr).toBe('urn:tongban:loa:1');
    expect(payload.amr).toEqual(['pwd']);
    expect(payload.nonce).toBe(request.nonce);

    // Userinfo with the DPoP handle works ...
    const sub = tokens.claims()!.sub;
    const userinfo = await client.fetchUserInfo(fapi.config, tokens.access_token, sub, { DPoP: dpop });
    expect(userinfo).toMatchObject({ sub, name: ZHANG.name });

    // ... the same access token as a plain Bearer token does not.
    const bearer = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(bearer.status).toBe(401);
    expect(bearer.headers.get('www-authenticate') ?? '').toMatch(/invalid_token/);

    // ... nor with a DPoP proof made by another key (the token is bound to this handle's key).
    const other = client.getDPoPHandle(fapi.config, await client.randomDPoPKeyPair('ES256'));
    await expect(client.fetchUserInfo(fapi.config, tokens.access_token, sub, { DPoP: other })).rejects.toThrow();
  });

  it('refuses an authorization request that was not pushed (require_pushed_authorization_requests)', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(fapi.config, {
      redirect_uri: fapi.redirectUri,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: client.randomState(),
      nonce: client.randomNonce(),
    });
    const response = await fetch(url, { redirect: 'manual' });
    // The client and its redirect URI are known, so the error goes back to the client (never to a sign-in page).
    expect(response.status).toBe(303);
    const back = new URL(response.headers.get('location')!, server.url);
    expect(back.href.startsWith(`${fapi.redirectUri}?`)).toBe(true);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/pushed authorization request must be used/i);
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses token requests not authenticated with private_key_jwt (invalid_client)', async () => {
    // With a real code: client authentication is what fails, not the code.
    const dpop = client.getDPoPHandle(fapi.config, await client.randomDPoPKeyPair('ES256'));
    const request = await pushedRequest(fapi, dpop);
    const callback = await signIn(ua, fapi, request, ZHANG);
    const code = callback.searchParams.get('code')!;
    expect(code).toBeTruthy();
    const grant = { grant_type: 'authorization_code', code, redirect_uri: fapi.redirectUri, code_verifier: request.verifier };

    const basic = await tokenEndpoint(
      server,
      { authorization: `Basic ${Buffer.from(`${fapi.clientId}:not-a-secret-of-this-client`).toString('base64')}` },
      grant,
    );
    expect(basic.status).toBe(401);
    expect(basic.body.error).toBe('invalid_client');

    const none = await tokenEndpoint(server, {}, { ...grant, client_id: fapi.clientId });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_client');

    const post = await tokenEndpoint(server, {}, { ...grant, client_id: fapi.clientId, client_secret: 'not-a-secret-of-this-client' });
    expect(post.status).toBe(401);
    expect(post.body.error).toBe('invalid_client');

    // A client assertion signed by a key that is not in the client's jwks.
    const { privateKey: foreign } = await generateKeyPair('ES256', { extractable: true });
    const impostor = await client.discovery(
      new URL(server.url),
      fapi.clientId,
      undefined,
      client.PrivateKeyJwt({ key: foreign, kid: fapi.kid }),
      insecure,
    );
    const error = await client
      .authorizationCodeGrant(impostor, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state }, undefined, {
        DPoP: dpop,
      })
      .then(
        () => undefined,
        (err: unknown) => err as client.ResponseBodyError,
      );
    expect(error).toBeInstanceOf(client.ResponseBodyError);
    expect(error!.error).toBe('invalid_client');

    // None of these consumed the code: the client's own assertion still redeems it.
    const tokens = await client.authorizationCodeGrant(
      fapi.config,
      callback,
      { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
      undefined,
      { DPoP: dpop },
    );
    expect(tokens.access_token).toBeTruthy();
  });

  it('refuses a code exchange without a DPoP proof, and with a proof from a key other than the pushed one', async () => {
    const dpop = client.getDPoPHandle(fapi.config, await client.randomDPoPKeyPair('ES256'));
    const request = await pushedRequest(fapi, dpop);
    const callback = await signIn(ua, fapi, request, ZHANG);
    const checks = { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce };

    const withoutProof = await client.authorizationCodeGrant(fapi.config, callback, checks).then(
      () => undefined,
      (err: unknown) => err as client.ResponseBodyError,
    );
    expect(withoutProof).toBeInstanceOf(client.ResponseBodyError);
    expect(withoutProof!.error).toBe('invalid_grant');
    // The same code with the proof is fine: the proof was all that was missing.
    const tokens = await client.authorizationCodeGrant(fapi.config, callback, checks, undefined, { DPoP: dpop });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');

    // The code is bound to the PAR's DPoP key (dpop_jkt): a proof by another key cannot redeem it.
    const second = await pushedRequest(fapi, dpop);
    const secondCallback = await signIn(ua, fapi, second, ZHANG);
    const other = client.getDPoPHandle(fapi.config, await client.randomDPoPKeyPair('ES256'));
    const wrongKey = await client
      .authorizationCodeGrant(
        fapi.config,
        secondCallback,
        { pkceCodeVerifier: second.verifier, expectedState: second.state, expectedNonce: second.nonce },
        undefined,
        { DPoP: other },
      )
      .then(
        () => undefined,
        (err: unknown) => err as client.ResponseBodyError,
      );
    expect(wrongKey).toBeInstanceOf(client.ResponseBodyError);
    expect(wrongKey!.error).toBe('invalid_grant');
  });
});
