import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Electronic seals (design §8, GB/T 38540): every seal tongban made, as issued (`der`, and its
 * SHA-256 for verifiers that hold the seal itself), with its revocation state.
 *
 * - `es_id` is the seal's esID: the 6-digit administrative division of the enterprise's USCC and
 *   an 8-digit serial from `seals_serial` (as the tax bureaus' seals are numbered).
 * - `signer_serials`: the licence certificates the seal's certList holds (hex serials).
 * - `made_by`: the API client that asked, or `cli`; `idempotency_key` and `request_hash` let that
 *   client retry a request and get the same seal (one seal per client and key).
 * - Revocation is final: `status` goes from `valid` to `revoked` once, with reason and time.
 * The USCC is the registry's key (no foreign key: the registry's tables are that module's).
 */
export class Seals1765000000000 implements MigrationInterface {
  name = 'Seals1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE seals_serial MINVALUE 1 MAXVALUE 99999999 NO CYCLE`);
    await q.query(`
      CREATE TABLE seals (
        es_id             text PRIMARY KEY CHECK (es_id ~ '^[0-9]{14}$'),
        uscc              text NOT NULL,
        type              smallint NOT NULL,
        name              text NOT NULL,
        algorithm         text NOT NULL CHECK (algorithm IN ('sm2', 'p256')),
        maker_kid         text NOT NULL,
        valid_start       timestamptz NOT NULL,
        valid_end         timestamptz NOT NULL CHECK (valid_end > valid_start),
        signer_serials    text[] NOT NULL,
        picture_drawn     boolean NOT NULL,
        der               bytea NOT NULL,
        sha256            bytea NOT NULL UNIQUE,
        made_by           text NOT NULL,
        idempotency_key   text,
        request_hash      bytea,
        created_at        timestamptz NOT NULL,
        status            text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
        revocation_reason text CHECK (revocation_reason IN ('unspecified', 'compromised', 'superseded', 'nameChanged',
                                                            'cessationOfOperation', 'privilegeWithdrawn')),
        revoked_at        timestamptz,
        revoked_by        text,
        CHECK ((status = 'revoked') = (revoked_at IS NOT NULL AND revocation_reason IS NOT NULL)),
        CHECK ((idempotency_key IS NULL) = (request_hash IS NULL)),
        UNIQUE (made_by, idempotency_key)
      )`);
    await q.query(`CREATE INDEX seals_uscc ON seals (uscc, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE seals`);
    await q.query(`DROP SEQUENCE seals_serial`);
  }
}
