/**
 * Which nodes of an RFC 9162 tree a root or a proof is made of, as leaf ranges, before any hash is
 * read. Keeping the shape apart from the hashing lets the tree ask its HashSource for every node a
 * proof needs in one batch instead of walking the tree one read at a time.
 *
 * Sizes and indices are JavaScript numbers: exact up to 2^53, far beyond any log we will hold, but
 * past 2^31 bit operators would truncate them, so this file only uses arithmetic.
 */

/** Leaves [start, end) of one node of the tree: MTH(D[start:end]) in RFC 9162 §2.1.1 notation. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/** A complete subtree aligned on its own size: leaves [index·2^level, (index+1)·2^level). */
export interface SubtreeRef {
  readonly level: number;
  readonly index: number;
}

/** The largest power of two strictly smaller than n (n ≥ 2): RFC 9162's k, where a tree splits. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The nodes whose hashes form PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), leaf side first, as the
 * proof lists them.
 */
export function inclusionPathRanges(index: number, size: number): LeafRange[] {
  const topDown: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      topDown.push({ start: start + k, end });
      end = start + k;
    } else {
      topDown.push({ start, end: start + k });
      start += k;
    }
  }
  return topDown.reverse();
}

/**
 * The nodes whose hashes form PROOF(first, D[0:second]) = SUBPROOF(first, D[0:second], true)
 * (RFC 9162 §2.1.4.1), for 0 < first < second, in the proof's order.
 */
export function consistencyProofRanges(first: number, second: number): LeafRange[] {
  const topDown: LeafRange[] = [];
  let start = 0;
  let end = second;
  let m = first; // first, counted from start
  let whole = true; // RFC's b: is D[start:start+m] the whole old tree, whose root the verifier has
  while (m < end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      topDown.push({ start: start + k, end });
      end = start + k;
    } else {
      topDown.push({ start, end: start + k });
      start += k;
      m -= k;
      whole = false;
    }
  }
  // Here m === end - start: the old tree's last node, also a node of the new tree. The verifier
  // already holds it when it is the whole old tree (b true); otherwise it must be sent.
  if (!whole) topDown.push({ start, end });
  return topDown.reverse();
}

/**
 * A tree node [start, end) as the complete aligned subtrees it is built from, largest first: its
 * hash is their hashes folded from the right, nodeHash(s0, nodeHash(s1, … sN)). Every node of an
 * RFC 9162 tree starts at a multiple of its left part's size, which is what makes this hold.
 */
export function rangeSubtrees(range: LeafRange): SubtreeRef[] {
  const pieces: SubtreeRef[] = [];
  let start = range.start;
  const { end } = range;
  while (start < end) {
    let level = 0;
    while (2 ** (level + 1) <= end - start && start % 2 ** (level + 1) === 0) level += 1;
    pieces.push({ level, index: start / 2 ** level });
    start += 2 ** level;
  }
  return pieces;
}

/** The complete subtrees that make up the whole tree of `size` leaves (the bits of size). */
export function rootSubtrees(size: number): SubtreeRef[] {
  return rangeSubtrees({ start: 0, end: size });
}

/** Whether n is a whole number a tree can count to (0 ≤ n ≤ 2^53 − 1). */
export function isTreeCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}
