import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { CRYPTO_OID } from '../crypto/oids.js';
import { verifyByAlgorithm } from '../crypto/signature-algorithms.js';
import { canonicalUscc } from '../identifiers/uscc.js';
import { parseCertificate as readCertificateParts } from '../pki/x509.js';
import { WalletError } from './errors.js';

x509.cryptoProvider.set(webcrypto as Crypto);

export { x509 };

/** organizationIdentifier (X.520): where the CA writes the enterprise's USCC (design §4). */
export const ORGANIZATION_IDENTIFIER = '2.5.4.97';

export function parseCertificate(pem: unknown, what = 'the certificate'): x509.X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new WalletError('BAD_CERTIFICATE', `${what} is not a PEM certificate`);
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

/** The enterprise's USCC the certificate names (its organizationIdentifier, possibly with a prefix), or null. */
export function usccOf(certificate: x509.X509Certificate): string | null {
  for (const value of organisationIdentifiers(certificate)) {
    const uscc = canonicalUscc(value.slice(-18));
    if (uscc) return uscc;
  }
  return null;
}

/** The enterprise's name in a licence certificate's subject (O, else CN), or null. */
export function enterpriseNameOf(certificate: x509.X509Certificate): string | null {
  return certificate.subjectName.getField('O')[0] ?? certificate.subjectName.getField('CN')[0] ?? null;
}

/**
 * The certificates above `leaf` among `others`, in order (issuing CA first, up to a self-signed
 * root or as far as they go); each one's signature is checked. Certificates that are not part of
 * the path are left out.
 */
export async function chainAbove(leaf: x509.X509Certificate, others: x509.X509Certificate[]): Promise<x509.X509Certificate[]> {
  const chain: x509.X509Certificate[] = [];
  const left = [...others];
  let current = leaf;
  while (left.length && !(await isSelfSigned(current))) {
    let issuer: x509.X509Certificate | undefined;
    for (const candidate of left) {
      if (candidate.subject === current.issuer && (await issuedBy(current, candidate))) {
        issuer = candidate;
        break;
      }
    }
    if (!issuer) break;
    chain.push(issuer);
    left.splice(left.indexOf(issuer), 1);
    current = issuer;
  }
  return chain;
}

async function isSelfSigned(certificate: x509.X509Certificate): Promise<boolean> {
  return certificate.subject === certificate.issuer && (await issuedBy(certificate, certificate));
}

/**
 * Whether `issuer`'s key signed `certificate`. SM2-with-SM3 signatures (default user ID) are
 * checked by sm2Verify — WebCrypto and node:crypto have no SM2 — the others by WebCrypto.
 */
export async function issuedBy(certificate: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  let parts: ReturnType<typeof readCertificateParts> | undefined;
  try {
    parts = readCertificateParts(Buffer.from(certificate.rawData));
  } catch {
    parts = undefined; // not strict DER: WebCrypto's reading decides
  }
  if (parts?.signatureAlgorithm === CRYPTO_OID.sm2WithSm3)
    return verifyByAlgorithm(CRYPTO_OID.sm2WithSm3, spkiOf(issuer), parts.tbs, parts.signature).result === 'valid';
  return certificate.verify({ publicKey: issuer, signatureOnly: true }).catch(() => false);
}

export type ValidityState = 'valid' | 'expired' | 'not_yet_valid';

export function validityAt(certificate: x509.X509Certificate, now: Date): ValidityState {
  if (now.getTime() < certificate.notBefore.getTime()) return 'not_yet_valid';
  if (now.getTime() > certificate.notAfter.getTime()) return 'expired';
  return 'valid';
}
