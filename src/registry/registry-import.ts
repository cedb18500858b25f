import type { DataSource } from 'typeorm';
import type { CitizenIdVault, ProtectedCitizenId } from '../identifiers/citizen-id-vault.js';
import type { SourceRecords } from './record-reader.js';
import {
  checkCitizenRow,
  checkEnterpriseRow,
  type CitizenRow,
  type CitizenStatus,
  type EnterpriseRow,
  type EnterpriseStatus,
  type RowCheck,
  type RowProblem,
} from './registry-rows.js';
import type { CitizenStatusChange, EnterpriseStatusChange, ImportOptions } from './registry.service.js';

export interface ImportSummary {
  kind: 'citizens' | 'enterprises';
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  durationMs: number;
}

/** A rejected row: the line it was on and what is wrong with it. */
export interface RowReport {
  line: number;
  problems: RowProblem[];
}

export type RowOutcome = 'inserted' | 'updated' | 'unchanged';

/** Which rows of a batch an upsert wrote (by position), and whether each was new. */
type Written = Map<number, { inserted: boolean }>;

const BATCH_SIZE = 500;
/**
 * Batches being written at once, on as many connections: while PostgreSQL writes one, it can write
 * the next on another core instead of waiting for this process to prepare it.
 */
const BATCHES_IN_FLIGHT = 2;

interface BatchInFlight {
  keys: Set<string>;
  done: Promise<void>;
}

/**
 * Reads records, validates each, and upserts valid rows in batches of one statement each.
 * Rows identical to what is stored are left alone, so importing a file twice changes nothing.
 */
abstract class BatchImport<Row> {
  private readonly summary: ImportSummary;
  private batch = new Map<string, { row: Row; line: number }>();
  private inFlight: BatchInFlight[] = [];

  constructor(
    kind: ImportSummary['kind'],
    protected readonly dataSource: DataSource,
    protected readonly vault: CitizenIdVault,
    protected readonly options: ImportOptions,
  ) {
    this.summary = { kind, read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, durationMs: 0 };
  }

  protected abstract check(fields: Record<string, unknown>, today: Date): RowCheck<Row>;
  protected abstract key(row: Row): string;
  /** The citizen ID number each row carries, to be stored encrypted. */
  protected abstract citizenId(row: Row): string;
  /** Upserts rows; returns the ones written (rows identical to what is stored are not). */
  protected abstract upsert(rows: Row[], sealed: ProtectedCitizenId[]): Promise<Written>;

  async run(records: SourceRecords): Promise<ImportSummary> {
    const started = performance.now();
    const today = this.options.today ?? new Date();
    for await (const record of records) {
      this.summary.read++;
      const checked = record.fields ? this.check(record.fields, today) : { problems: [record.problem!] };
      if (checked.problems) {
        this.summary.rejected++;
        this.options.onRow?.({ line: record.line, problems: checked.problems });
        continue;
      }
      const key = this.key(checked.row);
      // One statement cannot upsert the same key twice: a repeated key closes the batch first. A
      // key still being written by a batch in flight waits for it, so the later line wins.
      if (this.batch.has(key)) await this.flush();
      for (const batch of this.inFlight) if (batch.keys.has(key)) await batch.done;
      this.batch.set(key, { row: checked.row, line: record.line });
      if (this.batch.size >= BATCH_SIZE) await this.flush();
    }
    await this.flush();
    while (this.inFlight.length) await this.inFlight.shift()!.done;
    this.summary.durationMs = Math.round(performance.now() - started);
    return { ...this.summary };
  }

  /**
   * Encrypts the batch, then sends it and returns while it is written, so the next batch is read,
   * checked and encrypted meanwhile. At most BATCHES_IN_FLIGHT batches are in flight, so memory
   * stays bounded; batches in flight never share a key, so each row ends as its last line says.
   * A failed batch stops the import at the next flush (its error is thrown there).
   */
  private async flush(): Promise<void> {
    if (!this.batch.size) return;
    const keys = new Set(this.batch.keys());
    const entries = [...this.batch.values()];
    this.batch = new Map();
    const rows = entries.map((entry) => entry.row);
    const sealed = await Promise.all(rows.map((row) => this.vault.protect(this.citizenId(row))));
    while (this.inFlight.length >= BATCHES_IN_FLIGHT) await this.inFlight.shift()!.done;
    const batch: BatchInFlight = {
      keys,
      done: this.upsert(rows, sealed).then((written) => {
        entries.forEach((entry, index) => {
          const write = written.get(index);
          const outcome: RowOutcome = !write ? 'unchanged' : write.inserted ? 'inserted' : 'updated';
          this.summary[outcome]++;
          this.options.onAccepted?.({ line: entry.line, outcome });
        });
      }),
    };
    batch.done.catch(() => {}); // observed by a later flush; this only keeps Node from calling it unhandled
    this.inFlight.push(batch);
  }
}

export class CitizenImport extends BatchImport<CitizenRow> {
  constructor(
    dataSource: DataSource,
    vault: CitizenIdVault,
    options: ImportOptions,
    private readonly announce: (changes: CitizenStatusChange[]) => Promise<void> = async () => {},
  ) {
    super('citizens', dataSource, vault, options);
  }

  protected check(fields: Record<string, unknown>, today: Date) {
    return checkCitizenRow(fields, today);
  }

  protected key(row: CitizenRow): string {
    return row.idNumber;
  }

  protected citizenId(row: CitizenRow): string {
    return row.idNumber;
  }

