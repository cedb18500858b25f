import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../support/silent.js';
import { DataDirInUseError, DataDirLock, askHolder, controlSocketPath } from '../../src/database/data-dir-lock.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { migrations } from '../../migrations/index.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

describe(`database on ${backend}`, () => {
  let t: TestEnv;
  beforeEach(async () => (t = await makeTestEnv()));
  afterEach(() => t.cleanup());

  it('applies the migrations at open and keeps data across a restart', async () => {
    const first = await DatabaseService.open(t.config, [], { role: 'test', migrate: true });
    expect(await first.pendingMigrations()).toEqual([]);
    await first.dataSource.query(
      `INSERT INTO registry_enterprises (uscc, name, type, legal_rep_bidx, legal_rep_enc, legal_rep_masked, data_kid, address, established, status)
       VALUES ('91350100M000100Y43', 'Acme', '有限责任公司', '\\x00', 'x', 'x', 'k', 'Fuzhou', '2020-02-29', 'active')`,
    );
    await first.close();

    const second = await DatabaseService.open(t.config, [], { role: 'test', migrate: true });
    const rows = await second.dataSource.query(`SELECT name, established FROM registry_enterprises`);
    expect(rows).toEqual([{ name: 'Acme', established: '2020-02-29' }]);
    await second.close();
  });

  it('reports pending migrations on a database that was never migrated', async () => {
    const db = await DatabaseService.open(t.config, [], { role: 'test', migrate: false });
    const all = migrations.map((m) => m.name);
    expect(await db.pendingMigrations()).toEqual(all);
    expect(await db.migrate()).toEqual(all);
    expect(await db.pendingMigrations()).toEqual([]);
    await db.close();
  });

  it('keeps a transaction to itself while other queries run concurrently', async () => {
    const db = await DatabaseService.open(t.config, [], { role: 'test', migrate: true });
    await db.dataSource.query(`CREATE TABLE counter (n int)`);
    const rolledBack = db.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO counter VALUES (1)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error('abort');
    });
    const outside = db.dataSource.query(`INSERT INTO counter VALUES (2)`);
    await expect(rolledBack).rejects.toThrow('abort');
    await outside;
    expect(await db.dataSource.query(`SELECT n FROM counter ORDER BY n`)).toEqual([{ n: 2 }]);
    expect(await db.ping()).toBe(true);
    await db.close();
  });
});

// The lock guards the embedded store, so these run on PGlite in both test runs.
describe('embedded data directory lock', () => {
  let t: TestEnv;
  beforeEach(async () => (t = await makeTestEnv({ DATABASE_URL: '' })));
  afterEach(() => t.cleanup());

  it('refuses a second opener and names the holder', async () => {
    const db = await DatabaseService.open(t.config, [], { role: 'service', migrate: true });
    const second = DatabaseService.open(t.config, [], { role: 'cli', migrate: true });
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(second).rejects.toThrow(`in use by another tongban process (pid ${process.pid}, service`);
    expect(await askHolder(controlSocketPath(t.config.dataDir))).toMatchObject({ pid: process.pid, role: 'service' });
    await db.close();
    expect(await askHolder(controlSocketPath(t.config.dataDir))).toBeNull();
    const again = await DatabaseService.open(t.config, [], { role: 'cli', migrate: true });
    await again.close();
  });

  it('takes over the socket of a process that was killed', async () => {
    mkdirSync(t.config.dataDir, { recursive: true });
    const path = controlSocketPath(t.config.dataDir);
    const child = spawn(
      process.execPath,
      ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('listening'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => child.stdout.once('data', resolve));
    await expect(DataDirLock.acquire(t.config.dataDir, 'service')).rejects.toBeInstanceOf(DataDirInUseError);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(path)).toBe(true); // SIGKILL leaves the socket file behind
    const lock = await DataDirLock.acquire(t.config.dataDir, 'service');
    expect(lock.holder.pid).toBe(process.pid);
    await lock.release();
  });

  it('makes a new store in a child process, clears what an interrupted first start left, and restarts on it', async () => {
    const left = join(t.config.dataDir, 'pg.init-999999');
    mkdirSync(join(left, 'base'), { recursive: true });
    mkdirSync(join(t.config.dataDir, 'pg')); // an empty directory is taken over
    const first = await DatabaseService.open(t.config, [], { role: 'service', migrate: true });
    expect(readdirSync(t.config.dataDir).filter((name) => name.startsWith('pg'))).toEqual(['pg']);
    expect(await first.dataSource.query(`SELECT current_setting('shared_buffers') AS value`)).toEqual([{ value: '16MB' }]);
    await first.dataSource.query(`CREATE TABLE kept (n int)`);
    await first.dataSource.query(`INSERT INTO kept VALUES (1)`);
    await first.close();

    // A store made before the settings existed keeps its own postgresql.conf; the settings still apply.
    const conf = join(t.config.dataDir, 'pg', 'postgresql.conf');
    expect(readFileSync(conf, 'utf8')).toMatch(/^shared_buffers = 16MB/m);
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^shared_buffers = 16MB/m, 'shared_buffers = 128MB'));
    const second = await DatabaseService.open(t.config, [], { role: 'service', migrate: true });
    expect(await second.pendingMigrations()).toEqual([]);
    expect(await second.dataSource.query(`SELECT n FROM kept`)).toEqual([{ n: 1 }]);
    expect(await second.dataSource.query(`SELECT current_setting('shared_buffers') AS value`)).toEqual([{ value: '16MB' }]);
    await second.close();
  });
});
