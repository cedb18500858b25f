import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../database/prepared.js';
import { returning } from '../database/returning.js';
import type { CrlName } from './crl.js';

/** RFC 5280 §5.3.1 reason codes tongban uses (certificateHold is set by hold(), not by revoke()). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
export type StoredReason = RevocationReason | 'certificateHold';

export const REASON_CODES: Record<StoredReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
};

export type CertificateStatus = 'good' | 'revoked' | 'hold';
export type StoredProfile = 'issuing-ca' | 'enterprise-licence' | 'seal-maker' | 'licence-issuer';

export interface NewCertificateRow {
  serial: string;
  profile: StoredProfile;
  issuerKid: string;
  uscc: string | null;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  der: Buffer;
}

export interface CertificateRecord {
  serial: string;
  profile: StoredProfile;
  issuerKid: string;
  uscc: string | null;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  status: CertificateStatus;
  revocationReason: StoredReason | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** The revocation state of one serial, as OCSP, CRLs and chain checks need it. */
export interface SerialStatus {
  serial: string;
  profile: StoredProfile;
  status: CertificateStatus;
  reason: StoredReason | null;
  revokedAt: Date | null;
}

export interface StatusChange {
  serial: string;
  profile: StoredProfile;
  /** The CA key that signed it: its CRL lists the change. */
  issuerKid: string;
  status: CertificateStatus;
  reason: StoredReason | null;
  revokedAt: Date | null;
}

type Executor = Pick<DataSource | EntityManager, 'query'>;

const RECORD_COLUMNS = `serial, profile, issuer_kid, uscc, subject, status, revocation_reason,
  (extract(epoch FROM not_before) * 1000)::float8 AS not_before_ms, (extract(epoch FROM not_after) * 1000)::float8 AS not_after_ms,
  (extract(epoch FROM revoked_at) * 1000)::float8 AS revoked_ms, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms`;

const CHANGE_COLUMNS = `serial, profile, status, revocation_reason, (extract(epoch FROM revoked_at) * 1000)::float8 AS revoked_ms`;
const TRANSITION_COLUMNS = `${CHANGE_COLUMNS}, issuer_kid`;

/**
 * pki_certificates and pki_crls: the only code that touches them. Timestamps travel as epoch
 * milliseconds (float8) and bytes as hex, so both database drivers read them alike.
 */
export class CertificateStore {
  constructor(private readonly db: DataSource) {}

  async insert(row: NewCertificateRow, executor: Executor = this.db): Promise<void> {
    await executor.query(
      `INSERT INTO pki_certificates (serial, profile, issuer_kid, uscc, subject, not_before, not_after, der)
       VALUES ($1, $2, $3, $4, $5, to_timestamp($6::float8 / 1000), to_timestamp($7::float8 / 1000), decode($8, 'hex'))`,
      [
        row.serial,
        row.profile,
        row.issuerKid,
        row.uscc,
        row.subject,
        row.notBefore.getTime(),
        row.notAfter.getTime(),
        row.der.toString('hex'),
      ],
    );
  }

  /** Records certificates made outside the database (tongban's own, from KEYS_DIR/certs); known serials are left alone. */
  async insertMissing(rows: NewCertificateRow[]): Promise<number> {
    if (!rows.length) return 0;
    const inserted = await this.db.query<Array<{ serial: string }>>(
      `INSERT INTO pki_certificates (serial, profile, issuer_kid, uscc, subject, not_before, not_after, der)
       SELECT serial, profile, issuer_kid, NULL, subject, to_timestamp(nb / 1000), to_timestamp(na / 1000), decode(der, 'hex')
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[]) AS t(serial, profile, issuer_kid, subject, nb, na, der)
       ON CONFLICT (serial) DO NOTHING
       RETURNING serial`,
      [
        rows.map((r) => r.serial),
        rows.map((r) => r.profile),
        rows.map((r) => r.issuerKid),
        rows.map((r) => r.subject),
        rows.map((r) => r.notBefore.getTime()),
        rows.map((r) => r.notAfter.getTime()),
        rows.map((r) => r.der.toString('hex')),
      ],
    );
    return inserted.length;
  }

