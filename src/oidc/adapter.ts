import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared.js';
import { returning } from '../database/returning.js';
import type { ClientStore } from '../clients/client-store.js';

/** Models that name a grant: oidc-provider reads the grant right after reading one of them. */
const GRANT_BEARING = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
/** How long a grant read together with a token waits for the Grant.find that follows it. */
const PREFETCH_MS = 1_000;

/**
 * Grants read in the same statement as a token naming them (a join), for the Grant.find that
 * oidc-provider makes next in the same request (refresh, code exchange, userinfo,
 * introspection): one round trip to the database instead of two. An entry is taken once, or
 * dropped after PREFETCH_MS; writing or deleting the grant drops it at once.
 */
class GrantPrefetch {
  private readonly entries = new Map<string, { payload: AdapterPayload; at: number }>();

  put(id: string, payload: AdapterPayload): void {
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(id, { payload, at: Date.now() });
  }

  take(id: string): AdapterPayload | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    return Date.now() - entry.at <= PREFETCH_MS ? entry.payload : undefined;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}

/**
 * oidc-provider's storage, in PostgreSQL/PGlite: one table for every model, keyed by (kind, id).
 * Clients are the exception: they live in `oidc_clients`, managed by the ClientStore.
 */
export function createAdapterClass(dataSource: DataSource, clients: ClientStore) {
  const prefetched = new GrantPrefetch();
  return class PostgresAdapter implements Adapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.kind === 'Client') throw new Error('clients are managed by tongban (CLI or /api/v1/clients), not by dynamic registration');
      if (this.kind === 'Grant') prefetched.forget(id);
      await preparedQuery(
        dataSource,
        'oidc_payload_upsert',
        `INSERT INTO oidc_payloads (kind, id, payload, grant_id, uid, user_code, expires_at)
         VALUES ($1, $2, $3::jsonb, $4, $5, $6, CASE WHEN $7::int > 0 THEN now() + make_interval(secs => $7::int) END)
         ON CONFLICT (kind, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid,
           user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
        [
          this.kind,
          id,
          JSON.stringify(payload),
          payload.grantId ?? null,
          payload.uid ?? null,
          payload.userCode ?? null,
          expiresIn ? Math.ceil(expiresIn) : 0,
        ],
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.kind === 'Client') return clients.metadataFor(id);
      if (this.kind === 'Grant') return prefetched.take(id) ?? this.one('oidc_payload_by_id', `kind = $1 AND id = $2`, [this.kind, id]);
      if (GRANT_BEARING.has(this.kind)) return this.withGrant(id);
      return this.one('oidc_payload_by_id', `kind = $1 AND id = $2`, [this.kind, id]);
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.one('oidc_payload_by_uid', `kind = $1 AND uid = $2`, [this.kind, uid]);
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.one('oidc_payload_by_user_code', `kind = $1 AND user_code = $2`, [this.kind, userCode]);
    }

    /**
     * oidc-provider reads a code or refresh token, checks it is unused, then consumes it; two
     * requests racing (on one replica or two) could both pass the check. Consuming only what is
     * still unconsumed makes the second one fail.
     */
    async consume(id: string): Promise<void> {
      const rows = await preparedQuery(
        dataSource,
        'oidc_payload_consume',
        `UPDATE oidc_payloads SET consumed_at = now() WHERE kind = $1 AND id = $2 AND consumed_at IS NULL RETURNING 1`,
        [this.kind, id],
      );
      if (!rows.length) throw new errors.InvalidGrant(`${this.kind} already consumed`);
    }

    async destroy(id: string): Promise<void> {
      if (this.kind === 'Grant') prefetched.forget(id);
      await preparedQuery(dataSource, 'oidc_payload_destroy', `DELETE FROM oidc_payloads WHERE kind = $1 AND id = $2`, [this.kind, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      prefetched.forget(grantId);
      await preparedQuery(dataSource, 'oidc_payload_revoke_grant', `DELETE FROM oidc_payloads WHERE grant_id = $1`, [grantId]);
    }

    /** The token, and its grant (see GrantPrefetch) in the same statement. */
    private async withGrant(id: string): Promise<AdapterPayload | undefined> {
      const rows = await preparedQuery<{ payload: AdapterPayload; consumed: boolean; grant_payload: AdapterPayload | null }>(
        dataSource,
        'oidc_payload_with_grant',
        `SELECT t.payload, t.consumed_at IS NOT NULL AS consumed, g.payload AS grant_payload
           FROM oidc_payloads t
           LEFT JOIN oidc_payloads g ON g.kind = 'Grant' AND g.id = t.grant_id AND (g.expires_at IS NULL OR g.expires_at > now())
          WHERE t.kind = $1 AND t.id = $2 AND (t.expires_at IS NULL OR t.expires_at > now())`,
        [this.kind, id],
      );
      const row = rows[0];
      if (!row) return undefined;
      if (row.grant_payload && row.payload.grantId) prefetched.put(row.payload.grantId, row.grant_payload);
      return row.consumed ? { ...row.payload, consumed: true } : row.payload;
    }

    private async one(name: string, where: string, params: unknown[]): Promise<AdapterPayload | undefined> {
      const rows = await preparedQuery<{ payload: AdapterPayload; consumed: boolean }>(
        dataSource,
        name,
        `SELECT payload, consumed_at IS NOT NULL AS consumed FROM oidc_payloads
          WHERE ${where} AND (expires_at IS NULL OR expires_at > now())`,
        params,
      );
      const row = rows[0];
      if (!row) return undefined;
      return row.consumed ? { ...row.payload, consumed: true } : row.payload;
    }
  };
}

/** Deletes expired rows; a few minutes' grace so a request in flight never sees its row vanish. */
export async function deleteExpiredPayloads(dataSource: DataSource, limit = 10_000): Promise<number> {
  const rows = await returning(
    dataSource,
    `DELETE FROM oidc_payloads WHERE ctid IN (
       SELECT ctid FROM oidc_payloads WHERE expires_at < now() - interval '5 minutes' LIMIT $1)
     RETURNING 1`,
    [limit],
  );
  return rows.length;
}
