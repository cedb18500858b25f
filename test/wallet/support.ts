import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IssuedLicence, Wallet } from '../../src/wallet/index.js';

x509.cryptoProvider.set(webcrypto as Crypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface ThrowawayCa {
  root: x509.X509Certificate;
  issuing: x509.X509Certificate;
  issuingKeys: CryptoKeyPair;
  /** A licence certificate for this public key (SPKI DER), as the CA would issue it. */
  issue(spki: Buffer, options?: { uscc?: string; name?: string; notBefore?: Date; notAfter?: Date }): Promise<x509.X509Certificate>;
  /** The issuer's answer for a wallet, as `POST /api/v1/enterprises/{uscc}/licence` gives it. */
  issuedFor(wallet: Wallet, uscc: string, options?: { name?: string; notBefore?: Date; notAfter?: Date }): Promise<IssuedLicence>;
}

/** A root and an issuing CA made for one test (ECDSA P-256), standing in for tongban's CA. */
export async function throwawayCa(): Promise<ThrowawayCa> {
  const now = Date.now();
  const rootKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const issuingKeys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test Root CA',
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 10 * 365 * 86400_000),
    keys: rootKeys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const issuing = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=Test Issuing CA',
    issuer: root.subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 5 * 365 * 86400_000),
    publicKey: issuingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  let serial = 100;
  const issue: ThrowawayCa['issue'] = async (spki, options = {}) => {
    const publicKey = await webcrypto.subtle.importKey('spki', spki, EC, true, ['verify']);
    return x509.X509CertificateGenerator.create({
      serialNumber: (++serial).toString(16).padStart(2, '0'),
      subject: new x509.Name([{ '2.5.4.97': [options.uscc ?? '91350100MA2YTB8K3X'] }, { CN: [options.name ?? '测试企业'] }]),
      issuer: issuing.subject,
      notBefore: options.notBefore ?? new Date(now - 60_000),
      notAfter: options.notAfter ?? new Date(now + 365 * 86400_000),
      publicKey,
      signingKey: issuingKeys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    });
  };
  return {
    root,
    issuing,
    issuingKeys,
    issue,
    async issuedFor(wallet, uscc, options = {}) {
      const certificate = await issue(wallet.spki, { uscc, ...options });
      return {
        serial: certificate.serialNumber,
        certificate: certificate.toString('pem'),
        chain: [issuing.toString('pem'), root.toString('pem')],
        licence: 'eyJhbGciOiJFUzI1NiJ9.e30.sig~',
        enterprise: { uscc, name: options.name ?? '测试企业' },
      };
    },
  };
}

export { x509 };

/** A root and an issuing CA of SM2 keys made by openssl for one test, standing in for tongban's SM2 CA. */
export interface Sm2ThrowawayCa {
  root: string;
  issuing: string;
  /** A licence certificate for the CSR's key, signed by the issuing CA (SM2 with SM3, default user ID). */
  issue(csrPem: string, days?: number): string;
  /** The issuer's answer for the wallet's CSR, as `POST /api/v1/enterprises/{uscc}/licence` gives it. */
  issuedFor(wallet: Wallet, uscc: string, name?: string): Promise<IssuedLicence>;
}

const GM_ID = 'distid:1234567812345678';

export function sm2ThrowawayCa(dir: string): Sm2ThrowawayCa {
  const run = (args: string[], input?: string) => {
    const result = spawnSync('openssl', args, { encoding: 'utf8', input });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const path = (name: string) => join(dir, name);
  writeFileSync(path('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  writeFileSync(path('leaf.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n');
  for (const name of ['sm2-root', 'sm2-issuing']) run(['genpkey', '-algorithm', 'SM2', '-out', path(`${name}.key`)]);
  run([
    'req',
    '-new',
    '-x509',
    '-key',
    path('sm2-root.key'),
    '-sm3',
    '-sigopt',
    GM_ID,
    '-subj',
    '/CN=Test SM2 Root CA',
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-out',
    path('sm2-root.pem'),
  ]);
  run([
    'req',
    '-new',
    '-key',
    path('sm2-issuing.key'),
    '-sm3',
    '-sigopt',
    GM_ID,
    '-subj',
    '/CN=Test SM2 Issuing CA',
    '-out',
    path('sm2-issuing.csr'),
  ]);
  const sign = (csr: string, ca: string, ext: string, out: string, days: number) =>
    run([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      path(`${ca}.pem`),
      '-CAkey',
      path(`${ca}.key`),
      '-sm3',
      '-sigopt',
      GM_ID,
      '-vfyopt',
      GM_ID,
      '-extfile',
      path(ext),
      '-days',
      String(days),
      '-set_serial',
      `0x${Math.floor(Math.random() * 2 ** 40).toString(16)}`,
      '-out',
      out,
    ]);
  sign(path('sm2-issuing.csr'), 'sm2-root', 'ca.ext', path('sm2-issuing.pem'), 20);
  let count = 0;
  const issue = (csrPem: string, days = 10) => {
    const csr = path(`leaf-${++count}.csr`);
    writeFileSync(csr, csrPem);
    sign(csr, 'sm2-issuing', 'leaf.ext', path(`leaf-${count}.pem`), days);
    return readFileSync(path(`leaf-${count}.pem`), 'utf8');
  };
  const root = readFileSync(path('sm2-root.pem'), 'utf8');
  const issuing = readFileSync(path('sm2-issuing.pem'), 'utf8');
  return {
    root,
    issuing,
    issue,
    async issuedFor(wallet, uscc, name = '国密测试企业') {
      const certificate = issue(await wallet.createCsr({ uscc, name }));
      return {
        serial: new x509.X509Certificate(certificate).serialNumber,
        certificate,
        chain: [issuing, root],
        licence: null,
        enterprise: { uscc, name },
      };
    },
  };
}
