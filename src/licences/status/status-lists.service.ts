import { Injectable } from '@nestjs/common';
import { createHash, randomInt } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '../../common/api-error.js';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { returning } from '../../database/returning.js';
import { KeyStore } from '../../keys/keystore.service.js';
import { signStatusListJwt, StatusList, StatusType } from '../status-list/index.js';
import { StatusSigner } from './status-signer.js';

/**
 * Entries per list (2^17: 32 KiB of 2-bit statuses before compression). A list is never full: it
 * takes at most half its size in licences, so an index drawn at random is free at least half the
 * time, and a list shows a verifier one licence among 131,072 possible ones (herd privacy,
 * draft-ietf-oauth-status-list §12.2).
 */
export const STATUS_LIST_SIZE = 1 << 17;
export const STATUS_LIST_CAPACITY = STATUS_LIST_SIZE / 2;
/** Seconds a relying party may keep a list before fetching it again (the token's `ttl`, and Cache-Control max-age). */
export const STATUS_LIST_TTL_SECONDS = 60;
/**
 * How long a replica serves a list it built before reading the table again: a change made on any
 * replica is in every replica's list within this (the issue asks for 5 s). A change made here
 * drops this replica's copy at once.
 */
export const STATUS_LIST_FRESH_MS = 2000;
/**
 * Tokens expire 12 to 24 hours after they are signed: `exp` is the end of the next 12-hour window,
 * the same on every replica, so an unchanged list keeps its ETag across replicas and windows.
 */
const WINDOW_SECONDS = 12 * 3600;

/** Where a licence's status is: a list, an index in it, and the list's URI (the credential's status.status_list). */
export interface StatusEntry {
  list: number;
  idx: number;
  uri: string;
}

export interface StatusListToken {
  list: number;
  uri: string;
  /** The signed token (application/statuslist+jwt). */
  token: string;
  /** A weak ETag of the list's content, signing key and expiry window: equal across replicas for the same list. */
  etag: string;
  ttl: number;
  iat: number;
  exp: number;
  size: number;
}

interface Cached {
  at: number;
  digest: string;
  token: StatusListToken;
}

/**
 * Token Status Lists of tongban's licences (draft-ietf-oauth-status-list, 2 bits: 0 valid,
 * 1 invalid (revoked), 2 suspended): per issuer code and shard in `licence_status_lists`, each
 * licence's entry in its row of `licences` (status_list, status_idx, status). Serving a list
 * builds it from the table and signs it with the `status` key (x5c to tongban's root); a replica
 * keeps what it built for STATUS_LIST_FRESH_MS, and re-signs only when the content, the key or the
 * expiry window changed.
 */
