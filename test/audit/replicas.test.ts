import { AuditService } from '../../src/audit/audit.service.js';
import { backend, makeTestEnv } from '../support/test-env.js';
import { event, openAudit } from './audit-context.js';

// Two processes' worth of AuditService, each on its own connection pool, into one PostgreSQL
// database. PGlite is one process's database: there is nothing to share.
const onPostgres = backend === 'postgres' ? describe : describe.skip;

onPostgres('two replicas appending at once', () => {
  it('keep one gap-free sequence', async () => {
    const t = await makeTestEnv();
    const [a, b] = await Promise.all([openAudit(t.config), openAudit(t.config)]);
    try {
      const appends = (app: typeof a, tag: string) =>
        Promise.all(Array.from({ length: 1500 }, (_, i) => app.get(AuditService).append(event(i, { object: `${tag}-${i}` }))));
      const [fromA, fromB] = await Promise.all([appends(a, 'a'), appends(b, 'b')]);
      const seqs = [...fromA, ...fromB].map((r) => r.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 3000 }, (_, i) => i));
      const rows = await a.sql.query<{ seq: string; object: string }[]>(
        `SELECT seq::text AS seq, object FROM audit_entries ORDER BY audit_entries.seq`,
      );
      expect(rows.map((r) => Number(r.seq))).toEqual(seqs);
      expect(new Set(rows.map((r) => r.object)).size).toBe(3000);
      expect(await a.sql.query(`SELECT next_seq::text AS n FROM audit_log_state WHERE log = 'audit'`)).toEqual([{ n: '3000' }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await t.cleanup();
    }
  });
});
