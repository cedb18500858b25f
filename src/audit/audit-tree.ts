import type { DataSource, EntityManager } from 'typeorm';
import { completedSubtrees, type HashSource } from './merkle/index.js';
import { AUDIT_LOG } from './audit-entries.js';
import type { SignedTreeHead } from './tree-head.js';

/**
 * A log's Merkle tree as stored: leaf hashes in its entries table (audit_entries for the audit log,
 * issuance_entries for the public issuance log), complete subtree hashes at levels 8, 16, 24 and 32
 * in audit_tree_nodes (a proof at 10^7 entries reads a few hundred hashes), and the signed heads in
 * audit_tree_heads; nodes and heads are told apart by their `log` column. Every function takes the
 * log's name, the audit log when none is given.
 */

type Executor = Pick<DataSource | EntityManager, 'query'>;

export const STORED_LEVELS = [8, 16, 24, 32] as const;

/** Each log's table of entries (seq, leaf_hash). A constant map: the name is never taken from a request. */
const ENTRY_TABLES: Readonly<Record<string, string>> = { [AUDIT_LOG]: 'audit_entries', issuance: 'issuance_entries' };

function entryTable(log: string): string {
  const table = ENTRY_TABLES[log];
  if (!table) throw new Error(`no log named ${log}`);
  return table;
}

/** The Merkle library's view of the stored tree of `log`. */
export function auditHashSource(executor: Executor, log: string = AUDIT_LOG): HashSource {
  const table = entryTable(log);
  return {
    storedLevels: STORED_LEVELS,
    async leafHashes(start, end) {
      const rows = await executor.query<{ h: string }[]>(
        `SELECT encode(leaf_hash, 'hex') AS h FROM ${table} WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
        [start, end],
      );
      return rows.map((row) => Buffer.from(row.h, 'hex'));
    },
    async subtreeHashes(level, start, end) {
      const rows = await executor.query<{ idx: string; h: string }[]>(
        `SELECT idx::text AS idx, encode(hash, 'hex') AS h FROM audit_tree_nodes WHERE log = $1 AND level = $2 AND idx >= $3 AND idx < $4`,
        [log, level, start, end],
      );
      const byIndex = new Map(rows.map((row) => [Number(row.idx), Buffer.from(row.h, 'hex')]));
      return Array.from({ length: end - start }, (_, i) => byIndex.get(start + i));
    },
  };
}

/** Entries committed: every seq below it is committed (seqs are taken in commit order). */
export async function committedSize(executor: Executor, log: string = AUDIT_LOG): Promise<number> {
  const [row] = await executor.query<{ n: string }[]>(`SELECT next_seq::text AS n FROM audit_log_state WHERE log = $1`, [log]);
  return row ? Number(row.n) : 0;
}

/** Writes the subtree hashes completed when the log grew from oldSize to newSize (again after a crash: same hashes). */
export async function writeCompletedSubtrees(
  executor: Executor,
  oldSize: number,
  newSize: number,
  log: string = AUDIT_LOG,
): Promise<number> {
  const source = auditHashSource(executor, log);
  const done = await completedSubtrees(oldSize, newSize, STORED_LEVELS, source);
  for (let i = 0; i < done.length; i += 1000) {
    const rows = done.slice(i, i + 1000).map((s) => ({ level: s.level, idx: s.index, h: s.hash.toString('hex') }));
    await executor.query(
      `INSERT INTO audit_tree_nodes (log, level, idx, hash)
       SELECT $1, r.level, r.idx, decode(r.h, 'hex') FROM jsonb_to_recordset($2::jsonb) AS r(level smallint, idx bigint, h text)
       ON CONFLICT DO NOTHING`,
      [log, JSON.stringify(rows)],
    );
  }
  return done.length;
}

const HEAD_COLUMNS = `log, tree_size::text AS tree_size, encode(root_hash, 'hex') AS root_hash,
  (extract(epoch FROM signed_at) * 1000)::bigint::text AS ts, kid, encode(signature, 'hex') AS signature`;

interface HeadRow {
  log: string;
  tree_size: string;
  root_hash: string;
  ts: string;
  kid: string;
  signature: string;
}

function headFromRow(row: HeadRow): SignedTreeHead {
  return {
    log: row.log,
    treeSize: Number(row.tree_size),
    rootHash: Buffer.from(row.root_hash, 'hex'),
    timestamp: Number(row.ts),
    kid: row.kid,
    signature: Buffer.from(row.signature, 'hex'),
  };
}

export async function latestHead(executor: Executor, log: string = AUDIT_LOG): Promise<SignedTreeHead | undefined> {
  const rows = await executor.query<HeadRow[]>(
    `SELECT ${HEAD_COLUMNS} FROM audit_tree_heads WHERE log = $1 ORDER BY audit_tree_heads.tree_size DESC LIMIT 1`,
    [log],
  );
  return rows[0] && headFromRow(rows[0]);
}

/** Signed heads, smallest tree first; from `minSize` on when given. */
export async function signedHeads(executor: Executor, minSize = 0, log: string = AUDIT_LOG): Promise<SignedTreeHead[]> {
  const rows = await executor.query<HeadRow[]>(
    `SELECT ${HEAD_COLUMNS} FROM audit_tree_heads WHERE log = $1 AND tree_size >= $2 ORDER BY audit_tree_heads.tree_size`,
    [log, minSize],
  );
  return rows.map(headFromRow);
}

/** Keeps a head; another replica may have signed the same size first (then theirs stays). */
export async function insertHead(executor: Executor, head: SignedTreeHead): Promise<void> {
  await executor.query(
    `INSERT INTO audit_tree_heads (log, tree_size, root_hash, signed_at, kid, signature)
     VALUES ($1, $2, decode($3, 'hex'), timestamptz 'epoch' + $4 * interval '1 millisecond', $5, decode($6, 'hex'))
     ON CONFLICT DO NOTHING`,
    [head.log, head.treeSize, head.rootHash.toString('hex'), head.timestamp, head.kid, head.signature.toString('hex')],
  );
}
