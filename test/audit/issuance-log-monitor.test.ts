import { createHash } from 'node:crypto';
import { rootFrom } from '../../src/cli/transparency-monitor.js';
import { leafHashOf, rootOf } from './rfc9162.js';

const node = (left: Buffer, right: Buffer) =>
  createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1, written here from the definition. */
function path(m: number, leaves: Buffer[]): Buffer[] {
  const n = leaves.length;
  if (n === 1) return [];
  const k = split(n);
  return m < k ? [...path(m, leaves.slice(0, k)), rootOf(leaves.slice(k))] : [...path(m - k, leaves.slice(k)), rootOf(leaves.slice(0, k))];
}

/**
 * The monitor's root from the entries it re-read (leaves [since, size)) and the inclusion proof of
 * leaf `since`: the RFC root for every split of every tree up to 70 leaves, and nothing when a
 * leaf read or a proof hash is wrong, or the proof is short or long.
 */
describe('tongban transparency monitor: the root from the entries read and one inclusion proof', () => {
  const all = Array.from({ length: 70 }, (_, i) => leafHashOf(Buffer.from(`entry ${i}`)));
  const forged = leafHashOf(Buffer.from('forged'));

  it('is the RFC 9162 root for every tree size and every first leaf read', () => {
    for (let size = 1; size <= 70; size++) {
      const leaves = all.slice(0, size);
      const root = rootOf(leaves);
      for (let since = 0; since < size; since++) {
        const proof = since ? path(since, leaves) : [];
        expect(rootFrom(since, size, leaves.slice(since), proof)?.equals(root)).toBe(true);
      }
    }
  });

  it('is not that root when an entry read, or a hash of the proof left of it, was changed; nothing for a proof of the wrong length', () => {
    for (const size of [2, 7, 16, 33, 70]) {
      const leaves = all.slice(0, size);
      const root = rootOf(leaves);
      for (let since = 1; since < size; since++) {
        const proof = path(since, leaves);
        const read = leaves.slice(since);
        const changed = [...read];
        changed[read.length - 1] = forged;
        expect(rootFrom(since, size, changed, proof)?.equals(root)).toBe(false);
        // The top hash of the proof is the left half's when leaf `since` is in the right half: it counts.
        // (Hashes right of `since` are recomputed from the entries read, whatever the proof says.)
        const badProof = [...proof];
        badProof[badProof.length - 1] = forged;
        if (since >= split(size)) expect(rootFrom(since, size, read, badProof)?.equals(root)).toBe(false);
        expect(rootFrom(since, size, read, proof.slice(1))).toBeUndefined();
        expect(rootFrom(since, size, read, [...proof, forged])).toBeUndefined();
        expect(rootFrom(since, size, read.slice(1), proof)).toBeUndefined();
      }
    }
  });
});
