import type { DataSource, EntityManager } from 'typeorm';
import { returning } from '../database/returning.js';
import type { AuditAction, AuditActor, AuditDetails, AuditEntry, AuditEvent, AuditOutcome, AuditSubject } from './audit-event.js';
import { entryLeafParts, leafOfParts, type LeafParts } from './entry-leaf.js';

/** The SQL of the audit log's entries: appending a batch, and reading rows back as entries. */

type Executor = Pick<DataSource | EntityManager, 'query'>;

export const AUDIT_LOG = 'audit';

/** Milliseconds, UTC, as JavaScript's toISOString writes them: the form the leaf hashes. */
const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export const ENTRY_COLUMNS = `seq::text AS seq, to_char(at AT TIME ZONE 'UTC', ${ISO_MS}) AS at, action, actor_kind, actor_id,
  outcome, object, subject_kind, subject_ref, client, request_id, details, encode(leaf_hash, 'hex') AS leaf_hash`;

export interface EntryRow {
  seq: string;
  at: string;
  action: string;
  actor_kind: string;
  actor_id: string;
  outcome: string;
  object: string | null;
  subject_kind: string | null;
  subject_ref: string | null;
  client: string | null;
  request_id: string | null;
  details: Record<string, unknown> | string | null;
  leaf_hash: string;
}

/** An event ready to append: as it will be stored, and its leaf's bytes around the seq and time. */
export interface PreparedEvent {
  readonly event: AuditEvent;
  readonly parts: LeafParts;
}

/** Done before taking seqs, so the seq lock is held only for the hashing that needs them. */
export function prepareEvent(event: AuditEvent): PreparedEvent {
  const stored = storedEvent(event);
  return { event: stored, parts: entryLeafParts(stored) };
}

/**
 * Appends events as consecutive entries in one transaction of the caller's: takes their seqs from
 * audit_log_state (holding its row lock until the caller commits, so seqs are assigned in commit
 * order, and a rolled-back batch takes none) and the database's clock, then one multi-row INSERT.
 */
export async function insertEntries(manager: EntityManager, prepared: readonly PreparedEvent[]): Promise<AuditEntry[]> {
  const [state] = await returning<{ next_seq: string; at: string }>(
    manager,
    `UPDATE audit_log_state SET next_seq = next_seq + $2 WHERE log = $1
     RETURNING next_seq::text AS next_seq, to_char(date_trunc('milliseconds', clock_timestamp()) AT TIME ZONE 'UTC', ${ISO_MS}) AS at`,
    [AUDIT_LOG, prepared.length],
  );
  if (!state) throw new Error('audit: audit_log_state has no row for the audit log (run the migrations)');
  const first = Number(state.next_seq) - prepared.length;
  const at = state.at;
  // One array per column: a statement with 13 parameters whatever the batch's size, which
  // PostgreSQL parses and plans in a fraction of the time of a 500-row VALUES list.
  const columns: unknown[][] = Array.from({ length: 12 }, () => []);
  const entries = prepared.map(({ event, parts }, i) => {
    const seq = first + i;
    const row = [
      seq,
      event.action,
      event.actor.kind,
      event.actor.id,
      event.outcome,
      event.object ?? null,
      event.subject?.kind ?? null,
      event.subject ? subjectRef(event.subject) : null,
      event.client ?? null,
      event.requestId ?? null,
      event.details ? JSON.stringify(event.details) : null,
      leafOfParts(parts, at, seq).toString('hex'),
    ];
    row.forEach((value, j) => columns[j].push(value));
    return { seq, at, ...event };
  });
  await manager.query(
    `INSERT INTO audit_entries (seq, at, action, actor_kind, actor_id, outcome, object, subject_kind, subject_ref, client, request_id, details, leaf_hash)
     SELECT r.seq, $1::timestamptz, r.action, r.actor_kind, r.actor_id, r.outcome, r.object, r.subject_kind, r.subject_ref, r.client, r.request_id,
            r.details::jsonb, decode(r.leaf, 'hex')
     FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                 $12::text[], $13::text[])
          AS r(seq, action, actor_kind, actor_id, outcome, object, subject_kind, subject_ref, client, request_id, details, leaf)`,
    [at, ...columns],
  );
  return entries;
}

/** The event as stored and hashed: absent optional fields left out, empty details dropped. */
function storedEvent(event: AuditEvent): AuditEvent {
  const details = event.details && Object.keys(event.details).length ? { ...event.details } : undefined;
  return {
    action: event.action,
    actor: { kind: event.actor.kind, id: event.actor.id },
    outcome: event.outcome,
    ...(event.object !== undefined ? { object: event.object } : {}),
    ...(event.subject !== undefined ? { subject: event.subject } : {}),
    ...(event.client !== undefined ? { client: event.client } : {}),
    ...(event.requestId !== undefined ? { requestId: event.requestId } : {}),
    ...(details ? { details } : {}),
  };
}

export function subjectRef(subject: AuditSubject): string {
  switch (subject.kind) {
    case 'account':
      return subject.id;
    case 'enterprise':
      return subject.uscc;
    case 'citizen-index':
      return subject.index;
  }
}

function subjectOf(kind: string | null, ref: string | null): AuditSubject | undefined {
  if (kind === null || ref === null) return undefined;
  if (kind === 'account') return { kind, id: ref };
  if (kind === 'enterprise') return { kind, uscc: ref };
  return { kind: 'citizen-index', index: ref };
}

/** A row read with ENTRY_COLUMNS as the entry it stores (its stored leaf hash beside it). */
export function entryFromRow(row: EntryRow): AuditEntry {
  const subject = subjectOf(row.subject_kind, row.subject_ref);
  const details = typeof row.details === 'string' ? (JSON.parse(row.details) as AuditDetails) : (row.details as AuditDetails | null);
  return {
    seq: Number(row.seq),
    at: row.at,
    action: row.action as AuditAction,
    actor: { kind: row.actor_kind as AuditActor['kind'], id: row.actor_id },
    outcome: row.outcome as AuditOutcome,
    ...(row.object !== null ? { object: row.object } : {}),
    ...(subject ? { subject } : {}),
    ...(row.client !== null ? { client: row.client } : {}),
    ...(row.request_id !== null ? { requestId: row.request_id } : {}),
    ...(details && Object.keys(details).length ? { details } : {}),
  };
}

/** Entries concerning any of the subjects, newest first, below `beforeSeq`: one index scan per subject. */
export async function entriesForSubjects(
  executor: Executor,
  subjects: readonly AuditSubject[],
  page: { beforeSeq?: number; limit: number },
): Promise<AuditEntry[]> {
  if (!subjects.length || page.limit <= 0) return [];
  const params: unknown[] = [page.beforeSeq ?? Number.MAX_SAFE_INTEGER, page.limit];
  const scans = subjects.map((subject) => {
    params.push(subject.kind, subjectRef(subject));
    const kind = params.length - 1;
    return `(SELECT ${ENTRY_COLUMNS} FROM audit_entries
             WHERE subject_kind = $${kind} AND subject_ref = $${kind + 1} AND seq < $1 ORDER BY audit_entries.seq DESC LIMIT $2)`;
  });
  const rows = await executor.query<EntryRow[]>(
    `SELECT * FROM (${scans.join(' UNION ALL ')}) s ORDER BY seq::bigint DESC LIMIT $2`,
    params,
  );
  return rows.map(entryFromRow);
}
