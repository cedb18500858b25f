import { HASH_LENGTH, nodeHash } from './hashes.js';
import type { HashSource } from './hash-source.js';
import type { SubtreeCache } from './subtree-cache.js';
import type { SubtreeRef } from './tree-shape.js';

/**
 * Most leaves or subtree hashes asked of the source in one call, and most held in memory per
 * step of a large subtree. 2^16 hashes are 2 MiB: big enough that reading is not call-bound,
 * small enough that a tree without stored levels can still be hashed on a modest heap.
 */
export const DEFAULT_READ_LIMIT = 2 ** 16;

/** Calls of subtreeHash (the one-at-a-time form) in flight at once. */
const SINGLE_READS_AT_ONCE = 32;

/** Half-open run [start, end) of indices at one level, read in one call. */
interface Run {
  start: number;
  end: number;
}

/**
 * Turns a batch of complete-subtree requests into as few source reads as it can: stored levels
 * first, falling back level by level to the leaves, with neighbouring indices read as one run.
 * One reader per request; it memoises within the batch only (the store may grow in between).
 */
export class SubtreeReader {
  private readonly stored: readonly number[];
  private readonly readLimitLog2: number;
  private readonly known = new Map<number, Map<number, Buffer>>();

  constructor(
    private readonly source: HashSource,
    private readonly readLimit: number = DEFAULT_READ_LIMIT,
    private readonly cache?: SubtreeCache,
  ) {
    this.stored = storedLevelsOf(source);
    this.readLimitLog2 = Math.floor(Math.log2(readLimit));
  }

  /** The hashes of the given complete subtrees, in the same order. */
  async hashes(refs: readonly SubtreeRef[]): Promise<Buffer[]> {
    const pending = new Map<number, Set<number>>();
    const want = (level: number, index: number): void => {
      const known = this.knownAt(level);
      if (known.has(index)) return;
      const cached = this.cache?.get(level, index);
      if (cached) {
        known.set(index, cached);
        return;
      }
      let set = pending.get(level);
      if (!set) pending.set(level, (set = new Set()));
      set.add(index);
    };
    for (const ref of refs) want(ref.level, ref.index);

    // Top down: each level either answers from the store or hands its misses to the level below,
    // so each level costs one batch of reads however many requests landed on it.
    const large: SubtreeRef[] = [];
    const maxLevel = Math.max(-1, ...pending.keys());
    for (let level = maxLevel; level >= 0; level -= 1) {
      const indices = [...(pending.get(level) ?? [])].sort((a, b) => a - b);
      if (indices.length === 0) continue;
      if (level === 0) {
        await this.readLeaves(indices);
        continue;
      }
      const missing = this.stored.includes(level) ? await this.readStored(level, indices) : indices;
      const base = this.baseBelow(level);
      const fanout = 2 ** (level - base);
      for (const index of missing) {
        if (fanout > this.readLimit) large.push({ level, index });
        else for (let c = 0; c < fanout; c += 1) want(base, index * fanout + c);
      }
    }
    // A subtree too big to gather in one go (no stored level near it) is hashed in slices, one at
    // a time, so memory stays bounded by the read limit rather than by the subtree.
    for (const ref of large) {
      const hash = await this.hashInSlices(ref);
      this.knownAt(ref.level).set(ref.index, hash);
      this.cache?.set(ref.level, ref.index, hash);
    }
    return refs.map((ref) => this.assemble(ref.level, ref.index));
  }

  private knownAt(level: number): Map<number, Buffer> {
    let map = this.known.get(level);
    if (!map) this.known.set(level, (map = new Map<number, Buffer>()));
    return map;
  }

  /** The highest stored level below `level`, or 0 (the leaves): where a miss at `level` is read. */
  private baseBelow(level: number): number {
    let base = 0;
    for (const stored of this.stored) if (stored < level && stored > base) base = stored;
    return base;
  }

  /** Hash of (level, index), folding up from what the reads brought in. */
  private assemble(level: number, index: number): Buffer {
    const hit = this.knownAt(level).get(index);
    if (hit) return hit;
    if (level === 0) throw new Error(`Merkle source did not supply leaf ${index}`);
    const base = this.baseBelow(level);
    const fanout = 2 ** (level - base);
    let row: Buffer[] = [];
    for (let c = 0; c < fanout; c += 1) row.push(this.assemble(base, index * fanout + c));
    while (row.length > 1) {
      const up: Buffer[] = [];
      for (let i = 0; i < row.length; i += 2) up.push(nodeHash(row[i], row[i + 1]));
      row = up;
    }
    this.knownAt(level).set(index, row[0]);
    this.cache?.set(level, index, row[0]);
    return row[0];
  }

