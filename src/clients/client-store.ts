import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AdapterPayload, ClientMetadata } from 'oidc-provider';
import { DataSource } from 'typeorm';
import { returning } from '../database/returning.js';
import { KeyStore } from '../keys/keystore.service.js';
import type { Lang } from '../pages/messages.js';
import { portalName } from './client-names.js';

const AAD = 'tongban client-secret v1';
const CACHE_MS = 2000;

/**
 * Registered clients in `oidc_clients`. Secrets are stored encrypted under the data key and
 * handed to oidc-provider only when it loads the client. Lookups are cached for two seconds: a
 * token endpoint under load asks for the same client thousands of times a second, and a removed
 * client stops working everywhere within that time.
 */
@Injectable()
export class ClientStore implements OnModuleInit {
  private readonly cache = new Map<string, { at: number; metadata: AdapterPayload | undefined }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: KeyStore,
  ) {}

  onModuleInit(): void {
    this.keys.registerRekeyHandler('oidc-clients', () => this.rekey());
  }

  async metadataFor(clientId: string): Promise<AdapterPayload | undefined> {
    const cached = this.cache.get(clientId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.metadata;
    const rows: Array<{ metadata: ClientMetadata; secret_enc: string | null }> = await this.dataSource.query(
      `SELECT metadata, secret_enc FROM oidc_clients WHERE client_id = $1`,
      [clientId],
    );
    const row = rows[0];
    const metadata = row
      ? { ...row.metadata, ...(row.secret_enc ? { client_secret: await this.decrypt(row.secret_enc) } : {}) }
      : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(clientId, { at: Date.now(), metadata });
    return metadata;
  }

  /** A portal's name in the page's language (`client_name#en` …, see client-names.ts); shares the cache of metadataFor. */
  async portalName(clientId: string, lang: Lang): Promise<string> {
    return portalName(await this.metadataFor(clientId), lang, clientId);
  }

  /** Whether a client is (still) registered; shares the two-second cache of metadataFor. */
  async exists(clientId: string): Promise<boolean> {
    return (await this.metadataFor(clientId)) !== undefined;
  }

  /** Inserts a client; false when the client_id is taken. */
  async insert(metadata: ClientMetadata): Promise<boolean> {
    const { client_secret: secret, ...rest } = metadata;
    const sealed = secret ? await this.encrypt(secret) : null;
    const rows = await this.dataSource.query<Array<{ client_id: string }>>(
      `INSERT INTO oidc_clients (client_id, metadata, secret_enc, data_kid) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (client_id) DO NOTHING RETURNING client_id`,
      [metadata.client_id, JSON.stringify(rest), sealed?.value ?? null, sealed?.kid ?? null],
    );
    this.cache.delete(metadata.client_id);
    return rows.length === 1;
  }

  /** Creates or replaces a client tongban defines itself (first-party, demo portals), e.g. at start. */
  async put(metadata: ClientMetadata): Promise<void> {
    const { client_secret: secret, ...rest } = metadata;
    const sealed = secret ? await this.encrypt(secret) : null;
    await this.dataSource.query(
      `INSERT INTO oidc_clients (client_id, metadata, secret_enc, data_kid) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (client_id) DO UPDATE SET metadata = EXCLUDED.metadata, secret_enc = EXCLUDED.secret_enc,
         data_kid = EXCLUDED.data_kid, updated_at = now()`,
      [metadata.client_id, JSON.stringify(rest), sealed?.value ?? null, sealed?.kid ?? null],
    );
    this.cache.delete(metadata.client_id);
  }

  async list(): Promise<Array<{ metadata: ClientMetadata; createdAt: string }>> {
    const rows: Array<{ metadata: ClientMetadata; created_at: Date }> = await this.dataSource.query(
      `SELECT metadata, created_at FROM oidc_clients ORDER BY client_id`,
    );
    return rows.map((row) => ({ metadata: row.metadata, createdAt: new Date(row.created_at).toISOString() }));
  }

  async get(clientId: string): Promise<{ metadata: ClientMetadata; createdAt: string } | undefined> {
    const rows: Array<{ metadata: ClientMetadata; created_at: Date }> = await this.dataSource.query(
      `SELECT metadata, created_at FROM oidc_clients WHERE client_id = $1`,
      [clientId],
    );
    return rows[0] ? { metadata: rows[0].metadata, createdAt: new Date(rows[0].created_at).toISOString() } : undefined;
  }

  /** Removes a client and everything issued to it (grants, tokens, codes). */
  async remove(clientId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await returning(manager, `DELETE FROM oidc_clients WHERE client_id = $1 RETURNING client_id`, [clientId]);
      if (!rows.length) return false;
      await manager.query(`DELETE FROM oidc_payloads WHERE payload->>'clientId' = $1`, [clientId]);
      await manager.query(`DELETE FROM oidc_consents WHERE client_id = $1`, [clientId]);
      this.cache.delete(clientId);
      return true;
    });
  }

  private encrypt(secret: string): Promise<{ kid: string; value: string }> {
    return this.keys.sealText(secret, AAD);
  }

  private decrypt(value: string): Promise<string> {
    return this.keys.openText(value, AAD);
  }

  private async rekey(): Promise<{ rows: number }> {
    const current = this.keys.current('data').kid;
    const rows: Array<{ client_id: string; secret_enc: string }> = await this.dataSource.query(
      `SELECT client_id, secret_enc FROM oidc_clients WHERE secret_enc IS NOT NULL AND data_kid <> $1`,
      [current],
    );
    for (const row of rows) {
      const sealed = await this.encrypt(await this.decrypt(row.secret_enc));
      await this.dataSource.query(`UPDATE oidc_clients SET secret_enc = $2, data_kid = $3, updated_at = now() WHERE client_id = $1`, [
        row.client_id,
        sealed.value,
        sealed.kid,
      ]);
    }
    this.cache.clear();
    return { rows: rows.length };
  }
}
