import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyStoredLog } from '../../src/audit/audit-archive.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { TreeHeadSigner } from '../../src/audit/tree-head-signer.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { tongban } from '../support/processes.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { event, openAudit } from './audit-context.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The built CLI (npm test builds first) on a log made here, and a process killed while appending. */
describe(`tongban audit on ${backend}`, () => {
  let t: TestEnv;
  let dir: string;
  beforeEach(async () => {
    t = await makeTestEnv();
    dir = mkdtempSync(join(tmpdir(), 'tongban-audit-cli-'));
  });
  afterEach(async () => {
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the store here (on PGlite the CLI needs it closed again), does something, closes it. */
  const withAudit = async <T>(work: (app: Awaited<ReturnType<typeof openAudit>>) => Promise<T>): Promise<T> => {
    const app = await openAudit(t.config);
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  };

  it('verify passes with a summary, export and verify --file pass, then verify names the entry changed in SQL (exit 1)', async () => {
    await withAudit(async (app) => {
      await Promise.all(Array.from({ length: 300 }, (_, i) => app.get(AuditService).append(event(i))));
      await app.get(TreeHeadSigner).sign();
    });
    const ok = await tongban(['audit', 'verify'], t.env);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toMatch(/^audit log verified: 30\d entries, 1 of 1 signed tree heads recomputed/);
    expect(ok.stdout).toMatch(/entries\/s/);
    const json = await tongban(['--json', 'audit', 'verify'], t.env);
    // Each CLI run may record its own entries (operators' commands) and sign a head over them as it ends.
    const report = JSON.parse(json.stdout) as { firstSeq: number; heads: number; headsChecked: number };
    expect(report).toMatchObject({ firstSeq: 0, headsChecked: report.heads });
    expect(report.heads).toBeGreaterThanOrEqual(1);

    const file = join(dir, 'audit.jsonl');
    const exported = await tongban(['audit', 'export', '--since', '2020-01-01', '--out', file], t.env);
    expect([exported.code, exported.stderr]).toEqual([0, '']);
    expect(exported.stdout).toMatch(/^exported 30\d entries \(0 to 30\d\) and \d+ signed tree heads to /);
    const again = await tongban(['audit', 'export', '--since', '2020-01-01', '--out', file], t.env);
    expect([again.code, again.stderr]).toEqual([1, `tongban: ${file} exists\n`]);
    const fromFile = await tongban(['audit', 'verify', '--file', file], t.env);
    expect([fromFile.code, fromFile.stdout]).toEqual([0, expect.stringMatching(/^audit log verified \(.*audit\.jsonl\): 30\d entries/)]);

    await withAudit(async (app) => {
      await app.sql.query(`ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only`);
      await app.sql.query(`UPDATE audit_entries SET object = 'obj-x' WHERE seq = 41`);
      await app.sql.query(`ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only`);
    });
    const bad = await tongban(['audit', 'verify'], t.env);
    expect([bad.code, bad.stdout]).toEqual([
      1,
      'audit log NOT verified: entry 41 was changed (its leaf hash differs from the one signed into tree head 1)\n',
    ]);
    expect((await tongban(['audit', 'export', '--since', 'yesterday'], t.env)).code).toBe(2);
  }, 240_000); // seven CLI processes, each opening the store

  it('a process killed with SIGKILL while appending leaves a log that verifies', async () => {
    await withAudit(async () => {}); // the schema (on PostgreSQL the CLI's context does not migrate)
    // A context as the CLI makes one, appending as fast as it can with appends always in flight,
    // signing a head now and then.
    const child = spawn(process.execPath, ['--input-type=module', '-e', APPENDER], {
      cwd: root,
      env: { ...withoutDatabaseUrl(process.env), ...t.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the appender did not get far:\n${output}`)), 60_000);
      child.stdout.on('data', () => {
        if ((output.match(/signed/g) ?? []).length >= 2) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`the appender exited:\n${output}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const report = await withAudit(async (app) => {
      const verified = await verifyStoredLog(app.sql, await app.get(KeyStore).jwks('audit'));
      const [state] = await app.sql.query<{ n: string }[]>(`SELECT next_seq::text AS n FROM audit_log_state WHERE log = 'audit'`);
      return { ...verified, committed: Number(state.n) };
    });
    expect(report.problem).toBeUndefined();
    expect(report.entries).toBe(report.committed);
    expect(report.entries).toBeGreaterThan(2000);
    expect(report.heads).toBeGreaterThanOrEqual(2);
    expect(existsSync(t.config.dataDir) || backend === 'postgres').toBe(true);
  }, 120_000);
});

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _omit, ...rest } = env;
  return rest;
}

const APPENDER = `
const { NestFactory } = await import('@nestjs/core');
const { loadConfig } = await import('./dist/src/config/config.js');
const { CliModule } = await import('./dist/src/cli/cli.module.js');
const { AuditService } = await import('./dist/src/audit/audit.service.js');
const { TreeHeadSigner } = await import('./dist/src/audit/tree-head-signer.js');
const app = await NestFactory.createApplicationContext(await CliModule.forRoot(loadConfig(), { database: true }), { logger: false });
await app.init();
const audit = app.get(AuditService);
const signer = app.get(TreeHeadSigner);
const event = (n) => ({ action: 'verify', actor: { kind: 'client', id: 'portal-' + (n % 3) }, outcome: 'success', object: 'licence-' + n, details: { n } });
let n = 0;
for (;;) {
  for (let i = 0; i < 400; i++) audit.record(event(n++));
  await audit.append(event(n++));
  process.stdout.write('appended ' + n + '\\n');
  if (n % 4010 < 401) process.stdout.write('signed ' + (await signer.sign())?.treeSize + '\\n');
}
`;
