import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  Extensions,
  KeyUsageFlags,
  Name,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  type Extension,
} from '@peculiar/asn1-x509';
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { KeyStore } from '../keys/keystore.service.js';
import {
  buildName,
  ext,
  keyIdentifier,
  OID,
  parseCertificate,
  serialize,
  signTbs,
  toArrayBuffer,
  type CertificateParts,
  type NameAttributes,
} from './x509.js';

/** The certificate profiles the CA issues to end entities (design §4). */
export const PROFILES = ['enterprise-licence', 'seal-maker', 'licence-issuer'] as const;
export type Profile = (typeof PROFILES)[number];

/** Key usage and extended key usage by profile. */
export const PROFILE_USAGE: Record<Profile, { keyUsage: number; extKeyUsage: string[] }> = {
  'enterprise-licence': { keyUsage: KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation, extKeyUsage: [OID.kpClientAuth] },
  'seal-maker': { keyUsage: KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation, extKeyUsage: [OID.kpDocumentSigning] },
  'licence-issuer': { keyUsage: KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation, extKeyUsage: [OID.kpDocumentSigning] },
};

/** Where the CA publishes itself; baked into the certificates it makes. */
export function pkiUrls(publicUrl: string) {
  return {
    rootCrl: `${publicUrl}/pki/crl/root.crl`,
    issuingCrl: `${publicUrl}/pki/crl/issuing.crl`,
    rootCer: `${publicUrl}/pki/ca/root.cer`,
    issuingCer: `${publicUrl}/pki/ca/issuing.cer`,
    ocsp: `${publicUrl}/pki/ocsp`,
  };
}

/** The issuer side of a certificate to be signed: its key, its subject (as encoded) and key identifier. */
export interface Signer {
  kid: string;
  subjectDer: Buffer;
  ski: Buffer;
  publicKey: KeyObject;
}

export interface CertificateSpec {
  serial: Buffer;
  subject: NameAttributes;
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  extensions: Extension[];
}

/**
 * Builds the tbsCertificate with @peculiar/asn1-x509, DER-encodes it and has the KeyStore sign it
 * (ECDSA P-256 / SHA-256, DER signature). The result is checked against the signer's public key
 * before it is returned, so a misbehaving key backend cannot hand out a broken certificate.
 */
export async function signCertificate(
  keys: KeyStore,
  signer: Signer | 'self',
  spec: CertificateSpec & { selfKid?: string },
): Promise<{ der: Buffer; parts: CertificateParts }> {
  const subject = buildName(spec.subject);
  const issuer = signer === 'self' ? subject : AsnConvert.parse(signer.subjectDer, Name);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(spec.serial),
    signature: new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 }),
    issuer,
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject,
    subjectPublicKeyInfo: AsnConvert.parse(spec.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(spec.extensions),
  });
  const kid = signer === 'self' ? spec.selfKid! : signer.kid;
  const der = await signTbs(keys, kid, serialize(tbs));
  const parts = parseCertificate(der);
  const verifyKey = signer === 'self' ? createPublicKey({ key: spec.spki, format: 'der', type: 'spki' }) : signer.publicKey;
  if (!parts.spki.equals(spec.spki)) throw new Error('the certificate does not carry the requested public key');
  if (!cryptoVerify('sha256', parts.tbs, { key: verifyKey, dsaEncoding: 'der' }, parts.signature)) {
    throw new Error(`the signature made with ${kid} does not verify`);
  }
  return { der, parts };
}

/** Extensions of an end-entity certificate of a profile, issued by the issuing CA. */
export function endEntityExtensions(profile: Profile, spki: Buffer, issuer: Signer, publicUrl: string): Extension[] {
  const usage = PROFILE_USAGE[profile];
  const urls = pkiUrls(publicUrl);
  return [
    ext.basicConstraints(false),
    ext.keyUsage(usage.keyUsage),
    ext.extKeyUsage(...usage.extKeyUsage),
    ext.subjectKeyIdentifier(keyIdentifier(spki)),
    ext.authorityKeyIdentifier(issuer.ski),
    ext.crlDistributionPoint(urls.issuingCrl),
    ext.authorityInfoAccess({ ocsp: urls.ocsp, caIssuers: urls.issuingCer }),
  ];
}

/** UTC, whole seconds. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export function addYears(date: Date, years: number): Date {
  const copy = new Date(date);
  copy.setUTCFullYear(copy.getUTCFullYear() + years);
  return copy;
}
