import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-step sign-in that holds (issue 11): recovery codes for a lost phone, and an end to an
 * abandoned TOTP set-up.
 *
 * - `accounts_recovery_codes`: ten per account with TOTP on, each stored only as
 *   HMAC-SHA-256 under the `data` key named by `kid` (never in clear, never encrypted); a code is
 *   used by setting `used_at` in one conditional UPDATE, so two replicas cannot both accept it.
 * - `accounts_citizens.totp_pending_expires_at`: a set-up secret (`totp_pending_enc`) is good
 *   until then; a wrong code keeps it, an expired one must be started again.
 */
export class RecoveryCodes1764721000000 implements MigrationInterface {
  name = 'RecoveryCodes1764721000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts_citizens ADD COLUMN totp_pending_expires_at timestamptz`);
    // A set-up begun before this migration gets the usual 30 minutes from now.
    await q.query(
      `UPDATE accounts_citizens SET totp_pending_expires_at = now() + interval '30 minutes' WHERE totp_pending_enc IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE accounts_recovery_codes (
        account_id uuid NOT NULL REFERENCES accounts_citizens (id) ON DELETE CASCADE,
        code_hash  bytea NOT NULL,
        kid        text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at    timestamptz,
        PRIMARY KEY (account_id, code_hash)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts_recovery_codes`);
    await q.query(`ALTER TABLE accounts_citizens DROP COLUMN totp_pending_expires_at`);
  }
}
