import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AdapterPayload, ClientMetadata } from 'oidc-provider';
import { DataSource } from 'typeorm';
import { returning } from '../database/returning.js';
import { KeyStore } from '../keys/keystore.service.js';
import type { Lang } from '../pages/messages.js';
import { portalName } from './client-names.js';

const AAD = 'tongban client-secret v1';
const CACHE_MS = 2000;
/** The scope an issuing authority's client needs to issue electronic licences. */
export const LICENCE_ISSUE_SCOPE = 'licence:issue';

/**
 * What makes a client an issuing authority of electronic licences: its USCC (the issuer code of
 * the licence identifiers it issues, GB/T 36904) and the licence types it may issue.
 */
export interface LicenceIssuer {
  issuerCode: string;
  licenceTypes: string[];
}

/** An issuing authority as the licence-type catalogue shows it. */
export interface IssuingAuthority extends LicenceIssuer {
  clientId: string;
  name: string | null;
  nameEn: string | null;
}

interface IssuerRow {
  metadata: ClientMetadata;
  issuer_code: string | null;
  licence_types: string[] | null;
}

/**
 * Registered clients in `oidc_clients`. Secrets are stored encrypted under the data key and
 * handed to oidc-provider only when it loads the client. Lookups are cached for two seconds: a
 * token endpoint under load asks for the same client thousands of times a second, and a removed
 * client stops working everywhere within that time.
 */
@Injectable()
export class ClientStore implements OnModuleInit {
  private readonly cache = new Map<string, { at: number; metadata: AdapterPayload | undefined }>();
  private readonly issuerCache = new Map<string, { at: number; issuer: (LicenceIssuer & { scope: string[] }) | undefined }>();

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

  /**
   * Inserts a client, with what makes it an issuing authority of licences when given (in the same
   * row: never a client without the licence types it was registered with); false when the
   * client_id is taken.
   */
  async insert(metadata: ClientMetadata, issuer?: LicenceIssuer): Promise<boolean> {
    const { client_secret: secret, ...rest } = metadata;
    const sealed = secret ? await this.encrypt(secret) : null;
    const rows = await this.dataSource.query<Array<{ client_id: string }>>(
      `INSERT INTO oidc_clients (client_id, metadata, secret_enc, data_kid, issuer_code, licence_types)
       VALUES ($1, $2::jsonb, $3, $4, $5, $6::text[])
       ON CONFLICT (client_id) DO NOTHING RETURNING client_id`,
      [
        metadata.client_id,
        JSON.stringify(rest),
        sealed?.value ?? null,
        sealed?.kid ?? null,
        issuer?.issuerCode ?? null,
        issuer?.licenceTypes ?? [],
      ],
    );
    this.forget(metadata.client_id);
    return rows.length === 1;
  }

  /**
   * Creates or replaces a client tongban defines itself (first-party, demo portals), e.g. at start.
   * With `issuer`, it is (or stays) an issuing authority of those licence types; without, whatever
   * it was made an issuing authority of is kept.
   */
  async put(metadata: ClientMetadata, issuer?: LicenceIssuer): Promise<void> {
    const { client_secret: secret, ...rest } = metadata;
    const sealed = secret ? await this.encrypt(secret) : null;
    await this.dataSource.query(
      `INSERT INTO oidc_clients (client_id, metadata, secret_enc, data_kid, issuer_code, licence_types)
       VALUES ($1, $2::jsonb, $3, $4, $5, $6::text[])
       ON CONFLICT (client_id) DO UPDATE SET metadata = EXCLUDED.metadata, secret_enc = EXCLUDED.secret_enc,
         data_kid = EXCLUDED.data_kid, updated_at = now()${
           issuer ? ', issuer_code = EXCLUDED.issuer_code, licence_types = EXCLUDED.licence_types' : ''
         }`,
      [
        metadata.client_id,
        JSON.stringify(rest),
        sealed?.value ?? null,
        sealed?.kid ?? null,
        issuer?.issuerCode ?? null,
        issuer?.licenceTypes ?? [],
      ],
    );
    this.forget(metadata.client_id);
  }

  async list(): Promise<Array<{ metadata: ClientMetadata; createdAt: string; issuer?: LicenceIssuer }>> {
    const rows: Array<IssuerRow & { created_at: Date }> = await this.dataSource.query(
      `SELECT metadata, created_at, issuer_code, licence_types FROM oidc_clients ORDER BY client_id`,
    );
    return rows.map((row) => ({ metadata: row.metadata, createdAt: new Date(row.created_at).toISOString(), ...issuerOf(row) }));
  }

