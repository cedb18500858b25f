import type { DataSource } from 'typeorm';
import { returning } from '../database/returning.js';

/** Why a seal was revoked (fixed list; RFC 5280's names where one fits). */
export const SEAL_REVOCATION_REASONS = [
  'unspecified',
  /** The seal or a signer's key is out of the holder's control (lost, stolen, leaked). */
  'compromised',
  /** Replaced by a new seal. */
  'superseded',
  /** The enterprise's registered name changed: the seal's name no longer is it. */
  'nameChanged',
  /** The enterprise was cancelled in the register. */
  'cessationOfOperation',
  /** The enterprise's business licence was revoked by the register. */
  'privilegeWithdrawn',
] as const;
export type SealRevocationReason = (typeof SEAL_REVOCATION_REASONS)[number];

export type SealAlgorithm = 'sm2' | 'p256';

export interface SealRecord {
  esID: string;
  uscc: string;
  type: number;
  name: string;
  algorithm: SealAlgorithm;
  makerKid: string;
  validStart: Date;
  validEnd: Date;
  signerSerials: string[];
  pictureDrawn: boolean;
  der: Buffer;
  sha256: Buffer;
  madeBy: string;
  createdAt: Date;
  status: 'valid' | 'revoked';
  revocationReason: SealRevocationReason | null;
  revokedAt: Date | null;
  /** Only when looked up by idempotency key: the hash of the request that made it. */
  requestHash?: Buffer | null;
}

export interface NewSeal extends Omit<SealRecord, 'status' | 'revocationReason' | 'revokedAt' | 'requestHash'> {
  idempotencyKey?: string;
  requestHash?: Buffer | null;
}

interface SealRow {
  es_id: string;
  uscc: string;
  type: number;
  name: string;
  algorithm: SealAlgorithm;
  maker_kid: string;
  valid_start_ms: number;
  valid_end_ms: number;
  signer_serials: string[];
  picture_drawn: boolean;
  der: string;
  sha256: string;
  made_by: string;
  created_ms: number;
  status: 'valid' | 'revoked';
  revocation_reason: SealRevocationReason | null;
  revoked_ms: number | null;
  request_hash?: string | null;
}

const ms = (column: string, as: string) => `(extract(epoch FROM ${column}) * 1000)::float8 AS ${as}`;
const COLUMNS = [
  'es_id, uscc, type, name, algorithm, maker_kid, signer_serials, picture_drawn, made_by, status, revocation_reason',
  `encode(der, 'hex') AS der, encode(sha256, 'hex') AS sha256`,
  ms('valid_start', 'valid_start_ms'),
  ms('valid_end', 'valid_end_ms'),
  ms('created_at', 'created_ms'),
  ms('revoked_at', 'revoked_ms'),
].join(', ');

/**
 * The `seals` table: the only code that touches it (SealsService's). Times travel as epoch
 * milliseconds and bytes as hex, so PGlite and node-postgres read them alike.
 */
export class SealStore {
  constructor(private readonly db: DataSource) {}

  /** The next esID serial (1 to 99,999,999; a failed request leaves a gap, as any sequence does). */
  async nextSerial(): Promise<number> {
    const [row] = await this.db.query<Array<{ serial: string | number }>>(`SELECT nextval('seals_serial') AS serial`);
    return Number(row.serial);
  }

  /** Inserts the seal; false when the client already made one with this idempotency key. */
  async insert(seal: NewSeal): Promise<boolean> {
    const rows = await this.db.query<Array<{ es_id: string }>>(
      `INSERT INTO seals (es_id, uscc, type, name, algorithm, maker_kid, valid_start, valid_end, signer_serials, picture_drawn,
                          der, sha256, made_by, idempotency_key, request_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7::float8 / 1000), to_timestamp($8::float8 / 1000), $9::text[], $10,
               decode($11, 'hex'), decode($12, 'hex'), $13, $14, decode($15, 'hex'), to_timestamp($16::float8 / 1000))
       ON CONFLICT (made_by, idempotency_key) DO NOTHING
       RETURNING es_id`,
      [
        seal.esID,
        seal.uscc,
        seal.type,
        seal.name,
        seal.algorithm,
        seal.makerKid,
        seal.validStart.getTime(),
        seal.validEnd.getTime(),
        seal.signerSerials,
        seal.pictureDrawn,
        seal.der.toString('hex'),
        seal.sha256.toString('hex'),
        seal.madeBy,
        seal.idempotencyKey ?? null,
        seal.requestHash?.toString('hex') ?? null,
        seal.createdAt.getTime(),
      ],
    );
    return rows.length === 1;
  }

  async find(esID: string): Promise<SealRecord | null> {
    const rows = await this.db.query<SealRow[]>(`SELECT ${COLUMNS} FROM seals WHERE es_id = $1`, [esID]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findBySha256(sha256: Buffer): Promise<SealRecord | null> {
    const rows = await this.db.query<SealRow[]>(`SELECT ${COLUMNS} FROM seals WHERE sha256 = decode($1, 'hex')`, [sha256.toString('hex')]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findByIdempotencyKey(madeBy: string, key: string): Promise<SealRecord | null> {
    const rows = await this.db.query<SealRow[]>(
      `SELECT ${COLUMNS}, encode(request_hash, 'hex') AS request_hash FROM seals WHERE made_by = $1 AND idempotency_key = $2`,
      [madeBy, key],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async forEnterprise(uscc: string): Promise<SealRecord[]> {
    const rows = await this.db.query<SealRow[]>(`SELECT ${COLUMNS} FROM seals WHERE uscc = $1 ORDER BY created_at DESC, es_id DESC`, [
      uscc,
    ]);
    return rows.map(toRecord);
  }

  /** Revokes a valid seal; null when there is none with that esID or it is revoked already. */
  async revoke(esID: string, reason: SealRevocationReason, by: string): Promise<SealRecord | null> {
    const rows = await returning<SealRow>(
      this.db,
      `UPDATE seals SET status = 'revoked', revocation_reason = $2, revoked_at = now(), revoked_by = $3
        WHERE es_id = $1 AND status = 'valid' RETURNING ${COLUMNS}`,
      [esID, reason, by],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Revokes every valid seal of an enterprise; their esIDs. */
  async revokeForEnterprise(uscc: string, reason: SealRevocationReason, by: string): Promise<string[]> {
    const rows = await returning<{ es_id: string }>(
      this.db,
      `UPDATE seals SET status = 'revoked', revocation_reason = $2, revoked_at = now(), revoked_by = $3
        WHERE uscc = $1 AND status = 'valid' RETURNING es_id`,
      [uscc, reason, by],
    );
    return rows.map((r) => r.es_id);
  }
}

function toRecord(row: SealRow): SealRecord {
  return {
    esID: row.es_id,
    uscc: row.uscc,
    type: Number(row.type),
    name: row.name,
    algorithm: row.algorithm,
    makerKid: row.maker_kid,
    validStart: new Date(row.valid_start_ms),
    validEnd: new Date(row.valid_end_ms),
    signerSerials: row.signer_serials,
    pictureDrawn: row.picture_drawn,
    der: Buffer.from(row.der, 'hex'),
    sha256: Buffer.from(row.sha256, 'hex'),
    madeBy: row.made_by,
    createdAt: new Date(row.created_ms),
    status: row.status,
    revocationReason: row.revocation_reason,
    revokedAt: row.revoked_ms === null ? null : new Date(row.revoked_ms),
    ...(row.request_hash === undefined ? {} : { requestHash: row.request_hash === null ? null : Buffer.from(row.request_hash, 'hex') }),
  };
}
