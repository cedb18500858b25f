import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registration and the account console (issue 11, points 5 and 6).
 *
 * - `accounts_citizens.terms_version`, `terms_accepted_at`: which version of the user agreement
 *   and privacy notice the citizen accepted at registration, and when (NULL for accounts made
 *   before this, by the demo seed, or through the API without `terms_version`).
 * - `accounts_sign_ins`: the citizen's own sign-in history — the last few successful sign-ins of
 *   an account (AccountsService keeps at most SIGN_IN_HISTORY_LIMIT rows per account): when, at
 *   which portal, at which level and with which methods, from which network (the IP address
 *   masked before it is stored: 203.0.113.*, 2001:db8:85a3:…). It is what the account page shows,
 *   not the audit trail: the citizen access log of the coming `audit` module will be the full,
 *   retained record.
 * - `oidc_payloads_session_person`: the account page lists a person's oidc-provider sessions
 *   (their own, and those in which they act for an enterprise, whose accountId is
 *   `enterprise:<USCC>:<person>:<serial>`) without reading every session.
 */
export class SignInHistory1765100000000 implements MigrationInterface {
  name = 'SignInHistory1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts_citizens ADD COLUMN terms_version text, ADD COLUMN terms_accepted_at timestamptz`);
    await q.query(`
      CREATE TABLE accounts_sign_ins (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id   uuid NOT NULL REFERENCES accounts_citizens (id) ON DELETE CASCADE,
        signed_in_at timestamptz NOT NULL DEFAULT now(),
        client_id    text NOT NULL,
        acr          text NOT NULL,
        amr          text[] NOT NULL DEFAULT '{}',
        enterprise   boolean NOT NULL DEFAULT false,
        ip_masked    text NOT NULL
      )`);
    await q.query(`CREATE INDEX accounts_sign_ins_account ON accounts_sign_ins (account_id, signed_in_at DESC, id DESC)`);
    await q.query(`
      CREATE INDEX oidc_payloads_session_person ON oidc_payloads ((
        CASE WHEN payload->>'accountId' LIKE 'enterprise:%' THEN split_part(payload->>'accountId', ':', 3)
             ELSE payload->>'accountId' END))
        WHERE kind = 'Session'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX oidc_payloads_session_person`);
    await q.query(`DROP TABLE accounts_sign_ins`);
    await q.query(`ALTER TABLE accounts_citizens DROP COLUMN terms_accepted_at, DROP COLUMN terms_version`);
  }
}
