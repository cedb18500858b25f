import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holders showing their licences (issue 13 §6, 亮证): a share is one licence shown for a short
 * time through an unguessable URL, with only the claims the holder chose.
 *
 * - `licence_shares.token_hash`: SHA-256 of the URL's token; the token itself is kept only sealed
 *   (`token_enc`, AES-256-GCM under the `data` key) so the holder's page can show the link and QR
 *   code again while the share lasts — a copy of the table does not open any share.
 * - `presentation_enc`: the SD-JWT presentation with only the chosen Disclosures, sealed under the
 *   `data` key (it carries personal data). Both sealed columns are emptied (`purged_at`) once the
 *   share has expired or was ended: afterwards the row says only what was shown, when and to whom.
 * - `disclosed`: the names of the claims shown (never their values).
 * - `holder_kind`, `holder_ref`: whose share it is, as the licence names its holder (a USCC, or a
 *   citizen's registry reference); `created_by` the client (or `tongban-account`) that made it.
 *
 * `licence_share_openings`: each time someone opened the link — when, the network masked as the
 * sign-in history masks it, the browser's family (never the whole user agent), and whether the
 * share was still open then (`shown`) or had expired or been ended (`expired`, `ended`).
 *
 * `licence_wallet_proofs`: the `jti` of each wallet proof (the signed request a holder's wallet
 * authenticates with), kept while it could be replayed, so each is accepted once on any replica.
 */
export class LicenceShares1765700000000 implements MigrationInterface {
  name = 'LicenceShares1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE licence_shares (
        id               uuid PRIMARY KEY,
        token_hash       bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
        token_enc        text,
        licence_id       text NOT NULL REFERENCES licences (id) ON DELETE CASCADE,
        holder_kind      text NOT NULL CHECK (holder_kind IN ('citizen', 'enterprise')),
        holder_ref       text NOT NULL,
        disclosed        text[] NOT NULL,
        presentation_enc text,
        data_kid         text,
        created_by       text NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        expires_at       timestamptz NOT NULL,
        ended_at         timestamptz,
        purged_at        timestamptz,
        openings         integer NOT NULL DEFAULT 0 CHECK (openings >= 0),
        CHECK (expires_at > created_at),
        CHECK ((purged_at IS NULL) = (presentation_enc IS NOT NULL)),
        CHECK ((token_enc IS NULL) = (presentation_enc IS NULL)),
        CHECK ((data_kid IS NULL) = (presentation_enc IS NULL))
      )`);
    await q.query(`CREATE INDEX licence_shares_holder ON licence_shares (holder_kind, holder_ref, created_at)`);
    await q.query(`CREATE INDEX licence_shares_licence ON licence_shares (licence_id, created_at)`);
    await q.query(`CREATE INDEX licence_shares_live ON licence_shares (expires_at) WHERE purged_at IS NULL`);
    await q.query(`CREATE INDEX licence_shares_data_kid ON licence_shares (data_kid) WHERE data_kid IS NOT NULL`);
    await q.query(`
      CREATE TABLE licence_share_openings (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        share_id   uuid NOT NULL REFERENCES licence_shares (id) ON DELETE CASCADE,
        opened_at  timestamptz NOT NULL DEFAULT now(),
        ip_masked  text NOT NULL,
        browser    text NOT NULL,
        outcome    text NOT NULL CHECK (outcome IN ('shown', 'expired', 'ended'))
      )`);
    await q.query(`CREATE INDEX licence_share_openings_share ON licence_share_openings (share_id, opened_at)`);
    await q.query(`
      CREATE TABLE licence_wallet_proofs (
        jti        text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX licence_wallet_proofs_expiry ON licence_wallet_proofs (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE licence_wallet_proofs`);
    await q.query(`DROP TABLE licence_share_openings`);
    await q.query(`DROP TABLE licence_shares`);
  }
}
