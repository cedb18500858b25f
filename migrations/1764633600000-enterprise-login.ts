import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One-time challenges of the enterprise sign-in (design §6): shown as a QR code on the sign-in
 * page, answered by the holder's wallet with a JWS signed by the licence key.
 */
export class EnterpriseLogin1764633600000 implements MigrationInterface {
  name = 'EnterpriseLogin1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oidc_enterprise_challenges (
        id              text PRIMARY KEY,
        nonce           text NOT NULL,
        interaction_uid text NOT NULL,
        account_id      uuid NOT NULL,
        expires_at      timestamptz NOT NULL,
        status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'failed')),
        failures        int NOT NULL DEFAULT 0,
        last_error      text,
        uscc            text,
        role            text,
        certificate_serial text,
        answered_at     timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX oidc_enterprise_challenges_expiry ON oidc_enterprise_challenges (expires_at)`);
    // Consents may now be given by an enterprise session, whose account id is not a uuid.
    await q.query(`ALTER TABLE oidc_consents ALTER COLUMN account_id TYPE text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE oidc_enterprise_challenges`);
    await q.query(`ALTER TABLE oidc_consents ALTER COLUMN account_id TYPE uuid USING account_id::uuid`);
  }
}
