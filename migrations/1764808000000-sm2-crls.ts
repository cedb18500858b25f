import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SM2 CA hierarchy (design §4) has CRLs of its own: `pki_crls` keeps the newest of
 * `sm2-root` and `sm2-issuing` beside those of the ECDSA P-256 `root` and `issuing` CAs.
 * (`pki_certificates` needs nothing: a certificate's CA is its `issuer_kid`.)
 */
export class Sm2Crls1764808000000 implements MigrationInterface {
  name = 'Sm2Crls1764808000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pki_crls DROP CONSTRAINT pki_crls_ca_check`);
    await q.query(`ALTER TABLE pki_crls ADD CONSTRAINT pki_crls_ca_check CHECK (ca IN ('root', 'issuing', 'sm2-root', 'sm2-issuing'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM pki_crls WHERE ca IN ('sm2-root', 'sm2-issuing')`);
    await q.query(`ALTER TABLE pki_crls DROP CONSTRAINT pki_crls_ca_check`);
    await q.query(`ALTER TABLE pki_crls ADD CONSTRAINT pki_crls_ca_check CHECK (ca IN ('root', 'issuing'))`);
  }
}
