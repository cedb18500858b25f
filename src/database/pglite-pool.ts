import { EventEmitter } from 'node:events';
import { type PGlite, types, type Results } from '@electric-sql/pglite';

/**
 * A pg.Pool look-alike over one PGlite instance, for TypeORM's postgres driver.
 *
 * PGlite is a single PostgreSQL session. If two TypeORM query runners shared it freely, a query
 * from one request would run inside another request's open transaction (and be rolled back with
 * it). So the pool hands out one lease at a time: `connect()` waits until the previous client
 * is released. Code must therefore never ask for a second connection while holding one (use the
 * transaction's EntityManager) — a wait longer than `leaseTimeoutMs` is reported as an error
 * rather than hanging forever.
 */
export class PgliteLeasePool extends EventEmitter {
  private readonly waiters: Array<() => void> = [];
  private leased = false;
  private ended = false;

  constructor(
    private readonly db: PGlite,
    private readonly leaseTimeoutMs = 30_000,
  ) {
    super();
  }

  get totalCount(): number {
    return 1;
  }

  get idleCount(): number {
    return this.leased ? 0 : 1;
  }

  get waitingCount(): number {
    return this.waiters.length;
  }

  connect(callback: (err: Error | null, client?: PgliteClient, release?: (err?: unknown) => void) => void): void {
    if (this.ended) return callback(new Error('the embedded database is closed'));
    this.acquire().then(
      () => {
        const client = new PgliteClient(this.db);
        let released = false;
        callback(null, client, () => {
          if (released) return;
          released = true;
          this.releaseLease();
        });
      },
      (err: Error) => callback(err),
    );
  }

  end(callback?: (err?: Error | null) => void): void {
    this.ended = true;
    callback?.(null);
  }

  private acquire(): Promise<void> {
    if (!this.leased) {
      this.leased = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(
          new Error(
            `waited ${this.leaseTimeoutMs} ms for the embedded database session (is a connection held while another is requested?)`,
          ),
        );
      }, this.leaseTimeoutMs);
      timer.unref();
      this.waiters.push(grant);
    });
  }

  private releaseLease(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.leased = false;
  }
}

export interface PgLikeResult {
  rows: Record<string, unknown>[];
  rowCount: number;
  command: string;
  fields: { name: string; dataTypeID: number }[];
}

/** The client TypeORM's PostgresQueryRunner talks to: query(sql, params) and the error events. */
export class PgliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[]): Promise<PgLikeResult> {
    if (params && params.length > 0) return toPgResult(sql, await this.db.query(sql, params.map(toPgliteParam)));
    // Without parameters the statement may be a multi-statement migration script: run it through the
    // simple protocol and, like node-postgres, answer with the last statement's result.
    const results = await this.db.exec(sql);
    return toPgResult(sql, results[results.length - 1] ?? { rows: [], fields: [] });
  }
}

function toPgliteParam(value: unknown): unknown {
  // node-postgres sends Buffers as bytea and Dates as timestamps; PGlite wants Uint8Array / ISO text.
  if (value instanceof Date) return value.toISOString();
  return value;
}

function toPgResult(sql: string, result: Results): PgLikeResult {
  const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
  const fields = result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
  const byteaFields = fields.filter((f) => f.dataTypeID === types.BYTEA).map((f) => f.name);
  const rows = result.rows as Record<string, unknown>[];
  if (byteaFields.length) {
    for (const row of rows) for (const name of byteaFields) if (row[name] instanceof Uint8Array) row[name] = Buffer.from(row[name]);
  }
  return { rows, rowCount: result.affectedRows ?? rows.length, command, fields };
}

/**
 * Value parsers that make PGlite answer like node-postgres does with our settings (see pg-types.ts):
 * int8 and numeric as strings, dates as 'YYYY-MM-DD' strings.
 */
export const pgliteParsers = {
  [types.INT8]: (value: string) => value,
  [types.NUMERIC]: (value: string) => value,
  [types.DATE]: (value: string) => value,
};
