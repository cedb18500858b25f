import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { KeyStore } from '../../keys/keystore.service.js';
import { LogHeadSigner } from '../tree-head-signer.js';
import { InvalidRangeError, LogProofs } from '../transparency.service.js';
import { committedSize } from '../audit-tree.js';
import { IssuanceHolders } from './issuance-holder.js';
import { ISO_MS, readItems, unloggedIds, type IssuedItem } from './issuance-items.js';
import {
  ISSUANCE_KINDS,
  ISSUANCE_LOG,
  issuanceLeafHash,
  type IssuanceEntry,
  type IssuanceKind,
  type IssuanceLogRef,
} from './issuance-entry.js';

/** A batch is written this long after its first item, or at once when it is this large. */
const BATCH_DELAY_MS = 5;
const BATCH_MAX = 500;
/**
 * How often a running replica looks again for stored items without a leaf: tongban's own
 * certificates made after a key rotation (the PKI stores them without an issuing path to log
 * them), and items another replica stored just before it crashed.
 */
const RECONCILE_INTERVAL_MS = 60 * 60_000;
/** Most entries one call of the entries endpoint answers. */
export const MAX_ENTRIES_PER_CALL = 1000;

interface Pending {
  kind: IssuanceKind;
  id: string;
  resolve(ref: IssuanceLogRef | undefined): void;
  reject(err: unknown): void;
}

/** An entry with the leaf hash stored beside it. */
export type StoredIssuanceEntry = IssuanceEntry & { leafHash: Buffer };

interface EntryRow {
  seq: string;
  logged_at: string;
  kind: IssuanceKind;
  item_id: string;
  issuer: string;
  issuer_code: string | null;
  type: string;
  issued_at: string;
  holder: string | null;
  leaf: string;
}

/**
 * The public issuance log (issue 14 §3): every certificate, licence and seal tongban issues is
 * appended as a leaf (issuance-entry.ts) of its own RFC 9162 tree, with its own signed heads
 * (log 'issuance', the `audit` key) and proofs.
 *
 * When: right after the item is committed, not in the issuing transaction. The issuing modules
 * each commit their item in a transaction of their own store (a licence with its status-list
 * entry, a seal with its idempotency key), and on the embedded store a second writer inside that
 * transaction would wait for the one session it holds; taking the log's row lock inside it would
 * also serialise every issuance of every replica behind the log. So the item is durable first and
 * the issuing path then awaits `logged(kind, id)` before it answers: the answer carries the leaf
 * index, and an item is never in the log without being issued. The gap — a crash after the item's
 * commit and before its leaf's — is closed by `reconcile`, run at every start: it appends every
 * stored item that has no entry (the stores are the truth), oldest first. Entries are read from
 * the stored rows, never from the caller, and an item has at most one entry ((kind, item_id) is
 * unique, checked under the log's row lock), so a retried or replayed issuance answers the index
 * it already has.
 *
 * Seqs come from audit_log_state's 'issuance' row like the audit log's: the appending transaction
 * locks the row, so they are contiguous across replicas and taken in commit order.
 */
