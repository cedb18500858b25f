import type { INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { exportLog, verifyExportFile, verifyStoredLog } from '../../src/audit/audit-archive.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { TreeHeadSigner } from '../../src/audit/tree-head-signer.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { event, openAudit } from './audit-context.js';

/**
 * `audit verify` finds what is done to the log straight in SQL (issue 14 §6): each case makes the
 * change with the append-only trigger disabled (as the table's owner may), checks what verify
 * says, and undoes it.
 */
describe(`audit verify on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext & { sql: DataSource };
  let dir: string;
  beforeAll(async () => {
    t = await makeTestEnv();
    app = await openAudit(t.config);
    dir = mkdtempSync(join(tmpdir(), 'tongban-audit-'));
    const audit = app.get(AuditService);
    const signer = app.get(TreeHeadSigner);
    // Heads at 100 and 150 (one signed while a batch of 700 is half appended), 10 entries unsigned.
    await Promise.all(Array.from({ length: 100 }, (_, i) => audit.append(event(i))));
    await signer.sign();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => audit.append(event(100 + i, { subject: { kind: 'enterprise', uscc: '91350100M000100Y43' } }))),
    );
    await signer.sign();
    await Promise.all(Array.from({ length: 10 }, (_, i) => audit.append(event(150 + i, { details: undefined }))));
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const verify = async () => verifyStoredLog(app.sql, await app.get(KeyStore).jwks('audit'));
  const tamper = async (statements: string[]) => {
    await app.sql.query(`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only`);
    try {
      for (const sql of statements) await app.sql.query(sql);
    } finally {
      await app.sql.query(`ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only`);
    }
  };

  it('passes an untouched log, with a summary', async () => {
    const report = await verify();
    expect(report).toMatchObject({ entries: 160, firstSeq: 0, heads: 2, headsChecked: 2, unsigned: 10 });
    expect(report.problem).toBeUndefined();
    expect(report.entriesPerSecond).toBeGreaterThan(0);
  });

  it('names an entry changed in SQL', async () => {
    await tamper([`UPDATE audit_entries SET outcome = 'failure' WHERE seq = 41`]);
    expect((await verify()).problem).toEqual({
      kind: 'changed',
      seq: 41,
      head: 1,
      message: 'entry 41 was changed (its leaf hash differs from the one signed into tree head 1)',
    });
    await tamper([`UPDATE audit_entries SET outcome = 'success' WHERE seq = 41`]);
    expect((await verify()).problem).toBeUndefined();
  });

  it('names an entry changed in SQL with its stored leaf hash rewritten to match, by the head that signed it', async () => {
    await tamper([
      `CREATE TABLE audit_saved AS SELECT * FROM audit_entries WHERE seq = 120`,
      `UPDATE audit_entries SET at = at - interval '1 day' WHERE seq = 120`,
    ]);
    // The attacker recomputes the leaf as tongban would.
    const { entryFromRow, ENTRY_COLUMNS } = await import('../../src/audit/audit-entries.js');
    const { entryLeafHash } = await import('../../src/audit/entry-leaf.js');
    const [row] = await app.sql.query(`SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE seq = 120`);
    await tamper([
      `UPDATE audit_entries SET leaf_hash = decode('${entryLeafHash(entryFromRow(row)).toString('hex')}', 'hex') WHERE seq = 120`,
    ]);
    expect((await verify()).problem).toMatchObject({
      kind: 'rewritten',
      head: 2,
      message:
        'an entry from 100 to 149 was changed and its stored leaf hash rewritten to match: the tree of those entries does not have the root signed into tree head 2',
    });
    await tamper([
      `DELETE FROM audit_entries WHERE seq = 120`,
      `INSERT INTO audit_entries SELECT * FROM audit_saved`,
      `DROP TABLE audit_saved`,
    ]);
    expect((await verify()).problem).toBeUndefined();
  });

  it('names a deleted entry, and deleted newest entries', async () => {
    await tamper([
      `CREATE TABLE audit_saved AS SELECT * FROM audit_entries WHERE seq IN (41, 158, 159)`,
      `DELETE FROM audit_entries WHERE seq = 41`,
    ]);
    expect((await verify()).problem).toMatchObject({
      kind: 'removed',
      seq: 41,
      message: 'entry 41 was removed (tree head 1 signed a tree of 100 entries)',
    });
    await tamper([`INSERT INTO audit_entries SELECT * FROM audit_saved WHERE seq = 41`, `DELETE FROM audit_entries WHERE seq >= 158`]);
    expect((await verify()).problem).toMatchObject({ kind: 'removed', seq: 158, message: 'entries 158 to 159 were removed' });
    await tamper([`INSERT INTO audit_entries SELECT * FROM audit_saved WHERE seq >= 158`, `DROP TABLE audit_saved`]);
    expect((await verify()).problem).toBeUndefined();
  });

  it('names entries swapped, whether the rows moved with their leaves or only their contents did', async () => {
    // Rows exchanged: each keeps its content and leaf hash under the other's seq.
    const swapSeqs = [
      `UPDATE audit_entries SET seq = -1 WHERE seq = 41`,
      `UPDATE audit_entries SET seq = 41 WHERE seq = 42`,
      `UPDATE audit_entries SET seq = 42 WHERE seq = -1`,
    ];
    await app.sql.query(`ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_seq_check`);
    await tamper(swapSeqs);
    expect((await verify()).problem).toMatchObject({
      kind: 'reordered',
      seq: 41,
      message: 'entry 41 was reordered: it holds the entry appended as 42 (tree head 1 signed them in their first order)',
    });
    await tamper(swapSeqs);
    expect((await verify()).problem).toBeUndefined();
    // Contents exchanged, the leaf hashes left in place.
    const columns = 'at, action, actor_kind, actor_id, outcome, object, subject_kind, subject_ref, client, request_id, details';
    const swapContents = [
      `CREATE TABLE audit_saved AS SELECT * FROM audit_entries WHERE seq IN (60, 61)`,
      `UPDATE audit_entries e SET (${columns}) = (SELECT ${columns} FROM audit_saved s WHERE s.seq = 121 - e.seq) WHERE e.seq IN (60, 61)`,
    ];
    await tamper(swapContents);
    expect((await verify()).problem).toMatchObject({
      kind: 'reordered',
      seq: 60,
      message: expect.stringMatching(/^entry 60 was reordered: it holds the entry appended as 61/),
    });
    await tamper([
      `UPDATE audit_entries e SET (${columns}) = (SELECT ${columns} FROM audit_saved s WHERE s.seq = e.seq) WHERE e.seq IN (60, 61)`,
      `DROP TABLE audit_saved`,
    ]);
    expect((await verify()).problem).toBeUndefined();
  });

  it('names a tree head whose signature does not verify', async () => {
    await app.sql.query(`ALTER TABLE audit_tree_heads DISABLE TRIGGER audit_tree_heads_append_only`);
    try {
      await app.sql.query(`UPDATE audit_tree_heads SET signed_at = signed_at + interval '1 ms' WHERE tree_size = 150`);
      expect((await verify()).problem).toMatchObject({ kind: 'bad-signature', head: 2 });
      await app.sql.query(`UPDATE audit_tree_heads SET signed_at = signed_at - interval '1 ms' WHERE tree_size = 150`);
    } finally {
      await app.sql.query(`ALTER TABLE audit_tree_heads ENABLE TRIGGER audit_tree_heads_append_only`);
    }
    expect((await verify()).problem).toBeUndefined();
  });

  it('exports entries since a date with the heads and keys, and verifies the export with no database', async () => {
    const [mid] = await app.sql.query<{ at: string }[]>(`SELECT at FROM audit_entries WHERE seq = 100`);
    // Entries share a batch's time: export from the first entry of the batch that holds 100.
    const since = new Date(mid.at);
    const file = join(dir, 'export.jsonl');
    const chunks: string[] = [];
    const summary = await exportLog(app.sql, await app.get(KeyStore).jwks('audit'), since, (text) => void chunks.push(text));
    writeFileSync(file, chunks.join(''));
    expect(summary.treeSize).toBe(160);
    expect(summary.firstSeq).toBeLessThanOrEqual(100);
    expect(summary.firstSeq).toBeGreaterThan(0);
    const report = await verifyExportFile(file);
    expect(report).toMatchObject({ entries: 160 - summary.firstSeq, firstSeq: summary.firstSeq, heads: 2, headsChecked: 2, unsigned: 10 });
    expect(report.problem).toBeUndefined();

    // The same file with one entry changed, then with one left out.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const at = lines.findIndex((line) => line.includes('"seq":130'));
    const changed = [...lines];
    changed[at] = changed[at].replace('"outcome":"success"', '"outcome":"refused"');
    writeFileSync(file, changed.join('\n') + '\n');
    expect((await verifyExportFile(file)).problem?.message).toBe(
      'entry 130 was changed (its leaf hash differs from the one signed into tree head 2)',
    );
    writeFileSync(file, lines.filter((_, i) => i !== at).join('\n') + '\n');
    expect((await verifyExportFile(file)).problem?.message).toBe('entry 130 was removed (tree head 2 signed a tree of 150 entries)');
  });
});
