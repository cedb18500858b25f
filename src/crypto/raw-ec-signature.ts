import { decodeEcSignature, encodeEcSignature } from './ec-signature.js';

/**
 * An ECDSA or SM2 signature value as r‖s, each half left-padded to the curve's size (32 bytes for
 * P-256 and SM2): the fixed-length form JOSE uses for EC signatures (RFC 7518 §3.4), beside the DER
 * SEQUENCE { r, s } of X.509 and GM/T 0009.
 */
export function ecSignatureToRaw(der: Buffer, size = 32): Buffer {
  const { r, s } = decodeEcSignature(der);
  return Buffer.concat([fixed(r, size), fixed(s, size)]);
}

/** r‖s of exactly 2·size bytes → DER; undefined for any other length or a zero half (never a valid signature). */
export function rawToEcSignature(raw: Uint8Array, size = 32): Buffer | undefined {
  if (raw.length !== 2 * size) return undefined;
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const r = BigInt(`0x${bytes.subarray(0, size).toString('hex')}`);
  const s = BigInt(`0x${bytes.subarray(size).toString('hex')}`);
  if (r === 0n || s === 0n) return undefined;
  return encodeEcSignature(r, s);
}

function fixed(value: bigint, size: number): Buffer {
  const hex = value.toString(16);
  if (hex.length > 2 * size) throw new RangeError(`a signature half is longer than ${size} bytes`);
  return Buffer.from(hex.padStart(2 * size, '0'), 'hex');
}
