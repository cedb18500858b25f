import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/**
 * Random values every replica must share and that must outlive restarts: the cookie signing keys,
 * the pairwise-subject salt (changing it would change every portal's `sub`), the CSRF key of the
 * sign-in pages and the DPoP nonce secret. Created once, by whichever process starts first.
 */
@Injectable()
export class OidcSecrets {
  cookieKeys: string[] = [];
  pairwiseSalt = Buffer.alloc(0);
  csrfKey = Buffer.alloc(0);
  dpopNonceSecret = Buffer.alloc(0);

  constructor(private readonly dataSource: DataSource) {}

  async load(): Promise<void> {
    const wanted = ['cookie-key', 'pairwise-salt', 'csrf-key', 'dpop-nonce-secret'];
    await this.dataSource.query(
      `INSERT INTO oidc_secrets (name, value) SELECT name, value FROM unnest($1::text[], $2::text[]) AS t(name, value) ON CONFLICT (name) DO NOTHING`,
      [wanted, wanted.map(() => randomBytes(32).toString('base64url'))],
    );
    const rows: Array<{ name: string; value: string }> = await this.dataSource.query(
      `SELECT name, value FROM oidc_secrets WHERE name = ANY($1::text[])`,
      [wanted],
    );
    const value = (name: string) => Buffer.from(rows.find((row) => row.name === name)!.value, 'base64url');
    this.cookieKeys = [value('cookie-key').toString('base64url')];
    this.pairwiseSalt = value('pairwise-salt');
    this.csrfKey = value('csrf-key');
    this.dpopNonceSecret = value('dpop-nonce-secret');
  }
}
