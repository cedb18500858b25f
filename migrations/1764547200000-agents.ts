import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enterprise agents (design §6): people the legal representative authorises to act for the
 * enterprise, as `administrator` or `operator`, until `expires_at` (required; at most three years
 * ahead) or until withdrawn. At most one standing grant per enterprise and person: a partial
 * unique index over the rows not withdrawn (a new grant to the same person updates that row).
 * The USCC is the registry's key (no foreign key: the registry's tables are that module's).
 */
export class Agents1764547200000 implements MigrationInterface {
  name = 'Agents1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts_enterprise_agents (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        uscc             text NOT NULL,
        agent_account_id uuid NOT NULL REFERENCES accounts_citizens (id) ON DELETE CASCADE,
        role             text NOT NULL CHECK (role IN ('administrator', 'operator')),
        expires_at       timestamptz NOT NULL,
        granted_by       uuid NOT NULL,
        granted_at       timestamptz NOT NULL DEFAULT now(),
        withdrawn_at     timestamptz,
        withdrawn_by     uuid
      )`);
    await q.query(
      `CREATE UNIQUE INDEX accounts_enterprise_agents_standing ON accounts_enterprise_agents (uscc, agent_account_id) WHERE withdrawn_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX accounts_enterprise_agents_agent ON accounts_enterprise_agents (agent_account_id) WHERE withdrawn_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts_enterprise_agents`);
  }
}
