import type { DataSource, EntityManager } from 'typeorm';

type Executor = Pick<DataSource | EntityManager, 'query'>;

/**
 * Runs an UPDATE or DELETE … RETURNING and gives its rows. TypeORM answers those two commands
 * with `[rows, affectedCount]` instead of the rows, unlike every other statement, so reading
 * `.length` of its result is a bug waiting to happen; this is the one place that unwraps it.
 */
export async function returning<T = Record<string, unknown>>(executor: Executor, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const result: unknown = await executor.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
