import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { PkiService } from '../../src/pki/pki.service.js';
import { Scratch, mustOpenssl } from '../pki/support.js';
import { client, registerService } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';

const ACME = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;

describe(`POST /api/v1/verify/certificate on ${backend}`, () => {
  let server: TestServer;
  let token: string;
  let scratch: Scratch;
  let pki: PkiService;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1', VERIFY_RATE_LIMIT_PER_MINUTE: '20' });
    pki = server.app.get(PkiService);
    const portal = await registerService(server, 'verify');
    token = (await client.clientCredentialsGrant(portal.config, { scope: 'verify' })).access_token;
    scratch = new Scratch();
  });
  afterAll(async () => {
    scratch.cleanup();
    await server.close();
  });

  function verify(body: unknown, path = 'certificate', bearer = token) {
    return fetch(`${server.url}/api/v1/verify/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async function issue(): Promise<{ pem: string; chain: string[]; serial: string }> {
    mustOpenssl([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=x',
      '-keyout',
      scratch.path('k.pem'),
      '-out',
      scratch.path('r.pem'),
    ]);
    const issued = await pki.issueFromCsr(scratch.read('r.pem'), {
      profile: 'enterprise-licence',
      subject: { uscc: ACME.uscc, organizationName: ACME.name, commonName: ACME.name },
    });
    return { pem: issued.pem, chain: issued.chain, serial: issued.serial };
  }

  it('answers a good licence certificate with TOTAL_PASSED and the checks of design §9', async () => {
    const { pem, chain, serial } = await issue();
    const response = await verify({ pem: pem + chain[0] });
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report).toMatchObject({
      indication: 'TOTAL_PASSED',
      subject: { uscc: ACME.uscc, organizationName: ACME.name },
      issuer: { commonName: expect.stringMatching(/tongban Issuing CA/) },
      certificate: { serial },
    });
    expect(report).not.toHaveProperty('subIndication');
    expect(report.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual([
      'format:PASSED',
      'signature:PASSED',
      'chain:PASSED',
      'validity:PASSED',
      'revocation:PASSED',
    ]);
    expect(Date.parse(report.validationTime)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('says REVOKED, with the time and reason, once the licence is revoked', async () => {
    const { pem, serial } = await issue();
    await pki.revoke(serial, 'keyCompromise');
    const report = await (await verify({ pem })).json();
    expect(report).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'REVOKED',
      certificate: { revocationReason: 'keyCompromise' },
    });
    expect(report.checks.find((c: { name: string }) => c.name === 'revocation').status).toBe('FAILED');
  });

  it('reports garbage and foreign certificates in the body (200), not as errors', async () => {
    const garbage = await verify({ pem: '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----' });
    expect(garbage.status).toBe(200);
    expect(await garbage.json()).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
    mustOpenssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=Elsewhere CA',
      '-days',
      '2',
      '-keyout',
      scratch.path('ca.key'),
      '-out',
      scratch.path('ca.pem'),
    ]);
    const foreign = await verify({ pem: scratch.read('ca.pem').toString('utf8') });
    expect(foreign.status).toBe(200);
    // Another CA's certificate is not a failed one: tongban cannot tell (ETSI EN 319 102-1), and says what it could check.
    const report = await foreign.json();
    expect(report).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
      subject: { commonName: 'Elsewhere CA' },
    });
    expect(report.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual([
      'format:PASSED',
      'signature:INDETERMINATE',
      'chain:INDETERMINATE',
      'validity:PASSED',
      'revocation:INDETERMINATE',
    ]);
  });

  it('answers a foreign leaf with its own CA the same way: INDETERMINATE, never TOTAL_FAILED', async () => {
    const other = scratch.foreignCa('elsewhere');
    for (const pem of [other.leaf, other.leaf + other.root]) {
      const report = await (await verify({ pem })).json();
      expect(report).toMatchObject({
        indication: 'INDETERMINATE',
        subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
        certificate: { serial: expect.any(String) },
      });
      expect(report.checks.find((c: { name: string }) => c.name === 'chain')).toMatchObject({
        status: 'INDETERMINATE',
        message: expect.stringMatching(/no path/),
      });
    }
    const { reports } = await (await verify({ items: [{ kind: 'certificate', pem: other.leaf }] }, 'batch')).json();
    expect(reports[0]).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
  });

  it('verifies a batch in order, one report per item', async () => {
    const good = await issue();
    const response = await verify(
      {
        items: [
          { kind: 'certificate', pem: good.pem },
          { kind: 'certificate', pem: 'junk' },
        ],
      },
      'batch',
    );
    expect(response.status).toBe(200);
    const { reports } = await response.json();
    expect(reports.map((r: { indication: string }) => r.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_FAILED']);
  });

  it('refuses malformed requests with 400 and a stable code', async () => {
    for (const [path, body] of [
      ['certificate', {}],
      ['certificate', { pem: 42 }],
      ['certificate', { pem: 'x'.repeat(70_000) }],
      ['batch', { items: [] }],
      ['batch', { items: Array.from({ length: 101 }, () => ({ kind: 'certificate', pem: 'x' })) }],
      ['batch', { items: [{ kind: 'seal', pem: 'x' }] }],
    ] as const) {
      const response = await verify(body, path);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe('validation_failed');
    }
    const malformed = await verify('{"pem":', 'certificate');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toBe('malformed_json');
  });

  it('needs a token with the verify scope', async () => {
    expect((await verify({ pem: 'x' }, 'certificate', 'nope')).status).toBe(401);
    const other = await registerService(server, 'registry:write');
    const wrongScope = (await client.clientCredentialsGrant(other.config, { scope: 'registry:write' })).access_token;
    const refused = await verify({ pem: 'x' }, 'certificate', wrongScope);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toBe('insufficient_scope');
  });

  it('limits each client to VERIFY_RATE_LIMIT_PER_MINUTE calls (a batch counts its items)', async () => {
    const limited = await registerService(server, 'verify');
    const own = (await client.clientCredentialsGrant(limited.config, { scope: 'verify' })).access_token;
    const batch = await verify({ items: Array.from({ length: 20 }, () => ({ kind: 'certificate', pem: 'x' })) }, 'batch', own);
    expect(batch.status).toBe(200);
    const over = await verify({ pem: 'x' }, 'certificate', own);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await over.json()).error).toBe('too_many_requests');
    // Other clients are not affected.
    expect((await verify({ pem: 'x' })).status).toBe(200);
  });
});
