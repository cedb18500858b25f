import { createHash } from 'node:crypto';

/** SM3 (GM/T 0004) of the parts, one after the other: native, through OpenSSL. */
export function sm3(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sm3');
  for (const part of parts) hash.update(part);
  return hash.digest();
}
