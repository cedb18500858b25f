import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditEvent } from '../audit/audit-event.js';
import { AuditService } from '../audit/audit.service.js';
import { preparedQuery } from '../database/prepared.js';
import { canonicalCitizenId } from '../identifiers/citizen-id.js';
import { CitizenIdVault } from '../identifiers/citizen-id-vault.js';
import { KeyStore } from '../keys/keystore.service.js';
import type { CitizenStatus, EnterpriseStatus } from './registry-rows.js';
import { CitizenImport, EnterpriseImport } from './registry-import.js';
import type { ImportSummary, RowOutcome, RowReport } from './registry-import.js';
import type { SourceRecords } from './record-reader.js';

export interface Citizen {
  id: string;
  idNumberMasked: string;
  name: string;
  status: CitizenStatus;
  sex: 'male' | 'female';
  birthDate: string;
}

export interface Enterprise {
  uscc: string;
  name: string;
  type: string;
  legalRepresentativeMasked: string;
  address: string;
  established: string;
  status: EnterpriseStatus;
}

export interface EnterpriseStatusChange {
  uscc: string;
  from: EnterpriseStatus | null;
  to: EnterpriseStatus;
}

export type EnterpriseStatusListener = (changes: EnterpriseStatusChange[]) => Promise<void> | void;

/** A citizen whose register status changed (or who was added): `id` is the registry row's id (Citizen.id). */
export interface CitizenStatusChange {
  id: string;
  from: CitizenStatus | null;
  to: CitizenStatus;
}

export type CitizenStatusListener = (changes: CitizenStatusChange[]) => Promise<void> | void;

export interface ImportOptions {
  /** Per-row problems, as they are found (rows keep coming). */
  onRow?(report: RowReport): void;
  /** Each accepted row once it is written (or found unchanged). */
  onAccepted?(row: { line: number; outcome: RowOutcome }): void;
  today?: Date;
  /** Who imports (the audit log's actor and request id): the register's client, or an operator. */
  by?: Pick<AuditEvent, 'actor' | 'requestId'>;
}

/**
 * The population and enterprise register mirrors. Other modules look people and enterprises up
 * here; the tables are this module's alone.
 */
