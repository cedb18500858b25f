import { createHash } from 'node:crypto';

/**
 * The hashes of RFC 9162 §2.1.1 (Certificate Transparency v2) with SHA-256. The one-byte prefixes
 * keep a leaf from ever hashing like an interior node, so no proof can pass an inner node off as
 * an entry (second-preimage resistance of the tree).
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** Length in bytes of every hash in the tree (SHA-256). */
export const HASH_LENGTH = 32;

/** MTH({d(0)}) = SHA-256(0x00 || d(0)): the hash of one entry's bytes. */
export function leafHash(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(bytes).digest();
}

/** SHA-256(0x01 || left || right): the hash of an interior node from its two children. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256() — the root of the tree with no entries. */
export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}
