import { createPublicKey, type KeyObject } from 'node:crypto';
import { children, expectTag, readOid, readRoot, TAG } from '../pki/der.js';
import { CRYPTO_OID } from './oids.js';
import { decodeSm2Spki } from './sm2-key-encoding.js';
import type { Sm2PublicKey } from './sm2-keys.js';

/** A public key that can check SM2/SM3 or ECDSA P-256/SHA-256 signatures. */
export type VerificationKey = { readonly curve: 'sm2'; readonly key: Sm2PublicKey } | { readonly curve: 'p256'; readonly key: KeyObject };

/**
 * The last keys read, by their SubjectPublicKeyInfo bytes. Seal makers and frequent signers come
 * back again and again, and an SM2 key object that is reused gets sm-crypto-v2's precomputed
 * multiples (sm2-point-cache.ts): keeping the object is what makes their verifications fast.
 */
const MAX_CACHED = 64;
const cache = new Map<string, VerificationKey>();

/** Why a key cannot check signatures: a type or curve tongban does not verify, or a key that is not well-formed. */
export type UnusableKey = { readonly unsupported: string } | { readonly malformed: string };

/** The key in a DER SubjectPublicKeyInfo, or why it cannot be used. */
export function verificationKey(spki: Buffer): VerificationKey | UnusableKey {
  const id = spki.toString('base64');
  const cached = cache.get(id);
  if (cached) {
    cache.delete(id);
    cache.set(id, cached);
    return cached;
  }
  const read = readKey(spki);
  if (!('curve' in read)) return read;
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(id, read);
  return read;
}

function readKey(spki: Buffer): VerificationKey | UnusableKey {
  let curve: string | undefined;
  try {
    const [algorithm] = children(spki, expectTag(readRoot(spki), TAG.SEQUENCE, 'a public key'));
    const [keyType, parameter] = children(spki, expectTag(algorithm, TAG.SEQUENCE, 'an algorithm'));
    if (readOid(spki, keyType) !== CRYPTO_OID.ecPublicKey) return { unsupported: 'the key is not an elliptic-curve key' };
    curve = parameter?.tag === TAG.OID ? readOid(spki, parameter) : undefined;
    if (curve === CRYPTO_OID.sm2Curve) return { curve: 'sm2', key: decodeSm2Spki(spki) };
    if (curve === CRYPTO_OID.p256Curve) return { curve: 'p256', key: createPublicKey({ key: spki, format: 'der', type: 'spki' }) };
  } catch (error) {
    return { malformed: `the public key cannot be read (${error instanceof Error ? error.message : String(error)})` };
  }
  return { unsupported: `the key is on a curve tongban does not verify (${curve ?? 'none named'})` };
}
