import 'reflect-metadata';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AccessDescription,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { CRYPTO_OID } from '../crypto/oids.js';
import type { KeyAlgorithm } from '../keys/key-types.js';
import type { KeyStore } from '../keys/keystore.service.js';
import {
  bitString,
  bitStringBytes,
  children,
  contents,
  expectTag,
  raw,
  readOid,
  readRoot,
  readString,
  readTime,
  sequence,
  serialHex,
  TAG,
  type Tlv,
} from './der.js';

export const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  /** SM2 with SM3 (GM/T 0006), user ID 1234567812345678. */
  sm2WithSm3: CRYPTO_OID.sm2WithSm3,
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationIdentifier: '2.5.4.97',
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  crlDistributionPoints: '2.5.29.31',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  adOcsp: '1.3.6.1.5.5.7.48.1',
  adCaIssuers: '1.3.6.1.5.5.7.48.2',
  kpClientAuth: '1.3.6.1.5.5.7.3.2',
  kpDocumentSigning: '1.3.6.1.5.5.7.3.36',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** Hash names node:crypto knows, by signature algorithm OID (the algorithms the PKI accepts). */
export const SIGNATURE_HASH: Record<string, { hash: string; key: 'ec' | 'rsa' }> = {
  [OID.ecdsaWithSha256]: { hash: 'sha256', key: 'ec' },
  [OID.ecdsaWithSha384]: { hash: 'sha384', key: 'ec' },
  [OID.ecdsaWithSha512]: { hash: 'sha512', key: 'ec' },
  [OID.sha256WithRsa]: { hash: 'sha256', key: 'rsa' },
  [OID.sha384WithRsa]: { hash: 'sha384', key: 'rsa' },
  [OID.sha512WithRsa]: { hash: 'sha512', key: 'rsa' },
};

/** AlgorithmIdentifier of ecdsa-with-SHA256, parameters absent (RFC 5758). */
export const ECDSA_SHA256_DER = Buffer.from('300a06082a8648ce3d040302', 'hex');
/**
 * AlgorithmIdentifier of SM2-with-SM3, parameters absent: as OpenSSL 3 and Bouncy Castle write it
 * (and as RFC 5758 has it for ECDSA). Some Chinese CAs write NULL parameters; reading accepts both.
 */
export const SM2_SM3_DER = Buffer.from('300a06082a811ccf55018375', 'hex');

/** The signature algorithm a CA key of this algorithm signs certificates, CRLs and OCSP answers with. */
export function signatureAlgorithmOf(alg: KeyAlgorithm): { oid: string; der: Buffer } {
  if (alg === 'ES256') return { oid: OID.ecdsaWithSha256, der: ECDSA_SHA256_DER };
  if (alg === 'SM2SM3') return { oid: OID.sm2WithSm3, der: SM2_SM3_DER };
  throw new Error(`a ${alg} key does not sign certificates`);
}

/** A subject or issuer name, in the order its RDNs are encoded. */
export interface NameAttributes {
  country?: string;
  organizationName?: string;
  organizationIdentifier?: string;
  commonName?: string;
}

/** C as PrintableString, everything else as UTF8String; one attribute per RDN. */
export function buildName(attributes: NameAttributes): Name {
  const rdns: RelativeDistinguishedName[] = [];
  const add = (type: string, value: AttributeValue) =>
    rdns.push(new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]));
  if (attributes.country) add(OID.countryName, new AttributeValue({ printableString: attributes.country }));
  if (attributes.organizationName) add(OID.organizationName, new AttributeValue({ utf8String: attributes.organizationName }));
  if (attributes.organizationIdentifier)
    add(OID.organizationIdentifier, new AttributeValue({ utf8String: attributes.organizationIdentifier }));
  if (attributes.commonName) add(OID.commonName, new AttributeValue({ utf8String: attributes.commonName }));
  return new Name(rdns);
}

/** The readable form stored beside a certificate: `C=CN, O=…, organizationIdentifier=…, CN=…`. */
export function nameText(attributes: NameAttributes): string {
  const parts: string[] = [];
  if (attributes.country) parts.push(`C=${attributes.country}`);
  if (attributes.organizationName) parts.push(`O=${attributes.organizationName}`);
  if (attributes.organizationIdentifier) parts.push(`organizationIdentifier=${attributes.organizationIdentifier}`);
  if (attributes.commonName) parts.push(`CN=${attributes.commonName}`);
  return parts.join(', ');
}

const NAME_KEYS: Record<string, keyof NameAttributes> = {
  [OID.countryName]: 'country',
  [OID.organizationName]: 'organizationName',
  [OID.organizationIdentifier]: 'organizationIdentifier',
  [OID.commonName]: 'commonName',
};

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

