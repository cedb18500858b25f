/**
 * Complete subtree hashes a MerkleTree has already worked out, kept between requests. In an
 * append-only log a complete subtree never changes, so its hash can be reused by every later
 * proof and root of any size. Without it each proof at 10^7 entries hashes the ~900 nodes between
 * the kept levels again; with it, proofs share the high siblings and the tree's right edge, and
 * mostly hash only the leaves' band.
 *
 * One cache per log (keys are level and index only), shared by the MerkleTrees built for that
 * log's requests. Bounded: when full it is emptied and refilled, which keeps it simple and the
 * memory fixed (about 100 bytes an entry).
 */
export class SubtreeCache {
  private readonly entries = new Map<number, Map<number, Buffer>>();
  private count = 0;

  /**
   * @param minLevel lowest level kept: below it subtrees are too many (one per leaf at level 0)
   *   and too cheap to be worth remembering.
   * @param maxEntries how many hashes to keep before starting over.
   */
  constructor(
    readonly minLevel = 8,
    readonly maxEntries = 2 ** 17,
  ) {
    if (!Number.isInteger(minLevel) || minLevel < 1) throw new RangeError(`SubtreeCache minLevel must be ≥ 1`);
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`SubtreeCache maxEntries must be ≥ 1`);
  }

  get(level: number, index: number): Buffer | undefined {
    return this.entries.get(level)?.get(index);
  }

  set(level: number, index: number, hash: Buffer): void {
    if (level < this.minLevel) return;
    let map = this.entries.get(level);
    if (map?.has(index)) return;
    if (this.count >= this.maxEntries) {
      this.entries.clear();
      this.count = 0;
      map = undefined;
    }
    if (!map) this.entries.set(level, (map = new Map<number, Buffer>()));
    map.set(index, hash);
    this.count += 1;
  }

  get size(): number {
    return this.count;
  }
}
