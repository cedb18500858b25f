import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enterprise sign-in shows its QR code first (issue 11, point 2): a challenge may be made before
 * anyone has signed in on the page (`account_id` NULL). The wallet's answer to such a challenge
 * is checked (licence, enterprise) and kept as `answered`; it signs nobody in until a person
 * signs in with their password in the same interaction and is found to be the enterprise's legal
 * representative or agent (then `accepted`, with that person's `account_id`).
 */
export class EnterpriseQrFirst1765200000000 implements MigrationInterface {
  name = 'EnterpriseQrFirst1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE oidc_enterprise_challenges ALTER COLUMN account_id DROP NOT NULL`);
    await q.query(`ALTER TABLE oidc_enterprise_challenges DROP CONSTRAINT oidc_enterprise_challenges_status_check`);
    await q.query(
      `ALTER TABLE oidc_enterprise_challenges ADD CONSTRAINT oidc_enterprise_challenges_status_check
         CHECK (status IN ('pending', 'answered', 'accepted', 'failed'))`,
    );
    await q.query(`CREATE INDEX oidc_enterprise_challenges_interaction ON oidc_enterprise_challenges (interaction_uid)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX oidc_enterprise_challenges_interaction`);
    // Challenges no person had signed in to are spent (they live five minutes anyway).
    await q.query(`DELETE FROM oidc_enterprise_challenges WHERE account_id IS NULL OR status = 'answered'`);
    await q.query(`ALTER TABLE oidc_enterprise_challenges DROP CONSTRAINT oidc_enterprise_challenges_status_check`);
    await q.query(
      `ALTER TABLE oidc_enterprise_challenges ADD CONSTRAINT oidc_enterprise_challenges_status_check
         CHECK (status IN ('pending', 'accepted', 'failed'))`,
    );
    await q.query(`ALTER TABLE oidc_enterprise_challenges ALTER COLUMN account_id SET NOT NULL`);
  }
}