export const ext = {
  basicConstraints: (cA: boolean, pathLenConstraint?: number) =>
    extension(OID.basicConstraints, true, new BasicConstraints({ cA, ...(pathLenConstraint === undefined ? {} : { pathLenConstraint }) })),
  keyUsage: (flags: number) => extension(OID.keyUsage, true, new KeyUsage(flags)),
  extKeyUsage: (...purposes: string[]) => extension(OID.extKeyUsage, false, new ExtendedKeyUsage(purposes)),
  subjectKeyIdentifier: (ski: Buffer) => extension(OID.subjectKeyIdentifier, false, new SubjectKeyIdentifier(toArrayBuffer(ski))),
  authorityKeyIdentifier: (ski: Buffer) =>
    extension(OID.authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(toArrayBuffer(ski)) })),
  crlDistributionPoint: (url: string) =>
    extension(
      OID.crlDistributionPoints,
      false,
      new CRLDistributionPoints([
        new DistributionPoint({
          distributionPoint: new DistributionPointName({ fullName: [new GeneralName({ uniformResourceIdentifier: url })] }),
        }),
      ]),
    ),
  authorityInfoAccess: (access: { ocsp?: string; caIssuers?: string }) =>
    extension(
      OID.authorityInfoAccess,
      false,
      new AuthorityInfoAccessSyntax([
        ...(access.ocsp
          ? [
              new AccessDescription({
                accessMethod: OID.adOcsp,
                accessLocation: new GeneralName({ uniformResourceIdentifier: access.ocsp }),
              }),
            ]
          : []),
        ...(access.caIssuers
          ? [
              new AccessDescription({
                accessMethod: OID.adCaIssuers,
                accessLocation: new GeneralName({ uniformResourceIdentifier: access.caIssuers }),
              }),
            ]
          : []),
      ]),
    ),
};

export function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** 16 random bytes, positive and of fixed length (top bits 01), as RFC 5280 and the CA/B rules want. */
export function newSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  return serial;
}

/**
 * Signs a DER-encoded TBS structure (tbsCertificate or tbsCertList) with a KeyStore key and wraps
 * it as SEQUENCE { tbs, algorithm, BIT STRING signature }, the algorithm being the key's
 * (ecdsa-with-SHA256 or SM2-with-SM3: the tbs must name the same). The signed bytes are the ones
 * embedded: nothing is re-encoded after signing.
 */
export async function signTbs(keys: KeyStore, kid: string, tbs: Buffer): Promise<Buffer> {
  const algorithm = signatureAlgorithmOf(keys.record(kid).alg);
  const signature = await keys.signWith(kid, tbs, 'der');
  return sequence(tbs, algorithm.der, bitString(signature));
}

export function serialize(value: unknown): Buffer {
  return Buffer.from(AsnConvert.serialize(value));
}

/** Key identifier of RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spkiDer: Buffer): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(spkiDer)).digest();
}

/** The BIT STRING value of a SubjectPublicKeyInfo (what OCSP's issuerKeyHash hashes too). */
export function subjectPublicKeyBits(spkiDer: Buffer): Buffer {
  const root = readRoot(spkiDer);
  const [, bits] = children(spkiDer, root);
  if (!bits || bits.tag !== TAG.BIT_STRING) throw new Error('not a SubjectPublicKeyInfo');
  return contents(spkiDer, bits).subarray(1);
}

export function publicKeySpki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

// ---- reading certificates quickly (no schema library: the verification hot path) ----

/** The parts of a certificate the PKI reads, found by walking its DER once. */
export interface CertificateParts {
  der: Buffer;
  tbs: Buffer;
  signatureAlgorithm: string;
  signature: Buffer;
  serial: string;
  issuerDer: Buffer;
  subjectDer: Buffer;
  issuer: NameAttributes;
  subject: NameAttributes;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  ski?: string;
  aki?: string;
  isCa: boolean;
  pathLen?: number;
  keyUsage?: number;
}

