import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { CitizenIdVault } from '../identifiers/citizen-id-vault.js';
import type { AuditEntry, AuditEvent, AuditSubject } from './audit-event.js';
import { checkAuditEvent } from './audit-event-check.js';
import { entriesForSubjects, insertEntries, prepareEvent, subjectRef, type PreparedEvent } from './audit-entries.js';
import { TreeHeadSigner } from './tree-head-signer.js';

/** A batch is written this long after its first event, or at once when it is this large. */
export const AUDIT_BATCH_DELAY_MS = 5;
export const AUDIT_BATCH_MAX = 500;

/**
 * Batches written at once: while one holds the seq lock and inserts, the next has begun and waits
 * for the lock in the database, so no round trip is lost between them.
 */
const WRITERS = 2;

interface Pending {
  prepared: PreparedEvent;
  resolve(result: { seq: number }): void;
  reject(err: unknown): void;
}

/**
 * Appends events to the audit log (issue 14). Events are queued and written in batches, one
 * transaction and one multi-row INSERT per batch, so a path that awaits `append` waits for a
 * commit shared with every other event of the last few milliseconds instead of one of its own.
 *
 * `append` when the action itself is durable (the entry is committed before the answer); `record`
 * when it is not (a page view, a failed attempt): the caller does not wait, failures are warnings.
 *
 * Do not await `append` inside a database transaction of your own: on the embedded store the
 * batch needs the one session that transaction holds. Append after it commits.
 */
@Injectable()
export class AuditService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('audit');
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vault: CitizenIdVault,
    private readonly signer: TreeHeadSigner,
  ) {}

  /** Appends the event; resolves with its seq once it is committed. Throws on an invalid event. */
  append(event: AuditEvent): Promise<{ seq: number }> {
    checkAuditEvent(event);
    // Bench-only (AUDIT_WRITES=off): nothing is written, and there is no seq.
    if (!this.config.auditWrites) return Promise.resolve({ seq: -1 });
    return new Promise((resolve, reject) => {
      this.queue.push({ prepared: prepareEvent(event), resolve, reject });
      if (this.queue.length >= AUDIT_BATCH_MAX) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), AUDIT_BATCH_DELAY_MS);
    });
  }

  /**
   * Appends inside the caller's own transaction, so the entries commit or roll back with the
   * action they record (and on the embedded store, where the caller holds the one session, this is
   * the way to append before committing). It holds the log's seq lock until that transaction
   * ends, stopping every other append meanwhile: call it last, just before the commit.
   */
  async appendWithin(manager: EntityManager, events: readonly AuditEvent[]): Promise<{ seq: number }[]> {
    events.forEach(checkAuditEvent);
    if (!this.config.auditWrites || !events.length) return events.map(() => ({ seq: -1 }));
    const entries = await insertEntries(manager, events.map(prepareEvent));
    // A head is due once they are committed; if the caller rolls back, the signer finds no growth.
    this.signer.noteGrowth();
    return entries.map((entry) => ({ seq: entry.seq }));
  }

  /** Appends without waiting: for paths whose own action is not durable. Never throws. */
  record(event: AuditEvent): void {
    let appending: Promise<{ seq: number }>;
    try {
      appending = this.append(event);
    } catch (err) {
      this.logger.warn(`not recorded: ${(err as Error).message}`);
      return;
    }
    appending.catch((err: unknown) => this.logger.warn(`not recorded (${event.action}): ${(err as Error).message}`));
  }

  /** Writes everything queued; resolves when it is committed (or has failed). */
  async flush(): Promise<void> {
    while (this.queue.length || this.writing.size) {
      this.kick();
      await Promise.all(this.writing);
    }
  }

  /** Before any module's shutdown hook, so the database is still open: the last entries, and a head over them. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
    await this.signer.signIfGrown().catch((err: unknown) => this.logger.warn(`no tree head signed at shutdown: ${(err as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Entries concerning any of the subjects (a person's or an enterprise's access log), newest first. */
  forSubjects(subjects: AuditSubject[], page: { beforeSeq?: number; limit: number }): Promise<AuditEntry[]> {
    const seen = new Set<string>();
    const unique = subjects.filter((s) => {
      const key = `${s.kind}:${subjectRef(s)}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    return entriesForSubjects(this.dataSource, unique, page);
  }

  /** The subject for a citizen ID number with no account: its blind index under the current `data` key. */
  async citizenSubject(canonicalIdNumber: string): Promise<AuditSubject> {
    const [current] = await this.vault.blindIndexes(canonicalIdNumber);
    return { kind: 'citizen-index', index: current.toString('hex') };
  }

  /** The subjects for a citizen ID number under every usable `data` key: entries written before a rotation too. */
  async citizenSubjects(canonicalIdNumber: string): Promise<AuditSubject[]> {
    const indexes = await this.vault.blindIndexes(canonicalIdNumber);
    return indexes.map((index) => ({ kind: 'citizen-index', index: index.toString('hex') }));
  }

  /** Starts writing the queue unless WRITERS batches are being written (the end of one starts the next). */
  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing.size < WRITERS && this.queue.length) {
      const batch = this.queue.splice(0, AUDIT_BATCH_MAX);
      const writing: Promise<void> = this.write(batch).finally(() => {
        this.writing.delete(writing);
        // Whatever arrived meanwhile has waited long enough.
        if (this.queue.length) this.kick();
      });
      this.writing.add(writing);
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const entries = await this.dataSource.transaction((manager) =>
        insertEntries(
          manager,
          batch.map((p) => p.prepared),
        ),
      );
      batch.forEach((pending, i) => pending.resolve({ seq: entries[i].seq }));
      this.signer.noteGrowth();
    } catch (err) {
      for (const pending of batch) pending.reject(err);
    }
  }
}
