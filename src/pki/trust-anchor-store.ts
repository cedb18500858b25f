import type { DataSource } from 'typeorm';
import { returning } from '../database/returning.js';

export type AnchorKeyType = 'p256' | 'sm2' | 'rsa';

/** One row of pki_trust_anchors. */
export interface TrustAnchorRecord {
  id: string;
  name: string;
  sha256: Buffer;
  der: Buffer;
  subject: string;
  keyType: AnchorKeyType;
  selfSigned: boolean;
  notBefore: Date;
  notAfter: Date;
  addedAt: Date;
  addedBy: string;
  removedAt: Date | null;
  removedBy: string | null;
}

export type NewTrustAnchor = Omit<TrustAnchorRecord, 'id' | 'addedAt' | 'removedAt' | 'removedBy'>;

interface Row {
  id: string | number;
  name: string;
  sha256: string;
  der: string;
  subject: string;
  key_type: AnchorKeyType;
  self_signed: boolean;
  not_before_ms: number;
  not_after_ms: number;
  added_ms: number;
  added_by: string;
  removed_ms: number | null;
  removed_by: string | null;
}

const COLUMNS = `id::text AS id, name, encode(sha256, 'hex') AS sha256, encode(der, 'hex') AS der, subject, key_type, self_signed,
  (extract(epoch FROM not_before) * 1000)::float8 AS not_before_ms, (extract(epoch FROM not_after) * 1000)::float8 AS not_after_ms,
  (extract(epoch FROM added_at) * 1000)::float8 AS added_ms, added_by,
  (extract(epoch FROM removed_at) * 1000)::float8 AS removed_ms, removed_by`;

/**
 * pki_trust_anchors: the only code that touches it. Timestamps travel as epoch milliseconds and
 * bytes as hex, so both database drivers read them alike (as in certificate-store.ts).
 */
export class TrustAnchorStore {
  constructor(private readonly db: DataSource) {}

  /** The anchor, or null when one with the same certificate is in force already (the partial unique index). */
  async insert(anchor: NewTrustAnchor): Promise<TrustAnchorRecord | null> {
    const rows = await this.db.query<Row[]>(
      `INSERT INTO pki_trust_anchors (name, sha256, der, subject, key_type, self_signed, not_before, not_after, added_by)
       VALUES ($1, decode($2, 'hex'), decode($3, 'hex'), $4, $5, $6, to_timestamp($7::float8 / 1000), to_timestamp($8::float8 / 1000), $9)
       ON CONFLICT (sha256) WHERE removed_at IS NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        anchor.name,
        anchor.sha256.toString('hex'),
        anchor.der.toString('hex'),
        anchor.subject,
        anchor.keyType,
        anchor.selfSigned,
        anchor.notBefore.getTime(),
        anchor.notAfter.getTime(),
        anchor.addedBy,
      ],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The anchors in force, oldest first. */
  async inForce(): Promise<TrustAnchorRecord[]> {
    const rows = await this.db.query<Row[]>(`SELECT ${COLUMNS} FROM pki_trust_anchors WHERE removed_at IS NULL ORDER BY id`);
    return rows.map(toRecord);
  }

  async findInForceBySha256(sha256: Buffer): Promise<TrustAnchorRecord | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM pki_trust_anchors WHERE sha256 = decode($1, 'hex') AND removed_at IS NULL`,
      [sha256.toString('hex')],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Takes the anchor out of force; null when there is no such anchor in force. */
  async remove(id: string, by: string): Promise<TrustAnchorRecord | null> {
    const rows = await returning<Row>(
      this.db,
      `UPDATE pki_trust_anchors SET removed_at = now(), removed_by = $2
        WHERE id = $1::bigint AND removed_at IS NULL
        RETURNING ${COLUMNS}`,
      [id, by],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }
}

function toRecord(row: Row): TrustAnchorRecord {
  return {
    id: String(row.id),
    name: row.name,
    sha256: Buffer.from(row.sha256, 'hex'),
    der: Buffer.from(row.der, 'hex'),
    subject: row.subject,
    keyType: row.key_type,
    selfSigned: row.self_signed,
    notBefore: new Date(Number(row.not_before_ms)),
    notAfter: new Date(Number(row.not_after_ms)),
    addedAt: new Date(Number(row.added_ms)),
    addedBy: row.added_by,
    removedAt: row.removed_ms === null ? null : new Date(Number(row.removed_ms)),
    removedBy: row.removed_by,
  };
}