/** Walks a certificate's DER (throws DerError or Error on anything malformed). */
export function parseCertificate(der: Buffer): CertificateParts {
  const root = readRoot(der);
  const [tbsTlv, algTlv, sigTlv, ...rest] = children(der, expectTag(root, TAG.SEQUENCE, 'a certificate'));
  if (rest.length) throw new Error('unexpected elements after the signature');
  expectTag(tbsTlv, TAG.SEQUENCE, 'tbsCertificate');
  const signatureAlgorithm = readOid(der, children(der, expectTag(algTlv, TAG.SEQUENCE, 'an algorithm'))[0]);
  const signature = bitStringBytes(der, sigTlv);
  const fields = children(der, tbsTlv);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i++; // version
  const serialTlv = expectTag(fields[i++], TAG.INTEGER, 'a serial number');
  // RFC 5280 §4.1.1.2: the same AlgorithmIdentifier, parameters included. Byte for byte, so that
  // outside the signed tbsCertificate there is nothing but this copy and the signature itself.
  const innerAlgTlv = expectTag(fields[i++], TAG.SEQUENCE, 'an algorithm');
  if (!raw(der, innerAlgTlv).equals(raw(der, algTlv)))
    throw new Error('the signature algorithms inside and outside the certificate differ');
  const issuerTlv = expectTag(fields[i++], TAG.SEQUENCE, 'an issuer name');
  const [nbTlv, naTlv] = children(der, expectTag(fields[i++], TAG.SEQUENCE, 'a validity'));
  const subjectTlv = expectTag(fields[i++], TAG.SEQUENCE, 'a subject name');
  const spkiTlv = expectTag(fields[i++], TAG.SEQUENCE, 'a public key');
  const parts: CertificateParts = {
    der,
    tbs: raw(der, tbsTlv),
    signatureAlgorithm,
    signature,
    serial: serialHex(contents(der, serialTlv)),
    issuerDer: raw(der, issuerTlv),
    subjectDer: raw(der, subjectTlv),
    issuer: readName(der, issuerTlv),
    subject: readName(der, subjectTlv),
    notBefore: readTime(der, nbTlv),
    notAfter: readTime(der, naTlv),
    spki: raw(der, spkiTlv),
    isCa: false,
  };
  for (; i < fields.length; i++) {
    const field = fields[i];
    if (field.tag !== 0xa3) continue; // issuer/subject unique IDs
    const [list] = children(der, field);
    for (const extTlv of children(der, expectTag(list, TAG.SEQUENCE, 'extensions'))) readExtension(der, extTlv, parts);
  }
  return parts;
}

function readExtension(der: Buffer, extTlv: Tlv, parts: CertificateParts): void {
  const items = children(der, expectTag(extTlv, TAG.SEQUENCE, 'an extension'));
  const id = readOid(der, items[0]);
  const valueTlv = items[items.length - 1];
  const value = contents(der, expectTag(valueTlv, TAG.OCTET_STRING, 'an extension value'));
  switch (id) {
    case OID.subjectKeyIdentifier: {
      parts.ski = contents(value, expectTag(readRoot(value), TAG.OCTET_STRING, 'a key identifier')).toString('hex');
      break;
    }
    case OID.authorityKeyIdentifier: {
      const aki = readRoot(value);
      for (const item of children(value, expectTag(aki, TAG.SEQUENCE, 'an authority key identifier'))) {
        if (item.tag === 0x80) parts.aki = contents(value, item).toString('hex');
      }
      break;
    }
    case OID.basicConstraints: {
      const bc = readRoot(value);
      for (const item of children(value, expectTag(bc, TAG.SEQUENCE, 'basic constraints'))) {
        if (item.tag === TAG.BOOLEAN) parts.isCa = value[item.contentStart] !== 0;
        if (item.tag === TAG.INTEGER) parts.pathLen = contents(value, item).readUIntBE(0, Math.min(6, item.end - item.contentStart));
      }
      break;
    }
    case OID.keyUsage: {
      const bits = contents(value, expectTag(readRoot(value), TAG.BIT_STRING, 'key usage'));
      let flags = 0;
      // Bit n of the named bit string (n from the first byte's top bit) → flag 1 << n.
      for (let byte = 1; byte < bits.length && byte < 3; byte++)
        for (let bit = 0; bit < 8; bit++) if (bits[byte] & (0x80 >> bit)) flags |= 1 << ((byte - 1) * 8 + bit);
      parts.keyUsage = flags;
      break;
    }
  }
}

function readName(der: Buffer, nameTlv: Tlv): NameAttributes {
  const name: NameAttributes = {};
  for (const rdn of children(der, nameTlv)) {
    for (const atv of children(der, expectTag(rdn, TAG.SET, 'a relative distinguished name'))) {
      const [typeTlv, valueTlv] = children(der, expectTag(atv, TAG.SEQUENCE, 'an attribute'));
      const key = NAME_KEYS[readOid(der, typeTlv)];
      if (key && valueTlv) {
        try {
          name[key] = readString(der, valueTlv);
        } catch {
          // an attribute in a string type we do not read: leave it out
        }
      }
    }
  }
  return name;
}

/** PEM armour around DER. */
export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export class PemError extends Error {}

/**
 * Every PEM block with one of the labels in the text, decoded. Strict: the body must be base64
 * and every BEGIN needs its END.
 */
export function pemBlocks(text: string, labels: string[]): Buffer[] {
  const blocks: Buffer[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(text))) {
    if (match[1] !== match[3]) throw new PemError(`BEGIN ${match[1]} ends with END ${match[3]}`);
    if (!labels.includes(match[1])) throw new PemError(`unexpected PEM block ${match[1]}`);
    const body = match[2].replace(/\s+/g, '');
    if (!body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) throw new PemError('the PEM body is not base64');
    blocks.push(Buffer.from(body, 'base64'));
    consumed = pattern.lastIndex;
  }
  if (/-----BEGIN /.test(text.slice(consumed))) throw new PemError('a PEM block is not terminated');
  return blocks;
}
