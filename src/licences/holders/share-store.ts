import type { DataSource } from 'typeorm';
import type { HolderKind } from '../types/index.js';

/** A share as stored (licence_shares): its sealed token and presentation only while it lasts. */
export interface ShareRow {
  id: string;
  licenceId: string;
  holderKind: HolderKind;
  holderRef: string;
  disclosed: string[];
  tokenEnc: string | null;
  presentationEnc: string | null;
  dataKid: string | null;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  openings: number;
}

export interface NewShareRow {
  id: string;
  tokenHash: Buffer;
  tokenEnc: string;
  licenceId: string;
  holderKind: HolderKind;
  holderRef: string;
  disclosed: string[];
  presentationEnc: string;
  dataKid: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
}

export type OpeningOutcome = 'shown' | 'expired' | 'ended';

/** One opening of a share's link. */
export interface OpeningRow {
  shareId: string;
  openedAt: Date;
  ipMasked: string;
  browser: string;
  outcome: OpeningOutcome;
}

interface RawShare {
  id: string;
  licence_id: string;
  holder_kind: HolderKind;
  holder_ref: string;
  disclosed: string[];
  token_enc: string | null;
  presentation_enc: string | null;
  data_kid: string | null;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  openings: number;
}

const COLUMNS = `id, licence_id, holder_kind, holder_ref, disclosed, token_enc, presentation_enc, data_kid, created_by, created_at,
  expires_at, ended_at, openings`;

/** The SQL of licence_shares and licence_share_openings (owned by LicenceSharesService). */
export class ShareStore {
  constructor(private readonly db: DataSource) {}

  async insert(row: NewShareRow): Promise<void> {
    await this.db.query(
      `INSERT INTO licence_shares (id, token_hash, token_enc, licence_id, holder_kind, holder_ref, disclosed, presentation_enc, data_kid,
         created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $12)`,
      [
        row.id,
        row.tokenHash,
        row.tokenEnc,
        row.licenceId,
        row.holderKind,
        row.holderRef,
        row.disclosed,
        row.presentationEnc,
        row.dataKid,
        row.createdBy,
        row.createdAt,
        row.expiresAt,
      ],
    );
  }

  async byTokenHash(hash: Buffer): Promise<ShareRow | null> {
    const rows = await this.db.query<RawShare[]>(`SELECT ${COLUMNS} FROM licence_shares WHERE token_hash = $1`, [hash]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async byId(id: string): Promise<ShareRow | null> {
    const rows = await this.db.query<RawShare[]>(`SELECT ${COLUMNS} FROM licence_shares WHERE id = $1`, [id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** A holder's shares, newest first (of one licence when given). */
  async forHolder(kind: HolderKind, ref: string, limit: number, licenceId?: string): Promise<ShareRow[]> {
    const rows = await this.db.query<RawShare[]>(
      `SELECT ${COLUMNS} FROM licence_shares WHERE holder_kind = $1 AND holder_ref = $2 AND ($3::text IS NULL OR licence_id = $3)
       ORDER BY created_at DESC, id LIMIT $4`,
      [kind, ref, licenceId ?? null, limit],
    );
    return rows.map(toRow);
  }

  /** The openings of these shares, newest first. */
  async openings(shareIds: string[]): Promise<OpeningRow[]> {
    if (!shareIds.length) return [];
    const rows = await this.db.query<
      Array<{ share_id: string; opened_at: Date; ip_masked: string; browser: string; outcome: OpeningOutcome }>
    >(
      `SELECT share_id, opened_at, ip_masked, browser, outcome FROM licence_share_openings WHERE share_id = ANY($1::uuid[])
       ORDER BY opened_at DESC, id DESC`,
      [shareIds],
    );
    return rows.map((r) => ({
      shareId: r.share_id,
      openedAt: new Date(r.opened_at),
      ipMasked: r.ip_masked,
      browser: r.browser,
      outcome: r.outcome,
    }));
  }

  /** Records an opening, unless the share has `max` recorded already: whether it was recorded. */
  async recordOpening(shareId: string, opening: Omit<OpeningRow, 'shareId' | 'openedAt'>, max: number): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const counted = await manager.query<unknown[]>(
        `UPDATE licence_shares SET openings = openings + 1 WHERE id = $1 AND openings < $2 RETURNING openings`,
        [shareId, max],
      );
      if (!counted.length) return false;
      await manager.query(`INSERT INTO licence_share_openings (share_id, ip_masked, browser, outcome) VALUES ($1, $2, $3, $4)`, [
        shareId,
        opening.ipMasked,
        opening.browser,
        opening.outcome,
      ]);
      return true;
    });
  }

  /** Ends a share early (the holder withdrew it): its sealed columns go at once. Whether it was still open. */
  async end(id: string, at: Date): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      `UPDATE licence_shares SET ended_at = $2, token_enc = NULL, presentation_enc = NULL, data_kid = NULL, purged_at = $2
       WHERE id = $1 AND ended_at IS NULL AND expires_at > $2 RETURNING 1`,
      [id, at],
    );
    return rows.length > 0;
  }

  /** Empties the sealed columns of shares that have expired or ended: afterwards only what was shown, when, stays. */
  async purgeEnded(): Promise<number> {
    const rows = await this.db.query<unknown[]>(
      `UPDATE licence_shares SET token_enc = NULL, presentation_enc = NULL, data_kid = NULL, purged_at = now()
       WHERE purged_at IS NULL AND (expires_at <= now() OR ended_at IS NOT NULL) RETURNING 1`,
    );
    return rows.length;
  }

  /** Forgets shares (and their openings) made more than `days` ago. */
  async deleteOlderThan(days: number): Promise<void> {
    await this.db.query(`DELETE FROM licence_shares WHERE created_at < now() - make_interval(days => $1::int)`, [days]);
  }

  /** Live shares whose sealed columns are under another data key than `kid` (after a rotation). */
  async sealedUnder(kid: string, limit: number): Promise<ShareRow[]> {
    const rows = await this.db.query<RawShare[]>(
      `SELECT ${COLUMNS} FROM licence_shares WHERE data_kid IS NOT NULL AND data_kid <> $1 ORDER BY id LIMIT $2`,
      [kid, limit],
    );
    return rows.map(toRow);
  }

  async reseal(id: string, previousKid: string, tokenEnc: string, presentationEnc: string, kid: string): Promise<void> {
    await this.db.query(`UPDATE licence_shares SET token_enc = $3, presentation_enc = $4, data_kid = $5 WHERE id = $1 AND data_kid = $2`, [
      id,
      previousKid,
      tokenEnc,
      presentationEnc,
      kid,
    ]);
  }
}

function toRow(r: RawShare): ShareRow {
  return {
    id: r.id,
    licenceId: r.licence_id,
    holderKind: r.holder_kind,
    holderRef: r.holder_ref,
    disclosed: r.disclosed,
    tokenEnc: r.token_enc,
    presentationEnc: r.presentation_enc,
    dataKid: r.data_kid,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    endedAt: r.ended_at ? new Date(r.ended_at) : null,
    openings: Number(r.openings),
  };
}
