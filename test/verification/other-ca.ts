import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  Extensions,
  KeyUsageFlags,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  type Extension,
} from '@peculiar/asn1-x509';
import { randomBytes } from 'node:crypto';
import { CRYPTO_OID } from '../../src/crypto/oids.js';
import { encodeSm2Spki } from '../../src/crypto/sm2-key-encoding.js';
import { Sm2PrivateKey } from '../../src/crypto/sm2-keys.js';
import { sm2Sign, sm2Signer } from '../../src/crypto/sm2.js';
import { sm3 } from '../../src/crypto/sm3.js';
import { bitString, sequence } from '../../src/pki/der.js';
import {
  buildName,
  ext,
  keyIdentifier,
  parseCertificate,
  serialize,
  SM2_SM3_DER,
  toArrayBuffer,
  toPem,
  type NameAttributes,
} from '../../src/pki/x509.js';
import { makeSealV4, makeSesSignatureV4, type DecodedSealV4, type SesSealInfoV4 } from '../../src/seals/index.js';
import { stampOfd } from '../../src/ofd/index.js';

/**
 * Another CA than tongban, on the national algorithms — as a province's or a seal vendor's CA is:
 * an SM2 root (SM2 with SM3, the default user ID, GM/T 0015 profile) made here with the project's
 * own SM2 code, the certificates it issues, and seals and stamps made with them. The shared
 * fixtures carry no CA certificate (their certificates' issuers are not in them), so the tests
 * that add a trust anchor use this one.
 */
export interface Sm2Party {
  key: Sm2PrivateKey;
  cert: Buffer;
  pem: string;
  name: NameAttributes;
}

export interface IssueOptions {
  subject: NameAttributes;
  ca?: boolean;
  pathLen?: number;
  keyUsage?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Leave the authority key identifier out (a certificate that names its issuer by name only). */
  noAki?: boolean;
  key?: Sm2PrivateKey;
}

const DAY = 86_400_000;

export function sm2Certificate(issuer: Sm2Party | 'self', options: IssueOptions): Sm2Party {
  const key = options.key ?? Sm2PrivateKey.generate();
  const spki = encodeSm2Spki(key.publicKey);
  const signer =
    issuer === 'self'
      ? { key, name: options.subject, spki }
      : { key: issuer.key, name: issuer.name, spki: parseCertificate(issuer.cert).spki };
  const ca = options.ca ?? false;
  const extensions: Extension[] = [
    ext.basicConstraints(ca, options.pathLen),
    ext.keyUsage(
      options.keyUsage ??
        (ca ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
    ),
    ext.subjectKeyIdentifier(keyIdentifier(spki)),
    ...(options.noAki ? [] : [ext.authorityKeyIdentifier(keyIdentifier(signer.spki))]),
  ];
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(Buffer.concat([Buffer.from([0x40]), randomBytes(15)])),
    signature: new AlgorithmIdentifier({ algorithm: CRYPTO_OID.sm2WithSm3 }),
    issuer: buildName(signer.name),
    validity: new Validity({
      notBefore: options.notBefore ?? new Date(Date.now() - DAY),
      notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY),
    }),
    subject: buildName(options.subject),
    subjectPublicKeyInfo: AsnConvert.parse(spki, SubjectPublicKeyInfo),
    extensions: new Extensions(extensions),
  });
  const tbsDer = serialize(tbs);
  const cert = sequence(tbsDer, SM2_SM3_DER, bitString(sm2Sign(tbsDer, signer.key)));
  return { key, cert, pem: toPem(cert), name: options.subject };
}

/** An SM2 root CA of a province's e-seal platform. */
export function sm2Root(commonName = '福建省电子印章测试根CA'): Sm2Party {
  return sm2Certificate('self', { subject: { country: 'CN', organizationName: '福建省电子印章测试中心', commonName }, ca: true });
}

/** Seal information listing these signers, valid from yesterday for 300 days unless overridden (times cut to whole seconds). */
export function sealInfoFor(signerCerts: Buffer[], overrides: Partial<SesSealInfoV4['property']> = {}, picture?: Buffer): SesSealInfoV4 {
  const now = Date.now();
  const whole = (date: Date | undefined) => date && new Date(Math.floor(date.getTime() / 1000) * 1000);
  overrides = { ...overrides, validStart: whole(overrides.validStart), validEnd: whole(overrides.validEnd) };
  for (const key of ['validStart', 'validEnd'] as const) if (!overrides[key]) delete overrides[key];
  return {
    header: { id: 'ES', version: 4, vid: 'fj-test' },
    esID: `3501${String(now).slice(-10)}`,
    property: {
      type: 1,
      name: '福州某某科技有限公司',
      certList: { kind: 'certs', certs: signerCerts },
      createDate: new Date(Math.floor(now / 1000) * 1000 - DAY),
      validStart: new Date(Math.floor(now / 1000) * 1000 - DAY),
      validEnd: new Date(Math.floor(now / 1000) * 1000 + 300 * DAY),
      ...overrides,
    },
    picture: { type: 'PNG', data: picture ?? Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), width: 40, height: 40 },
  };
}

/** A seal made by `maker` (its key signs DER(eSealInfo)). */
export function sm2Seal(maker: Sm2Party, info: SesSealInfoV4): Promise<DecodedSealV4> {
  return makeSealV4({ eSealInfo: info, cert: maker.cert, signAlgID: CRYPTO_OID.sm2WithSm3 }, sm2Signer(maker.key));
}

/** The OFD stamped with the seal by the signer (SM2, SM3 data hash of Signature.xml) at the time given. */
export function stampWith(
  ofd: Buffer,
  seal: Buffer,
  signer: { key: Sm2PrivateKey; cert: Buffer },
  signingTime = new Date(Math.floor(Date.now() / 1000) * 1000),
  page = 1,
): Promise<Buffer> {
  return stampOfd(ofd, {
    page,
    x: 20,
    y: 20,
    width: 40,
    height: 40,
    seal,
    provider: { name: 'tongban tests' },
    signingTime,
    sign: async (signatureXml, context) =>
      (
        await makeSesSignatureV4(
          {
            seal,
            timeInfo: context.signingTime,
            dataHash: sm3(signatureXml),
            propertyInfo: context.signatureLoc,
            cert: signer.cert,
            signatureAlgID: CRYPTO_OID.sm2WithSm3,
          },
          sm2Signer(signer.key),
        )
      ).der,
  });
}
