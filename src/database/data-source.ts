import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MigrationExecutor } from 'typeorm/migration/MigrationExecutor.js';
import { migrations } from '../../migrations/index.js';
import { PGLITE_SETTINGS } from './pglite-init.js';
import { PgliteLeasePool, pgliteParsers } from './pglite-pool.js';

// node-postgres would turn a `date` into a Date at local midnight (a time-zone trap); keep 'YYYY-MM-DD'.
pg.types.setTypeParser(1082, (value: string) => value);

export interface OpenedDatabase {
  dataSource: DataSource;
  /** The PGlite instance in the embedded mode (closed after the DataSource). */
  pglite?: PGlite;
}

const common = {
  type: 'postgres',
  migrations,
  migrationsTableName: 'schema_migrations',
  migrationsTransactionMode: 'each',
  synchronize: false,
  logging: false,
} as const;

export async function openPostgres(url: string, poolSize: number, entities: DataSourceOptions['entities']): Promise<OpenedDatabase> {
  const dataSource = new DataSource({ ...common, url, entities, poolSize, driver: pg, applicationName: 'tongban' });
  await dataSource.initialize();
  return { dataSource };
}

export async function openPglite(dir: string, entities: DataSourceOptions['entities']): Promise<OpenedDatabase> {
  const settings = PGLITE_SETTINGS.flatMap((setting) => ['-c', setting]);
  const pglite = await PGlite.create({
    dataDir: dir,
    parsers: pgliteParsers,
    initDbStartParams: settings,
    startParams: [...PGlite.defaultStartParams, ...settings],
  });
  const pool = new PgliteLeasePool(pglite);
  const driver = {
    Pool: function PoolFactory() {
      return pool;
    },
  };
  const dataSource = new DataSource({ ...common, database: 'postgres', entities, driver });
  try {
    await dataSource.initialize();
  } catch (err) {
    await pglite.close();
    throw err;
  }
  return { dataSource, pglite };
}

/** Names of migrations not yet applied (creates the bookkeeping table if it is missing). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((m) => m.name);
}

/**
 * Applies pending migrations. An advisory lock makes replicas that start together take turns
 * instead of racing to create the same tables.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(7140516)');
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(7140516)');
    }
  } finally {
    await runner.release();
  }
}