@Injectable()
export class RegistryService implements OnModuleInit {
  private readonly statusListeners: EnterpriseStatusListener[] = [];
  private readonly citizenListeners: CitizenStatusListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly vault: CitizenIdVault,
    private readonly keys: KeyStore,
    @Optional() private readonly audit?: AuditService,
  ) {}

  onModuleInit(): void {
    this.keys.registerRekeyHandler('registry', () => this.rekey());
  }

  /** Called after enterprise statuses change (import or API), e.g. to revoke a cancelled enterprise's licences. */
  onEnterpriseStatusChange(listener: EnterpriseStatusListener): void {
    this.statusListeners.push(listener);
  }

  /** Called after citizens' statuses change (import or API), e.g. to revoke the licences of a citizen recorded dead. */
  onCitizenStatusChange(listener: CitizenStatusListener): void {
    this.citizenListeners.push(listener);
  }

  importCitizens(records: SourceRecords, options: ImportOptions = {}): Promise<ImportSummary> {
    const importer = new CitizenImport(this.dataSource, this.vault, options, (changes) => this.announceCitizens(changes));
    return this.audited('citizens', options, () => importer.run(records));
  }

  async importEnterprises(records: SourceRecords, options: ImportOptions = {}): Promise<ImportSummary> {
    const importer = new EnterpriseImport(this.dataSource, this.vault, options, (changes) => this.announce(changes));
    return this.audited('enterprises', options, () => importer.run(records));
  }

  /** One audit entry per import: its counts (never a row's content), or that it failed part way. */
  private async audited(register: string, options: ImportOptions, run: () => Promise<ImportSummary>): Promise<ImportSummary> {
    const by = options.by ?? { actor: { kind: 'system', id: 'tongban' } };
    const event = { action: 'registry.import', object: register, ...by } as const;
    let summary: ImportSummary;
    try {
      summary = await run();
    } catch (err) {
      this.audit?.record({ ...event, outcome: 'failure', details: { error: (err as { code?: string }).code ?? (err as Error).name } });
      throw err;
    }
    const { read, inserted, updated, unchanged, rejected, durationMs } = summary;
    await this.audit?.append({ ...event, outcome: 'success', details: { read, inserted, updated, unchanged, rejected, durationMs } });
    return summary;
  }

  async findCitizenByIdNumber(idNumber: string): Promise<Citizen | null> {
    const canonical = canonicalCitizenId(idNumber);
    if (!canonical) return null;
    const indexes = await this.vault.blindIndexes(canonical);
    if (!indexes.length) return null;
    // One parameter per data key (normally one): a plain index lookup for the planner.
    const rows = await preparedQuery<CitizenRecordRow>(
      this.dataSource,
      `registry_citizen_by_bidx_${indexes.length}`,
      `SELECT id, id_number_masked, name, status, sex, birth_date FROM registry_citizens
        WHERE id_number_bidx IN (${indexes.map((_, i) => `decode($${i + 1}, 'hex')`).join(', ')}) LIMIT 1`,
      indexes.map(hex),
    );
    return rows[0] ? toCitizen(rows[0]) : null;
  }

  /** The canonical ID number of a registry citizen (for an `id_number` claim); null when there is no such row. */
  async findCitizenById(id: string): Promise<Citizen | null> {
    // On every token, userinfo and refresh (account claims): a prepared statement.
    const rows = await preparedQuery<CitizenRecordRow>(
      this.dataSource,
      'registry_citizen_by_id',
      `SELECT id, id_number_masked, name, status, sex, birth_date FROM registry_citizens WHERE id = $1`,
      [id],
    );
    return rows[0] ? toCitizen(rows[0]) : null;
  }

  async revealCitizenIdNumber(registryCitizenId: string): Promise<string | null> {
    const rows = await this.dataSource.query<Array<{ id_number_enc: string }>>(
      `SELECT id_number_enc FROM registry_citizens WHERE id = $1`,
      [registryCitizenId],
    );
    return rows[0] ? this.vault.reveal(rows[0].id_number_enc) : null;
  }

  async findEnterprise(uscc: string): Promise<Enterprise | null> {
    const rows = await this.dataSource.query<EnterpriseRecordRow[]>(
      `SELECT uscc, name, type, legal_rep_masked, address, established, status FROM registry_enterprises WHERE uscc = $1`,
      [uscc.toUpperCase()],
    );
    return rows[0] ? toEnterprise(rows[0]) : null;
  }

  /** The enterprises whose legal representative is this citizen. */
  async enterprisesRepresentedBy(idNumber: string): Promise<Enterprise[]> {
    const canonical = canonicalCitizenId(idNumber);
    if (!canonical) return [];
    const indexes = await this.vault.blindIndexes(canonical);
    const rows = await this.dataSource.query<EnterpriseRecordRow[]>(
      `SELECT uscc, name, type, legal_rep_masked, address, established, status FROM registry_enterprises
        WHERE legal_rep_bidx IN (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h) ORDER BY uscc`,
      [indexes.map(hex)],
    );
    return rows.map(toEnterprise);
  }

  async counts(): Promise<{ citizens: number; enterprises: number }> {
    const [row] = await this.dataSource.query<Array<{ citizens: number; enterprises: number }>>(
      `SELECT (SELECT count(*) FROM registry_citizens)::int AS citizens, (SELECT count(*) FROM registry_enterprises)::int AS enterprises`,
    );
    return row;
  }

  /**
   * Re-encrypts rows still under an older `data` key (after `tongban keys rotate --purpose data`),
   * in batches, so lookups need only the current key's blind index again.
   */
  async rekey(batchSize = 1000): Promise<{ rows: number }> {
    const current = this.keys.current('data').kid;
    let rows = 0;
    for (;;) {
      const batch: Array<{ id: string; id_number_enc: string }> = await this.dataSource.query(
        `SELECT id, id_number_enc FROM registry_citizens WHERE data_kid <> $1 LIMIT $2`,
        [current, batchSize],
      );
      const enterprises: Array<{ uscc: string; legal_rep_enc: string }> = await this.dataSource.query(
        `SELECT uscc, legal_rep_enc FROM registry_enterprises WHERE data_kid <> $1 LIMIT $2`,
        [current, batchSize],
      );
      if (!batch.length && !enterprises.length) return { rows };
      for (const row of batch) {
        const sealed = await this.vault.protect(await this.vault.reveal(row.id_number_enc));
        await this.dataSource.query(
          `UPDATE registry_citizens SET id_number_enc = $2, id_number_bidx = decode($3, 'hex'), data_kid = $4 WHERE id = $1`,
          [row.id, sealed.encrypted, hex(sealed.blindIndex), sealed.kid],
        );
      }
      for (const row of enterprises) {
        const sealed = await this.vault.protect(await this.vault.reveal(row.legal_rep_enc));
        await this.dataSource.query(
          `UPDATE registry_enterprises SET legal_rep_enc = $2, legal_rep_bidx = decode($3, 'hex'), data_kid = $4 WHERE uscc = $1`,
          [row.uscc, sealed.encrypted, hex(sealed.blindIndex), sealed.kid],
        );
      }
      rows += batch.length + enterprises.length;
    }
  }

  private async announce(changes: EnterpriseStatusChange[]): Promise<void> {
    for (const listener of this.statusListeners) await listener(changes);
  }

  private async announceCitizens(changes: CitizenStatusChange[]): Promise<void> {
    for (const listener of this.citizenListeners) await listener(changes);
  }
}

/** Binary values travel as hex text and are decoded in SQL: the same on node-postgres and PGlite. */
function hex(bytes: Buffer): string {
  return bytes.toString('hex');
}

/** A row of registry_citizens as read here (dates as YYYY-MM-DD text: see data-source.ts). */
interface CitizenRecordRow {
  id: string;
  id_number_masked: string;
  name: string;
  status: CitizenStatus;
  sex: 'male' | 'female';
  birth_date: string;
}

/** A row of registry_enterprises as read here. */
interface EnterpriseRecordRow {
  uscc: string;
  name: string;
  type: string;
  legal_rep_masked: string;
  address: string;
  established: string;
  status: EnterpriseStatus;
}

function toCitizen(row: CitizenRecordRow): Citizen {
  return {
    id: row.id,
    idNumberMasked: row.id_number_masked,
    name: row.name,
    status: row.status,
    sex: row.sex,
    birthDate: row.birth_date,
  };
}

function toEnterprise(row: EnterpriseRecordRow): Enterprise {
  return {
    uscc: row.uscc,
    name: row.name,
    type: row.type,
    legalRepresentativeMasked: row.legal_rep_masked,
    address: row.address,
    established: row.established,
    status: row.status,
  };
}