  protected async upsert(rows: CitizenRow[], sealed: ProtectedCitizenId[]) {
    // As for enterprises: the `before` CTE reads the rows as they were when the statement started,
    // so a changed row reports its previous status (a death recorded revokes the citizen's licences).
    const result: Array<{ id: string; bidx: string; status: CitizenStatus; previous: CitizenStatus | null; inserted: boolean }> =
      await this.dataSource.query(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                  AS t(bidx, enc, masked, kid, name, status, sex, birth)
         ), before AS (
           SELECT c.id_number_bidx, c.status FROM registry_citizens c JOIN input ON c.id_number_bidx = decode(input.bidx, 'hex')
         ), upserted AS (
           INSERT INTO registry_citizens (id_number_bidx, id_number_enc, id_number_masked, data_kid, name, status, sex, birth_date)
           SELECT decode(bidx, 'hex'), enc, masked, kid, name, status, sex, birth::date FROM input
           ON CONFLICT (id_number_bidx) DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status, updated_at = now()
            WHERE (registry_citizens.name, registry_citizens.status) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.status)
           RETURNING id, id_number_bidx, status, (xmax = 0) AS inserted
         )
         SELECT upserted.id, encode(upserted.id_number_bidx, 'hex') AS bidx, upserted.status, upserted.inserted, before.status AS previous
           FROM upserted LEFT JOIN before USING (id_number_bidx)`,
        [
          sealed.map((s) => s.blindIndex.toString('hex')),
          sealed.map((s) => s.encrypted),
          sealed.map((s) => s.masked),
          sealed.map((s) => s.kid),
          rows.map((r) => r.name),
          rows.map((r) => r.status),
          rows.map((r) => r.sex),
          rows.map((r) => r.birthDate),
        ],
      );
    const changes = result.filter((r) => r.previous !== r.status).map((r) => ({ id: r.id, from: r.previous, to: r.status }));
    if (changes.length) await this.announce(changes);
    const position = new Map(sealed.map((s, index) => [s.blindIndex.toString('hex'), index]));
    return new Map(result.map((r) => [position.get(r.bidx)!, { inserted: r.inserted }]));
  }
}

export class EnterpriseImport extends BatchImport<EnterpriseRow> {
  constructor(
    dataSource: DataSource,
    vault: CitizenIdVault,
    options: ImportOptions,
    private readonly announce: (changes: EnterpriseStatusChange[]) => Promise<void>,
  ) {
    super('enterprises', dataSource, vault, options);
  }

  protected check(fields: Record<string, unknown>, today: Date) {
    return checkEnterpriseRow(fields, today);
  }

  protected key(row: EnterpriseRow): string {
    return row.uscc;
  }

  protected citizenId(row: EnterpriseRow): string {
    return row.legalRepresentativeIdNumber;
  }

  protected async upsert(rows: EnterpriseRow[], sealed: ProtectedCitizenId[]) {
    // The `before` CTE reads the rows as they were when the statement started, so each changed
    // row can report its previous status.
    const result: Array<{ uscc: string; status: EnterpriseStatus; previous: EnterpriseStatus | null; inserted: boolean }> =
      await this.dataSource.query(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
                  AS t(uscc, name, type, bidx, enc, masked, kid, address, established, status)
         ), before AS (
           SELECT e.uscc, e.status FROM registry_enterprises e JOIN input USING (uscc)
         ), upserted AS (
           INSERT INTO registry_enterprises (uscc, name, type, legal_rep_bidx, legal_rep_enc, legal_rep_masked, data_kid, address, established, status)
           SELECT uscc, name, type, decode(bidx, 'hex'), enc, masked, kid, address, established::date, status FROM input
           ON CONFLICT (uscc) DO UPDATE SET
             name = EXCLUDED.name, type = EXCLUDED.type, legal_rep_bidx = EXCLUDED.legal_rep_bidx, legal_rep_enc = EXCLUDED.legal_rep_enc,
             legal_rep_masked = EXCLUDED.legal_rep_masked, data_kid = EXCLUDED.data_kid, address = EXCLUDED.address,
             established = EXCLUDED.established, status = EXCLUDED.status, updated_at = now()
           WHERE (registry_enterprises.name, registry_enterprises.type, registry_enterprises.legal_rep_bidx, registry_enterprises.address,
                  registry_enterprises.established, registry_enterprises.status)
                 IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.type, EXCLUDED.legal_rep_bidx, EXCLUDED.address, EXCLUDED.established, EXCLUDED.status)
           RETURNING uscc, status, (xmax = 0) AS inserted
         )
         SELECT upserted.uscc, upserted.status, upserted.inserted, before.status AS previous
           FROM upserted LEFT JOIN before USING (uscc)`,
        [
          rows.map((r) => r.uscc),
          rows.map((r) => r.name),
          rows.map((r) => r.type),
          sealed.map((s) => s.blindIndex.toString('hex')),
          sealed.map((s) => s.encrypted),
          sealed.map((s) => s.masked),
          sealed.map((s) => s.kid),
          rows.map((r) => r.address),
          rows.map((r) => r.established),
          rows.map((r) => r.status),
        ],
      );
    const changes = result.filter((r) => r.previous !== r.status).map((r) => ({ uscc: r.uscc, from: r.previous, to: r.status }));
    if (changes.length) await this.announce(changes);
    const position = new Map(rows.map((row, index) => [row.uscc, index]));
    return new Map(result.map((r) => [position.get(r.uscc)!, { inserted: r.inserted }]));
  }
}
