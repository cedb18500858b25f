import '../support/silent.js';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { CliModule } from '../../src/cli/cli.module.js';
import { OPERATIONS } from '../../src/cli/operations.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { CaStore } from '../../src/pki/ca.js';
import { PkiService } from '../../src/pki/pki.service.js';
import { openServices } from '../support/context.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { opensslSm2Verify } from '../crypto/openssl-sm2.js';
import { mustOpenssl, openssl, Scratch, signedPart, SM2_VERIFY } from './support.js';

describe('the CA hierarchy, without a database (tongban keys init)', () => {
  let t: TestEnv;
  let app: INestApplicationContext;
  const scratch = new Scratch();

  beforeAll(async () => {
    // Keys are not created at start here: `keys init` makes them, as an operator would.
    t = await makeTestEnv({ KEYS_AUTO_INIT: '0', PUBLIC_URL: 'https://id.example.gov.cn' });
    app = await NestFactory.createApplicationContext(await CliModule.forRoot(t.config, { database: false }), {
      logger: false,
      abortOnError: false,
    });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
    scratch.cleanup();
  });

  it('keys init makes the root, the issuing CA and tongban’s own certificates of both hierarchies as files beside the keys', async () => {
    const result = (await OPERATIONS['keys.init'].run(app, {}, { emit: () => {} })) as {
      created: Array<{ purpose: string; alg: string }>;
      certificates: Array<{ kid: string; purpose: string; hierarchy: string }>;
    };
    expect(result.created).toHaveLength(13);
    // The SM2 keys (design §4): both CAs, the licence key and the seal maker (whose default is SM2).
    expect(result.created.filter((k) => k.alg === 'SM2SM3').map((k) => k.purpose)).toEqual([
      'root-ca',
      'issuing-ca',
      'licence',
      'seal-maker',
    ]);
    expect(result.certificates.map((c) => `${c.hierarchy} ${c.purpose}`)).toEqual([
      'p256 root-ca',
      'p256 issuing-ca',
      'p256 licence',
      'p256 seal-maker',
      'sm2 root-ca',
      'sm2 issuing-ca',
      'sm2 licence',
      'sm2 seal-maker',
    ]);
    const keys = app.get(KeyStore);
    for (const certificate of result.certificates) {
      expect(certificate.kid).toBe(
        keys.current(certificate.purpose as 'root-ca', certificate.hierarchy === 'sm2' ? 'SM2SM3' : 'ES256').kid,
      );
      expect(existsSync(join(t.config.keysDir, 'certs', `${certificate.kid}.pem`))).toBe(true);
    }
    const files = readdirSync(join(t.config.keysDir, 'certs'));
    expect(files).toHaveLength(8);
    for (const file of files) expect(readFileSync(join(t.config.keysDir, 'certs', file), 'utf8')).not.toContain('PRIVATE KEY');

    // A second run makes nothing new.
    const again = (await OPERATIONS['keys.init'].run(app, {}, { emit: () => {} })) as { certificates: unknown[] };
    expect(again.certificates).toEqual([]);
  });

  it('openssl accepts the root (self-signed) and the issuing CA under it, with the profile’s extensions', () => {
    const keys = app.get(KeyStore);
    const certs = join(t.config.keysDir, 'certs');
    const root = join(certs, `${keys.current('root-ca').kid}.pem`);
    const issuing = join(certs, `${keys.current('issuing-ca').kid}.pem`);
    const licence = join(certs, `${keys.current('licence').kid}.pem`);
    expect(mustOpenssl(['verify', '-CAfile', root, root])).toContain(': OK');
    expect(mustOpenssl(['verify', '-CAfile', root, issuing])).toContain(': OK');
    expect(mustOpenssl(['verify', '-CAfile', root, '-untrusted', issuing, '-purpose', 'any', licence])).toContain(': OK');

    const rootText = mustOpenssl(['x509', '-in', root, '-noout', '-text']);
    expect(rootText).toMatch(/Subject: C = CN, O = tongban, CN = tongban Root CA/);
    expect(rootText).toMatch(/Issuer: C = CN, O = tongban, CN = tongban Root CA/);
    expect(rootText).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(rootText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    expect(rootText).toMatch(/Subject Key Identifier/);
    expect(rootText).toMatch(/ecdsa-with-SHA256/);
    expect(rootText).toMatch(/ASN1 OID: prime256v1/);
    const rootCert = new X509Certificate(readFileSync(root));
    const years = (Date.parse(rootCert.validTo) - Date.parse(rootCert.validFrom)) / (365.25 * 86400_000);
    expect(Math.round(years)).toBe(20);

    const issuingText = mustOpenssl(['x509', '-in', issuing, '-noout', '-text']);
    expect(issuingText).toMatch(/Subject: C = CN, O = tongban, CN = tongban Issuing CA 1/);
    expect(issuingText).toMatch(/Issuer: C = CN, O = tongban, CN = tongban Root CA/);
    expect(issuingText).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(issuingText).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(issuingText).toMatch(/Authority Key Identifier/);
    expect(issuingText).toContain('URI:https://id.example.gov.cn/pki/crl/root.crl');
    expect(issuingText).toContain('CA Issuers - URI:https://id.example.gov.cn/pki/ca/root.cer');
    const issuingCert = new X509Certificate(readFileSync(issuing));
    expect(Math.round((Date.parse(issuingCert.validTo) - Date.parse(issuingCert.validFrom)) / (365.25 * 86400_000))).toBe(10);

    const licenceText = mustOpenssl(['x509', '-in', licence, '-noout', '-text']);
    expect(licenceText).toMatch(/Subject: C = CN, O = tongban, CN = tongban Licence Issuer/);
    expect(licenceText).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(licenceText).toMatch(/Extended Key Usage:\s+(1\.3\.6\.1\.5\.5\.7\.3\.36|Document Signing)/);
    expect(licenceText).toMatch(/CA:FALSE/);
    expect(licenceText).toContain('OCSP - URI:https://id.example.gov.cn/pki/ocsp');
  });

  it('the SM2 hierarchy: openssl accepts the SM2 root, issuing CA and tongban’s SM2 certificates (SM2-with-SM3, GM/T 0015 profile)', () => {
    const keys = app.get(KeyStore);
    const certs = join(t.config.keysDir, 'certs');
    const file = (purpose: 'root-ca' | 'issuing-ca' | 'licence' | 'seal-maker') =>
      join(certs, `${keys.current(purpose, 'SM2SM3').kid}.pem`);
    const [root, issuing, licence, sealMaker] = [file('root-ca'), file('issuing-ca'), file('licence'), file('seal-maker')];
    // Each link by openssl with the default user ID (GM/T 0009), which OpenSSL 3.0 uses only when told
    // (-vfyopt distid:…; without it, an empty ID). It applies the option to the certificate being
    // verified alone, never to an intermediate, so a whole SM2 chain of default-ID signatures cannot
    // be checked in one `openssl verify`: each certificate is checked under its issuer instead.
    expect(mustOpenssl(['verify', ...SM2_VERIFY, '-CAfile', root, issuing])).toContain(': OK');
    for (const leaf of [licence, sealMaker]) {
      expect(mustOpenssl(['verify', ...SM2_VERIFY, '-partial_chain', '-CAfile', issuing, '-purpose', 'any', leaf])).toContain(': OK');
      expect(openssl(['verify', ...SM2_VERIFY, '-CAfile', root, leaf]).status).not.toBe(0); // not the root's
    }
    // The root's self-signature (which `openssl verify` does not check) by pkeyutl over its tbsCertificate.
    expect(mustOpenssl(['verify', '-CAfile', root, root])).toContain(': OK');
    const self = signedPart(readFileSync(root, 'latin1'));
    expect(opensslSm2Verify(scratch, root, scratch.write('root-tbs.der', self.tbs), self.signature, { certificate: true })).toBe(true);
    const forged = Buffer.from(self.tbs);
    forged[forged.length - 1] ^= 1;
    expect(opensslSm2Verify(scratch, root, scratch.write('forged-tbs.der', forged), self.signature, { certificate: true })).toBe(false);
    // …and not under the ECDSA root: the hierarchies are apart.
    const p256Root = join(certs, `${keys.current('root-ca').kid}.pem`);
    expect(openssl(['verify', ...SM2_VERIFY, '-CAfile', p256Root, issuing]).status).not.toBe(0);

    const rootText = mustOpenssl(['x509', '-in', root, '-noout', '-text']);
    expect(rootText).toMatch(/Subject: C = CN, O = tongban, CN = tongban SM2 Root CA/);
    expect(rootText).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(rootText).toMatch(/Public Key Algorithm: id-ecPublicKey[\s\S]*ASN1 OID: SM2/);
    expect(rootText).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(rootText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    const issuingText = mustOpenssl(['x509', '-in', issuing, '-noout', '-text']);
    expect(issuingText).toMatch(/Subject: C = CN, O = tongban, CN = tongban SM2 Issuing CA 1/);
    expect(issuingText).toMatch(/Issuer: C = CN, O = tongban, CN = tongban SM2 Root CA/);
    expect(issuingText).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(issuingText).toContain('URI:https://id.example.gov.cn/pki/crl/sm2-root.crl');
    expect(issuingText).toContain('CA Issuers - URI:https://id.example.gov.cn/pki/ca/sm2-root.cer');
    const licenceText = mustOpenssl(['x509', '-in', licence, '-noout', '-text']);
    expect(licenceText).toMatch(/Subject: C = CN, O = tongban, CN = tongban SM2 Licence Issuer/);
    expect(licenceText).toContain('URI:https://id.example.gov.cn/pki/crl/sm2-issuing.crl');
    expect(licenceText).toContain('CA Issuers - URI:https://id.example.gov.cn/pki/ca/sm2-issuing.cer');
    expect(licenceText).toContain('OCSP - URI:https://id.example.gov.cn/pki/ocsp');

    // The signature algorithm is 1.2.156.10197.1.501 with no parameters, inside and outside the
    // tbsCertificate; SKI/AKI are the SHA-1 of the key bits (RFC 5280 method 1), as for P-256.
    const der = Buffer.from(mustOpenssl(['x509', '-in', licence, '-outform', 'DER']), 'latin1');
    expect(der.toString('hex').split('300a06082a811ccf55018375').length - 1).toBe(2);
    const keyBits = (pem: string) =>
      Buffer.from(mustOpenssl(['x509', '-in', pem, '-noout', '-pubkey']).replace(/-----[^-]+-----|\s/g, ''), 'base64').subarray(-65);
    const sha1 = (bytes: Buffer) =>
      createHash('sha1')
        .update(bytes)
        .digest('hex')
        .toUpperCase()
        .replace(/(..)(?!$)/g, '$1:');
    expect(licenceText).toContain(sha1(keyBits(licence)));
    expect(licenceText).toMatch(new RegExp(`Authority Key Identifier:\\s+(keyid:)?${sha1(keyBits(issuing))}`));
  });

  it('two processes racing to make the certificates mint one per key (lock, then re-read)', async () => {
    const env = await makeTestEnv({ KEYS_AUTO_INIT: '0' });
    try {
      const contexts = await Promise.all(
        [0, 1].map(async () => {
          const context = await NestFactory.createApplicationContext(await CliModule.forRoot(env.config, { database: false }), {
            logger: false,
            abortOnError: false,
          });
          await context.init();
          return context;
        }),
      );
      await contexts[0].get(KeyStore).init();
      await contexts[1].get(KeyStore).reloadIfChanged();
      const stores = contexts.map((c) => new CaStore(c.get(KeyStore), env.config));
      const [a, b] = await Promise.all(stores.map((s) => s.ensure()));
      expect(a.length + b.length).toBe(8);
      for (const hierarchy of ['p256', 'sm2'] as const)
        for (const purpose of ['root-ca', 'issuing-ca', 'licence', 'seal-maker'] as const) {
          expect(stores[0].current(purpose, hierarchy).der.equals(stores[1].current(purpose, hierarchy).der)).toBe(true);
        }
      expect(readdirSync(join(env.config.keysDir, 'certs')).filter((f) => f.endsWith('.pem'))).toHaveLength(8);
      await Promise.all(contexts.map((c) => c.close()));
    } finally {
      await env.cleanup();
    }
  });

  it('a rotated issuing-ca key gets its own certificate at the next init; the old one stays for verification', async () => {
    const keys = app.get(KeyStore);
    const oldKid = keys.current('issuing-ca').kid;
    await OPERATIONS['keys.rotate'].run(app, { purpose: 'issuing-ca' }, { emit: () => {} });
    const result = (await OPERATIONS['keys.init'].run(app, {}, { emit: () => {} })) as {
      certificates: Array<{ kid: string; purpose: string; hierarchy: string; subject: string }>;
    };
    const newKid = keys.current('issuing-ca').kid;
    expect(newKid).not.toBe(oldKid);
    expect(result.certificates.map((c) => [c.purpose, c.kid])).toContainEqual(['issuing-ca', newKid]);
    expect(result.certificates.find((c) => c.kid === newKid)!.subject).toContain('CN=tongban Issuing CA 2');
    // The purpose's SM2 key is rotated with it, and its CA is named apart.
    const sm2 = result.certificates.find((c) => c.hierarchy === 'sm2')!;
    expect(sm2).toMatchObject({ purpose: 'issuing-ca', kid: keys.current('issuing-ca', 'SM2SM3').kid });
    expect(sm2.subject).toContain('CN=tongban SM2 Issuing CA 2');
    const certs = join(t.config.keysDir, 'certs');
    expect(existsSync(join(certs, `${oldKid}.pem`))).toBe(true);
    const root = join(certs, `${keys.current('root-ca').kid}.pem`);
    expect(mustOpenssl(['verify', '-CAfile', root, join(certs, `${newKid}.pem`)])).toContain(': OK');
    // tongban's own end-entity certificates are not re-made for the new CA: they are valid as they are.
    expect(result.certificates.map((c) => c.purpose)).toEqual(['issuing-ca', 'issuing-ca']);
  });
});

describe(`the PKI service at start on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext;

  beforeAll(async () => {
    t = await makeTestEnv();
    app = await openServices(t.config);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('makes the CA certificates on start and records the ones it signed in pki_certificates', async () => {
    const pki = app.get(PkiService);
    expect(pki.ready).toBe(true);
    const issuing = await pki.caCertificate('issuing');
    const record = await pki.certificate(issuing.parts.serial);
    expect(record).toMatchObject({
      profile: 'issuing-ca',
      status: 'good',
      uscc: null,
      subject: 'C=CN, O=tongban, CN=tongban Issuing CA 1',
    });
    expect(record!.pem).toBe(issuing.pem);
    const licence = await pki.ownCertificate('licence');
    expect(await pki.certificate(new X509Certificate(licence.pem).serialNumber)).toMatchObject({
      profile: 'licence-issuer',
      status: 'good',
    });
    expect(licence.chain).toHaveLength(3);
    expect(pki.x5cFor(licence.kid)).toEqual(licence.chain.map((pem) => new X509Certificate(pem).raw.toString('base64')));
    expect(pki.caChainPem()).toEqual(licence.chain.slice(1));
    // The root is a trust anchor, not a record.
    expect(await pki.certificate((await pki.caCertificate('root')).parts.serial)).toBeNull();
  });

  it('starts again on the same keys and database without minting anything new', async () => {
    const certs = join(t.config.keysDir, 'certs');
    const contents = () => Object.fromEntries(readdirSync(certs).map((f) => [f, readFileSync(join(certs, f), 'utf8')]));
    const before = contents();
    const rows = (context: INestApplicationContext) =>
      context.get(DataSource).query<Array<{ serial: string }>>(`SELECT serial FROM pki_certificates ORDER BY serial`);
    const rowsBefore = await rows(app);
    await app.close();
    app = await openServices(t.config);
    expect(app.get(PkiService).ready).toBe(true);
    expect(contents()).toEqual(before);
    expect(await rows(app)).toEqual(rowsBefore);
  });
});
