import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
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
