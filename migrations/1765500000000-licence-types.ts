import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Licence types (issue 13 §1): the catalogue of electronic licences (GB/T 36902), owned by the
 * licences module (src/licences/types/licence-types.service.ts), and which of them each issuing
 * authority may issue, kept with the client by ClientStore (src/clients/client-store.ts).
 *
 * - `licence_types.id` a slug (`business-licence`), the last segment of the type's vct URI.
 * - `code` the GB/T 36904 type code inside licence identifiers: the defining authority's USCC
 *   and a 3-digit sequence (21 characters); unique, like the id.
 * - `claims_schema` the claims as a JSON Schema (2020-12), `claim_display` their labels in
 *   Chinese and English (`[{ path, label: { zh, en } }]`); both checked before they are stored.
 * - `builtin` marks the types tongban defines itself (created at start, kept up to date there).
 * - `oidc_clients.issuer_code`: an issuing authority's USCC, the issuer code of the licence
 *   identifiers it issues; `licence_types` the type ids it may issue (with the scope licence:issue).
 */
export class LicenceTypes1765500000000 implements MigrationInterface {
  name = 'LicenceTypes1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE licence_types (
        id             text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' AND length(id) <= 64),
        code           text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}[0-9]{3}$'),
        name_zh        text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 100),
        name_en        text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
        description_zh text,
        description_en text,
        holder_kind    text NOT NULL CHECK (holder_kind IN ('citizen', 'enterprise')),
        claims_schema  jsonb NOT NULL,
        claim_display  jsonb NOT NULL,
        validity_days  integer NOT NULL CHECK (validity_days BETWEEN 1 AND 36500),
        builtin        boolean NOT NULL DEFAULT false,
        created_at     timestamptz NOT NULL DEFAULT now(),
        created_by     text NOT NULL,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      ALTER TABLE oidc_clients
        ADD COLUMN issuer_code   text CHECK (issuer_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'),
        ADD COLUMN licence_types text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE oidc_clients DROP COLUMN licence_types, DROP COLUMN issuer_code`);
    await q.query(`DROP TABLE licence_types`);
  }
}
