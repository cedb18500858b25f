import { sm2 } from 'sm-crypto-v2';
import { decodeEcSignature, encodeEcSignature } from './ec-signature.js';
import { SM2_ORDER, type Sm2PrivateKey, type Sm2PublicKey } from './sm2-keys.js';
import { verificationPoint } from './sm2-point-cache.js';
import { sm3 } from './sm3.js';

/**
 * SM2 signatures with SM3 (GM/T 0003.2, GM/T 0009): e = SM3(Z ‖ M) with Z over the signer's user ID
 * and public key, signature values as DER SEQUENCE { r, s }. SM3 is native (node:crypto); the curve
 * arithmetic is sm-crypto-v2's — node:crypto on Node 20 has no SM2 signature (given an SM2 key it
 * computes plain ECDSA on the curve, with no Z). Z is computed here so that the hashing is native
 * and the user ID may be any bytes, not only text.
 */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

export interface Sm2Options {
  /** GM/T 0009's default when absent. */
  userId?: string | Uint8Array;
}

const CURVE_PARAMETERS = Buffer.from(
  'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc' + // a
    '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93' + // b
    '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7' + // xG
    'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0', // yG
  'hex',
);

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), ENTL the ID's length in bits on two bytes. */
export function sm2Z(key: Sm2PublicKey, userId: string | Uint8Array = SM2_DEFAULT_USER_ID): Buffer {
  const id = typeof userId === 'string' ? Buffer.from(userId, 'utf8') : userId;
  if (id.length > 0x1fff) throw new RangeError('an SM2 user ID is at most 8,191 bytes');
  const entl = Buffer.from([(id.length * 8) >> 8, (id.length * 8) & 0xff]);
  return sm3(entl, id, CURVE_PARAMETERS, key.point.subarray(1));
}

/** e = SM3(Z ‖ M), the value SM2 signs. */
export function sm2Digest(message: Uint8Array, key: Sm2PublicKey, userId?: string | Uint8Array): Buffer {
  return sm3(sm2Z(key, userId), message);
}

/** The DER signature of the message. */
export function sm2Sign(message: Uint8Array, key: Sm2PrivateKey, options: Sm2Options = {}): Buffer {
  const rs = sm2.doSignature(sm2Digest(message, key.publicKey, options.userId), key.scalarHex, { hash: false });
  return encodeEcSignature(BigInt(`0x${rs.slice(0, 64)}`), BigInt(`0x${rs.slice(64)}`));
}

/** Whether `signature` (DER) is the key's signature of the message; false for any malformed signature. */
export function sm2Verify(message: Uint8Array, signature: Uint8Array, key: Sm2PublicKey, options: Sm2Options = {}): boolean {
  let r: bigint;
  let s: bigint;
  try {
    ({ r, s } = decodeEcSignature(Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength)));
  } catch {
    return false;
  }
  // GM/T 0003.2 §7.1 B1–B2. sm-crypto-v2 leaves them out, and without them s + n would verify as s.
  if (r < 1n || r >= SM2_ORDER || s < 1n || s >= SM2_ORDER) return false;
  const rs = r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0');
  return sm2.doVerifySignature(sm2Digest(message, key, options.userId), rs, verificationPoint(key), { hash: false });
}

/** A signing callback over the key, for code that signs through a callback (seals, stamps). */
export function sm2Signer(key: Sm2PrivateKey, options: Sm2Options = {}): (bytes: Buffer) => Promise<Buffer> {
  return (bytes) => Promise.resolve(sm2Sign(bytes, key, options));
}
