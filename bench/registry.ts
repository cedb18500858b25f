import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { citizenIdAt } from '../src/identifiers/generate.js';
import { CliModule } from '../src/cli/cli.module.js';
import { RegistryService } from '../src/registry/registry.service.js';
import { latencies, mb, percentile, record, section } from './lib.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Registry at national scale on PostgreSQL: import N generated citizens through the real CLI (rows/s,
 * peak RSS of that process), beside a bare INSERT of the same rows without validation or
 * encryption; then look people up by ID number at that size.
 */
export async function benchRegistry(serverUrl: string, count: number): Promise<void> {
  section(`Registry on PostgreSQL, ${count.toLocaleString('en-US')} generated citizens`);
  const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-'));
  const database = `tongban_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const env = {
    DATABASE_URL: url.href,
    KEYS_DIR: join(dir, 'keys'),
    DATA_DIR: join(dir, 'data'),
    KEYS_AUTO_INIT: '1',
    LOG_LEVEL: 'warn',
    DEMO: '0',
  };
  try {
    const file = join(dir, 'citizens.csv');
    await writeCitizens(file, count);
    const baseline = await bareInsert(url.href, count);

    await run(['db', 'migrate'], env);
    await run(['keys', 'init'], env);
    const { summary, peakRss, seconds } = await importThroughCli(file, env);
    const rows = summary.read / (summary.durationMs / 1000);
    record({
      section: 'registry',
      name: 'import rows/s (validate, encrypt, upsert)',
      value: rows,
      unit: 'rows/s',
      baseline: { name: 'bare INSERT', value: baseline },
      target: '≥ 20,000',
    });
    record({
      section: 'registry',
      name: 'import peak RSS (the CLI process)',
      value: mb(peakRss),
      unit: 'MB',
      target: '< 300',
      note: `(whole command ${seconds.toFixed(1)} s incl. start-up)`,
    });
    if (summary.inserted !== count) throw new Error(`expected ${count} inserted, got ${JSON.stringify(summary)}`);
    const again = await importThroughCli(file, env);
    record({
      section: 'registry',
      name: 'second import of the same file (all unchanged)',
      value: again.summary.read / (again.summary.durationMs / 1000),
      unit: 'rows/s',
      note: `unchanged ${again.summary.unchanged.toLocaleString('en-US')}`,
    });

    await lookups(url.href, env, count);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writeCitizens(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('id_number,name,status\n');
  for (let i = 0; i < count; i++) {
    if (!out.write(`${citizenIdAt(i)},公民${i},${i % 97 === 0 ? 'deceased' : 'active'}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The floor: the same number of rows into a plain table, one unnest INSERT per 1,000, nothing else. */
async function bareInsert(url: string, count: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE TABLE bench_bare (id text PRIMARY KEY, name text NOT NULL, status text NOT NULL)`);
  const start = performance.now();
  for (let from = 0; from < count; from += 1000) {
    const ids: string[] = [];
    const names: string[] = [];
    const statuses: string[] = [];
    for (let i = from; i < Math.min(count, from + 1000); i++) {
      ids.push(citizenIdAt(i));
      names.push(`公民${i}`);
      statuses.push('active');
    }
    await client.query(`INSERT INTO bench_bare SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, [ids, names, statuses]);
  }
  const perSecond = count / ((performance.now() - start) / 1000);
  await client.query(`DROP TABLE bench_bare`);
  await client.end();
  return perSecond;
}

function run(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/tongban.js'), '--json', ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`tongban ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

async function importThroughCli(file: string, env: Record<string, string>) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin/tongban.js'), '--json', 'registry', 'import', '--citizens', file], {
    env: { ...process.env, ...env },
  });
  let stdout = '';
  child.stdout.on('data', (c) => (stdout += c));
  let peakRss = 0;
  // VmHWM is the kernel's record of the process's peak resident set.
  const poll = setInterval(() => {
    try {
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peakRss = Math.max(peakRss, kb * 1024);
    } catch {
      /* exited */
    }
  }, 20);
  const [code] = await once(child, 'close');
  clearInterval(poll);
  if (code !== 0) throw new Error(`import exited ${code}: ${stdout}`);
  const { summary } = JSON.parse(stdout) as { summary: { read: number; inserted: number; unchanged: number; durationMs: number } };
  return { summary, peakRss, seconds: (performance.now() - started) / 1000 };
}

async function lookups(url: string, env: Record<string, string>, count: number): Promise<void> {
  Logger.overrideLogger(false);
  const config = loadConfig({ ...env, DATABASE_URL: url, DB_POOL_SIZE: '4' });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, { database: true }), { logger: false });
  await app.init();
  const registry = app.get(RegistryService);
  const pick = (i: number) => citizenIdAt((i * 104729) % count);
  // Baseline: the same indexed query with a precomputed key, straight through node-postgres.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // What autovacuum does after a bulk load anyway, done now so that it does not run during one
  // of the two measurements and not the other.
  await client.query('VACUUM (ANALYZE) registry_citizens');
  const key = randomBytes(32);
  const ours = async (i: number) => {
    if (!(await registry.findCitizenByIdNumber(pick(i)))) throw new Error('lookup missed');
  };
  const bare = (i: number) =>
    client.query(`SELECT id, name FROM registry_citizens WHERE id_number_bidx = $1`, [createHmac('sha256', key).update(pick(i)).digest()]);
  // Alternating rounds of 1,000, so both see the same moments of the machine.
  const samples: number[] = [];
  const raw: number[] = [];
  for (let round = 0; round < 10; round++) {
    samples.push(...(await latencies((i) => ours(round * 1000 + i), 1000)));
    raw.push(...(await latencies((i) => bare(round * 1000 + i), 1000)));
  }
  samples.sort((a, b) => a - b);
  raw.sort((a, b) => a - b);
  await client.end();
  await app.close();
  record({
    section: 'registry',
    name: 'lookup by ID number, median',
    value: percentile(samples, 50),
    unit: 'ms',
    baseline: { name: 'raw indexed SELECT', value: percentile(raw, 50) },
  });
  record({
    section: 'registry',
    name: 'lookup by ID number, p99',
    value: percentile(samples, 99),
    unit: 'ms',
    baseline: { name: 'raw indexed SELECT', value: percentile(raw, 99) },
    target: '< 2 ms',
  });
}
