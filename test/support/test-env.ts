import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { initialisePgliteInChild } from '../../src/database/pglite-init.js';

/** Integration tests run on PGlite, or on the PostgreSQL server of DATABASE_URL when it is set. */
export const backend: 'pglite' | 'postgres' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

export interface TestEnv {
  config: AppConfig;
  env: Record<string, string>;
  dir: string;
  cleanup(): Promise<void>;
}

/**
 * A fresh, isolated configuration: its own temp DATA_DIR and KEYS_DIR, and with PostgreSQL its
 * own database created on the server (dropped again by cleanup), so test files never share state.
 */
export async function makeTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-test-'));
  const env: Record<string, string> = {
    DATA_DIR: join(dir, 'data'),
    KEYS_DIR: join(dir, 'keys'),
    DEMO: '0',
    KEYS_AUTO_INIT: '1',
    KEYS_RELOAD_SECONDS: '0',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...overrides,
  };
  let dropDatabase = async () => {};
  if (backend === 'postgres' && !('DATABASE_URL' in overrides)) {
    const created = await createScratchDatabase(process.env.DATABASE_URL!);
    env.DATABASE_URL = created.url;
    dropDatabase = created.drop;
  }
  const config = loadConfig(env, dir);
  return {
    config,
    env,
    dir,
    async cleanup() {
      await dropDatabase();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tongban_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Gives an embedded test store the data directory PGlite's initdb makes, copied from one made once
 * per machine (keyed by the PGlite version and the initdb settings' source), instead of running
 * initdb again for every test app: it costs seconds of CPU each time and gives the same files.
 * Migrations still run at the app's start, from the code under test. Tests of the first start
 * itself (test/database) use makeTestEnv alone and get a fresh directory.
 */
export async function seedEmbeddedStore(dataDir: string): Promise<void> {
  const dir = join(dataDir, 'pg');
  if (existsSync(dir)) return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const key = createHash('sha256')
    .update(readFileSync(join(root, 'node_modules/@electric-sql/pglite/package.json')))
    .update(readFileSync(join(root, 'src/database/pglite-init.ts')))
    .digest('hex')
    .slice(0, 16);
  const template = join(tmpdir(), `tongban-test-initdb-${key}`);
  if (!existsSync(join(template, 'PG_VERSION'))) {
    const work = mkdtempSync(`${template}.build-`);
    try {
      await initialisePgliteInChild(join(work, 'pg'));
      // Another worker may have finished first: its copy is as good.
      if (!existsSync(join(template, 'PG_VERSION'))) renameSync(join(work, 'pg'), template);
    } catch (err) {
      if (!existsSync(join(template, 'PG_VERSION'))) throw err;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  mkdirSync(dataDir, { recursive: true });
  cpSync(template, dir, { recursive: true });
}