@Injectable()
export class StatusListsService {
  private readonly cache = new Map<number, Cached>();
  private readonly building = new Map<number, Promise<StatusListToken>>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly keys: KeyStore,
    private readonly signer: StatusSigner,
  ) {}

  uriOf(list: number): string {
    return `${this.config.publicUrl}/api/v1/status-lists/${list}`;
  }

  // ---- allocation (issuance) ----

  /**
   * A free entry for a new licence of the issuer: in its first shard with room (a new shard when
   * all are at capacity), at an index drawn at random among those not taken. Nothing is reserved
   * here: the licence's row takes the entry, in the transaction that claims it (claim()), and a
   * concurrent issuance that took the same index makes that insert fail and issuance draw again.
   */
  async candidate(issuerCode: string): Promise<StatusEntry> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const list = await this.openList(issuerCode);
      const draws = Array.from({ length: 16 }, () => randomInt(list.size));
      const free = await this.db.query<Array<{ idx: number }>>(
        `SELECT c AS idx FROM unnest($2::int[]) AS c
          WHERE NOT EXISTS (SELECT 1 FROM licences WHERE status_list = $1 AND status_idx = c) LIMIT 1`,
        [list.id, draws],
      );
      if (free[0]) return { list: list.id, idx: Number(free[0].idx), uri: this.uriOf(list.id) };
    }
    throw new Error(`no free status list entry found for ${issuerCode}`);
  }

  /**
   * Counts the entry against its list's capacity, inside the issuance's transaction (the licence
   * row is inserted in the same one, or both are rolled back). False when the list filled up
   * meanwhile: issuance takes a new candidate.
   */
  async claim(manager: EntityManager, list: number): Promise<boolean> {
    const rows = await returning(
      manager,
      `UPDATE licence_status_lists SET allocated = allocated + 1 WHERE id = $1 AND allocated < capacity RETURNING id`,
      [list],
    );
    return rows.length === 1;
  }

  /** Gives an entry back after its licence row was deleted (issuance undone). */
  async release(list: number): Promise<void> {
    await this.db.query(`UPDATE licence_status_lists SET allocated = allocated - 1 WHERE id = $1 AND allocated > 0`, [list]);
    this.changed([list]);
  }

  /** The issuer's first shard with room, made when there is none (two replicas racing make it once: unique per issuer and shard). */
  private async openList(issuerCode: string): Promise<{ id: number; size: number }> {
    for (;;) {
      const rows = await this.db.query<Array<{ id: number; size: number }>>(
        `SELECT id, size FROM licence_status_lists WHERE issuer_code = $1 AND allocated < capacity ORDER BY shard LIMIT 1`,
        [issuerCode],
      );
      if (rows[0]) return { id: Number(rows[0].id), size: Number(rows[0].size) };
      await this.db.query(
        `INSERT INTO licence_status_lists (issuer_code, shard, size, capacity)
         SELECT $1, coalesce(max(shard) + 1, 0), $2, $3 FROM licence_status_lists WHERE issuer_code = $1
         ON CONFLICT (issuer_code, shard) DO NOTHING`,
        [issuerCode, STATUS_LIST_SIZE, STATUS_LIST_CAPACITY],
      );
    }
  }

  // ---- serving ----

  /** Drops this replica's copies of lists whose entries changed here (other replicas read them again within STATUS_LIST_FRESH_MS). */
  changed(lists: Iterable<number>): void {
    for (const list of lists) this.cache.delete(list);
  }

  /** The list's signed token; 404 status_list_not_found. */
  async token(list: number): Promise<StatusListToken> {
    const cached = this.cache.get(list);
    if (cached && Date.now() - cached.at < STATUS_LIST_FRESH_MS && cached.token.exp - Date.now() / 1000 > WINDOW_SECONDS / 2)
      return cached.token;
    let build = this.building.get(list);
    if (!build) {
      build = this.build(list).finally(() => this.building.delete(list));
      this.building.set(list, build);
    }
    return build;
  }

  private async build(list: number): Promise<StatusListToken> {
    const rows = await this.db.query<Array<{ size: number }>>(`SELECT size FROM licence_status_lists WHERE id = $1`, [list]);
    if (!rows[0]) throw new ApiError(404, 'status_list_not_found', `there is no status list ${list}`);
    const size = Number(rows[0].size);
    const entries = await this.db.query<Array<{ idx: number; status: 'suspended' | 'revoked' }>>(
      `SELECT status_idx AS idx, status FROM licences WHERE status_list = $1 AND status <> 'valid'`,
      [list],
    );
    const statuses = new StatusList(size, 2);
    for (const entry of entries) statuses.set(Number(entry.idx), entry.status === 'revoked' ? StatusType.INVALID : StatusType.SUSPENDED);
    const encoded = statuses.encode();
    const { kid, x5c } = await this.signer.current();
    const now = Math.floor(Date.now() / 1000);
    const exp = (Math.floor(now / WINDOW_SECONDS) + 2) * WINDOW_SECONDS;
    const digest = createHash('sha256').update(`${list}\n${kid}\n${exp}\n${encoded.lst}`).digest('base64url');
    const previous = this.cache.get(list);
    if (previous?.digest === digest) {
      this.cache.set(list, { ...previous, at: Date.now() });
      return previous.token;
    }
    const uri = this.uriOf(list);
    const token = await signStatusListJwt({
      list: statuses,
      uri,
      iss: this.config.publicUrl,
      iat: now,
      exp,
      ttl: STATUS_LIST_TTL_SECONDS,
      kid,
      x5c,
      sign: (bytes) => this.keys.signWith(kid, bytes),
    });
    const built: StatusListToken = {
      list,
      uri,
      token,
      etag: `W/"${digest.slice(0, 32)}"`,
      ttl: STATUS_LIST_TTL_SECONDS,
      iat: now,
      exp,
      size,
    };
    this.cache.set(list, { at: Date.now(), digest, token: built });
    return built;
  }
}
