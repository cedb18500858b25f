import { nodeHash } from './hashes.js';
import type { HashSource } from './hash-source.js';
import { completedSubtreeRefs } from './completed-subtrees.js';

/**
 * A HashSource for benchmarks and tests of logs far larger than we want to store: leaf i's hash
 * is made up from i (32 bytes, no hashing, so reading leaves costs what a table read would rather
 * than what SHA-256 would), and the complete subtrees at `storedLevels` are hashed once, up front,
 * into Maps, the way the audit store keeps them in a table. It counts every read, so a test can
 * hold the tree to a number of reads and a benchmark can say what a proof cost.
 */
export class SimulatedHashSource implements HashSource {
  readonly storedLevels: readonly number[];
  /** Calls made, and hashes returned, by kind. */
  readonly reads = { leafCalls: 0, leaves: 0, subtreeCalls: 0, subtrees: 0 };
  private readonly levels = new Map<number, Map<number, Buffer>>();

  constructor(
    readonly size: number,
    storedLevels: readonly number[] = [],
  ) {
    this.storedLevels = [...new Set(storedLevels)].sort((a, b) => a - b);
    let below = 0;
    for (const level of this.storedLevels) {
      const map = new Map<number, Buffer>();
      const fanout = 2 ** (level - below);
      for (const { index } of completedSubtreeRefs(0, size, [level])) {
        let row: Buffer[] = [];
        for (let c = 0; c < fanout; c += 1) {
          const child = index * fanout + c;
          row.push(below === 0 ? SimulatedHashSource.leaf(child) : this.levels.get(below)!.get(child)!);
        }
        while (row.length > 1) {
          const up: Buffer[] = [];
          for (let i = 0; i < row.length; i += 2) up.push(nodeHash(row[i], row[i + 1]));
          row = up;
        }
        map.set(index, row[0]);
      }
      this.levels.set(level, map);
      below = level;
    }
  }

  /** The made-up hash of leaf `index`: its number, big-endian, over a fixed filler. */
  static leaf(index: number): Buffer {
    const hash = Buffer.alloc(32, 0xa5);
    hash.writeUInt32BE(Math.floor(index / 2 ** 32), 0);
    hash.writeUInt32BE(index % 2 ** 32, 4);
    return hash;
  }

  leafHashes(start: number, end: number): Promise<Buffer[]> {
    if (start < 0 || end > this.size || start >= end) {
      return Promise.reject(new RangeError(`leaves [${start}, ${end}) outside a log of ${this.size}`));
    }
    this.reads.leafCalls += 1;
    this.reads.leaves += end - start;
    const hashes: Buffer[] = [];
    for (let i = start; i < end; i += 1) hashes.push(SimulatedHashSource.leaf(i));
    return Promise.resolve(hashes);
  }

  subtreeHashes(level: number, start: number, end: number): Promise<(Buffer | undefined)[]> {
    this.reads.subtreeCalls += 1;
    this.reads.subtrees += end - start;
    const map = this.levels.get(level);
    return Promise.resolve(Array.from({ length: end - start }, (_, i) => map?.get(start + i)));
  }

  /** Forgets the read counts (after setting up, before what is measured). */
  resetReads(): void {
    Object.assign(this.reads, { leafCalls: 0, leaves: 0, subtreeCalls: 0, subtrees: 0 });
  }
}
