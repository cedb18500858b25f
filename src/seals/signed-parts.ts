import { DerError, readRoot, readTime, TAG, tlv } from '../pki/der.js';
import type { DecodedSeal, DecodedSesSignature, SesPropertyInfoV1, SesPropertyInfoV4 } from './asn1/model.js';

/** One signature in a seal or a stamp, whatever the layout: who signed (certificate), how, and over which bytes as received. */
export interface SignedPart {
  readonly cert: Buffer;
  readonly algorithm: string;
  readonly signature: Buffer;
  readonly signedBytes: Buffer;
}

/** The maker's signature: over DER(eSealInfo) (GB/T 38540) or DER(SEQUENCE { sealInfo, cert, signatureAlgorithm }) (GM/T 0031-2014). */
export function makerSignatureOf(seal: DecodedSeal): SignedPart {
  return seal.layout === 'v4'
    ? { cert: seal.cert, algorithm: seal.signAlgID, signature: seal.signedValue, signedBytes: seal.eSealInfoDer }
    : {
        cert: seal.signInfo.cert,
        algorithm: seal.signInfo.signatureAlgorithm,
        signature: seal.signInfo.signData,
        signedBytes: seal.signedDer,
      };
}

/** The signer's signature over DER(toSign), with the certificate and algorithm of either layout. */
export function signerSignatureOf(signature: DecodedSesSignature): SignedPart {
  return signature.layout === 'v4'
    ? { cert: signature.cert, algorithm: signature.signatureAlgID, signature: signature.signature, signedBytes: signature.toSignDer }
    : {
        cert: signature.toSign.cert,
        algorithm: signature.toSign.signatureAlgorithm,
        signature: signature.signature,
        signedBytes: signature.toSignDer,
      };
}

export function sealPropertyOf(seal: DecodedSeal): SesPropertyInfoV4 | SesPropertyInfoV1 {
  return seal.layout === 'v4' ? seal.eSealInfo.property : seal.sealInfo.property;
}

/**
 * When the stamp says it was made: GB/T 38540's timeInfo, or what can be read of GM/T 0031-2014's
 * BIT STRING (a DER UTCTime or GeneralizedTime, their text alone, or ofdrw's "yyyy-MM-dd HH:mm:ss",
 * which is local time in China, UTC+8). Undefined when it cannot be read.
 */
export function signingTimeOf(signature: DecodedSesSignature): Date | undefined {
  if (signature.layout === 'v4') return signature.toSign.timeInfo;
  return v1TimeInfo(signature.toSign.timeInfo);
}

const CHINA_STANDARD_TIME_MS = 8 * 3600_000;

function v1TimeInfo(bytes: Buffer): Date | undefined {
  if (bytes[0] === TAG.UTC_TIME || bytes[0] === TAG.GENERALIZED_TIME) return timeOrUndefined(bytes);
  const text = bytes.toString('latin1');
  const local = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (local) {
    const utc = timeOrUndefined(tlv(TAG.GENERALIZED_TIME, Buffer.from(`${local.slice(1).join('')}Z`, 'latin1')));
    return utc && new Date(utc.getTime() - CHINA_STANDARD_TIME_MS);
  }
  if (/^\d{12}Z$/.test(text)) return timeOrUndefined(tlv(TAG.UTC_TIME, bytes));
  if (/^\d{14}Z$/.test(text)) return timeOrUndefined(tlv(TAG.GENERALIZED_TIME, bytes));
  return undefined;
}

/** The DER time in `der` (checked against the calendar by readTime), or undefined. */
function timeOrUndefined(der: Buffer): Date | undefined {
  try {
    return readTime(der, readRoot(der));
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}
