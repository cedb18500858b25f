import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { JsonWebKey } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SubtreeReader } from './merkle/subtree-reader.js';
import { rootSubtrees } from './merkle/tree-shape.js';
import type { AuditEntry } from './audit-event.js';
import { AUDIT_LOG, ENTRY_COLUMNS, entryFromRow, type EntryRow } from './audit-entries.js';
import { auditHashSource, committedSize, signedHeads } from './audit-tree.js';
import { LogVerifier, type VerifySummary } from './log-verifier.js';
import { treeHeadFromJson, treeHeadJson, type TreeHeadJson } from './tree-head.js';

/**
 * `tongban audit verify` and `tongban audit export` (issue 14 §2, §5): the log checked where it is
 * stored, and written as JSON lines that the same verifier checks elsewhere, with no database.
 *
 * An export is, one JSON object a line:
 *   { "type": "audit-export", "version": 1, "log": "audit", "since", "exportedAt", "firstSeq", "treeSize",
 *     "frontier": [base64 hashes of the complete subtrees before firstSeq, RFC 9162 order], "keys": JWKS }
 *   { "type": "head", ...TreeHeadJson }        every signed head up to treeSize, smallest first
 *   { "type": "entry", "entry": AuditEntry, "leafHash": base64 }   entries firstSeq … treeSize − 1
 */

const PAGE = 10_000;

export interface VerifyReport extends VerifySummary {
  seconds: number;
  entriesPerSecond: number;
}

type Jwks = { keys: readonly JsonWebKey[] };

/** Verifies the stored log: every entry, every signed head. */
export async function verifyStoredLog(dataSource: DataSource, jwks: Jwks): Promise<VerifyReport> {
  const started = process.hrtime.bigint();
  const size = await committedSize(dataSource);
  const heads = (await signedHeads(dataSource)).filter((head) => head.treeSize <= size);
  const verifier = new LogVerifier(heads, jwks);
  for await (const [entry, leaf] of storedEntries(dataSource, 0, size)) if (!verifier.add(entry, leaf)) break;
  return report(verifier.finish(size), started);
}

/**
 * Entries [from, to) with their stored leaf hashes, in seq order, a page of seqs at a time. Pages
 * are seq ranges, not LIMITs: without statistics the planner would read the whole rest of the log
 * for every page to sort it; a gap (a removed entry) just makes a page shorter.
 */
async function* storedEntries(dataSource: DataSource, from: number, to: number): AsyncGenerator<[AuditEntry, Buffer]> {
  for (let start = from; start < to; start += PAGE) {
    const rows = await dataSource.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE seq >= $1 AND seq < $2 ORDER BY audit_entries.seq`,
      [start, Math.min(to, start + PAGE)],
    );
    for (const row of rows) yield [entryFromRow(row), Buffer.from(row.leaf_hash, 'hex')];
  }
}

export interface ExportSummary {
  firstSeq: number;
  treeSize: number;
  entries: number;
  heads: number;
}

/** Writes entries appended since `since`, every signed head and the keys as JSON lines through `write`. */
export async function exportLog(
  dataSource: DataSource,
  jwks: Jwks,
  since: Date,
  write: (text: string) => void | Promise<void>,
): Promise<ExportSummary> {
  const treeSize = await committedSize(dataSource);
  const [first] = await dataSource.query<{ seq: string | null }[]>(
    `SELECT min(seq)::text AS seq FROM audit_entries WHERE at >= $1 AND seq < $2`,
    [since.toISOString(), treeSize],
  );
  const firstSeq = first?.seq === null || first?.seq === undefined ? treeSize : Number(first.seq);
  const frontier = await new SubtreeReader(auditHashSource(dataSource)).hashes(rootSubtrees(firstSeq));
  const heads = (await signedHeads(dataSource)).filter((head) => head.treeSize <= treeSize);
  await write(
    JSON.stringify({
      type: 'audit-export',
      version: 1,
      log: AUDIT_LOG,
      since: since.toISOString(),
      exportedAt: new Date().toISOString(),
      firstSeq,
      treeSize,
      frontier: frontier.map((hash) => hash.toString('base64')),
      keys: jwks,
    }) + '\n',
  );
  for (const head of heads) await write(JSON.stringify({ type: 'head', ...treeHeadJson(head) }) + '\n');
  let lines: string[] = [];
  let entries = 0;
  for await (const [entry, leaf] of storedEntries(dataSource, firstSeq, treeSize)) {
    lines.push(JSON.stringify({ type: 'entry', entry, leafHash: leaf.toString('base64') }));
    entries++;
    if (lines.length >= 1000) {
      await write(lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length) await write(lines.join('\n') + '\n');
  return { firstSeq, treeSize, entries, heads: heads.length };
}

export class ArchiveError extends Error {}

/** Verifies an export file (`tongban audit verify --file`): no database, the keys it carries. */
export async function verifyExportFile(path: string): Promise<VerifyReport & { since: string; exportedAt: string }> {
  const started = process.hrtime.bigint();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let header: { firstSeq: number; treeSize: number; frontier: string[]; keys: Jwks; since: string; exportedAt: string } | undefined;
  const heads: TreeHeadJson[] = [];
  let verifier: LogVerifier | undefined;
  let number = 0;
  for await (const line of lines) {
    number++;
    if (!line.trim()) continue;
    let record: { type?: string } & Record<string, unknown>;
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      throw new ArchiveError(`${path}:${number} is not JSON`);
    }
    if (!header) {
      if (record.type !== 'audit-export' || record.version !== 1 || record.log !== AUDIT_LOG)
        throw new ArchiveError(`${path} is not an export of tongban's audit log (its first line is not the export's header)`);
      header = record as unknown as typeof header;
      continue;
    }
    if (record.type === 'head') {
      if (verifier) throw new ArchiveError(`${path}:${number}: a tree head after the entries`);
      heads.push(record as unknown as TreeHeadJson);
    } else if (record.type === 'entry') {
      verifier ??= new LogVerifier(heads.map(treeHeadFromJson), header.keys, {
        firstSeq: header.firstSeq,
        frontier: header.frontier.map((hash) => Buffer.from(hash, 'base64')),
      });
      if (!verifier.add(record.entry as AuditEntry, Buffer.from(String(record.leafHash), 'base64'))) break;
    } else throw new ArchiveError(`${path}:${number}: unknown record type ${JSON.stringify(record.type)}`);
  }
  if (!header) throw new ArchiveError(`${path} is empty`);
  verifier ??= new LogVerifier(heads.map(treeHeadFromJson), header.keys, {
    firstSeq: header.firstSeq,
    frontier: header.frontier.map((hash) => Buffer.from(hash, 'base64')),
  });
  return { ...report(verifier.finish(header.treeSize), started), since: header.since, exportedAt: header.exportedAt };
}

function report(summary: VerifySummary, started: bigint): VerifyReport {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ...summary, seconds, entriesPerSecond: seconds > 0 ? Math.round(summary.entries / seconds) : 0 };
}