  async find(serial: string): Promise<CertificateRecord | null> {
    const rows = await this.db.query<RecordRow[]>(`SELECT ${RECORD_COLUMNS} FROM pki_certificates WHERE serial = $1`, [serial]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async der(serial: string): Promise<Buffer | null> {
    const rows = await this.db.query<Array<{ der: string }>>(`SELECT encode(der, 'hex') AS der FROM pki_certificates WHERE serial = $1`, [
      serial,
    ]);
    return rows[0] ? Buffer.from(rows[0].der, 'hex') : null;
  }

  async forEnterprise(uscc: string): Promise<CertificateRecord[]> {
    const rows = await this.db.query<RecordRow[]>(
      `SELECT ${RECORD_COLUMNS} FROM pki_certificates WHERE uscc = $1 ORDER BY created_at, serial`,
      [uscc],
    );
    return rows.map(toRecord);
  }

  /**
   * The states of these serials (one query); with issuerKid, only certificates that key signed.
   * A prepared statement: OCSP and verification ask for every certificate not in their cache.
   */
  async statuses(serials: string[], issuerKid?: string): Promise<Map<string, SerialStatus>> {
    const rows = issuerKid
      ? await preparedQuery<ChangeRow>(
          this.db,
          'pki_statuses_by_issuer',
          `SELECT ${CHANGE_COLUMNS} FROM pki_certificates WHERE serial = ANY($1::text[]) AND issuer_kid = $2`,
          [serials, issuerKid],
        )
      : await preparedQuery<ChangeRow>(
          this.db,
          'pki_statuses',
          `SELECT ${CHANGE_COLUMNS} FROM pki_certificates WHERE serial = ANY($1::text[])`,
          [serials],
        );
    return new Map(rows.map((row) => [row.serial, toChange(row)]));
  }

  /**
   * Moves the matching certificates to a new state and marks the CRLs that list them stale (those
   * last signed by the certificates' issuer keys), in one statement (so a CRL signed concurrently by
   * another replica is either after the change or marked for re-signing: the UPDATE waits for its
   * row lock and then sees the issuer it was signed by). Returns the rows changed.
   */
  async transition(
    where: { serial: string } | { uscc: string; profile: StoredProfile },
    from: CertificateStatus[],
    to: { status: CertificateStatus; reason: StoredReason | null; at: Date | null },
  ): Promise<StatusChange[]> {
    const filter = 'serial' in where ? `serial = $5` : `uscc = $5 AND profile = $6`;
    const params: unknown[] = [
      from,
      to.status,
      to.reason,
      to.at ? to.at.getTime() : null,
      ...('serial' in where ? [where.serial] : [where.uscc, where.profile]),
    ];
    const rows = await this.db.query<Array<ChangeRow & { issuer_kid: string }>>(
      `WITH changed AS (
         UPDATE pki_certificates SET status = $2, revocation_reason = $3,
                revoked_at = CASE WHEN $4::float8 IS NULL THEN NULL ELSE to_timestamp($4::float8 / 1000) END, updated_at = now()
          WHERE ${filter} AND status = ANY($1::text[])
          RETURNING ${TRANSITION_COLUMNS}
       ), marked AS (
         UPDATE pki_crls SET stale = true WHERE issuer_kid IN (SELECT issuer_kid FROM changed)
       )
       SELECT * FROM changed ORDER BY serial`,
      params,
    );
    return rows.map((row) => ({ ...toChange(row), issuerKid: row.issuer_kid }));
  }

  // ---- CRLs ----

  async latestCrl(ca: CrlName): Promise<StoredCrl | null> {
    const rows = await this.db.query<CrlRow[]>(`SELECT ${CRL_COLUMNS} FROM pki_crls WHERE ca = $1`, [ca]);
    return rows[0] ? toCrl(rows[0]) : null;
  }

  /**
   * Runs fn holding the CRL row of a CA locked (created on first use), so replicas sign CRL numbers
   * one after another. fn gets the row as locked and a manager for its own queries.
   */
  async withCrlLock<T>(ca: CrlName, fn: (current: StoredCrl, manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (manager) => {
      await manager.query(`INSERT INTO pki_crls (ca) VALUES ($1) ON CONFLICT (ca) DO NOTHING`, [ca]);
      const [row] = await manager.query<CrlRow[]>(`SELECT ${CRL_COLUMNS} FROM pki_crls WHERE ca = $1 FOR UPDATE`, [ca]);
      return fn(toCrl(row), manager);
    });
  }

  /** Revoked and held certificates of a CA key that have not expired, oldest revocation first. */
  async revokedEntries(issuerKid: string, manager: EntityManager): Promise<SerialStatus[]> {
    const rows = await manager.query<ChangeRow[]>(
      `SELECT ${CHANGE_COLUMNS} FROM pki_certificates WHERE issuer_kid = $1 AND status <> 'good' AND not_after > now() ORDER BY revoked_at, serial`,
      [issuerKid],
    );
    return rows.map(toChange);
  }

  async saveCrl(manager: EntityManager, ca: CrlName, crl: Omit<StoredCrl, 'stale'>): Promise<void> {
    await returning(
      manager,
      `UPDATE pki_crls SET number = $2, issuer_kid = $3, der = decode($4, 'hex'), this_update = to_timestamp($5::float8 / 1000),
              next_update = to_timestamp($6::float8 / 1000), stale = false
        WHERE ca = $1`,
      [ca, crl.number, crl.issuerKid, crl.der!.toString('hex'), crl.thisUpdate!.getTime(), crl.nextUpdate!.getTime()],
    );
  }
}

export interface StoredCrl {
  number: number;
  issuerKid: string | null;
  der: Buffer | null;
  thisUpdate: Date | null;
  nextUpdate: Date | null;
  stale: boolean;
}

const CRL_COLUMNS = `number::text AS number, issuer_kid, encode(der, 'hex') AS der, stale,
  (extract(epoch FROM this_update) * 1000)::float8 AS this_ms, (extract(epoch FROM next_update) * 1000)::float8 AS next_ms`;

/** A row of CRL_COLUMNS (the number as text: a bigint). */
interface CrlRow {
  number: string;
  issuer_kid: string | null;
  der: string | null;
  stale: boolean;
  this_ms: number | null;
  next_ms: number | null;
}

/** A row of CHANGE_COLUMNS. */
interface ChangeRow {
  serial: string;
  profile: StoredProfile;
  status: CertificateStatus;
  revocation_reason: StoredReason | null;
  revoked_ms: number | null;
}

/** A row of RECORD_COLUMNS. */
interface RecordRow extends ChangeRow {
  issuer_kid: string;
  uscc: string | null;
  subject: string;
  not_before_ms: number;
  not_after_ms: number;
  created_ms: number;
}

function toCrl(row: CrlRow): StoredCrl {
  return {
    number: Number(row.number),
    issuerKid: row.issuer_kid ?? null,
    der: row.der ? Buffer.from(row.der, 'hex') : null,
    thisUpdate: date(row.this_ms),
    nextUpdate: date(row.next_ms),
    stale: row.stale === true,
  };
}

function date(ms: number | null | undefined): Date | null {
  return ms === null || ms === undefined ? null : new Date(ms);
}

function toChange(row: ChangeRow): SerialStatus {
  return {
    serial: row.serial,
    profile: row.profile,
    status: row.status,
    reason: row.revocation_reason ?? null,
    revokedAt: date(row.revoked_ms),
  };
}

function toRecord(row: RecordRow): CertificateRecord {
  return {
    serial: row.serial,
    profile: row.profile,
    issuerKid: row.issuer_kid,
    uscc: row.uscc ?? null,
    subject: row.subject,
    notBefore: new Date(row.not_before_ms),
    notAfter: new Date(row.not_after_ms),
    status: row.status,
    revocationReason: row.revocation_reason ?? null,
    revokedAt: date(row.revoked_ms),
    createdAt: new Date(row.created_ms),
  };
}
