import { children, contents, DerError, expectTag, integer, readRoot, sequence, TAG, type Tlv } from '../pki/der.js';

/**
 * An ECDSA or SM2 signature value as DER `SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279, GM/T 0009),
 * read strictly: minimal positive integers, nothing after s, nothing after the sequence.
 */
export function encodeEcSignature(r: bigint, s: bigint): Buffer {
  return sequence(integer(unsignedBytes(r)), integer(unsignedBytes(s)));
}

/** Throws DerError when the bytes are not exactly one such sequence. */
export function decodeEcSignature(der: Buffer): { r: bigint; s: bigint } {
  const [r, s, ...rest] = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'a signature sequence'));
  if (rest.length) throw new DerError('unexpected elements after s');
  return { r: positiveInteger(der, r), s: positiveInteger(der, s) };
}

function positiveInteger(der: Buffer, tlv: Tlv | undefined): bigint {
  const body = contents(der, expectTag(tlv, TAG.INTEGER, 'an integer'));
  if (!body.length) throw new DerError('empty integer');
  if (body[0] & 0x80) throw new DerError('negative integer');
  if (body.length > 1 && body[0] === 0 && !(body[1] & 0x80)) throw new DerError('non-minimal integer');
  return BigInt(`0x${body.toString('hex')}`);
}

function unsignedBytes(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}
