import { sm2 } from 'sm-crypto-v2';
import type { Sm2PublicKey } from './sm2-keys.js';

type Point = ReturnType<typeof sm2.precomputePublicKey>;

/**
 * Precomputed multiples of a public key for sm-crypto-v2's verification, which otherwise multiplies
 * the key's point without any (about 240 verifications/s here; 1,150/s with these). Building them
 * costs about as much as one verification and a window of 4 bits holds ~500 points, so a key gets
 * them on its second verification and keeps them as long as the caller keeps the key object:
 * a one-off signer's key costs nothing extra, a seal maker's key held in a cache gets fast.
 */
const WINDOW_BITS = 4;
const seen = new WeakMap<Sm2PublicKey, Point | null>();

/** What to hand sm-crypto-v2 as the public key: its hex on first use, the precomputed point after. */
export function verificationPoint(key: Sm2PublicKey): Point | string {
  const cached = seen.get(key);
  if (cached) return cached;
  if (cached === undefined) {
    seen.set(key, null);
    return key.hex;
  }
  const point = sm2.precomputePublicKey(key.hex, WINDOW_BITS);
  seen.set(key, point);
  return point;
}
