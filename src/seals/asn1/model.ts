/**
 * The electronic seal and signature structures of GB/T 38540-2020 (version 4; the ASN.1 is in
 * design's reference/gbt38540.asn) and, read only, of GM/T 0031-2014 (the older layout other
 * vendors still issue). Field names follow the ASN.1. `layout` tells the two apart; a decoded
 * structure also keeps the bytes as received of what was signed, since a third party's encoding
 * need not be the one tongban would write (e.g. an explicit `critical FALSE` in an ExtData).
 */

export interface SesHeader {
  /** Always "ES". */
  readonly id: string;
  readonly version: number;
  /** Vendor identifier. */
  readonly vid: string;
}

export interface SesPictureInfo {
  /** "PNG", "GIF", "JPG", "SVG", "ofd", … */
  readonly type: string;
  readonly data: Buffer;
  /** Millimetres. */
  readonly width: number;
  readonly height: number;
}

export interface ExtData {
  readonly extnID: string;
  readonly critical: boolean;
  readonly extnValue: Buffer;
}

export interface CertDigest {
  /** The digest algorithm's name (ObjType, a PrintableString), e.g. "SM3". */
  readonly type: string;
  readonly value: Buffer;
}

/** certListType 1 (certificates, DER) or 2 (certificate digests) on the wire. */
export type SesCertList =
  { readonly kind: 'certs'; readonly certs: readonly Buffer[] } | { readonly kind: 'digests'; readonly digests: readonly CertDigest[] };

export const CERT_LIST_TYPE = { certs: 1, digests: 2 } as const;

export interface SesPropertyInfoV4 {
  /** 1 organisation, 2 personal; others business-defined. */
  readonly type: number;
  /** Must equal the registered name of the holder. */
  readonly name: string;
  readonly certList: SesCertList;
  readonly createDate: Date;
  readonly validStart: Date;
  readonly validEnd: Date;
}

export interface SesSealInfoV4 {
  readonly header: SesHeader;
  readonly esID: string;
  readonly property: SesPropertyInfoV4;
  readonly picture: SesPictureInfo;
  readonly extDatas?: readonly ExtData[];
}

/** GB/T 38540-2020 SESeal. */
export interface SESealV4 {
  readonly eSealInfo: SesSealInfoV4;
  /** The maker's certificate, DER. */
  readonly cert: Buffer;
  readonly signAlgID: string;
  /** The maker's signature over DER(eSealInfo). */
  readonly signedValue: Buffer;
}

export interface DecodedSealV4 extends SESealV4 {
  readonly layout: 'v4';
  /** The whole seal as received. */
  readonly der: Buffer;
  /** DER(eSealInfo) as received: what the maker signed. */
  readonly eSealInfoDer: Buffer;
}

/** GM/T 0031-2014: no certListType (a list of certificates), UTCTime dates. */
export interface SesPropertyInfoV1 {
  readonly type: number;
  readonly name: string;
  readonly certList: readonly Buffer[];
  readonly createDate: Date;
  readonly validStart: Date;
  readonly validEnd: Date;
}

export interface SesSealInfoV1 {
  readonly header: SesHeader;
  readonly esID: string;
  readonly property: SesPropertyInfoV1;
  readonly picture: SesPictureInfo;
  readonly extDatas?: readonly ExtData[];
}

export interface SesSignInfoV1 {
  readonly cert: Buffer;
  readonly signatureAlgorithm: string;
  /** The maker's signature over DER(SEQUENCE { sealInfo, cert, signatureAlgorithm }). */
  readonly signData: Buffer;
}

/** GM/T 0031-2014 SESeal (header version 1–3). */
export interface DecodedSealV1 {
  readonly layout: 'v1';
  readonly sealInfo: SesSealInfoV1;
  readonly signInfo: SesSignInfoV1;
  readonly der: Buffer;
  /** SEQUENCE { sealInfo, cert, signatureAlgorithm } over the bytes as received: what the maker signed. */
  readonly signedDer: Buffer;
}

export type DecodedSeal = DecodedSealV4 | DecodedSealV1;

/** GB/T 38540-2020 TBS_Sign, as decoded. */
export interface TbsSignV4 {
  /** Equals the seal's version (4). */
  readonly version: number;
  readonly eseal: DecodedSealV4;
  /** Signing time. */
  readonly timeInfo: Date;
  /** Hash of the signed data. */
  readonly dataHash: Buffer;
  /** What was signed, e.g. the OFD's Signature.xml path. */
  readonly propertyInfo: string;
  readonly extDatas?: readonly ExtData[];
}

/** GB/T 38540-2020 SES_Signature, as decoded. */
export interface DecodedSesSignatureV4 {
  readonly layout: 'v4';
  readonly toSign: TbsSignV4;
  /** The signer's certificate, DER. */
  readonly cert: Buffer;
  readonly signatureAlgID: string;
  /** The signer's signature over DER(toSign). */
  readonly signature: Buffer;
  /** An RFC 3161 time-stamp token over `signature`, when present. */
  readonly timeStamp?: Buffer;
  readonly der: Buffer;
  /** DER(toSign) as received. */
  readonly toSignDer: Buffer;
}

/** GM/T 0031-2014 TBS_Sign: the signer's certificate and algorithm are inside it; timeInfo is a BIT STRING. */
export interface TbsSignV1 {
  readonly version: number;
  readonly eseal: DecodedSealV1;
  /** The BIT STRING's bytes: vendors put a DER UTCTime there, or text such as "2020-04-20 10:00:00". */
  readonly timeInfo: Buffer;
  readonly dataHash: Buffer;
  readonly propertyInfo: string;
  readonly cert: Buffer;
  readonly signatureAlgorithm: string;
}

/** GM/T 0031-2014 SES_Signature: SEQUENCE { toSign, signature }. */
export interface DecodedSesSignatureV1 {
  readonly layout: 'v1';
  readonly toSign: TbsSignV1;
  readonly signature: Buffer;
  readonly der: Buffer;
  readonly toSignDer: Buffer;
}

export type DecodedSesSignature = DecodedSesSignatureV4 | DecodedSesSignatureV1;
