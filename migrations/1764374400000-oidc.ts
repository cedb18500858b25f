import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID Connect state. `oidc_payloads` holds every oidc-provider model (sessions, grants,
 * interactions, codes, tokens, PAR requests, replay detection…) by kind and id; `oidc_clients` the
 * registered portals and services (secrets encrypted under the data key); `oidc_consents` the
 * consents a citizen asked us to remember; `oidc_secrets` stable random values (cookie keys,
 * pairwise salt) shared by every replica.
 */
export class Oidc1764374400000 implements MigrationInterface {
  name = 'Oidc1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oidc_payloads (
        kind        text NOT NULL,
        id          text NOT NULL,
        payload     jsonb NOT NULL,
        grant_id    text,
        uid         text,
        user_code   text,
        expires_at  timestamptz,
        consumed_at timestamptz,
        PRIMARY KEY (kind, id)
      )`);
    await q.query(`CREATE INDEX oidc_payloads_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL`);
    await q.query(`CREATE INDEX oidc_payloads_uid ON oidc_payloads (uid) WHERE uid IS NOT NULL`);
    await q.query(`CREATE INDEX oidc_payloads_user_code ON oidc_payloads (user_code) WHERE user_code IS NOT NULL`);
    await q.query(`CREATE INDEX oidc_payloads_expiry ON oidc_payloads (expires_at)`);
    await q.query(`
      CREATE TABLE oidc_clients (
        client_id   text PRIMARY KEY,
        metadata    jsonb NOT NULL,
        secret_enc  text,
        data_kid    text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE oidc_consents (
        account_id  uuid NOT NULL,
        client_id   text NOT NULL,
        scope       text NOT NULL,
        claims      text[] NOT NULL DEFAULT '{}',
        granted_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, client_id)
      )`);
    // The API's own DPoP replay check (src/auth): proofs seen in the last few minutes.
    await q.query(`CREATE TABLE auth_dpop_proofs (id text PRIMARY KEY, expires_at timestamptz NOT NULL)`);
    await q.query(`
      CREATE TABLE oidc_secrets (
        name        text PRIMARY KEY,
        value       text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['auth_dpop_proofs', 'oidc_secrets', 'oidc_consents', 'oidc_clients', 'oidc_payloads'])
      await q.query(`DROP TABLE ${table}`);
  }
}
