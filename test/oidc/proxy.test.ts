import { startTestServer, type TestServer } from '../support/server.js';

const forwarded = { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example', 'x-forwarded-for': '203.0.113.7' };

describe('endpoint URLs behind a TLS-offloading proxy', () => {
  let server: TestServer;
  // The service listens on plain HTTP on 127.0.0.1; the world sees it as https://id.gov.example.
  beforeAll(async () => (server = await startTestServer({ PUBLIC_URL: 'https://id.gov.example', TRUST_PROXY: 'loopback' })));
  afterAll(() => server.close());

  it('advertises PUBLIC_URL endpoints whatever the Host or X-Forwarded-* headers say', async () => {
    const local = (await (
      await fetch(`${server.url.replace('localhost', '127.0.0.1')}/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    const spoofed = (await (
      await fetch(`${server.url}/.well-known/openid-configuration`, { headers: { ...forwarded, host: 'evil.example' } })
    ).json()) as Record<string, string>;
    for (const metadata of [local, spoofed]) {
      expect(metadata.issuer).toBe('https://id.gov.example');
      expect(metadata.token_endpoint).toBe('https://id.gov.example/token');
      expect(metadata.jwks_uri).toBe('https://id.gov.example/jwks');
    }
  });

  it('sets Secure cookies when the public URL is https', async () => {
    const response = await fetch(
      `${server.url}/auth?client_id=tongban-account&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://id.gov.example/account/callback')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
      { redirect: 'manual' },
    );
    const cookies = response.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/;\s*secure/i);
  });
});
