import type { DataSource, EntityManager } from 'typeorm';
import { returning } from '../../database/returning.js';
import type { HolderKind } from '../types/index.js';

export type StoredStatus = 'valid' | 'suspended' | 'revoked';
export type SuspendedBy = 'issuer' | 'registry';

/** A licence as `licences` keeps it (claims and credential still sealed under the `data` key). */
export interface LicenceRow {
  id: string;
  type: string;
  holderKind: HolderKind;
  /** USCC, or the registry's reference of the citizen. */
  holderRef: string;
  holderName: string;
  holderIdMasked: string | null;
  issuerClient: string;
  issuerCode: string;
  serial: string;
  version: number;
  claimsEnc: string;
  credentialEnc: string;
  dataKid: string;
  status: StoredStatus;
  suspendedBy: SuspendedBy | null;
  statusReason: string | null;
  statusChangedAt: Date | null;
  statusChangedBy: string | null;
  statusList: number;
  statusIdx: number;
  validFrom: Date;
  validUntil: Date;
  createdAt: Date;
  /** Only when looked up by idempotency key. */
  requestHash?: Buffer | null;
}

export type NewLicenceRow = Omit<
  LicenceRow,
  'status' | 'suspendedBy' | 'statusReason' | 'statusChangedAt' | 'statusChangedBy' | 'requestHash' | 'createdAt'
> & { idempotencyKey?: string; requestHash?: Buffer; createdAt: Date };

interface Row {
  id: string;
  type: string;
  holder_kind: HolderKind;
  holder_ref: string;
  holder_name: string;
  holder_id_masked: string | null;
  issuer_client: string;
  issuer_code: string;
  serial: string;
  version: number;
  claims_enc: string;
  credential_enc: string;
  data_kid: string;
  status: StoredStatus;
  suspended_by: SuspendedBy | null;
  status_reason: string | null;
  status_changed_ms: number | null;
  status_changed_by: string | null;
  status_list: number;
  status_idx: number;
  valid_from_ms: number;
  valid_until_ms: number;
  created_ms: number;
  request_hash?: string | null;
}

const ms = (column: string, as: string) => `(extract(epoch FROM ${column}) * 1000)::float8 AS ${as}`;
const COLUMNS = [
  'id, type, holder_kind, holder_ref, holder_name, holder_id_masked, issuer_client, issuer_code, serial, version',
  'claims_enc, credential_enc, data_kid, status, suspended_by, status_reason, status_changed_by, status_list, status_idx',
  ms('status_changed_at', 'status_changed_ms'),
  ms('valid_from', 'valid_from_ms'),
  ms('valid_until', 'valid_until_ms'),
  ms('created_at', 'created_ms'),
].join(', ');

/** What a status change does, and to which rows (the SQL condition on the current state). */
export interface Transition {
  to: StoredStatus;
  suspendedBy: SuspendedBy | null;
  reason: string | null;
  by: string;
}

/**
 * The `licences` table: the only code that touches it (LicencesService's), besides the status
 * lists reading each licence's entry. Times travel as epoch milliseconds and bytes as hex, so
 * PGlite and node-postgres read them alike.
 */
export class LicenceStore {
  constructor(private readonly db: DataSource) {}

  /** The next serial (1, 2, …; a failed issuance leaves a gap, as any sequence does). */
  async nextSerial(): Promise<string> {
    const [row] = await this.db.query<Array<{ serial: string | number }>>(`SELECT nextval('licences_serial') AS serial`);
    return String(row.serial);
  }

