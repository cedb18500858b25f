import '../support/silent.js';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
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
import { mustOpenssl, Scratch } from './support.js';

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

  it('keys init makes the root, the issuing CA and tongban’s own certificates as files beside the keys', async () => {
    const result = (await OPERATIONS['keys.init'].run(app, {}, { emit: () => {} })) as {
      created: unknown[];
      certificates: Array<{ kid: string; purpose: string }>;
    };
    expect(result.created).toHaveLength(9);
    expect(result.certificates.map((c) => c.purpose)).toEqual(['root-ca', 'issuing-ca', 'licence', 'seal-maker']);
    const keys = app.get(KeyStore);
    for (const certificate of result.certificates) {
      expect(certificate.kid).toBe(keys.current(certificate.purpose as 'root-ca').kid);
      expect(existsSync(join(t.config.keysDir, 'certs', `${certificate.kid}.pem`))).toBe(true);
    }
    const files = readdirSync(join(t.config.keysDir, 'certs'));
    expect(files).toHaveLength(4);
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
      expect(a.length + b.length).toBe(4);
      for (const purpose of ['root-ca', 'issuing-ca', 'licence', 'seal-maker'] as const) {
        expect(stores[0].current(purpose).der.equals(stores[1].current(purpose).der)).toBe(true);
      }
      expect(readdirSync(join(env.config.keysDir, 'certs')).filter((f) => f.endsWith('.pem'))).toHaveLength(4);
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
      certificates: Array<{ kid: string; purpose: string; subject: string }>;
    };
    const newKid = keys.current('issuing-ca').kid;
    expect(newKid).not.toBe(oldKid);
    expect(result.certificates.map((c) => [c.purpose, c.kid])).toContainEqual(['issuing-ca', newKid]);
    expect(result.certificates.find((c) => c.purpose === 'issuing-ca')!.subject).toContain('CN=tongban Issuing CA 2');
    const certs = join(t.config.keysDir, 'certs');
    expect(existsSync(join(certs, `${oldKid}.pem`))).toBe(true);
    const root = join(certs, `${keys.current('root-ca').kid}.pem`);
    expect(mustOpenssl(['verify', '-CAfile', root, join(certs, `${newKid}.pem`)])).toContain(': OK');
    // tongban's own end-entity certificates are not re-made for the new CA: they are valid as they are.
    expect(result.certificates.map((c) => c.purpose)).toEqual(['issuing-ca']);
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
