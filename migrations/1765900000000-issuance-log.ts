import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public issuance log (issue 14 §3): every certificate, licence and seal tongban issues is a
 * leaf of a second RFC 9162 tree that anyone may read, so no item can be issued in secret.
 *
 * - `issuance_entries`: one row per item; `seq` is the leaf index, taken from audit_log_state's
 *   'issuance' row the same way audit entries take theirs (contiguous across replicas, none taken
 *   by a rolled-back batch). No personal data: the kind, the item's identifier (certificate serial,
 *   licence id, seal esID), its issuer (the issuing CA's name, the issuing authority's client id and
 *   issuer code, the seal maker's key), its type, when it was issued, and `holder_hash`, a keyed
 *   hash of the holder that outsiders cannot reverse or link to the audit log
 *   (src/audit/issuance/issuance-holder.ts). `leaf_hash` is SHA-256(0x00 ‖ canonical JSON of the
 *   entry) (src/audit/issuance/issuance-entry.ts). One entry per item: (kind, item_id) is unique.
 * - Its signed heads and subtree hashes are rows of audit_tree_heads and audit_tree_nodes with
 *   log = 'issuance'.
 *
 * The same trigger as the audit log's refuses UPDATE, DELETE and TRUNCATE on the entries.
 */
export class IssuanceLog1765900000000 implements MigrationInterface {
  name = 'IssuanceLog1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE issuance_entries (
        seq         bigint PRIMARY KEY CHECK (seq >= 0),
        at          timestamptz NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('certificate', 'licence', 'seal')),
        item_id     text NOT NULL,
        issuer      text NOT NULL,
        issuer_code text,
        type        text NOT NULL,
        issued_at   timestamptz NOT NULL,
        holder_hash bytea CHECK (octet_length(holder_hash) = 32),
        leaf_hash   bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
        UNIQUE (kind, item_id)
      )`);
    await q.query(`INSERT INTO audit_log_state (log, next_seq) VALUES ('issuance', 0)`);
    await q.query(`
      CREATE TRIGGER issuance_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON issuance_entries
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON issuance_entries FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE issuance_entries`);
    await q.query(`DELETE FROM audit_log_state WHERE log = 'issuance'`);
    // The log's heads and nodes are append-only too: set aside the trigger to remove them.
    for (const table of ['audit_tree_heads', 'audit_tree_nodes']) {
      await q.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
      await q.query(`DELETE FROM ${table} WHERE log = 'issuance'`);
      await q.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
    }
  }
}
