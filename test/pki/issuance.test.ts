import '../support/silent.js';
import type { INestApplicationContext } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiError } from '../../src/common/api-error.js';
import { PkiService } from '../../src/pki/pki.service.js';
import { openServices } from '../support/context.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { flipByte, freshUscc, mustOpenssl, openssl, opensslUtf8, Scratch } from './support.js';

/** The ApiError code (and status) an issuance attempt failed with. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return { status: err.getStatus(), code: (err.getResponse() as { error: string }).error };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe(`issuing certificates from CSRs on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext;
  let pki: PkiService;
  const scratch = new Scratch();

  beforeAll(async () => {
    t = await makeTestEnv({ PUBLIC_URL: 'https://id.example.gov.cn' });
    app = await openServices(t.config);
    pki = app.get(PkiService);
    scratch.write('root.pem', (await pki.caCertificate('root')).pem);
    scratch.write('issuing.pem', (await pki.caCertificate('issuing')).pem);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
    scratch.cleanup();
  });

  it('issues an enterprise-licence certificate that openssl verifies, with the registry’s subject and the profile', async () => {
    const uscc = freshUscc();
    const csr = scratch.csr('acme', 'ec-p256', '/CN=x/O=Not The Registry Name');
    const issued = await pki.issueFromCsr(csr, { profile: 'enterprise-licence', subject: { uscc, organizationName: '通办科技有限公司' } });
    scratch.write('acme.pem', issued.pem);
    expect(
      mustOpenssl(['verify', '-CAfile', scratch.path('root.pem'), '-untrusted', scratch.path('issuing.pem'), scratch.path('acme.pem')]),
    ).toContain('acme.pem: OK');

    const text = opensslUtf8(['x509', '-in', scratch.path('acme.pem'), '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space']).stdout;
    expect(text).toContain(`Subject: C=CN, O=通办科技有限公司, organizationIdentifier=${uscc}, CN=通办科技有限公司`);
    expect(text).toContain('Issuer: C=CN, O=tongban, CN=tongban Issuing CA 1');
    expect(text).not.toContain('Not The Registry Name');
    expect(text).not.toContain('CN=x');
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication\n/);
    expect(text).toMatch(/X509v3 Subject Key Identifier/);
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    expect(text).toContain('URI:https://id.example.gov.cn/pki/crl/issuing.crl');
    expect(text).toContain('OCSP - URI:https://id.example.gov.cn/pki/ocsp');
    expect(text).toContain('CA Issuers - URI:https://id.example.gov.cn/pki/ca/issuing.cer');
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');

    // Serial: 16 random bytes, positive; stored under its hex form.
    const cert = new X509Certificate(issued.pem);
    expect(cert.serialNumber.toLowerCase()).toBe(issued.serial);
    expect(issued.serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    // Default validity: PKI_LICENCE_VALIDITY_DAYS (365).
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86400_000;
    expect(Math.round(days)).toBe(365);
    expect(issued.chain).toEqual([(await pki.caCertificate('issuing')).pem, (await pki.caCertificate('root')).pem]);
    expect(issued.key).toBe('EC P-256');

    const record = await pki.certificate(issued.serial);
    expect(record).toMatchObject({ profile: 'enterprise-licence', uscc, status: 'good', revocationReason: null, revokedAt: null });
    expect(record!.subject).toBe(`C=CN, O=通办科技有限公司, organizationIdentifier=${uscc}, CN=通办科技有限公司`);
    expect(record!.pem).toBe(issued.pem);
    expect((await pki.certificatesForEnterprise(uscc)).map((c) => c.serial)).toEqual([issued.serial]);
    const [row] = await app
      .get(DataSource)
      .query(`SELECT encode(der, 'hex') AS der FROM pki_certificates WHERE serial = $1`, [issued.serial]);
    expect(Buffer.from(row.der, 'hex').equals(cert.raw)).toBe(true);
  });

  it('issues seal-maker and licence-issuer certificates for document signing; P-384 and RSA-2048 keys are accepted', async () => {
    const seal = await pki.issueFromCsr(scratch.csr('seal', 'ec-p384'), {
      profile: 'seal-maker',
      subject: { organizationName: '福州市市场监督管理局', commonName: '福州市印章制作' },
    });
    scratch.write('seal.pem', seal.pem);
    expect(
      mustOpenssl([
        'verify',
        '-CAfile',
        scratch.path('root.pem'),
        '-untrusted',
        scratch.path('issuing.pem'),
        '-purpose',
        'any',
        scratch.path('seal.pem'),
      ]),
    ).toContain(': OK');
    const text = mustOpenssl(['x509', '-in', scratch.path('seal.pem'), '-noout', '-text']);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+(1\.3\.6\.1\.5\.5\.7\.3\.36|Document Signing)\n/);
    expect(text).toMatch(/Digital Signature, Non Repudiation/);
    expect(text).toContain('NIST CURVE: P-384');
    expect(seal.key).toBe('EC P-384');

    const issuer = await pki.issueFromCsr(scratch.csr('issuer', 'rsa-2048'), {
      profile: 'licence-issuer',
      subject: { commonName: '某市行政审批局' },
    });
    expect(issuer.key).toBe('RSA 2048');
    expect(issuer.uscc).toBeNull();
    expect(await pki.certificate(issuer.serial)).toMatchObject({ profile: 'licence-issuer', uscc: null });
  });

  it('accepts DER as well as PEM, and honours notBefore/notAfter', async () => {
    const pem = scratch.csr('der');
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const notBefore = new Date(Date.now() + 86400_000);
    const notAfter = new Date(Date.now() + 30 * 86400_000);
    const issued = await pki.issueFromCsr(der, {
      profile: 'enterprise-licence',
      subject: { uscc: freshUscc(), organizationName: 'DER 公司' },
      notBefore,
      notAfter,
    });
    const cert = new X509Certificate(issued.pem);
    expect(Math.abs(Date.parse(cert.validFrom) - notBefore.getTime())).toBeLessThan(1000);
    expect(Math.abs(Date.parse(cert.validTo) - notAfter.getTime())).toBeLessThan(1000);
  });

  it('refuses a request whose signature does not verify (one byte flipped) with csr_signature_invalid', async () => {
    const csr = scratch.csr('flip');
    // The request is good as made…
    const asMade = openssl(['req', '-in', scratch.path('flip.csr'), '-noout', '-verify']);
    expect(asMade.stdout + asMade.stderr).toContain('self-signature verify OK');
    const flipped = flipByte(csr, 'CERTIFICATE REQUEST');
    // …and openssl too refuses the flipped one.
    const broken = openssl(['req', '-noout', '-verify'], { input: flipped });
    expect(broken.stdout + broken.stderr).toContain('self-signature verify failure');
    expect(
      await refusal(pki.issueFromCsr(flipped, { profile: 'enterprise-licence', subject: { uscc: freshUscc(), organizationName: 'X' } })),
    ).toEqual({ status: 400, code: 'csr_signature_invalid' });
  });

  it('answers malformed input and unsupported keys with 400 and a stable code, never a 500', async () => {
    const subject = { uscc: freshUscc(), organizationName: '坏请求公司' };
    const issue = (csr: string | Buffer) => refusal(pki.issueFromCsr(csr, { profile: 'enterprise-licence', subject }));
    const good = scratch.csr('shapes');
    const lines = good.trim().split('\n');
    expect(await issue('garbage')).toEqual({ status: 400, code: 'csr_malformed' });
    expect(await issue('')).toEqual({ status: 400, code: 'csr_malformed' });
    expect(await issue(Buffer.from([0x30, 0x82, 0xff, 0xff, 0x01]))).toEqual({ status: 400, code: 'csr_malformed' });
    // Truncated: the END line is missing, or half of the body is.
    expect(await issue(lines.slice(0, -1).join('\n'))).toEqual({ status: 400, code: 'csr_malformed' });
    expect(await issue([...lines.slice(0, Math.floor(lines.length / 2)), lines[lines.length - 1]].join('\n'))).toEqual({
      status: 400,
      code: 'csr_malformed',
    });
    expect(await issue('-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n')).toEqual({
      status: 400,
      code: 'csr_malformed',
    });
    // A certificate is not a request.
    expect(await issue((await pki.caCertificate('root')).pem)).toEqual({ status: 400, code: 'csr_malformed' });
    expect(await issue(scratch.csr('weak', 'rsa-1024'))).toEqual({ status: 400, code: 'csr_key_unsupported' });
    expect(await issue(scratch.csr('edwards', 'ed25519'))).toEqual({ status: 400, code: 'csr_key_unsupported' });
    expect(await pki.certificatesForEnterprise(subject.uscc)).toEqual([]);
  });

  it('refuses a subject the profile cannot carry, and bad validity', async () => {
    const csr = scratch.csr('subject');
    const issue = (options: Parameters<PkiService['issueFromCsr']>[1]) => refusal(pki.issueFromCsr(csr, options));
    expect(await issue({ profile: 'enterprise-licence', subject: { organizationName: '无代码公司' } })).toEqual({
      status: 400,
      code: 'invalid_subject',
    });
    expect(await issue({ profile: 'enterprise-licence', subject: { uscc: '91350100M000100Y44', organizationName: 'X' } })).toEqual({
      status: 400,
      code: 'invalid_subject',
    });
    expect(await issue({ profile: 'enterprise-licence', subject: { uscc: freshUscc(), organizationName: 'x'.repeat(65) } })).toEqual({
      status: 400,
      code: 'invalid_subject',
    });
    expect(await issue({ profile: 'nonsense' as 'seal-maker', subject: { commonName: 'x' } })).toEqual({
      status: 400,
      code: 'invalid_profile',
    });
    const now = Date.now();
    expect(
      await issue({ profile: 'seal-maker', subject: { commonName: 'x' }, notBefore: new Date(now), notAfter: new Date(now - 1000) }),
    ).toEqual({ status: 400, code: 'invalid_validity' });
    expect(await issue({ profile: 'seal-maker', subject: { commonName: 'x' }, notAfter: new Date(now + 100 * 365 * 86400_000) })).toEqual({
      status: 400,
      code: 'invalid_validity',
    });
  });
});
