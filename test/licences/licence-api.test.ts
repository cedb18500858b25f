import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { makeUscc } from '../../src/identifiers/generate.js';
import { Scratch, SM2_VERIFY, flipByte, mustOpenssl } from '../pki/support.js';
import { client, registerService } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';

const ACME = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
const SUSPENDED = DEMO_ENTERPRISES.find((e) => e.status === 'suspended')!;

describe(`POST /api/v1/enterprises/{uscc}/licence on ${backend}`, () => {
  let server: TestServer;
  let token: string;
  let scratch: Scratch;
  let csr: string;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    const regulator = await registerService(server, 'licence:issue');
    token = (await client.clientCredentialsGrant(regulator.config, { scope: 'licence:issue' })).access_token;
    scratch = new Scratch();
    mustOpenssl([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=whatever the holder says',
      '-keyout',
      scratch.path('k.pem'),
      '-out',
      scratch.path('r.pem'),
    ]);
    csr = scratch.read('r.pem').toString('utf8');
  });
  afterAll(async () => {
    scratch.cleanup();
    await server.close();
  });

  const issue = (uscc: string, body: unknown, bearer = token) =>
    fetch(`${server.url}/api/v1/enterprises/${uscc}/licence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('issues the certificate from the register and a licence document bound to its key', async () => {
    const response = await issue(ACME.uscc, { csr });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.enterprise).toEqual({ uscc: ACME.uscc, name: ACME.name });
    const certificate = new X509Certificate(body.certificate);
    expect(certificate.subject).toContain(`organizationIdentifier=${ACME.uscc}`);
    expect(certificate.subject).toContain(`O=${ACME.name}`);
    expect(certificate.subject).not.toContain('whatever the holder says');
    expect(certificate.publicKey.export({ format: 'jwk' })).toEqual(createPublicKey(scratch.read('k.pem')).export({ format: 'jwk' }));
    expect(certificate.verify(new X509Certificate(body.chain[0]).publicKey)).toBe(true);

    const header = decodeProtectedHeader(body.licence);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'tongban-licence+jwt' });
    const issuerCertificate = new X509Certificate(Buffer.from((header.x5c as string[])[0], 'base64'));
    const { payload } = await compactVerify(body.licence, issuerCertificate.publicKey);
    const licence = JSON.parse(Buffer.from(payload).toString('utf8'));
    expect(licence).toMatchObject({
      iss: server.url,
      sub: ACME.uscc,
      jti: body.serial,
      enterprise: { uscc: ACME.uscc, name: ACME.name, status: 'active', established: ACME.established },
    });
    expect(licence.cnf.jwk).toEqual(certificate.publicKey.export({ format: 'jwk' }));
    expect(JSON.stringify(licence)).not.toContain(ACME.legal_representative_id_number);
  });

  it('issues an SM2 licence certificate for an SM2 request, from the SM2 issuing CA, bound to the key by its certificate', async () => {
    const request = scratch.csr('sm2', 'sm2', '/CN=whatever the holder says');
    const response = await issue(ACME.uscc, { csr: request });
    expect(response.status).toBe(201);
    const body = await response.json();
    const certificate = scratch.write('sm2-licence.pem', body.certificate);
    const issuing = scratch.write('sm2-issuing.pem', body.chain[0]);
    const root = scratch.write('sm2-root.pem', body.chain[1]);
    expect(new X509Certificate(body.chain[0]).subject).toContain('CN=tongban SM2 Issuing CA');
    expect(new X509Certificate(body.chain[1]).subject).toContain('CN=tongban SM2 Root CA');
    // openssl: each link with the default user ID (OpenSSL 3.0 takes it for the target certificate only).
    expect(mustOpenssl(['verify', ...SM2_VERIFY, '-partial_chain', '-CAfile', issuing, certificate])).toContain(': OK');
    expect(mustOpenssl(['verify', ...SM2_VERIFY, '-CAfile', root, issuing])).toContain(': OK');
    const text = mustOpenssl(['x509', '-in', certificate, '-noout', '-text']);
    expect(text).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(mustOpenssl(['x509', '-in', certificate, '-noout', '-pubkey'])).toBe(
      mustOpenssl(['pkey', '-in', scratch.path('sm2.key'), '-pubout']),
    );
    expect(new X509Certificate(body.certificate).subject).toContain(`organizationIdentifier=${ACME.uscc}`);

    // The licence document stays an ES256 JWS by tongban's licence key; it names the SM2 certificate by its hash.
    const header = decodeProtectedHeader(body.licence);
    expect(header.alg).toBe('ES256');
    const issuerCertificate = new X509Certificate(Buffer.from((header.x5c as string[])[0], 'base64'));
    const licence = JSON.parse(Buffer.from((await compactVerify(body.licence, issuerCertificate.publicKey)).payload).toString('utf8'));
    expect(licence.cnf).toEqual({ 'x5t#S256': createHash('sha256').update(new X509Certificate(body.certificate).raw).digest('base64url') });

    // A broken SM2 request: 400 csr_signature_invalid.
    const broken = await issue(ACME.uscc, { csr: flipByte(request, 'CERTIFICATE REQUEST', 5) });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error).toBe('csr_signature_invalid');
  });

  it('refuses an enterprise that is not active, or not in the register', async () => {
    const suspended = await issue(SUSPENDED.uscc, { csr });
    expect(suspended.status).toBe(422);
    expect((await suspended.json()).error).toBe('enterprise_inactive');
    const unknown = await issue(makeUscc({ region: '110000', organisationBody: 'MA0000XY' }), { csr });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe('enterprise_not_found');
  });

  it('refuses malformed input with 400 and a stable code, never 500', async () => {
    const cases: Array<[string, unknown, string]> = [
      [
        ACME.uscc,
        { csr: '-----BEGIN CERTIFICATE REQUEST-----\n' + 'A'.repeat(200) + '\n-----END CERTIFICATE REQUEST-----' },
        'csr_malformed',
      ],
      [ACME.uscc, { csr: csr.replace(/.{8}\n-----END/, 'AAAAAAAA\n-----END') }, 'csr_'],
      [ACME.uscc, { csr: 42 }, 'validation_failed'],
      [ACME.uscc, {}, 'validation_failed'],
      ['not-a-uscc', { csr }, 'validation_failed'],
    ];
    for (const [uscc, body, code] of cases) {
      const response = await issue(uscc, body);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(new RegExp(`^${code}`));
    }
  });

  it('is for the regulator only (scope licence:issue)', async () => {
    const other = await registerService(server, 'verify');
    const wrong = (await client.clientCredentialsGrant(other.config, { scope: 'verify' })).access_token;
    expect((await issue(ACME.uscc, { csr }, wrong)).status).toBe(403);
    expect((await issue(ACME.uscc, { csr }, 'garbage')).status).toBe(401);
  });
});
