import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Citizen accounts. An account points at its registry row by id (no foreign key: the registry's
 * tables are that module's). TOTP secrets are "v1:<kid>:<base64url>" ciphertext under the `data`
 * key. Failed sign-ins are counted per ID number (its blind index), not per account, so that an
 * ID number without an account locks the same way; attempts per client IP in one-minute windows.
 */
export class Accounts1764288000000 implements MigrationInterface {
  name = 'Accounts1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts_citizens (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        registry_citizen_id uuid NOT NULL UNIQUE,
        password_hash       text NOT NULL,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        totp_secret_enc     text,
        totp_pending_enc    text,
        totp_enabled_at     timestamptz,
        totp_last_step      bigint,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE accounts_login_failures (
        key          bytea PRIMARY KEY,
        failures     int NOT NULL,
        locked_until timestamptz,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX accounts_login_failures_updated ON accounts_login_failures (updated_at)`);
    await q.query(`
      CREATE TABLE accounts_login_ip_windows (
        ip           text NOT NULL,
        window_start timestamptz NOT NULL,
        attempts     int NOT NULL,
        PRIMARY KEY (ip, window_start)
      )`);
    await q.query(`CREATE INDEX accounts_login_ip_windows_start ON accounts_login_ip_windows (window_start)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts_login_ip_windows`);
    await q.query(`DROP TABLE accounts_login_failures`);
    await q.query(`DROP TABLE accounts_citizens`);
  }
}