  async get(clientId: string): Promise<{ metadata: ClientMetadata; createdAt: string; issuer?: LicenceIssuer } | undefined> {
    const rows: Array<IssuerRow & { created_at: Date }> = await this.dataSource.query(
      `SELECT metadata, created_at, issuer_code, licence_types FROM oidc_clients WHERE client_id = $1`,
      [clientId],
    );
    const row = rows[0];
    return row ? { metadata: row.metadata, createdAt: new Date(row.created_at).toISOString(), ...issuerOf(row) } : undefined;
  }

  /** The licence types a client may issue (ids); empty for a client that is no issuing authority or does not exist. */
  async licenceTypesOf(clientId: string): Promise<string[]> {
    return (await this.licenceIssuer(clientId))?.licenceTypes ?? [];
  }

  /** An issuing authority's issuer code (its USCC), or null. */
  async issuerCodeOf(clientId: string): Promise<string | null> {
    return (await this.licenceIssuer(clientId))?.issuerCode ?? null;
  }

  /**
   * What makes a client an issuing authority — its issuer code and licence types — and the scopes
   * it holds; undefined when it has no issuer code or does not exist. Cached for two seconds as the
   * metadata is (a removed client, or a changed one, is seen within that time).
   */
  async licenceIssuer(clientId: string): Promise<(LicenceIssuer & { scope: string[] }) | undefined> {
    const cached = this.issuerCache.get(clientId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.issuer;
    const rows: IssuerRow[] = await this.dataSource.query(
      `SELECT metadata, issuer_code, licence_types FROM oidc_clients WHERE client_id = $1`,
      [clientId],
    );
    const row = rows[0];
    const issuer =
      row?.issuer_code != null
        ? { issuerCode: row.issuer_code, licenceTypes: row.licence_types ?? [], scope: scopesOf(row.metadata) }
        : undefined;
    if (this.issuerCache.size > 10_000) this.issuerCache.clear();
    this.issuerCache.set(clientId, { at: Date.now(), issuer });
    return issuer;
  }

  /** The issuing authorities (clients with the scope licence:issue and an issuer code), of one licence type or of any. */
  async issuingAuthorities(licenceType?: string): Promise<IssuingAuthority[]> {
    const rows: Array<IssuerRow & { client_id: string }> = await this.dataSource.query(
      `SELECT client_id, metadata, issuer_code, licence_types FROM oidc_clients
        WHERE issuer_code IS NOT NULL ${licenceType === undefined ? '' : 'AND $1 = ANY (licence_types)'}
        ORDER BY client_id`,
      licenceType === undefined ? [] : [licenceType],
    );
    return rows
      .filter((row) => scopesOf(row.metadata).includes(LICENCE_ISSUE_SCOPE))
      .map((row) => ({
        clientId: row.client_id,
        name: typeof row.metadata.client_name === 'string' ? row.metadata.client_name : null,
        nameEn: typeof row.metadata['client_name#en'] === 'string' ? row.metadata['client_name#en'] : null,
        issuerCode: row.issuer_code!,
        licenceTypes: row.licence_types ?? [],
      }));
  }

  /** Removes a client and everything issued to it (grants, tokens, codes). */
  async remove(clientId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await returning(manager, `DELETE FROM oidc_clients WHERE client_id = $1 RETURNING client_id`, [clientId]);
      if (!rows.length) return false;
      await manager.query(`DELETE FROM oidc_payloads WHERE payload->>'clientId' = $1`, [clientId]);
      await manager.query(`DELETE FROM oidc_consents WHERE client_id = $1`, [clientId]);
      this.forget(clientId);
      return true;
    });
  }

  private forget(clientId: string): void {
    this.cache.delete(clientId);
    this.issuerCache.delete(clientId);
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

function issuerOf(row: IssuerRow): { issuer?: LicenceIssuer } {
  return row.issuer_code != null ? { issuer: { issuerCode: row.issuer_code, licenceTypes: row.licence_types ?? [] } } : {};
}

function scopesOf(metadata: ClientMetadata): string[] {
  return typeof metadata.scope === 'string' ? metadata.scope.split(' ').filter(Boolean) : [];
}
