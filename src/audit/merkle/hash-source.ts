/**
 * Where a MerkleTree gets its hashes: the store says how to read leaf hashes and, if it keeps
 * them, the hashes of complete aligned subtrees at a few levels. The tree never needs anything
 * else, so the same code serves PostgreSQL tables, an exported file or an in-memory test tree.
 *
 * A subtree at `level` with `index` covers leaves [index·2^level, (index+1)·2^level); level 0 is a
 * leaf. Once its last leaf is appended its hash never changes (the log is append-only), so a store
 * can write it once, when `completedSubtrees` says it is complete, and read it forever after.
 *
 * Example for the audit store (levels 8, 16, 24 kept in an `audit_subtrees(level, index, hash)`
 * table; without them every proof at 10^7 entries would hash millions of leaves):
 *
 *   const source: HashSource = {
 *     storedLevels: [8, 16, 24],
 *     leafHashes: async (start, end) =>
 *       (await db.query('SELECT leaf_hash FROM audit_log WHERE seq >= $1 AND seq < $2 ORDER BY seq',
 *         [start, end])).rows.map((r) => r.leaf_hash),
 *     subtreeHashes: async (level, start, end) => {
 *       const { rows } = await db.query(
 *         'SELECT index, hash FROM audit_subtrees WHERE level = $1 AND index >= $2 AND index < $3',
 *         [level, start, end]);
 *       const byIndex = new Map(rows.map((r) => [Number(r.index), r.hash]));
 *       return Array.from({ length: end - start }, (_, i) => byIndex.get(start + i));
 *     },
 *   };
 *   const cache = new SubtreeCache(); // one per log, kept for the life of the service
 *   const tree = new MerkleTree(source, { cache }); // cheap: one per request is fine
 *   const head = { size, root: await tree.root(size) };
 *   const proof = await tree.inclusionProof(index, size);
 *
 * and after each committed batch of appends (old size a, new size b):
 *
 *   for (const s of await completedSubtrees(a, b, [8, 16, 24], source))
 *     await db.query('INSERT INTO audit_subtrees (level, index, hash) VALUES ($1, $2, $3)
 *       ON CONFLICT DO NOTHING', [s.level, s.index, s.hash]);
 *
 * A subtree hash the store has not written yet (a crash between the append and that insert) is
 * simply answered `undefined`: the tree then computes it from the level below, so a missing row
 * costs time, never a wrong answer. Writing one that is wrong does give wrong roots: the hashes
 * written must be those `completedSubtrees` returned.
 */
export interface HashSource {
  /**
   * The leaf hashes (leafHash of each entry's bytes) of leaves [start, end), in order, exactly
   * end − start of them. Only asked for leaves that exist in the tree being answered.
   */
  leafHashes(start: number, end: number): Promise<Buffer[]>;

  /**
   * The levels (≥ 1) at which the store keeps complete subtree hashes. The tree asks only for
   * these; without the list it asks for none and works from the leaves.
   */
  readonly storedLevels?: readonly number[];

  /**
   * The stored hashes of subtrees [start, end) at `level` (one of storedLevels), in order, exactly
   * end − start entries, `undefined` for any not stored. Preferred over subtreeHash: one query for
   * a run of neighbours.
   */
  subtreeHashes?(level: number, start: number, end: number): Promise<(Buffer | undefined)[]>;

  /** The stored hash of subtree `index` at `level`, or undefined. Used when subtreeHashes is not. */
  subtreeHash?(level: number, index: number): Promise<Buffer | undefined>;
}
