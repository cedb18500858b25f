import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (issue 14, design §10): append-only entries that are the leaves of an RFC 9162
 * Merkle tree, and the signed tree heads over them.
 *
 * - `audit_entries`: one row per event; `seq` is the leaf index. Never personal data in clear: a
 *   person is named by `subject_kind`/`subject_ref` (an account id, a USCC, or the blind index of an
 *   ID number, hex). `leaf_hash` is SHA-256(0x00 ‖ canonical bytes of the entry, its seq and time
 *   included: src/audit/entry-leaf.ts), kept so the tree can be built without re-reading entries.
 * - `audit_log_state`: the next seq of each log ('audit'; the public issuance log later adds its
 *   own row). An appending transaction takes its seqs with `UPDATE … SET next_seq = next_seq + n`,
 *   whose row lock it holds until it commits: seqs are contiguous across replicas, a rolled-back
 *   batch takes none, and every seq below a committed `next_seq` is committed.
 * - `audit_tree_heads`: tree heads signed with the `audit` key, one per log and size.
 * - `audit_tree_nodes`: hashes of complete aligned subtrees at levels that are multiples of 8
 *   (256, 65,536, … leaves), written once complete, so roots and proofs over millions of entries
 *   read a few hundred hashes instead of every leaf. Derived data: `audit verify` never trusts it.
 *
 * A trigger refuses UPDATE, DELETE and TRUNCATE on entries, heads and nodes. The REVOKE from
 * PUBLIC changes nothing for the role that owns the tables (an owner keeps every privilege, and may
 * disable the trigger): in production the service should run as a role that does not own them,
 * granted only SELECT and INSERT. Any change that gets past both is what `tongban audit verify`
 * finds, against the signed tree heads.
 */
export class Audit1765800000000 implements MigrationInterface {
  name = 'Audit1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_entries (
        seq          bigint PRIMARY KEY CHECK (seq >= 0),
        at           timestamptz NOT NULL,
        action       text NOT NULL,
        actor_kind   text NOT NULL CHECK (actor_kind IN ('account', 'client', 'operator', 'system')),
        actor_id     text NOT NULL,
        outcome      text NOT NULL CHECK (outcome IN ('success', 'failure', 'refused')),
        object       text,
        subject_kind text CHECK (subject_kind IN ('account', 'enterprise', 'citizen-index')),
        subject_ref  text,
        client       text,
        request_id   text,
        details      jsonb,
        leaf_hash    bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
        CHECK ((subject_kind IS NULL) = (subject_ref IS NULL))
      )`);
    await q.query(
      `CREATE INDEX audit_entries_subject ON audit_entries (subject_kind, subject_ref, seq DESC) WHERE subject_kind IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE audit_log_state (
        log      text PRIMARY KEY,
        next_seq bigint NOT NULL CHECK (next_seq >= 0)
      )`);
    await q.query(`INSERT INTO audit_log_state (log, next_seq) VALUES ('audit', 0)`);
    await q.query(`
      CREATE TABLE audit_tree_heads (
        log       text NOT NULL,
        tree_size bigint NOT NULL CHECK (tree_size >= 0),
        root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
        signed_at timestamptz NOT NULL,
        kid       text NOT NULL,
        signature bytea NOT NULL,
        PRIMARY KEY (log, tree_size)
      )`);
    await q.query(`
      CREATE TABLE audit_tree_nodes (
        log   text NOT NULL,
        level smallint NOT NULL CHECK (level > 0 AND level % 8 = 0),
        idx   bigint NOT NULL CHECK (idx >= 0),
        hash  bytea NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (log, level, idx)
      )`);
    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of ['audit_entries', 'audit_tree_heads', 'audit_tree_nodes']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
      await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM PUBLIC`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_tree_nodes`);
    await q.query(`DROP TABLE audit_tree_heads`);
    await q.query(`DROP TABLE audit_log_state`);
    await q.query(`DROP TABLE audit_entries`);
    await q.query(`DROP FUNCTION audit_refuse_change()`);
  }
}