@Injectable()
export class IssuanceLog implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('issuance-log');
  readonly signer: LogHeadSigner;
  readonly proofs: LogProofs;
  private readonly holders: IssuanceHolders;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private reconciling: Promise<unknown> | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    keys: KeyStore,
  ) {
    this.signer = new LogHeadSigner(dataSource, keys, ISSUANCE_LOG);
    this.proofs = new LogProofs(dataSource, ISSUANCE_LOG);
    this.holders = new IssuanceHolders(keys);
  }

  /** At start: the items a crash left out of the log (and, on a database older than the log, every item issued before it). */
  onApplicationBootstrap(): void {
    if (!this.config.auditWrites) return;
    this.reconcileInBackground();
    this.reconcileTimer = setInterval(() => this.reconcileInBackground(), RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.reconcileTimer);
    await this.reconciling;
    await this.flush();
    await this.signer
      .signIfGrown()
      .catch((err: unknown) => this.logger.warn(`no issuance tree head signed at shutdown: ${(err as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
    this.signer.onApplicationShutdown();
  }

  /**
   * Appends the stored item's entry, unless it has one; resolves with its leaf index once that is
   * committed. Call it after the item's own transaction committed. Undefined when there is no such
   * stored item, or with AUDIT_WRITES=off (bench only).
   */
  logged(kind: IssuanceKind, id: string): Promise<IssuanceLogRef | undefined> {
    if (!this.config.auditWrites) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.queue.push({ kind, id, resolve, reject });
      if (this.queue.length >= BATCH_MAX) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), BATCH_DELAY_MS);
    });
  }

  /** Writes everything queued; resolves when it is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.queue.length || this.writing) {
      this.kick();
      await this.writing;
    }
  }

  /** The item's leaf, when it is in the log. */
  async indexOf(kind: IssuanceKind, id: string): Promise<IssuanceLogRef | undefined> {
    const [row] = await this.dataSource.query<{ seq: string }[]>(
      `SELECT seq::text AS seq FROM issuance_entries WHERE kind = $1 AND item_id = $2`,
      [kind, id],
    );
    return row ? { log: ISSUANCE_LOG, index: Number(row.seq) } : undefined;
  }

  /** The leaf of the seal tongban made with this DER (its SHA-256): an esID alone could be another maker's. */
  async sealIndex(sha256: Buffer): Promise<IssuanceLogRef | undefined> {
    const [row] = await this.dataSource.query<{ seq: string }[]>(
      `SELECT e.seq::text AS seq FROM seals s JOIN issuance_entries e ON e.kind = 'seal' AND e.item_id = s.es_id
       WHERE s.sha256 = decode($1, 'hex')`,
      [sha256.toString('hex')],
    );
    return row ? { log: ISSUANCE_LOG, index: Number(row.seq) } : undefined;
  }

  /** Entries committed; every seq below it is. */
  size(): Promise<number> {
    return committedSize(this.dataSource, ISSUANCE_LOG);
  }

  /** Entries [start, end), end exclusive, at most MAX_ENTRIES_PER_CALL; those past the log's end left out. */
  async entries(start: number, end: number): Promise<StoredIssuanceEntry[]> {
    if (!(start < end)) throw new InvalidRangeError(`start must be below end (got start ${start}, end ${end})`);
    if (end - start > MAX_ENTRIES_PER_CALL)
      throw new InvalidRangeError(`at most ${MAX_ENTRIES_PER_CALL} entries a call (asked for ${end - start})`);
    const size = await this.size();
    if (start >= size) throw new InvalidRangeError(`start ${start} is past the log's end (${size} entries)`);
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT seq::text AS seq, to_char(at AT TIME ZONE 'UTC', ${ISO_MS}) AS logged_at, kind, item_id, issuer, issuer_code, type,
              to_char(issued_at AT TIME ZONE 'UTC', ${ISO_MS}) AS issued_at, encode(holder_hash, 'hex') AS holder, encode(leaf_hash, 'hex') AS leaf
       FROM issuance_entries WHERE seq >= $1 AND seq < $2 ORDER BY issuance_entries.seq`,
      [start, Math.min(end, size)],
    );
    return rows.map(entryFromRow);
  }

  /**
   * Appends every stored item that has no entry, oldest first, in batches; the number appended.
   * Safe beside issuance and other replicas: the check for an entry is made again under the lock.
   */
  async reconcile(): Promise<number> {
    let appended = 0;
    for (const kind of ISSUANCE_KINDS) {
      for (;;) {
        const ids = await unloggedIds(this.dataSource, kind, BATCH_MAX);
        if (!ids.length) break;
        const refs = await this.append(ids.map((id) => ({ kind, id })));
        appended += refs.filter((ref) => ref?.fresh).length;
        if (ids.length < BATCH_MAX) break;
      }
    }
    if (appended) this.logger.log(`appended ${appended} issued item(s) missing from the issuance log`);
    return appended;
  }

  private reconcileInBackground(): void {
    if (this.reconciling) return;
    this.reconciling = this.reconcile()
      .catch((err: unknown) => {
        // A PostgreSQL schema not migrated yet (the CLI's `db migrate` starts the same modules) has nothing to reconcile.
        if ((err as { code?: string }).code === '42P01') return;
        this.logger.warn(`issued items not reconciled with the issuance log: ${(err as Error).message}`);
      })
      .finally(() => (this.reconciling = undefined));
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || !this.queue.length) return;
    const batch = this.queue.splice(0, BATCH_MAX);
    this.writing = this.write(batch).finally(() => {
      this.writing = undefined;
      if (this.queue.length) this.kick();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const refs = await this.append(batch);
      batch.forEach((pending, i) => {
        const ref = refs[i];
        if (!ref) this.logger.warn(`no stored ${pending.kind} ${pending.id} to log`);
        pending.resolve(ref && { log: ISSUANCE_LOG, index: ref.index });
      });
    } catch (err) {
      for (const pending of batch) pending.reject(err);
    }
  }

  /** The index of each item (in the order given), appending those without an entry; undefined for an item not stored. */
  private async append(items: readonly { kind: IssuanceKind; id: string }[]): Promise<({ index: number; fresh: boolean } | undefined)[]> {
    const key = (kind: string, id: string) => `${kind}:${id}`;
    // Read and hash outside the transaction: the stored fields never change once issued.
    const known = await this.existing(this.dataSource, items);
    const wanted = new Map<string, { kind: IssuanceKind; id: string }>();
    for (const item of items) if (!known.has(key(item.kind, item.id))) wanted.set(key(item.kind, item.id), item);
    const described: IssuedItem[] = [];
    for (const kind of ISSUANCE_KINDS) {
      const ids = [...wanted.values()].filter((item) => item.kind === kind).map((item) => item.id);
      described.push(...(await readItems(this.dataSource, kind, ids)));
    }
    const holders = await Promise.all(
      described.map((item) => (item.holder ? this.holders.holderHash(item.holder) : Promise.resolve(undefined))),
    );
    const fresh = new Set<string>();
    if (described.length) {
      const appended = await this.dataSource.transaction((manager) => this.insert(manager, described, holders));
      appended.forEach((index, k) => {
        known.set(k, index);
        fresh.add(k);
      });
      if (appended.size) this.signer.noteGrowth();
    }
    return items.map((item) => {
      const index = known.get(key(item.kind, item.id));
      return index === undefined ? undefined : { index, fresh: fresh.has(key(item.kind, item.id)) };
    });
  }

  /** Indexes of the items that have an entry, by "kind:id". */
  private async existing(
    executor: Pick<EntityManager, 'query'>,
    items: readonly { kind: string; id: string }[],
  ): Promise<Map<string, number>> {
    const rows = await executor.query<{ kind: string; item_id: string; seq: string }[]>(
      `SELECT e.kind, e.item_id, e.seq::text AS seq FROM issuance_entries e
       JOIN jsonb_to_recordset($1::jsonb) AS r(kind text, id text) ON e.kind = r.kind AND e.item_id = r.id`,
      [JSON.stringify(items.map((item) => ({ kind: item.kind, id: item.id })))],
    );
    return new Map(rows.map((row) => [`${row.kind}:${row.item_id}`, Number(row.seq)]));
  }

  /**
   * In one transaction: locks the log's row of audit_log_state (held until commit, so seqs are
   * contiguous and in commit order, and no other appender can log the same item meanwhile), leaves
   * out items another appender logged since they were checked, and inserts the rest with
   * consecutive seqs and the database's time. Answers the new entries' indexes by "kind:id".
   */
  private async insert(
    manager: EntityManager,
    items: readonly IssuedItem[],
    holders: readonly (string | undefined)[],
  ): Promise<Map<string, number>> {
    const [state] = await manager.query<{ next_seq: string; at: string }[]>(
      `SELECT next_seq::text AS next_seq, to_char(date_trunc('milliseconds', clock_timestamp()) AT TIME ZONE 'UTC', ${ISO_MS}) AS at
       FROM audit_log_state WHERE log = $1 FOR UPDATE`,
      [ISSUANCE_LOG],
    );
    if (!state) throw new Error('issuance log: audit_log_state has no row for it (run the migrations)');
    const taken = await this.existing(manager, items);
    let seq = Number(state.next_seq);
    const entries: { entry: IssuanceEntry; leaf: Buffer }[] = [];
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const k = `${item.kind}:${item.id}`;
      if (taken.has(k) || seen.has(k)) return;
      seen.add(k);
      const entry: IssuanceEntry = {
        index: seq++,
        loggedAt: state.at,
        kind: item.kind,
        id: item.id,
        issuer: item.issuer,
        ...(item.issuerCode !== undefined ? { issuerCode: item.issuerCode } : {}),
        type: item.type,
        issuedAt: item.issuedAt,
        ...(holders[i] !== undefined ? { holder: holders[i] } : {}),
      };
      entries.push({ entry, leaf: issuanceLeafHash(entry) });
    });
    if (!entries.length) return new Map();
    await manager.query(`UPDATE audit_log_state SET next_seq = $2 WHERE log = $1`, [ISSUANCE_LOG, seq]);
    const rows = entries.map(({ entry, leaf }) => ({
      seq: entry.index,
      at: entry.loggedAt,
      kind: entry.kind,
      item_id: entry.id,
      issuer: entry.issuer,
      issuer_code: entry.issuerCode ?? null,
      type: entry.type,
      issued_at: entry.issuedAt,
      holder: entry.holder ?? null,
      leaf: leaf.toString('hex'),
    }));
    await manager.query(
      `INSERT INTO issuance_entries (seq, at, kind, item_id, issuer, issuer_code, type, issued_at, holder_hash, leaf_hash)
       SELECT r.seq, r.at::timestamptz, r.kind, r.item_id, r.issuer, r.issuer_code, r.type, r.issued_at::timestamptz,
              decode(r.holder, 'hex'), decode(r.leaf, 'hex')
       FROM jsonb_to_recordset($1::jsonb) AS r(seq bigint, at text, kind text, item_id text, issuer text, issuer_code text, type text,
              issued_at text, holder text, leaf text)`,
      [JSON.stringify(rows)],
    );
    return new Map(entries.map(({ entry }) => [`${entry.kind}:${entry.id}`, entry.index]));
  }
}

function entryFromRow(row: EntryRow): StoredIssuanceEntry {
  return {
    index: Number(row.seq),
    loggedAt: row.logged_at,
    kind: row.kind,
    id: row.item_id,
    issuer: row.issuer,
    ...(row.issuer_code !== null ? { issuerCode: row.issuer_code } : {}),
    type: row.type,
    issuedAt: row.issued_at,
    ...(row.holder !== null ? { holder: row.holder } : {}),
    leafHash: Buffer.from(row.leaf, 'hex'),
  };
}