  private async hashInSlices(ref: SubtreeRef): Promise<Buffer> {
    // Each slice is one full read at the level below (no kept level lies between it and ref).
    const sliceLevel = this.baseBelow(ref.level) + this.readLimitLog2;
    const slices = 2 ** (ref.level - sliceLevel);
    let row: Buffer[] = [];
    for (let c = 0; c < slices; c += 1) {
      // A fresh reader per slice: its memo would otherwise keep every leaf of the subtree.
      const [hash] = await new SubtreeReader(this.source, this.readLimit, this.cache).hashes([
        { level: sliceLevel, index: ref.index * slices + c },
      ]);
      row.push(hash);
    }
    while (row.length > 1) {
      const up: Buffer[] = [];
      for (let i = 0; i < row.length; i += 2) up.push(nodeHash(row[i], row[i + 1]));
      row = up;
    }
    return row[0];
  }

  private async readLeaves(indices: readonly number[]): Promise<void> {
    const known = this.knownAt(0);
    await Promise.all(
      toRuns(indices, this.readLimit).map(async ({ start, end }) => {
        const hashes = await this.source.leafHashes(start, end);
        if (!Array.isArray(hashes) || hashes.length !== end - start) {
          throw new Error(`Merkle source: leafHashes(${start}, ${end}) gave ${hashes?.length} hashes`);
        }
        hashes.forEach((h, i) => known.set(start + i, asHash(h, `leaf ${start + i}`)));
      }),
    );
  }

  /** A hash read from the store: for this batch, and for later ones through the cache. */
  private keep(level: number, index: number, hash: Buffer): void {
    this.knownAt(level).set(index, hash);
    this.cache?.set(level, index, hash);
  }

  /** Reads the stored hashes it can; returns the indices the store did not have. */
  private async readStored(level: number, indices: readonly number[]): Promise<number[]> {
    const known = this.knownAt(level);
    const { source } = this;
    if (source.subtreeHashes) {
      const read = source.subtreeHashes.bind(source);
      await Promise.all(
        toRuns(indices, this.readLimit).map(async ({ start, end }) => {
          const hashes = await read(level, start, end);
          if (!Array.isArray(hashes) || hashes.length !== end - start) {
            throw new Error(`Merkle source: subtreeHashes(${level}, ${start}, ${end}) gave ${hashes?.length}`);
          }
          hashes.forEach((h, i) => {
            if (h !== undefined && h !== null) this.keep(level, start + i, asHash(h, `subtree ${level}/${start + i}`));
          });
        }),
      );
    } else if (source.subtreeHash) {
      const read = source.subtreeHash.bind(source);
      // One call an index: a few dozen at once, not thousands queued on a connection pool.
      for (let i = 0; i < indices.length; i += SINGLE_READS_AT_ONCE) {
        await Promise.all(
          indices.slice(i, i + SINGLE_READS_AT_ONCE).map(async (index) => {
            const h = await read(level, index);
            if (h !== undefined && h !== null) this.keep(level, index, asHash(h, `subtree ${level}/${index}`));
          }),
        );
      }
    }
    return indices.filter((index) => !known.has(index));
  }
}

/** The stored levels a source declares, checked: whole numbers from 1 to 52, ascending. */
export function storedLevelsOf(source: HashSource): number[] {
  const levels = [...new Set(source.storedLevels ?? [])].sort((a, b) => a - b);
  for (const level of levels) {
    if (!Number.isInteger(level) || level < 1 || level > 52) {
      throw new RangeError(`Merkle source: stored level ${level} is not a whole number from 1 to 52`);
    }
  }
  if (levels.length > 0 && !source.subtreeHashes && !source.subtreeHash) {
    throw new TypeError('Merkle source lists storedLevels but has neither subtreeHashes nor subtreeHash');
  }
  return levels;
}

/**
 * Sorted distinct indices as runs to read. A gap no longer than the run before it is read through
 * (at most doubling what is read): a proof's siblings below one stored level sit either side of
 * the proved leaf's own path, and one read of the whole block beats one read per sibling.
 */
export function toRuns(sorted: readonly number[], limit: number): Run[] {
  const runs: Run[] = [];
  for (const index of sorted) {
    const last = runs[runs.length - 1];
    if (last && index >= last.end && index - last.end <= last.end - last.start && index + 1 - last.start <= limit) {
      last.end = index + 1;
    } else if (!last || index >= last.end) {
      runs.push({ start: index, end: index + 1 });
    }
  }
  return runs;
}

function asHash(value: unknown, what: string): Buffer {
  if (value instanceof Uint8Array && value.length === HASH_LENGTH) {
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new TypeError(`Merkle source: ${what} is not a ${HASH_LENGTH}-byte hash`);
}
