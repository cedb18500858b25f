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
import type { KeyObject } from 'node:crypto';
import type { KeyStore } from '../keys/keystore.service.js';
import { filePrefix, type Hierarchy } from './hierarchy.js';
import { verifySignature } from './signatures.js';
import {
  buildName,
  ext,
  keyIdentifier,
  OID,
  parseCertificate,
  serialize,
  signatureAlgorithmOf,
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

/** Where a hierarchy's CAs publish themselves (`sm2-` before the SM2 ones' files); baked into the certificates they make. */
export function pkiUrls(publicUrl: string, hierarchy: Hierarchy = 'p256') {
  const prefix = filePrefix(hierarchy);
  return {
    rootCrl: `${publicUrl}/pki/crl/${prefix}root.crl`,
    issuingCrl: `${publicUrl}/pki/crl/${prefix}issuing.crl`,
    rootCer: `${publicUrl}/pki/ca/${prefix}root.cer`,
    issuingCer: `${publicUrl}/pki/ca/${prefix}issuing.cer`,
    ocsp: `${publicUrl}/pki/ocsp`,
  };
}

/** The issuer side of a certificate to be signed: its key, its subject (as encoded) and key identifier. */
export interface Signer {
  kid: string;
  hierarchy: Hierarchy;
  subjectDer: Buffer;
  ski: Buffer;
  spki: Buffer;
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
 * with the signer's key (ECDSA P-256 / SHA-256 or SM2 / SM3, DER signature). The result is checked
 * against the signer's public key before it is returned, so a misbehaving key backend cannot hand
 * out a broken certificate.
 */
export async function signCertificate(
  keys: KeyStore,
  signer: Signer | 'self',
  spec: CertificateSpec & { selfKid?: string },
): Promise<{ der: Buffer; parts: CertificateParts }> {
  const subject = buildName(spec.subject);
  const issuer = signer === 'self' ? subject : AsnConvert.parse(signer.subjectDer, Name);
  const kid = signer === 'self' ? spec.selfKid! : signer.kid;
  const algorithm = signatureAlgorithmOf(keys.record(kid).alg);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(spec.serial),
    // Parameters absent (as for ECDSA); the outer copy signTbs writes is the same bytes.
    signature: new AlgorithmIdentifier({ algorithm: algorithm.oid }),
    issuer,
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject,
    subjectPublicKeyInfo: AsnConvert.parse(spec.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(spec.extensions),
  });
  const der = await signTbs(keys, kid, serialize(tbs));
  const parts = parseCertificate(der);
  const verifyKey = signer === 'self' ? { spki: spec.spki } : { spki: signer.spki, publicKey: signer.publicKey };
  if (!parts.spki.equals(spec.spki)) throw new Error('the certificate does not carry the requested public key');
  if (!verifySignature(parts.signatureAlgorithm, verifyKey, parts.tbs, parts.signature)) {
    throw new Error(`the signature made with ${kid} does not verify`);
  }
  return { der, parts };
}

/** Extensions of an end-entity certificate of a profile, issued by the issuing CA. */
export function endEntityExtensions(profile: Profile, spki: Buffer, issuer: Signer, publicUrl: string): Extension[] {
  const usage = PROFILE_USAGE[profile];
  const urls = pkiUrls(publicUrl, issuer.hierarchy);
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
