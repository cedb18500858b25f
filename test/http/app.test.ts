import { DataSource } from 'typeorm';
import { DEMO_CITIZENS, DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { backend } from '../support/test-env.js';

describe(`HTTP service on ${backend}`, () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ DEMO: '1' })));
  afterAll(() => t.close());

  describe('GET /api/v1/identifiers/citizen-id/:value', () => {
    it('parses the standard example', async () => {
      const res = await t.http.get('/api/v1/identifiers/citizen-id/11010519491231002X').expect(200);
      expect(res.body).toEqual({
        valid: true,
        canonical: '11010519491231002X',
        parsed: { region: '110105', birthDate: '1949-12-31', sex: 'female' },
      });
    });

    it('canonicalises a lowercase x and converts a legacy 15-digit number with a warning', async () => {
      expect((await t.http.get('/api/v1/identifiers/citizen-id/11010519491231002x').expect(200)).body.canonical).toBe('11010519491231002X');
      const legacy = await t.http.get('/api/v1/identifiers/citizen-id/110105491231002').expect(200);
      expect(legacy.body).toMatchObject({ valid: true, canonical: '11010519491231002X', warnings: [{ code: 'LEGACY_15_DIGIT' }] });
    });

    it('answers 200 with stable error codes for a well-formed request about a bad number', async () => {
      const cases: Array<[string, string[]]> = [
        ['110105194912310021', ['CHECKSUM']],
        ['1101051949123100', ['LENGTH']],
        ['11010519491231002A', ['CHARSET']],
        ['001051949123100' + '21X', ['PROVINCE']],
        ['110105194902300028', ['BIRTH_DATE', 'CHECKSUM']],
      ];
      for (const [value, codes] of cases) {
        const res = await t.http.get(`/api/v1/identifiers/citizen-id/${value}`).expect(200);
        expect(res.body.valid).toBe(false);
        expect(res.body.errors.map((e: { code: string }) => e.code)).toEqual(expect.arrayContaining(codes));
        expect(res.body).not.toHaveProperty('parsed');
      }
    });

    it('refuses a value that is not even of sane length with 400', async () => {
      const res = await t.http.get(`/api/v1/identifiers/citizen-id/${'1'.repeat(65)}`).expect(400);
      expect(res.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'value' }] });
      expect(JSON.stringify(res.body)).not.toContain('1'.repeat(65));
    });
  });

  describe('GET /api/v1/identifiers/uscc/:value', () => {
    it('parses the standard example', async () => {
      const res = await t.http.get('/api/v1/identifiers/uscc/91350100M000100Y43').expect(200);
      expect(res.body).toEqual({
        valid: true,
        canonical: '91350100M000100Y43',
        parsed: {
          authority: { code: '9', name: '工商' },
          entityType: { code: '1', name: '企业' },
          region: '350100',
          organisationCode: 'M000100Y4',
        },
      });
    });

    it('reports a bad check character as an error and a bad organisation-code check as a warning', async () => {
      const bad = await t.http.get('/api/v1/identifiers/uscc/91350100M000100Y44').expect(200);
      expect(bad.body).toMatchObject({ valid: false, errors: [{ code: 'CHECKSUM' }] });
      const charset = await t.http.get('/api/v1/identifiers/uscc/91350100M000100YO3').expect(200);
      expect(charset.body.errors[0].code).toBe('CHARSET');
    });
  });

  describe('operations', () => {
    it('live and ready', async () => {
      await t.http.get('/health/live').expect(200, { status: 'ok' });
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', keys: 'up', shutdown: 'no' } });
    });

    it('Prometheus metrics with route templates, never raw URLs', async () => {
      await t.http.get('/api/v1/identifiers/citizen-id/11010519491231002X').expect(200);
      const res = await t.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toContain('tongban_process_cpu_user_seconds_total');
      expect(res.text).toMatch(
        /tongban_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/identifiers\/citizen-id\/:value",status="200"\} \d+/,
      );
      expect(res.text).not.toContain('11010519491231002X');
    });

    it('sends security headers: the browser set on pages and OpenID endpoints, the API set on API answers', async () => {
      const page = await t.http.get('/register').expect(200);
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.headers['content-security-policy']).not.toContain('form-action'); // sign-in forms end in a redirect to the portal
      expect(page.headers).toMatchObject({
        'x-frame-options': 'SAMEORIGIN',
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
      });
      const discovery = await t.http.get('/.well-known/openid-configuration').expect(200); // written by oidc-provider itself
      expect(discovery.headers['content-security-policy']).toContain("default-src 'self'");
      for (const path of ['/api/v1/identifiers/uscc/91350100M000100Y43', '/api/v1/no-such-route', '/pki/ca/root.pem']) {
        const api = await t.http.get(path);
        expect(api.headers).toMatchObject({
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'strict-transport-security': 'max-age=31536000; includeSubDomains',
        });
        expect(api.headers['cross-origin-opener-policy']).toBeUndefined();
      }
    });

    it('gives every request an id, echoing a well-formed X-Request-Id and replacing any other', async () => {
      const echoed = await t.http.get('/health/live').set('x-request-id', 'portal-a.7f3c-01').expect(200);
      expect(echoed.headers['x-request-id']).toBe('portal-a.7f3c-01');
      const replaced = await t.http.get('/health/live').set('x-request-id', 'bad id with spaces').expect(200);
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const fresh = await t.http.get('/health/live').expect(200);
      expect(fresh.headers['x-request-id']).not.toBe(replaced.headers['x-request-id']);
    });

    it('logs JSON lines with ID numbers masked', async () => {
      await t.http.get('/api/v1/identifiers/citizen-id/11010519491231002X').expect(200);
      await new Promise((resolve) => setImmediate(resolve));
      const lines = t.logs.map((line) => JSON.parse(line));
      expect(lines.some((l) => l.req?.url === '/api/v1/identifiers/citizen-id/110105********002X')).toBe(true);
      expect(t.logs.join('')).not.toContain('11010519491231002X');
    });

    it('answers errors as { error, message } without stack traces, and never 500 for bad input', async () => {
      const missing = await t.http.get('/no/such/route').expect(404);
      expect(missing.body).toEqual({ error: 'not_found', message: expect.any(String) });
      const malformed = await t.http.post('/api/v1/identifiers/uscc/x').set('content-type', 'application/json').send('{"a":').expect(400);
      expect(malformed.body).toEqual({ error: 'malformed_json', message: 'the request body is not valid JSON' });
      // Prototype poisoning is refused by the JSON parser, with the same answer.
      const poisoned = await t.http
        .post('/api/v1/identifiers/uscc/x')
        .set('content-type', 'application/json')
        .send('{"__proto__":{"admin":true}}')
        .expect(400);
      expect(poisoned.body).toEqual({ error: 'malformed_json', message: 'the request body is not valid JSON' });
      const tooLarge = await t.http
        .post('/api/v1/identifiers/uscc/x')
        .set('content-type', 'application/json')
        .send(`{"a":"${'x'.repeat(1_100_000)}"}`)
        .expect(413);
      expect(tooLarge.body.error).toBe('payload_too_large');
      const badEncoding = await t.http.get('/api/v1/identifiers/citizen-id/%E0%A4%A').expect(400);
      expect(badEncoding.body).toEqual({ error: 'malformed_url', message: 'the URL has an invalid percent-encoding' });
      for (const body of [missing.body, malformed.body, poisoned.body, tooLarge.body, badEncoding.body])
        expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|node_modules/);
    });

    it('publishes an OpenAPI document listing the /api/v1 routes', async () => {
      const res = await t.http.get('/api/docs/openapi.json').expect(200);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining(['/api/v1/identifiers/citizen-id/{value}', '/api/v1/identifiers/uscc/{value}']),
      );
    });
  });

  it('seeds the demo data when DEMO=1 (an active enterprise whose legal representative is a demo citizen)', async () => {
    const registry = t.app.get(RegistryService);
    const active = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
    expect(await registry.findEnterprise(active.uscc)).toMatchObject({ status: 'active', name: active.name });
    const rep = await registry.findCitizenByIdNumber(active.legal_representative_id_number);
    expect(rep).toMatchObject({ status: 'active' });
    expect((await registry.enterprisesRepresentedBy(active.legal_representative_id_number)).map((e) => e.uscc)).toEqual([active.uscc]);
    expect((await registry.counts()).citizens).toBe(DEMO_CITIZENS.length);
    const [{ count }] = await t.app.get(DataSource).query(`SELECT count(*)::int AS count FROM registry_citizens WHERE status = 'active'`);
    expect(count).toBeGreaterThanOrEqual(3);
  });
});
