import { emptyRoot, nodeHash } from './hashes.js';
import type { HashSource } from './hash-source.js';
import type { SubtreeCache } from './subtree-cache.js';
import { DEFAULT_READ_LIMIT, storedLevelsOf, SubtreeReader } from './subtree-reader.js';
import { consistencyProofRanges, inclusionPathRanges, isTreeCount, rangeSubtrees, type LeafRange } from './tree-shape.js';

export interface MerkleTreeOptions {
  /** Most leaves or subtree hashes asked of the source in one call (default 2^16). */
  readLimit?: number;
  /**
   * Hashes of complete subtrees worked out by earlier requests on the same log. Give every tree
   * built for one log the same cache (a MerkleTree is cheap, a cache is what is worth keeping).
   */
  cache?: SubtreeCache;
}

/**
 * Roots and proofs of RFC 9162 §2.1 over a HashSource. It holds no state of its own: each call
 * reads what it needs for the tree size asked, so heads of older sizes stay answerable as the log
 * grows, and several replicas can serve the same store.
 */
export class MerkleTree {
  private readonly readLimit: number;
  private readonly cache?: SubtreeCache;

  constructor(
    private readonly source: HashSource,
    options: MerkleTreeOptions = {},
  ) {
    storedLevelsOf(source); // fail now, not on the first proof, if the source is mis-declared
    this.readLimit = options.readLimit ?? DEFAULT_READ_LIMIT;
    this.cache = options.cache;
    if (!Number.isSafeInteger(this.readLimit) || this.readLimit < 2) {
      throw new RangeError(`MerkleTree readLimit must be a whole number ≥ 2, not ${this.readLimit}`);
    }
  }

  /** MTH(D[0:size]); SHA-256 of nothing for the empty tree. */
  async root(size: number): Promise<Buffer> {
    if (!isTreeCount(size)) throw new RangeError(`tree size ${String(size)} is not a whole number ≥ 0`);
    if (size === 0) return emptyRoot();
    const [root] = await this.rangeHashes([{ start: 0, end: size }]);
    return root;
  }

  /** PATH(index, D[0:size]) (RFC 9162 §2.1.3.1): sibling hashes from the leaf up. */
  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    if (!isTreeCount(index) || !isTreeCount(size) || index >= size) {
      throw new RangeError(`no leaf ${index} in a tree of ${size}`);
    }
    return this.rangeHashes(inclusionPathRanges(index, size));
  }

  /**
   * PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1). Empty when first is 0 or equals second: every
   * tree extends the empty tree and itself, with nothing to prove.
   */
  async consistencyProof(first: number, second: number): Promise<Buffer[]> {
    if (!isTreeCount(first) || !isTreeCount(second) || first > second) {
      throw new RangeError(`no consistency proof from size ${first} to size ${second}`);
    }
    if (first === 0 || first === second) return [];
    return this.rangeHashes(consistencyProofRanges(first, second));
  }

  /** The hashes of tree nodes, all read in one batch. */
  private async rangeHashes(ranges: readonly LeafRange[]): Promise<Buffer[]> {
    const pieces = ranges.map(rangeSubtrees);
    const hashes = await new SubtreeReader(this.source, this.readLimit, this.cache).hashes(pieces.flat());
    let next = 0;
    return pieces.map((parts) => {
      const own = hashes.slice(next, (next += parts.length));
      // A node is its complete parts folded from the right (see rangeSubtrees).
      return own.reduceRight((right, left) => nodeHash(left, right));
    });
  }
}
