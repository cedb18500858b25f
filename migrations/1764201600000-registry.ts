import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mirrors of the population and enterprise registers. Citizen ID numbers are never stored in
 * clear: `*_enc` holds AES-256-GCM ciphertext ("v1:<kid>:<base64url>"), `*_bidx` a keyed
 * HMAC-SHA-256 blind index for equality lookups, `*_masked` the display form.
 */
export class Registry1764201600000 implements MigrationInterface {
  name = 'Registry1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry_citizens (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        id_number_bidx   bytea NOT NULL,
        id_number_enc    text NOT NULL,
        id_number_masked text NOT NULL,
        data_kid         text NOT NULL,
        name             text NOT NULL,
        status           text NOT NULL CHECK (status IN ('active', 'deceased')),
        sex              text NOT NULL CHECK (sex IN ('male', 'female')),
        birth_date       date NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX registry_citizens_bidx ON registry_citizens (id_number_bidx)`);
    await q.query(`
      CREATE TABLE registry_enterprises (
        uscc                 text PRIMARY KEY CHECK (length(uscc) = 18),
        name                 text NOT NULL,
        type                 text NOT NULL,
        legal_rep_bidx       bytea NOT NULL,
        legal_rep_enc        text NOT NULL,
        legal_rep_masked     text NOT NULL,
        data_kid             text NOT NULL,
        address              text NOT NULL,
        established          date NOT NULL,
        status               text NOT NULL CHECK (status IN ('active', 'suspended', 'cancelled', 'revoked')),
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX registry_enterprises_legal_rep ON registry_enterprises (legal_rep_bidx)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE registry_enterprises`);
    await q.query(`DROP TABLE registry_citizens`);
  }
}
