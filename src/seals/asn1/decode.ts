import { Fields } from './fields.js';
import type { DecodedSeal, DecodedSealV4, DecodedSesSignature } from './model.js';
import { readSealV1 } from './seal-v1.js';
import { readSealV4 } from './seal-v4.js';
import { readSesSignatureV1 } from './signature-v1.js';
import { readSesSignatureV4 } from './signature-v4.js';

/**
 * Seals and signatures of either layout from DER. The layout is told by the number of fields of the
 * top-level SEQUENCE (as ofdrw and the fixtures' README do), then checked by the header's version.
 * Anything malformed throws SealFormatError, and nothing else does.
 */
export function decodeSeal(der: Uint8Array): DecodedSeal {
  const seal = Fields.root(asBuffer(der), 'SESeal');
  if (seal.count === 4) return readSealV4(seal);
  if (seal.count === 2) return readSealV1(seal);
  return seal.refuse(`${seal.count} fields: neither a GB/T 38540 seal (4) nor a GM/T 0031-2014 one (2)`);
}

/** A GB/T 38540 seal only (what tongban stamps with). */
export function decodeSealV4(der: Uint8Array): DecodedSealV4 {
  const seal = Fields.root(asBuffer(der), 'SESeal');
  if (seal.count !== 4) seal.refuse(`a GB/T 38540 seal has 4 fields, this one ${seal.count}`);
  return readSealV4(seal);
}

export function decodeSesSignature(der: Uint8Array): DecodedSesSignature {
  const signature = Fields.root(asBuffer(der), 'SES_Signature');
  if (signature.count === 4 || signature.count === 5) return readSesSignatureV4(signature);
  if (signature.count === 2) return readSesSignatureV1(signature);
  return signature.refuse(`${signature.count} fields: neither a GB/T 38540 signature (4 or 5) nor a GM/T 0031-2014 one (2)`);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
