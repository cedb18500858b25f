import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CA's records (design §4). `pki_certificates` holds every certificate the CA signed — issued
 * end-entity certificates and, copied from KEYS_DIR/certs at start, the issuing CA's and tongban's
 * own — with its revocation state; OCSP, the CRLs and chain verification read it.
 * `pki_crls` holds the newest signed CRL of each CA with its monotonic number; `stale` marks one
 * that a revocation has outdated, so the next reader (any replica) signs a new one.
 */
export class Pki1764460800000 implements MigrationInterface {
  name = 'Pki1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pki_certificates (
        serial            text PRIMARY KEY CHECK (serial ~ '^[0-9a-f]+$'),
        profile           text NOT NULL CHECK (profile IN ('issuing-ca', 'enterprise-licence', 'seal-maker', 'licence-issuer')),
        issuer_kid        text NOT NULL,
        uscc              text,
        subject           text NOT NULL,
        not_before        timestamptz NOT NULL,
        not_after         timestamptz NOT NULL,
        der               bytea NOT NULL,
        status            text NOT NULL DEFAULT 'good' CHECK (status IN ('good', 'revoked', 'hold')),
        revocation_reason text CHECK (revocation_reason IN ('unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded',
                                                            'cessationOfOperation', 'certificateHold', 'privilegeWithdrawn')),
        revoked_at        timestamptz,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'good') = (revoked_at IS NULL AND revocation_reason IS NULL)),
        CHECK ((status = 'hold') = (revocation_reason IS NOT DISTINCT FROM 'certificateHold'))
      )`);
    await q.query(`CREATE INDEX pki_certificates_uscc ON pki_certificates (uscc) WHERE uscc IS NOT NULL`);
    await q.query(`CREATE INDEX pki_certificates_revoked ON pki_certificates (issuer_kid, not_after) WHERE status <> 'good'`);
    await q.query(`
      CREATE TABLE pki_crls (
        ca          text PRIMARY KEY CHECK (ca IN ('root', 'issuing')),
        number      bigint NOT NULL DEFAULT 0,
        issuer_kid  text,
        der         bytea,
        this_update timestamptz,
        next_update timestamptz,
        stale       boolean NOT NULL DEFAULT true
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pki_crls`);
    await q.query(`DROP TABLE pki_certificates`);
  }
}