  /**
   * Inserts a licence in the transaction that claimed its status entry; false when the row could
   * not be written because the client's idempotency key or the status entry is taken (the caller
   * rolls back and finds out which).
   */
  async insert(manager: EntityManager, row: NewLicenceRow): Promise<boolean> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO licences (id, type, holder_kind, holder_ref, holder_name, holder_id_masked, issuer_client, issuer_code, serial, version,
                             claims_enc, credential_enc, data_kid, status_list, status_idx, valid_from, valid_until, created_at,
                             idempotency_key, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
               to_timestamp($16::float8 / 1000), to_timestamp($17::float8 / 1000), to_timestamp($18::float8 / 1000), $19, decode($20, 'hex'))
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        row.id,
        row.type,
        row.holderKind,
        row.holderRef,
        row.holderName,
        row.holderIdMasked,
        row.issuerClient,
        row.issuerCode,
        row.serial,
        row.version,
        row.claimsEnc,
        row.credentialEnc,
        row.dataKid,
        row.statusList,
        row.statusIdx,
        row.validFrom.getTime(),
        row.validUntil.getTime(),
        row.createdAt.getTime(),
        row.idempotencyKey ?? null,
        row.requestHash?.toString('hex') ?? null,
      ],
    );
    return rows.length === 1;
  }

  /** Removes a licence that was never handed out (issuance undone after the register changed meanwhile). */
  async delete(id: string): Promise<void> {
    await this.db.query(`DELETE FROM licences WHERE id = $1`, [id]);
  }

  async find(id: string): Promise<LicenceRow | null> {
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM licences WHERE id = $1`, [id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async findByIdempotencyKey(client: string, key: string): Promise<LicenceRow | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS}, encode(request_hash, 'hex') AS request_hash FROM licences WHERE issuer_client = $1 AND idempotency_key = $2`,
      [client, key],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  async forHolder(kind: HolderKind, refs: string[]): Promise<LicenceRow[]> {
    if (!refs.length) return [];
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM licences WHERE holder_kind = $1 AND holder_ref = ANY ($2::text[]) ORDER BY created_at DESC, id DESC`,
      [kind, refs],
    );
    return rows.map(toRow);
  }

  /**
   * Changes one licence's status when it is in one of the `from` states (with `suspendedBy` for a
   * suspension); the changed row, or null when the licence is not in such a state (or absent).
   */
  async transition(
    id: string,
    from: Array<{ status: StoredStatus; suspendedBy?: SuspendedBy }>,
    change: Transition,
  ): Promise<LicenceRow | null> {
    const rows = await returning<Row>(
      this.db,
      `UPDATE licences SET status = $2, suspended_by = $3, status_reason = $4, status_changed_at = now(), status_changed_by = $5
        WHERE id = $1 AND (${from.map((_, i) => `(status = $${6 + 2 * i} AND ($${7 + 2 * i}::text IS NULL OR suspended_by = $${7 + 2 * i}))`).join(' OR ')})
        RETURNING ${COLUMNS}`,
      [id, change.to, change.suspendedBy, change.reason, change.by, ...from.flatMap((f) => [f.status, f.suspendedBy ?? null])],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /**
   * The same change for every licence of a holder in a state (the register following): the
   * status lists touched.
   */
  async transitionHolder(
    kind: HolderKind,
    ref: string,
    from: { status: StoredStatus; suspendedBy?: SuspendedBy },
    change: Transition,
  ): Promise<Array<{ id: string; statusList: number }>> {
    const rows = await returning<{ id: string; status_list: number }>(
      this.db,
      `UPDATE licences SET status = $3, suspended_by = $4, status_reason = $5, status_changed_at = now(), status_changed_by = $6
        WHERE holder_kind = $1 AND holder_ref = $2 AND status = $7 AND ($8::text IS NULL OR suspended_by = $8)
        RETURNING id, status_list`,
      [kind, ref, change.to, change.suspendedBy, change.reason, change.by, from.status, from.suspendedBy ?? null],
    );
    return rows.map((r) => ({ id: r.id, statusList: Number(r.status_list) }));
  }

  /** Rows sealed under another `data` key than `kid`, a batch at a time (re-encryption after a rotation). */
  async sealedUnder(notKid: string, limit: number): Promise<Array<{ id: string; claimsEnc: string; credentialEnc: string }>> {
    const rows = await this.db.query<Array<{ id: string; claims_enc: string; credential_enc: string }>>(
      `SELECT id, claims_enc, credential_enc FROM licences WHERE data_kid <> $1 LIMIT $2`,
      [notKid, limit],
    );
    return rows.map((r) => ({ id: r.id, claimsEnc: r.claims_enc, credentialEnc: r.credential_enc }));
  }

  async reseal(id: string, claimsEnc: string, credentialEnc: string, kid: string): Promise<void> {
    await this.db.query(`UPDATE licences SET claims_enc = $2, credential_enc = $3, data_kid = $4 WHERE id = $1`, [
      id,
      claimsEnc,
      credentialEnc,
      kid,
    ]);
  }
}

function toRow(row: Row): LicenceRow {
  return {
    id: row.id,
    type: row.type,
    holderKind: row.holder_kind,
    holderRef: row.holder_ref,
    holderName: row.holder_name,
    holderIdMasked: row.holder_id_masked,
    issuerClient: row.issuer_client,
    issuerCode: row.issuer_code,
    serial: row.serial,
    version: Number(row.version),
    claimsEnc: row.claims_enc,
    credentialEnc: row.credential_enc,
    dataKid: row.data_kid,
    status: row.status,
    suspendedBy: row.suspended_by,
    statusReason: row.status_reason,
    statusChangedAt: row.status_changed_ms === null ? null : new Date(row.status_changed_ms),
    statusChangedBy: row.status_changed_by,
    statusList: Number(row.status_list),
    statusIdx: Number(row.status_idx),
    validFrom: new Date(row.valid_from_ms),
    validUntil: new Date(row.valid_until_ms),
    createdAt: new Date(row.created_ms),
    ...(row.request_hash === undefined ? {} : { requestHash: row.request_hash === null ? null : Buffer.from(row.request_hash, 'hex') }),
  };
}
