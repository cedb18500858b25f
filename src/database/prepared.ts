import pg from 'pg';
import type { DataSource } from 'typeorm';
import { returning } from './returning.js';

/**
 * A named (prepared) statement for the hottest queries (the OIDC adapter, account lookups). On
 * PostgreSQL the server parses and plans it once per connection instead of on every call (about
 * half of its CPU for a primary-key lookup), and the call goes straight to node-postgres' pool,
 * past TypeORM's query-runner bookkeeping. On PGlite (one session in this process, where the
 * saving is small) it is an ordinary query. `name` must always come with the same `text`.
 */
export async function preparedQuery<T = Record<string, unknown>>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as { master?: unknown }).master;
  if (pool instanceof pg.Pool) return (await pool.query({ name, text, values })).rows as T[];
  return returning<T>(dataSource, text, values);
}
