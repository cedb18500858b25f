import { decodeProtectedHeader } from 'jose';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { newCitizen } from '../support/citizens.js';
import {
  authorizationRequest,
  client,
  registerPortal,
  registerService,
  signIn,
  signInForTokens,
  stopAtPortal,
  ZHANG,
  type Portal,
} from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';

describe(`authorization code flow on ${backend}`, () => {
  let server: TestServer;
  let portal: Portal;
  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    portal = await registerPortal(server, { scope: 'openid profile id_number_masked offline_access' });
  });
  afterAll(() => server.close());

  it('publishes discovery with the profile of design §5', () => {
    const metadata = portal.config.serverMetadata();
    expect(metadata.issuer).toBe(server.url);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'private_key_jwt']));
    expect(metadata.token_endpoint_auth_methods_supported).not.toContain('client_secret_post');
    expect(metadata.subject_types_supported).toContain('pairwise');
    expect(metadata.acr_values_supported).toEqual(['urn:tongban:loa:1', 'urn:tongban:loa:2', 'urn:tongban:loa:3']);
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.dpop_signing_alg_values_supported).toContain('ES256');
    for (const endpoint of [
      'pushed_authorization_request_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
      'end_session_endpoint',
      'userinfo_endpoint',
    ]) {
      expect(metadata[endpoint]).toMatch(new RegExp(`^${server.url}/`));
    }
  });

  it('signs a citizen in with code + PKCE: ES256 ID token from the KeyStore with acr and amr, and userinfo by scope', async () => {
    const tokens = await signInForTokens(new UserAgent(server.url), portal, { scope: 'openid profile id_number_masked' });
    const header = decodeProtectedHeader(tokens.id_token!);
    expect(header).toMatchObject({ alg: 'ES256', kid: server.app.get(KeyStore).current('oidc', 'ES256').kid });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: server.url, aud: portal.clientId, acr: 'urn:tongban:loa:1', amr: ['pwd'] });
    expect(claims.sub).toMatch(/^[\w-]{43}$/); // pairwise: an HMAC, not the account id
    const userinfo = await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub);
    expect(userinfo).toEqual({
      sub: claims.sub,
      name: ZHANG.name,
      id_number_masked: `${ZHANG.idNumber.slice(0, 6)}********${ZHANG.idNumber.slice(14)}`,
    });
  });

  it('gives the full ID number only to a client allowed the id_number scope', async () => {
    const allowed = await registerPortal(server, { scope: 'openid id_number' });
    const tokens = await signInForTokens(new UserAgent(server.url), allowed, { scope: 'openid id_number' });
    const userinfo = await client.fetchUserInfo(allowed.config, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo.id_number).toBe(ZHANG.idNumber);

    const ua = new UserAgent(server.url);
    const request = await authorizationRequest(portal, { scope: 'openid id_number' });
    const answer = await ua.open(request.url.href, { stopAt: stopAtPortal(portal) });
    expect(new URL(answer.url).searchParams.get('error')).toBe('invalid_scope');
  });

  it('rotates refresh tokens: the new one works, the old one is refused and its whole grant revoked', async () => {
    const tokens = await signInForTokens(new UserAgent(server.url), portal, { scope: 'openid offline_access', prompt: 'consent' });
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await client.refreshTokenGrant(portal.config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()!.acr).toBe('urn:tongban:loa:1');
    await expect(client.refreshTokenGrant(portal.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Reuse of a rotated token is taken as theft: the chain it belongs to is gone too.
    await expect(client.refreshTokenGrant(portal.config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('gives pairwise subjects: the same at one portal, different across sectors, shared within a sector', async () => {
    const taxA = await registerPortal(server, { sector: 'tax' });
    const taxB = await registerPortal(server, { sector: 'tax' });
    const health = await registerPortal(server, { sector: 'health' });
    const sub = async (p: Portal) => (await signInForTokens(new UserAgent(server.url), p)).claims()!.sub;
    const first = await sub(taxA);
    expect(await sub(taxA)).toBe(first);
    expect(await sub(taxB)).toBe(first);
    expect(await sub(health)).not.toBe(first);
  });

  it('single sign-on: a second portal gets a code without a password, and prompt=none works once consented', async () => {
    const ua = new UserAgent(server.url);
    const first = await registerPortal(server);
    const second = await registerPortal(server);
    await signInForTokens(ua, first);

    const request = await authorizationRequest(second);
    const pages: string[] = [];
    let page = await ua.open(request.url.href, { stopAt: stopAtPortal(second) });
    pages.push(page.html);
    if (page.url.includes('/interaction/')) page = await ua.fill(page, '/confirm', { remember: '1' }, { stopAt: stopAtPortal(second) });
    expect(pages.join('')).not.toContain('name="password"');
    expect(new URL(page.url).searchParams.get('code')).toBeTruthy();

    const silent = await authorizationRequest(second, { prompt: 'none' });
    const answer = await ua.open(silent.url.href, { stopAt: stopAtPortal(second) });
    const tokens = await client.authorizationCodeGrant(second.config, new URL(answer.url), {
      pkceCodeVerifier: silent.verifier,
      expectedState: silent.state,
      expectedNonce: silent.nonce,
    });
    expect(tokens.claims()!.acr).toBe('urn:tongban:loa:1');

    const fresh = new UserAgent(server.url);
    const noSession = await fresh.open((await authorizationRequest(second, { prompt: 'none' })).url.href, { stopAt: stopAtPortal(second) });
    expect(new URL(noSession.url).searchParams.get('error')).toBe('login_required');
  });

  it('lets a client introspect only its own tokens, unless it is a resource server with tokens:introspect', async () => {
    const tokens = await signInForTokens(new UserAgent(server.url), portal);
    expect(await client.tokenIntrospection(portal.config, tokens.access_token)).toMatchObject({ active: true, client_id: portal.clientId });
    const stranger = await registerPortal(server);
    expect(await client.tokenIntrospection(stranger.config, tokens.access_token)).toEqual({ active: false });
    const resourceServer = await registerService(server, 'tokens:introspect');
    expect(await client.tokenIntrospection(resourceServer.config, tokens.access_token)).toMatchObject({
      active: true,
      sub: tokens.claims()!.sub,
    });
    await expect(client.tokenRevocation(stranger.config, tokens.access_token)).rejects.toMatchObject({ error: 'invalid_request' });
  });

  describe('refuses', () => {
    it('a redirect URI the client did not register, without redirecting there', async () => {
      const ua = new UserAgent(server.url);
      const request = await authorizationRequest(portal, { redirect_uri: 'https://evil.example/cb' });
      const page = await ua.open(request.url.href, { stopAt: (url) => url.hostname === 'evil.example' });
      expect(page.status).toBe(400);
      expect(page.url).toContain('/auth');
      expect(page.html).toContain('redirect_uri');
    });

    it('an unknown client, with an error page', async () => {
      const url = new URL('/auth', server.url);
      url.search = new URLSearchParams({
        client_id: 'nobody',
        response_type: 'code',
        scope: 'openid',
        redirect_uri: `${server.url}/cb`,
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      }).toString();
      const page = await new UserAgent(server.url).open(url.href);
      expect(page.status).toBe(400);
      // In plain words, never the code.
      expect(page.html).toContain('该网站的登录设置有误');
      expect(page.html).not.toContain('invalid_client');
    });

    it('a request without PKCE', async () => {
      const ua = new UserAgent(server.url);
      const url = client.buildAuthorizationUrl(portal.config, { redirect_uri: portal.redirectUri, scope: 'openid', state: 's' });
      const page = await ua.open(url.href, { stopAt: stopAtPortal(portal) });
      const answer = new URL(page.url).searchParams;
      expect(answer.get('error')).toBe('invalid_request');
      expect(answer.get('error_description')).toMatch(/PKCE/);
    });

    it('a code exchanged with the wrong PKCE verifier', async () => {
      const request = await authorizationRequest(portal);
      const callback = await signIn(new UserAgent(server.url), portal, request);
      await expect(
        client.authorizationCodeGrant(portal.config, callback, {
          pkceCodeVerifier: client.randomPKCECodeVerifier(),
          expectedState: request.state,
          expectedNonce: request.nonce,
        }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('a reused code, and revokes the tokens the first exchange gave', async () => {
      const request = await authorizationRequest(portal);
      const callback = await signIn(new UserAgent(server.url), portal, request);
      const checks = { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce };
      const tokens = await client.authorizationCodeGrant(portal.config, callback, checks);
      const sub = tokens.claims()!.sub;
      expect((await client.fetchUserInfo(portal.config, tokens.access_token, sub)).sub).toBe(sub);
      await expect(client.authorizationCodeGrant(portal.config, callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(client.fetchUserInfo(portal.config, tokens.access_token, sub)).rejects.toMatchObject({ status: 401 });
    });

    it('the second of two simultaneous redemptions of one code, and of one refresh token', async () => {
      const request = await authorizationRequest(portal, { scope: 'openid offline_access', prompt: 'consent' });
      const callback = await signIn(new UserAgent(server.url), portal, request);
      const checks = { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce };
      const codes = await Promise.allSettled([1, 2, 3].map(() => client.authorizationCodeGrant(portal.config, callback, checks)));
      expect(codes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const tokens = (
        codes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<typeof client.authorizationCodeGrant>>>
      ).value;
      const refreshes = await Promise.allSettled([1, 2, 3].map(() => client.refreshTokenGrant(portal.config, tokens.refresh_token!)));
      expect(refreshes.filter((o) => o.status === 'fulfilled').length).toBeLessThanOrEqual(1);
    });

    it('a citizen who is no longer active in the registry', async () => {
      const citizen = await newCitizen(server.app);
      const tokens = await signInForTokens(new UserAgent(server.url), portal, {}, citizen);
      const sub = tokens.claims()!.sub;
      await server.app
        .get((await import('../../src/registry/registry.service.js')).RegistryService)
        .importCitizens([{ line: 1, fields: { id_number: citizen.idNumber, name: citizen.name, status: 'deceased' } }]);
      await expect(client.fetchUserInfo(portal.config, tokens.access_token, sub)).rejects.toMatchObject({ status: 401 });
    });
  });
});
