import type { HashSource } from './hash-source.js';
import { DEFAULT_READ_LIMIT, storedLevelsOf, SubtreeReader } from './subtree-reader.js';
import { isTreeCount, type SubtreeRef } from './tree-shape.js';

/** A complete subtree hash for the store to keep: leaves [index·2^level, (index+1)·2^level). */
export interface CompletedSubtree {
  readonly level: number;
  readonly index: number;
  readonly hash: Buffer;
}

/**
 * The subtrees at `levels` whose last leaf arrived when the log grew from oldSize to newSize,
 * lowest level first. Cheap and pure: what a store must write, before hashing anything.
 */
export function completedSubtreeRefs(oldSize: number, newSize: number, levels: readonly number[]): SubtreeRef[] {
  if (!isTreeCount(oldSize) || !isTreeCount(newSize) || oldSize > newSize) {
    throw new RangeError(`the log cannot grow from ${oldSize} to ${newSize}`);
  }
  const refs: SubtreeRef[] = [];
  for (const level of checkedLevels(levels)) {
    const width = 2 ** level;
    for (let index = Math.floor(oldSize / width); index < Math.floor(newSize / width); index += 1) {
      refs.push({ level, index });
    }
  }
  return refs;
}

/**
 * The hashes of the subtrees completedSubtreeRefs names, for the store to write once (they never
 * change). Lower levels are hashed first and reused for the higher ones, so a batch of appends
 * reads its new leaves once, plus whatever stored level-below hashes `source` already has.
 *
 * `source` reads the log as it is after the appends (the leaves up to newSize must be readable).
 * Safe to run again for a range already done (after a crash, say): it gives the same hashes.
 */
export async function completedSubtrees(
  oldSize: number,
  newSize: number,
  levels: readonly number[],
  source: HashSource,
  readLimit: number = DEFAULT_READ_LIMIT,
): Promise<CompletedSubtree[]> {
  const refs = completedSubtreeRefs(oldSize, newSize, levels);
  const fresh = new Map<number, Map<number, Buffer>>();
  const overlay = withFreshHashes(source, levels, fresh);
  const allLevels = storedLevelsOf(overlay);
  const out: CompletedSubtree[] = [];
  for (const level of checkedLevels(levels)) {
    const atLevel = refs.filter((ref) => ref.level === level);
    const below = Math.max(0, ...allLevels.filter((l) => l < level));
    // Bounded batches: a first run over a large existing log would otherwise gather every leaf.
    const perBatch = Math.max(1, Math.floor(readLimit / 2 ** (level - below)));
    const mine = new Map<number, Buffer>();
    fresh.set(level, mine);
    for (let i = 0; i < atLevel.length; i += perBatch) {
      const batch = atLevel.slice(i, i + perBatch);
      const hashes = await new SubtreeReader(overlay, readLimit).hashes(batch);
      batch.forEach((ref, j) => {
        mine.set(ref.index, hashes[j]);
        out.push({ level, index: ref.index, hash: hashes[j] });
      });
    }
  }
  return out;
}

function checkedLevels(levels: readonly number[]): number[] {
  const sorted = [...new Set(levels)].sort((a, b) => a - b);
  for (const level of sorted) {
    if (!Number.isInteger(level) || level < 1 || level > 52) {
      throw new RangeError(`subtree level ${level} is not a whole number from 1 to 52`);
    }
  }
  return sorted;
}

/** `source` seen through the hashes this call has just computed, as if already stored. */
function withFreshHashes(source: HashSource, levels: readonly number[], fresh: Map<number, Map<number, Buffer>>): HashSource {
  const sourceLevels = new Set(source.storedLevels ?? []);
  const fromSource = async (level: number, start: number, end: number): Promise<(Buffer | undefined)[]> => {
    if (!sourceLevels.has(level)) return new Array<undefined>(end - start).fill(undefined);
    if (source.subtreeHashes) return source.subtreeHashes(level, start, end);
    const read = source.subtreeHash?.bind(source);
    if (!read) return new Array<undefined>(end - start).fill(undefined);
    return Promise.all(Array.from({ length: end - start }, (_, i) => read(level, start + i)));
  };
  return {
    storedLevels: [...new Set([...sourceLevels, ...levels])],
    leafHashes: (start, end) => source.leafHashes(start, end),
    subtreeHashes: async (level, start, end) => {
      const mine = fresh.get(level);
      const hashes = Array.from({ length: end - start }, (_, i) => mine?.get(start + i));
      const missing = hashes.flatMap((h, i) => (h ? [] : [start + i]));
      if (missing.length === 0) return hashes;
      const first = missing[0];
      const theirs = await fromSource(level, first, missing[missing.length - 1] + 1);
      for (const index of missing) hashes[index - start] = theirs[index - first];
      return hashes;
    },
  };
}
