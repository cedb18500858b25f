import { createServer, type Server } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { authorizationRequest, client, registerPortal, signInForTokens, stopAtPortal, type Portal } from '../support/oidc.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';

/** Stands for the portals' back-channel logout endpoints: records every logout_token posted to it. */
async function logoutReceiver(): Promise<{ url: string; received: Array<{ path: string; token: string }>; close(): Promise<void> }> {
  const received: Array<{ path: string; token: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', token: new URLSearchParams(body).get('logout_token') ?? '' });
      res.statusCode = 200;
      res.end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe(`single logout on ${backend}`, () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof logoutReceiver>>;
  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    receiver = await logoutReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await server.close();
  });

  it('signing out at one portal ends the SSO session and notifies every portal of it by back-channel', async () => {
    const portal = (name: string) =>
      registerPortal(server, {
        backchannel_logout_uri: `${receiver.url}/bcl/${name}`,
        post_logout_redirect_uris: [`${server.url}/test-logged-out/${name}`],
      });
    const a: Portal = await portal('a');
    const b: Portal = await portal('b');
    const ua = new UserAgent(server.url);
    const tokensA = await signInForTokens(ua, a);
    const tokensB = await signInForTokens(ua, b);
    // oidc-provider gives each portal its own sid for the one OP session.
    const sids = { a: tokensA.claims()!.sid, b: tokensB.claims()!.sid };
    expect(sids.a).toBeTruthy();
    expect(sids.b).toBeTruthy();

    const endSession = client.buildEndSessionUrl(b.config, {
      id_token_hint: tokensB.id_token!,
      post_logout_redirect_uri: `${server.url}/test-logged-out/b`,
    });
    const confirm = await ua.open(endSession.href);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('op.logoutForm');
    const done = await ua.fill(
      confirm,
      '/session/end/confirm',
      { logout: 'yes' },
      { stopAt: (url) => url.pathname.startsWith('/test-logged-out/') },
    );
    // tongban's signed-out page comes first; its way back is the portal's post_logout_redirect_uri.
    expect(done.status).toBe(200);
    expect(new URL(done.url).pathname).toBe('/session/end/success');
    expect(done.html).toContain(`href="${server.url}/test-logged-out/b"`);

    const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
    const deadline = Date.now() + 10_000;
    while (receiver.received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received.map((r) => r.path).sort()).toEqual(['/bcl/a', '/bcl/b']);
    for (const { path, token } of receiver.received) {
      const which = path.endsWith('/a') ? 'a' : 'b';
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: server.url,
        audience: (which === 'a' ? a : b).clientId,
        typ: 'logout+jwt',
      });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload).toMatchObject({ sid: sids[which], events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
      expect(payload).not.toHaveProperty('nonce');
    }

    // The OP session is gone: a silent request at portal A needs a sign-in again.
    const silent = await ua.open((await authorizationRequest(a, { prompt: 'none' })).url.href, { stopAt: stopAtPortal(a) });
    expect(new URL(silent.url).searchParams.get('error')).toBe('login_required');
  });

  it('asks for confirmation and keeps the session when the citizen says no', async () => {
    const a = await registerPortal(server);
    const ua = new UserAgent(server.url);
    const tokens = await signInForTokens(ua, a);
    const confirm = await ua.open(client.buildEndSessionUrl(a.config, { id_token_hint: tokens.id_token! }).href);
    expect(confirm.html).toMatch(/退出|sign out/i);
    await ua.fill(confirm, '/session/end/confirm', {});
    const silent = await ua.open((await authorizationRequest(a, { prompt: 'none' })).url.href, { stopAt: stopAtPortal(a) });
    expect(new URL(silent.url).searchParams.get('code')).toBeTruthy();
  });

  it('passes a sign-out request on with tongban’s own page when nobody is signed in (not oidc-provider’s English form)', async () => {
    const a = await registerPortal(server, { post_logout_redirect_uris: [`${server.url}/test-logged-out/none`] });
    const ua = new UserAgent(server.url);
    const passing = await ua.open(
      `/session/end?client_id=${a.clientId}&post_logout_redirect_uri=${encodeURIComponent(`${server.url}/test-logged-out/none`)}`,
    );
    expect(passing.status).toBe(200);
    expect(passing.html).toMatch(/<html lang="zh-CN">/);
    expect(passing.html).toContain('正在退出');
    expect(passing.html).toMatch(/<form method="post" action="[^"]*\/session\/end\/confirm" data-auto-submit>/);
    expect(passing.html).toMatch(/<script src="\/assets\/auto-submit\.js\?v=[\w-]+" defer><\/script>/);
    expect(passing.html).not.toContain('Submitting Callback');
    const english = await ua.open(
      `/session/end?client_id=${a.clientId}&post_logout_redirect_uri=${encodeURIComponent(`${server.url}/test-logged-out/none`)}&lang=en`,
    );
    expect(english.html).toContain('Signing out');
    // The button (or the script) sends the latest page's form on (each page carries a new xsrf
    // token); with nobody signed out, straight back to the portal's address.
    const done = await ua.fill(english, '/session/end/confirm', {}, { stopAt: (url) => url.pathname.startsWith('/test-logged-out/') });
    expect(done.url).toBe(`${server.url}/test-logged-out/none`);
  });
});
