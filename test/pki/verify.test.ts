import '../support/silent.js';
import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { createPrivateKey, sign, verify, X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PkiService, type ChainVerification } from '../../src/pki/pki.service.js';
import { certificateReport } from '../../src/verification/verification.service.js';
import { openServices } from '../support/context.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { derSequence, derUtcTime, flipByte, freshUscc, mustOpenssl, openssl, rebuilt, Scratch } from './support.js';

describe(`verifyCertificateChain on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext;
  let pki: PkiService;
  let root: string;
  let issuing: string;
  const scratch = new Scratch();

  async function issue(name: string, options: { notBefore?: Date; notAfter?: Date } = {}) {
    const uscc = freshUscc();
    const issued = await pki.issueFromCsr(scratch.csr(name), {
      profile: 'enterprise-licence',
      subject: { uscc, organizationName: `验证企业${name}` },
      ...options,
    });
    return { ...issued, uscc, key: scratch.path(`${name}.key`) };
  }

  /**
   * verifyCertificateChain, and the report made of its answer: every verdict it reaches must be one
   * the report builder accepts (a pair ETSI EN 319 102-1 allows, shown by the checks), carried as it is.
   */
  async function verified(input: Parameters<PkiService['verifyCertificateChain']>[0], at?: Date): Promise<ChainVerification> {
    const result = await pki.verifyCertificateChain(input, at);
    const report = certificateReport(result);
    expect({ indication: report.indication, subIndication: report.subIndication }).toEqual({
      indication: result.indication,
      subIndication: result.subIndication,
    });
    return result;
  }

  beforeAll(async () => {
    t = await makeTestEnv();
    app = await openServices(t.config);
    pki = app.get(PkiService);
    root = (await pki.caCertificate('root')).pem;
    issuing = (await pki.caCertificate('issuing')).pem;
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
    scratch.cleanup();
  });

  it('passes a good chain (leaf alone, with its issuer, or as x5c base64) and says who it is for', async () => {
    const leaf = await issue('good');
    for (const input of [
      leaf.pem,
      [leaf.pem, issuing],
      leaf.pem + issuing + root,
      [leaf.der.toString('base64'), new X509Certificate(issuing).raw.toString('base64')],
    ]) {
      const result = await verified(input);
      expect(result).toMatchObject({
        indication: 'TOTAL_PASSED',
        format: { status: 'PASSED' },
        signature: { status: 'PASSED' },
        chain: { status: 'PASSED' },
        validity: { status: 'PASSED' },
        revocation: { status: 'PASSED' },
        subject: { commonName: `验证企业good`, organizationName: `验证企业good`, uscc: leaf.uscc },
        issuer: { commonName: 'tongban Issuing CA 1', organizationName: 'tongban' },
        serial: leaf.serial,
        notBefore: leaf.notBefore.toISOString(),
        notAfter: leaf.notAfter.toISOString(),
        profile: 'enterprise-licence',
        path: [`验证企业good`, 'tongban Issuing CA 1', 'tongban Root CA'],
      });
      expect(result.subIndication).toBeUndefined();
    }
    // The leaf's public key is the one the holder signs with.
    const publicKey = (await verified(leaf.pem)).publicKey();
    const data = Buffer.from('licence login challenge');
    const signature = sign('sha256', data, createPrivateKey(scratch.read('good.key')));
    expect(verify('sha256', data, publicKey!, signature)).toBe(true);
  });

  it('REVOKED after revocation (with time and reason); still PASSED for a time before it', async () => {
    const leaf = await issue('revoked');
    const before = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pki.revoke(leaf.serial, 'keyCompromise');
    const result = await verified(leaf.pem);
    expect(result).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'REVOKED',
      revocation: { status: 'FAILED' },
      reason: 'keyCompromise',
    });
    expect(Date.parse(result.revokedAt!)).toBeGreaterThan(before.getTime());
    expect(result.signature.status).toBe('PASSED');
    const earlier = await verified(leaf.pem, before);
    expect(earlier).toMatchObject({ indication: 'TOTAL_PASSED', revocation: { status: 'PASSED' } });
  });

  it('EXPIRED for a certificate whose notAfter has passed; NOT_YET_VALID before notBefore', async () => {
    const now = Date.now();
    const expired = await issue('expired', { notBefore: new Date(now - 30_000), notAfter: new Date(now - 5_000) });
    expect(await verified(expired.pem)).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'EXPIRED',
      validity: { status: 'FAILED' },
      signature: { status: 'PASSED' },
    });
    const future = await issue('future', { notBefore: new Date(now + 3600_000), notAfter: new Date(now + 7200_000) });
    expect(await verified(future.pem)).toMatchObject({ subIndication: 'NOT_YET_VALID', validity: { status: 'FAILED' } });
    expect(await verified(future.pem, new Date(now + 5400_000))).toMatchObject({ indication: 'TOTAL_PASSED' });
  });

  it('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND for a chain of another CA, even one with tongban’s names', async () => {
    const foreign = scratch.foreignCa('other');
    // openssl itself accepts that chain under its own root.
    expect(mustOpenssl(['verify', '-CAfile', scratch.path('other-ca.pem'), scratch.path('other-leaf.pem')])).toContain(': OK');
    for (const input of [foreign.leaf, [foreign.leaf, foreign.root], foreign.root]) {
      const result = await verified(input);
      // Not a failure: tongban cannot tell (ETSI EN 319 102-1 has no TOTAL_FAILED for it); what it could check is reported.
      expect(result).toMatchObject({
        indication: 'INDETERMINATE',
        subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
        format: { status: 'PASSED' },
        chain: { status: 'INDETERMINATE' },
        signature: { status: 'INDETERMINATE' },
        validity: { status: 'PASSED' },
        revocation: { status: 'INDETERMINATE' },
      });
    }
  });

  it('SIG_CRYPTO_FAILURE for a leaf with one signature byte changed', async () => {
    const leaf = await issue('forged');
    const forged = flipByte(leaf.pem, 'CERTIFICATE');
    expect(new X509Certificate(forged).serialNumber.toLowerCase()).toBe(leaf.serial); // still parses as the same certificate
    const result = await verified([forged, issuing]);
    expect(result).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE', signature: { status: 'FAILED' } });
    expect(result.revocation.status).not.toBe('PASSED');
    // The genuine one still passes (nothing cached from the forgery leaks into it).
    expect((await verified(leaf.pem)).indication).toBe('TOTAL_PASSED');
  });

  it('FORMAT_FAILURE for garbage, never a throw', async () => {
    const leaf = await issue('format');
    const half = leaf.pem.split('\n');
    for (const input of [
      'garbage',
      '',
      [],
      [''],
      '-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n',
      half.slice(0, Math.floor(half.length / 2)).join('\n'),
      [...half.slice(0, 3), ...half.slice(-2)].join('\n'),
      'AAAA',
      [leaf.pem, 'not a certificate'],
      123 as unknown as string,
      null as unknown as string,
    ]) {
      const result = await verified(input);
      expect(result).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', format: { status: 'FAILED' } });
      expect(result.signature.status).toBe('INDETERMINATE');
    }
  });

  it('FORMAT_FAILURE for what is not strict DER, and for what OpenSSL refuses to read', async () => {
    const leaf = await issue('strict');
    const foreign = scratch.foreignCa('strict-other');
    const bad = {
      // tongban's own reader refuses these (Date.UTC would roll month 13 over into next January)
      nonMinimalSerial: rebuilt(leaf.pem, { serial: Buffer.from('020400000001', 'hex') }),
      month13: rebuilt(leaf.pem, { validity: derSequence(derUtcTime('261301000000Z'), derUtcTime('271201000000Z')) }),
      // …OpenSSL refuses these (a NULL with contents as the algorithm's parameters, inside and out),
      // whether the certificate claims to be tongban's or another CA's
      nullWithContents: rebuilt(leaf.pem, { algorithmParameters: Buffer.from('050100', 'hex') }),
      foreignNullWithContents: rebuilt(foreign.leaf, { algorithmParameters: Buffer.from('050100', 'hex') }),
    };
    for (const [name, pem] of Object.entries(bad)) {
      const result = await verified([pem, issuing]);
      expect({ name, ...result }).toMatchObject({
        name,
        indication: 'TOTAL_FAILED',
        subIndication: 'FORMAT_FAILURE',
        format: { status: 'FAILED', message: 'not a valid X.509 certificate' },
      });
    }
    expect(() => new X509Certificate(bad.nullWithContents)).toThrow();
    // The outer algorithm identifier must be the inner one byte for byte (RFC 5280 §4.1.1.2).
    const outerOnly = rebuilt(leaf.pem, { outerAlgorithmParameters: Buffer.from('0500', 'hex') });
    expect((await verified(outerOnly)).subIndication).toBe('FORMAT_FAILURE');
    // Unchanged, both read it.
    expect((await verified(rebuilt(leaf.pem, {}))).indication).toBe('TOTAL_PASSED');
  });

  it('TRY_LATER, never PASSED, when the revocation records cannot be read', async () => {
    const seen = await issue('online');
    const leaf = await issue('offline');
    expect((await verified(seen.pem)).indication).toBe('TOTAL_PASSED');
    const db = app.get(DataSource);
    // The database is gone: TypeORM's queries and the prepared statements sent to the pg pool directly.
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const pool = (db.driver as { master?: { query?: unknown } }).master;
    const spies = [jest.spyOn(db, 'query').mockRejectedValue(outage)];
    if (typeof pool?.query === 'function')
      spies.push(jest.spyOn(pool as { query: () => Promise<never> }, 'query').mockRejectedValue(outage) as never);
    const spy = { mockRestore: () => spies.forEach((s) => s.mockRestore()) };
    try {
      // States are cached for seconds at most; a certificate whose state was never read must wait.
      const result = await verified(leaf.pem);
      expect(spies.some((s) => s.mock.calls.length > 0)).toBe(true);
      expect(result).toMatchObject({
        indication: 'INDETERMINATE',
        subIndication: 'TRY_LATER',
        revocation: { status: 'INDETERMINATE' },
        signature: { status: 'PASSED' },
        chain: { status: 'PASSED' },
      });
    } finally {
      spy.mockRestore();
    }
  });

  it('knows tongban’s own certificates, and a held certificate is not PASSED', async () => {
    const own = await pki.ownCertificate('licence');
    expect(await verified(own.chain)).toMatchObject({
      indication: 'TOTAL_PASSED',
      profile: 'licence-issuer',
      subject: { commonName: 'tongban Licence Issuer' },
    });
    expect(await verified(root)).toMatchObject({ indication: 'TOTAL_PASSED', path: ['tongban Root CA'] });
    const leaf = await issue('held');
    await pki.hold(leaf.serial);
    expect(await verified(leaf.pem)).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER', reason: 'certificateHold' });
  });

  // Last: it revokes the issuing CA itself.
  it('a revoked issuing CA certificate is listed on the root CRL and no chain through it passes', async () => {
    const leaf = await issue('under-revoked-ca');
    const issuingCa = await pki.caCertificate('issuing');
    await pki.revoke(issuingCa.parts.serial, 'cACompromise');
    const crl = scratch.write('root.crl', await pki.crl('root'));
    const text = mustOpenssl(['crl', '-inform', 'DER', '-in', crl, '-text', '-noout']);
    expect(text).toContain(`Serial Number: ${issuingCa.parts.serial.toUpperCase()}`);
    expect(text).toMatch(/CA Compromise/);
    scratch.write('root.pem', root);
    const crlVerified = openssl(['crl', '-inform', 'DER', '-in', crl, '-CAfile', scratch.path('root.pem'), '-noout', '-verify']);
    expect(crlVerified.stdout + crlVerified.stderr).toContain('verify OK');
    const result = await verified(leaf.pem);
    // ETSI EN 319 102-1: REVOKED is the certificate's own; a revoked CA on its path is REVOKED_CA_NO_POE (INDETERMINATE).
    expect(result).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_CA_NO_POE',
      revocation: { status: 'FAILED' },
      signature: { status: 'PASSED' },
    });
    expect(result.revocation.message).toContain('tongban Issuing CA 1');
    expect(result.reason).toBeUndefined(); // the leaf itself is not revoked
  });
});
