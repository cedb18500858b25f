import '../support/silent.js';
import { X509Certificate } from 'node:crypto';
import { PkiService } from '../../src/pki/pki.service.js';
import { opensslSm2Verify } from '../crypto/openssl-sm2.js';
import { client, registerService } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { flipByte, freshUscc, mustOpenssl, ocspSignedPart, openssl, opensslAsync, Scratch, signedPart, SM2_VERIFY } from './support.js';

/**
 * The SM2 hierarchy (design §4, GM/T 0015) over HTTP, with openssl as the independent checker:
 * its CA certificates, issuance from SM2 requests, its CRLs and OCSP answers, and the verify
 * endpoint. OpenSSL 3.0 checks X.509 SM2 signatures with the default user ID only when told
 * (`-vfyopt distid:…`, target certificate only), and `openssl crl -verify` / `openssl ocsp` not at
 * all with it: their signatures are checked by `openssl pkeyutl -verify -pkeyopt distid:…` over the
 * signed bytes.
 */
describe(`the SM2 CA over HTTP on ${backend}`, () => {
  let server: TestServer;
  let pki: PkiService;
  let token: string;
  const scratch = new Scratch();
  const sm2Root = () => scratch.path('sm2-root.pem');
  const sm2Issuing = () => scratch.path('sm2-issuing.pem');

  async function issue(name: string, key: 'sm2' | 'sm2-no-distid' = 'sm2', uscc = freshUscc()) {
    const issued = await pki.issueFromCsr(scratch.csr(name, key), {
      profile: 'enterprise-licence',
      subject: { uscc, organizationName: `国密企业${name}` },
    });
    return { ...issued, path: scratch.write(`${name}.pem`, issued.pem) };
  }

  async function get(path: string): Promise<Response> {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(200);
    return response;
  }

  async function crl(name: 'sm2-issuing' | 'sm2-root'): Promise<{ path: string; text: string; der: Buffer }> {
    const response = await get(`/pki/crl/${name}.crl`);
    expect(response.headers.get('content-type')).toBe('application/pkix-crl');
    const der = Buffer.from(await response.arrayBuffer());
    const path = scratch.write(`${name}-${Math.random().toString(36).slice(2)}.crl`, der);
    return { path, der, text: mustOpenssl(['crl', '-inform', 'DER', '-in', path, '-noout', '-text']) };
  }

  /** Whether openssl pkeyutl accepts the signature over the signed bytes, under a certificate's key (default user ID). */
  function signedBy(certificate: string, signed: { tbs: Buffer; signature: Buffer }): boolean {
    return opensslSm2Verify(
      scratch,
      certificate,
      scratch.write(`tbs-${Math.random().toString(36).slice(2)}.der`, signed.tbs),
      signed.signature,
      {
        certificate: true,
      },
    );
  }

  /** `openssl ocsp` against the running responder about an SM2 leaf; the text and the DER response. */
  async function ocsp(leaf: string, digest: string[] = []): Promise<{ text: string; response: Buffer }> {
    const out = scratch.path(`resp-${Math.random().toString(36).slice(2)}.der`);
    const run = await opensslAsync([
      'ocsp',
      '-issuer',
      sm2Issuing(),
      ...digest, // a CertID digest goes before -cert
      '-cert',
      leaf,
      '-url',
      `${server.url.replace('localhost', '127.0.0.1')}/pki/ocsp`,
      '-noverify',
      '-resp_text',
      '-respout',
      out,
    ]);
    return { text: `${run.stdout}\n${run.stderr}`, response: scratch.read(out.slice(scratch.dir.length + 1)) };
  }

  beforeAll(async () => {
    server = await startTestServer();
    pki = server.app.get(PkiService);
    scratch.write('sm2-root.pem', (await pki.caCertificate('sm2-root')).pem);
    scratch.write('sm2-issuing.pem', (await pki.caCertificate('sm2-issuing')).pem);
    scratch.write('root.pem', (await pki.caCertificate('root')).pem);
    scratch.write('issuing.pem', (await pki.caCertificate('issuing')).pem);
    token = (await client.clientCredentialsGrant((await registerService(server, 'verify')).config, { scope: 'verify' })).access_token;
  });
  afterAll(async () => {
    await server?.close();
    scratch.cleanup();
  });

  it('publishes the SM2 root and issuing CA at /pki/ca/sm2-root and sm2-issuing (.pem, .cer), the issuing CA under the root', async () => {
    for (const name of ['sm2-root', 'sm2-issuing']) {
      const pem = await (await get(`/pki/ca/${name}.pem`)).text();
      expect(pem).toBe(scratch.read(`${name}.pem`).toString('utf8'));
      const der = await get(`/pki/ca/${name}.cer`);
      expect(der.headers.get('content-type')).toBe('application/pkix-cert');
      expect(new X509Certificate(Buffer.from(await der.arrayBuffer())).raw.equals(new X509Certificate(pem).raw)).toBe(true);
      expect(mustOpenssl(['x509', '-in', scratch.path(`${name}.pem`), '-noout', '-text'])).toMatch(
        /Signature Algorithm: SM2-with-SM3[\s\S]*ASN1 OID: SM2/,
      );
    }
    expect(new X509Certificate(scratch.read('sm2-root.pem')).subject).toContain('CN=tongban SM2 Root CA');
    expect(new X509Certificate(scratch.read('sm2-issuing.pem')).subject).toContain('CN=tongban SM2 Issuing CA 1');
    expect(mustOpenssl(['verify', ...SM2_VERIFY, '-CAfile', sm2Root(), sm2Issuing()])).toContain(': OK');
    expect(openssl(['verify', ...SM2_VERIFY, '-CAfile', scratch.path('root.pem'), sm2Issuing()]).status).not.toBe(0);
    for (const path of ['/pki/ca/sm2-other.pem', '/pki/ca/sm2.pem', '/pki/crl/sm2.crl', '/pki/crl/sm2-root.pem']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
    }
  });

  it('certifies an SM2 request (openssl req -sm3 -sigopt distid:…) by the SM2 issuing CA; openssl verifies it there and nowhere else', async () => {
    const leaf = await issue('gm');
    expect(leaf.key).toBe('SM2');
    expect(leaf.chain).toEqual([scratch.read('sm2-issuing.pem').toString('utf8'), scratch.read('sm2-root.pem').toString('utf8')]);
    expect(mustOpenssl(['verify', ...SM2_VERIFY, '-partial_chain', '-CAfile', sm2Issuing(), '-purpose', 'sslclient', leaf.path])).toContain(
      ': OK',
    );
    expect(openssl(['verify', ...SM2_VERIFY, '-partial_chain', '-CAfile', scratch.path('issuing.pem'), leaf.path]).status).not.toBe(0);
    const text = mustOpenssl(['x509', '-in', leaf.path, '-noout', '-text']);
    expect(text).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(text).toMatch(/Issuer: C = CN, O = tongban, CN = tongban SM2 Issuing CA 1/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(text).toMatch(/TLS Web Client Authentication/);
    expect(text).toContain(`${server.url.replace(/\/$/, '')}/pki/crl/sm2-issuing.crl`);
    expect(text).toContain('OCSP - URI:');
    // The certified key is the request's.
    const requested = mustOpenssl(['pkey', '-in', scratch.path('gm.key'), '-pubout']);
    expect(mustOpenssl(['x509', '-in', leaf.path, '-noout', '-pubkey'])).toBe(requested);
    expect((await pki.certificate(leaf.serial))!.profile).toBe('enterprise-licence');
  });

  it('accepts what OpenSSL 3.0 signs without -sigopt (an empty user ID) and refuses a broken or mismatched SM2 request', async () => {
    expect((await issue('no-distid', 'sm2-no-distid')).key).toBe('SM2');
    const request = scratch.csr('broken', 'sm2');
    const subject = { uscc: freshUscc(), organizationName: '国密企业' };
    await expect(
      pki.issueFromCsr(flipByte(request, 'CERTIFICATE REQUEST', 5), { profile: 'enterprise-licence', subject }),
    ).rejects.toMatchObject({
      status: 400,
      response: { error: 'csr_signature_invalid' },
    });
    // An SM2 key's request labelled ecdsa-with-SHA256 (as node:crypto's plain ECDSA on the curve would be): refused.
    const relabelled = Buffer.from(request.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const at = relabelled.lastIndexOf(Buffer.from('06082a811ccf55018375', 'hex'));
    Buffer.from('06082a8648ce3d040302', 'hex').copy(relabelled, at);
    await expect(pki.issueFromCsr(relabelled, { profile: 'enterprise-licence', subject })).rejects.toMatchObject({
      status: 400,
      response: { error: 'csr_signature_invalid' },
    });
    // The SM2 key of another request under this request's signature.
    const other = scratch.csr('other', 'sm2');
    const swapped = swapKey(request, other);
    await expect(pki.issueFromCsr(swapped, { profile: 'enterprise-licence', subject })).rejects.toMatchObject({
      response: { error: expect.stringMatching(/^csr_(signature_invalid|malformed)$/) },
    });
  });

  it('lists a revoked SM2 licence on sm2-issuing.crl (not on issuing.crl), signed by the SM2 issuing CA', async () => {
    const good = await issue('crl-good');
    const revoked = await issue('crl-revoked');
    const before = await crl('sm2-issuing');
    const numberBefore = Number(/X509v3 CRL Number:\s+(\d+)/.exec(before.text)![1]);
    await pki.revoke(revoked.serial, 'keyCompromise');
    const after = await crl('sm2-issuing');
    expect(after.text).toMatch(/Version 2/);
    expect(after.text).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(after.text).toMatch(/Issuer: C = CN, O = tongban, CN = tongban SM2 Issuing CA 1/);
    expect(after.text).toContain(`Serial Number: ${revoked.serial.toUpperCase()}`);
    expect(after.text).not.toContain(good.serial.toUpperCase());
    expect(after.text).toMatch(/X509v3 CRL Reason Code:\s+Key Compromise/);
    expect(Number(/X509v3 CRL Number:\s+(\d+)/.exec(after.text)![1])).toBeGreaterThan(numberBefore);
    // SM2 with SM3 and the default user ID, by the issuing CA's key, over the tbsCertList.
    expect(signedBy(sm2Issuing(), signedPart(after.der))).toBe(true);
    expect(signedBy(sm2Root(), signedPart(after.der))).toBe(false);
    // The ECDSA hierarchy's CRL does not list it.
    const p256 = Buffer.from(await (await get('/pki/crl/issuing.crl')).arrayBuffer());
    expect(mustOpenssl(['crl', '-inform', 'DER', '-in', scratch.write('p256.crl', p256), '-noout', '-text'])).not.toContain(
      revoked.serial.toUpperCase(),
    );

    await pki.hold(good.serial);
    const held = await crl('sm2-issuing');
    expect(held.text).toContain(`Serial Number: ${good.serial.toUpperCase()}`);
    expect(held.text).toMatch(/Certificate Hold/);
    await pki.releaseHold(good.serial);
    expect((await crl('sm2-issuing')).text).not.toContain(good.serial.toUpperCase());

    const root = await crl('sm2-root');
    expect(root.text).toMatch(/Issuer: C = CN, O = tongban, CN = tongban SM2 Root CA/);
    expect(root.text).toContain('No Revoked Certificates');
    expect(signedBy(sm2Root(), signedPart(root.der))).toBe(true);
  });

  it('answers OCSP at /pki/ocsp for SM2 certificates with responses the SM2 issuing CA signs (checked by pkeyutl)', async () => {
    const leaf = await issue('ocsp');
    const good = await ocsp(leaf.path);
    expect(good.text).toContain(`${leaf.path}: good`);
    expect(good.text).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(good.text).toMatch(/Responder Id: [0-9A-F]{40}/);
    const signed = ocspSignedPart(good.response);
    expect(signed.algorithm.toString('hex')).toBe('300a06082a811ccf55018375');
    expect(signedBy(sm2Issuing(), signed)).toBe(true);
    expect(signedBy(sm2Root(), signed)).toBe(false);

    // CertIDs hashed with SM3 (as GM/T clients send them) are answered too.
    expect((await ocsp(leaf.path, ['-sm3'])).text).toContain(`${leaf.path}: good`);

    await pki.revoke(leaf.serial, 'cessationOfOperation');
    const revoked = await ocsp(leaf.path);
    expect(revoked.text).toContain(`${leaf.path}: revoked`);
    expect(revoked.text).toMatch(/Reason: cessationOfOperation/);
    expect(signedBy(sm2Issuing(), ocspSignedPart(revoked.response))).toBe(true);

    // The SM2 issuing CA does not vouch for ECDSA certificates: asked about one under its name, unknown.
    const p256 = await pki.issueFromCsr(scratch.csr('p256-leaf'), {
      profile: 'enterprise-licence',
      subject: { uscc: freshUscc(), organizationName: '企业' },
    });
    const crossed = await ocsp(scratch.write('p256-leaf.pem', p256.pem));
    expect(crossed.text).toMatch(/p256-leaf\.pem: unknown/);
  });

  it('POST /api/v1/verify/certificate: TOTAL_PASSED for an SM2 licence, REVOKED after revocation, SIG_CRYPTO_FAILURE when forged', async () => {
    const verify = async (pem: string) => {
      const response = await fetch(`${server.url}/api/v1/verify/certificate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ pem }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { indication: string; subIndication?: string; checks: Array<{ name: string; status: string }> };
    };
    const leaf = await issue('verify');
    const passed = await verify(leaf.pem + leaf.chain[0]);
    expect(passed).toMatchObject({
      indication: 'TOTAL_PASSED',
      subject: { organizationName: '国密企业verify' },
      issuer: { commonName: 'tongban SM2 Issuing CA 1' },
      certificate: { serial: leaf.serial, profile: 'enterprise-licence' },
    });
    expect(passed.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      'format:PASSED',
      'signature:PASSED',
      'chain:PASSED',
      'validity:PASSED',
      'revocation:PASSED',
    ]);
    expect(await verify(leaf.pem)).toMatchObject({ indication: 'TOTAL_PASSED' });

    expect(await verify(flipByte(leaf.pem, 'CERTIFICATE', 5))).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    });

    await pki.revoke(leaf.serial, 'keyCompromise');
    expect(await verify(leaf.pem)).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'REVOKED',
      certificate: { revocationReason: 'keyCompromise' },
    });
    // The SM2 CA certificates themselves chain to the SM2 root.
    expect(await verify(scratch.read('sm2-issuing.pem').toString('utf8'))).toMatchObject({ indication: 'TOTAL_PASSED' });
  });
});

/** The request with its public key replaced by another request's (its signature no longer fits). */
function swapKey(request: string, donor: string): string {
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const a = der(request);
  const b = der(donor);
  // Both keys are SM2 SPKIs of the same length: find the 65-byte point of each and swap it in.
  const point = (bytes: Buffer) => bytes.indexOf(Buffer.from([0x03, 0x42, 0x00, 0x04])) + 3;
  const out = Buffer.from(a);
  b.copy(out, point(a), point(b), point(b) + 65);
  return `-----BEGIN CERTIFICATE REQUEST-----\n${out.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}
