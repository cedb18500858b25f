import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { WalletError } from './errors.js';

x509.cryptoProvider.set(webcrypto as Crypto);

export { x509 };

/** organizationIdentifier (X.520): where the CA writes the enterprise's USCC (design §4). */
export const ORGANIZATION_IDENTIFIER = '2.5.4.97';

export function parseCertificate(pem: unknown, what = 'the certificate'): x509.X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) throw new WalletError('BAD_CERTIFICATE', `${what} is not a PEM certificate`);
  try {
    return new x509.X509Certificate(pem);
  } catch {
    throw new WalletError('BAD_CERTIFICATE', `${what} cannot be read`);
  }
}

/** Standard (not URL-safe) base64 of the DER, as an `x5c` entry (RFC 7515 §4.1.6). */
export function x5cEntry(certificate: x509.X509Certificate): string {
  return Buffer.from(certificate.rawData).toString('base64');
}

export function spkiOf(certificate: x509.X509Certificate): Buffer {
  return Buffer.from(certificate.publicKey.rawData);
}

/** The values of the subject's organizationIdentifier attributes. */
export function organisationIdentifiers(certificate: x509.X509Certificate): string[] {
  return certificate.subjectName.getField(ORGANIZATION_IDENTIFIER);
}

export type ValidityState = 'valid' | 'expired' | 'not_yet_valid';

export function validityAt(certificate: x509.X509Certificate, now: Date): ValidityState {
  if (now.getTime() < certificate.notBefore.getTime()) return 'not_yet_valid';
  if (now.getTime() > certificate.notAfter.getTime()) return 'expired';
  return 'valid';
}
