import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import type { DataSource, EntitySchema } from 'typeorm';
import type { PGlite } from '@electric-sql/pglite';
import { isEmbedded, type AppConfig } from '../config/config.js';
import { DataDirLock } from './data-dir-lock.js';
import { openPglite, openPostgres, pendingMigrations, runMigrations } from './data-source.js';
import { initialisePgliteInChild } from './pglite-init.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityClass = Function | EntitySchema;

export interface DatabaseOpenOptions {
  /** Who holds an embedded data directory: shown to a second process that finds it taken. */
  role: string;
  /** Apply pending migrations when opening (the service always does; the CLI on PGlite too). */
  migrate: boolean;
}

/** The one DataSource of the process, on PGlite (embedded) or PostgreSQL, and what it needs to close. */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger('database');
  private closed = false;

  private constructor(
    readonly dataSource: DataSource,
    readonly kind: 'pglite' | 'postgres',
    readonly lock?: DataDirLock,
    private readonly pglite?: PGlite,
  ) {}

  static async open(config: AppConfig, entities: EntityClass[], options: DatabaseOpenOptions): Promise<DatabaseService> {
    let service: DatabaseService;
    if (isEmbedded(config)) {
      const lock = await DataDirLock.acquire(config.dataDir, options.role);
      try {
        const dir = join(config.dataDir, 'pg');
        const initialised = await initialisePgliteInChild(dir);
        if (initialised) {
          const peak = initialised.peakKb ? `, peak ${Math.round(initialised.peakKb / 1024)} MB` : '';
          new Logger('database').log(
            `created the embedded database in ${dir} (initdb in a child process: ${(initialised.ms / 1000).toFixed(1)} s${peak})`,
          );
        }
        const { dataSource, pglite } = await openPglite(dir, entities);
        service = new DatabaseService(dataSource, 'pglite', lock, pglite);
      } catch (err) {
        await lock.release();
        throw err;
      }
    } else {
      const { dataSource } = await openPostgres(config.databaseUrl!, config.dbPoolSize, entities);
      service = new DatabaseService(dataSource, 'postgres');
    }
    if (options.migrate) {
      try {
        const applied = await runMigrations(service.dataSource);
        if (applied.length) service.logger.log(`applied migrations: ${applied.join(', ')}`);
      } catch (err) {
        await service.close();
        throw err;
      }
    }
    return service;
  }

  pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.dataSource);
  }

  migrate(): Promise<string[]> {
    return runMigrations(this.dataSource);
  }

  /** True when a trivial query round-trips (readiness). */
  async ping(timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.dataSource.query('SELECT 1').then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.pglite?.close();
    await this.lock?.release();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
