import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service.js';
import type { AuditEntry } from '../../src/audit/audit-event.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { entryLeafBytes, entryLeafHash } from '../../src/audit/entry-leaf.js';
import { entryFromRow, ENTRY_COLUMNS, type EntryRow } from '../../src/audit/audit-entries.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { event, openAudit } from './audit-context.js';

const ID_NUMBER = '11010519491231002X';

describe(`audit log on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext & { sql: DataSource };
  let audit: AuditService;
  beforeAll(async () => {
    t = await makeTestEnv();
    app = await openAudit(t.config);
    audit = app.get(AuditService);
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  const seqs = async () =>
    (await app.sql.query<{ seq: string }[]>(`SELECT seq::text AS seq FROM audit_entries ORDER BY audit_entries.seq`)).map((r) =>
      Number(r.seq),
    );

  it('gives concurrent appends contiguous seqs and stores each entry with the leaf of its canonical bytes', async () => {
    const before = (await seqs()).length;
    const results = await Promise.all(Array.from({ length: 1200 }, (_, i) => audit.append(event(i))));
    const assigned = results.map((r) => r.seq).sort((a, b) => a - b);
    expect(assigned).toEqual(Array.from({ length: 1200 }, (_, i) => before + i));
    expect(await seqs()).toEqual(Array.from({ length: before + 1200 }, (_, i) => i));

    const rows = await app.sql.query<EntryRow[]>(`SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE seq = $1`, [results[5].seq]);
    const entry = entryFromRow(rows[0]);
    expect(entry).toMatchObject({ ...event(5), seq: results[5].seq });
    expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(entryLeafHash(entry).toString('hex')).toBe(rows[0].leaf_hash);
  });

  it('stores text with quotes, commas, braces, backslashes, NULL and Chinese exactly as given', async () => {
    const odd = event(3, {
      object: 'a,"b"{c}\\ NULL 证照',
      client: undefined,
      requestId: '{}',
      details: { 'k,"{': 'v\\"}', NULL: null, n: 1e21, 空: '' },
    });
    const { seq } = await audit.append(odd);
    const rows = await app.sql.query<EntryRow[]>(`SELECT ${ENTRY_COLUMNS} FROM audit_entries WHERE seq = $1`, [seq]);
    const entry = entryFromRow(rows[0]);
    expect(entry).toEqual({ ...odd, seq, at: entry.at, client: undefined });
    expect(entryLeafHash(entry).toString('hex')).toBe(rows[0].leaf_hash);
  });

  it('records without waiting, and flush writes what is queued', async () => {
    const before = (await seqs()).length;
    for (let i = 0; i < 10; i++) audit.record(event(i, { action: 'verify', outcome: 'refused' }));
    await audit.flush();
    expect((await seqs()).length).toBe(before + 10);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database', async () => {
    await audit.append(event(1));
    await expect(app.sql.query(`UPDATE audit_entries SET outcome = 'failure' WHERE seq = 0`)).rejects.toThrow(/append-only/);
    await expect(app.sql.query(`DELETE FROM audit_entries WHERE seq = 0`)).rejects.toThrow(/append-only/);
    await expect(app.sql.query(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only/);
    await expect(app.sql.query(`DELETE FROM audit_tree_heads`)).rejects.toThrow(/append-only/);
    expect((await seqs())[0]).toBe(0);
  });

  it('writes nothing of a batch that fails, and takes no seqs for it', async () => {
    const before = await seqs();
    await app.sql.query(`
      CREATE FUNCTION audit_test_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.object = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`);
    await app.sql.query(`CREATE TRIGGER audit_test_boom BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_test_boom()`);
    try {
      const batch = Array.from({ length: 20 }, (_, i) => audit.append(event(i, i === 13 ? { object: 'boom' } : {})));
      const settled = await Promise.allSettled(batch);
      expect(settled.every((s) => s.status === 'rejected')).toBe(true);
      expect(await seqs()).toEqual(before);
    } finally {
      await app.sql.query(`DROP TRIGGER audit_test_boom ON audit_entries`);
      await app.sql.query(`DROP FUNCTION audit_test_boom()`);
    }
    const { seq } = await audit.append(event(99));
    expect(seq).toBe(before.length);
  });

  it('appends within a transaction of the caller: committed with it, or rolled back with it taking no seqs', async () => {
    const before = await seqs();
    const [{ seq }] = await app.sql.transaction((manager) => audit.appendWithin(manager, [event(1, { object: 'within' })]));
    expect(seq).toBe(before.length);
    await expect(
      app.sql.transaction(async (manager) => {
        await audit.appendWithin(manager, [event(2), event(3)]);
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await seqs()).toEqual([...before, seq]);
    expect((await audit.append(event(4))).seq).toBe(seq + 1);
  });

  it('refuses events that carry an ID number, anywhere, or are malformed', () => {
    expect(() => audit.append(event(1, { object: ID_NUMBER }))).toThrow(/looks like a citizen ID number/);
    expect(() => audit.append(event(1, { details: { who: `id=${ID_NUMBER.toLowerCase()};` } }))).toThrow(/looks like a citizen ID number/);
    expect(() => audit.append(event(1, { actor: { kind: 'operator', id: `x${ID_NUMBER}` } }))).toThrow(/citizen ID number/);
    expect(() => audit.append(event(1, { requestId: `0${ID_NUMBER}0` }))).toThrow(/citizen ID number/);
    expect(() => audit.append(event(1, { action: 'nonsense' as 'signin' }))).toThrow(/unknown action/);
    expect(() => audit.append(event(1, { details: { nested: { a: 1 } as unknown as string } }))).toThrow(/flat|must be text/);
    expect(() => audit.append(event(1, { details: { n: Number.NaN } }))).toThrow(/finite/);
    expect(() => audit.append(event(1, { subject: { kind: 'citizen-index', index: ID_NUMBER } }))).toThrow(/blind index/);
    // Not an ID number: a wrong check character, an 18-digit serial, a hex serial.
    expect(() => audit.append(event(1, { object: '110105194912310021' }))).not.toThrow();
    expect(() => audit.append(event(1, { object: '4f2a110105194912310021aa' }))).not.toThrow();
    expect(ID_NUMBER.slice(0, 6)).toBe('110105');
  });

  it('lists the entries of a subject newest first, paged, and of a citizen under every data key', async () => {
    const subject = await audit.citizenSubject(ID_NUMBER);
    expect(subject).toEqual({ kind: 'citizen-index', index: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await audit.citizenSubjects(ID_NUMBER)).toEqual([subject]);
    const enterprise = { kind: 'enterprise', uscc: '91350100M000100Y43' } as const;
    const written: number[] = [];
    for (let i = 0; i < 5; i++) written.push((await audit.append(event(i, { subject: i % 2 ? subject : enterprise }))).seq);
    const all = await audit.forSubjects([subject, enterprise, subject], { limit: 10 });
    expect(all.map((e) => e.seq)).toEqual([...written].reverse());
    const page = await audit.forSubjects([subject, enterprise], { limit: 2, beforeSeq: written[3] });
    expect(page.map((e) => e.seq)).toEqual([written[2], written[1]]);
    expect((await audit.forSubjects([subject], { limit: 10 })).map((e) => e.seq)).toEqual([written[3], written[1]]);
  });
});

describe('entry leaf bytes', () => {
  it('are the canonical JSON of the entry (sorted keys), written out by hand', () => {
    const entries: AuditEntry[] = [
      { ...event(1), seq: 0, at: '2026-12-07T22:10:06.123Z' },
      { seq: 7, at: '2026-12-07T22:10:06.000Z', action: 'verify', actor: { kind: 'system', id: '证照 "x"\n\\' }, outcome: 'refused' },
      {
        seq: 2 ** 40,
        at: '2026-12-07T22:10:06.999Z',
        action: 'licence.issue',
        actor: { kind: 'operator', id: 'ops' },
        outcome: 'failure',
        subject: { kind: 'enterprise', uscc: '91350100M000100Y43' },
        details: { z: 1.5, a: null, B: true, é: 'ü', '': -0 },
      },
      { ...event(2), subject: { kind: 'citizen-index', index: 'ab'.repeat(32) }, details: {}, seq: 3, at: '2026-12-07T22:10:06.001Z' },
    ];
    for (const entry of entries) {
      const { details, ...rest } = entry;
      const expected = canonicalJson(details && Object.keys(details).length ? entry : rest);
      expect(entryLeafBytes(entry).toString('utf8')).toBe(expected);
    }
  });
});
