import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators' trust anchors (issue 12 §5): other CAs' certificates that verification chains to
 * besides tongban's own roots — the provinces' CAs, the licensed seal vendors' CAs. Owned by the
 * PKI module (src/pki/trust-anchor-store.ts).
 *
 * - `der` is the certificate as added; `sha256` its fingerprint (one row in force per certificate).
 * - `key_type`: the key kinds verification checks signatures of (P-256, SM2, RSA ≥ 2048 bits).
 * - Removal is recorded, not deleted (`removed_at`, `removed_by`): what was trusted when stays known.
 */
export class TrustAnchors1765400000000 implements MigrationInterface {
  name = 'TrustAnchors1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pki_trust_anchors (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        sha256      bytea NOT NULL CHECK (length(sha256) = 32),
        der         bytea NOT NULL,
        subject     text NOT NULL,
        key_type    text NOT NULL CHECK (key_type IN ('p256', 'sm2', 'rsa')),
        self_signed boolean NOT NULL,
        not_before  timestamptz NOT NULL,
        not_after   timestamptz NOT NULL,
        added_at    timestamptz NOT NULL DEFAULT now(),
        added_by    text NOT NULL,
        removed_at  timestamptz,
        removed_by  text,
        CHECK ((removed_at IS NULL) = (removed_by IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX pki_trust_anchors_in_force ON pki_trust_anchors (sha256) WHERE removed_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pki_trust_anchors`);
  }
}
