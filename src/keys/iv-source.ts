import { randomBytes } from 'node:crypto';

/**
 * 96-bit AES-GCM nonces, drawn from the CSPRNG 4 KiB at a time. Each call into OpenSSL's random
 * generator costs about 5 µs however few bytes it returns, which was a quarter of a registry
 * import's CPU (one encrypted ID number per row). Every nonce is still fresh random bytes, used
 * once: a pool is never refilled in place, only replaced. Only for nonces, which are public; never
 * for secrets (a nonce is a view of its pool's memory).
 */
const POOL_BYTES = 4096;
export const IV_BYTES = 12;

let pool = randomBytes(POOL_BYTES);
let offset = 0;

export function nextIv(): Buffer {
  if (offset + IV_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const iv = pool.subarray(offset, offset + IV_BYTES);
  offset += IV_BYTES;
  return iv;
}
