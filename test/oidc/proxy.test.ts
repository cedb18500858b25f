import { startTestServer, type TestServer } from '../support/server.js';

const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'id.gov.example', 'x-forwarded-for': '203.0.113.7' };

describe('behind a TLS-offloading proxy', () => {
  let trusting: TestServer;
  let direct: TestServer;
  beforeAll(async () => {
    trusting = await startTestServer({ TRUST_PROXY: 'loopback' });
    direct = await startTestServer();
  });
  afterAll(async () => {
    await trusting.close();
    await direct.close();
  });

  it('builds https endpoint URLs from X-Forwarded-* when TRUST_PROXY trusts the proxy', async () => {
    const metadata = await (await fetch(`${trusting.url}/.well-known/openid-configuration`, { headers: forwarded })).json();
    expect(metadata.token_endpoint).toBe('https://id.gov.example/token');
    expect(metadata.issuer).toBe(trusting.url); // the issuer is configuration, never taken from a header
  });

  it('ignores X-Forwarded-* otherwise', async () => {
    const metadata = await (await fetch(`${direct.url}/.well-known/openid-configuration`, { headers: forwarded })).json();
    expect(metadata.token_endpoint).toBe(`${direct.url}/token`);
  });
});

describe('a proxy list that does not include the peer', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer({ TRUST_PROXY: '10.0.0.0/8' })));
  afterAll(() => server.close());

  it('does not take X-Forwarded-* from an untrusted peer', async () => {
    const metadata = await (await fetch(`${server.url}/.well-known/openid-configuration`, { headers: forwarded })).json();
    expect(metadata.token_endpoint).toBe(`${server.url}/token`);
  });
});
