import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Readable } from 'node:stream';
import { isEmbedded, type AppConfig } from '../config/config.js';
import { DataDirInUseError, askHolder, controlSocketPath } from '../database/data-dir-lock.js';
import { DatabaseService } from '../database/database.service.js';
import { CliModule } from './cli.module.js';
import { callOverControlSocket } from './control-client.js';
import { runAudited } from './operator-audit.js';
import { serveOperations } from './control-server.js';
import {
  OPERATIONS,
  OperationError,
  operationNeedsDatabase,
  operationNeedsLicences,
  operationNeedsOidc,
  operationNeedsPki,
} from './operations.js';

export interface RunOptions {
  input?: () => Readable;
  onEvent?: (event: Record<string, unknown>) => void;
  /** Where the operation ran: in this process, or in the process holding the data directory. */
  onPlace?: (place: 'local' | 'service', holderPid?: number) => void;
}

/**
 * Runs a CLI operation where it can run safely. On PostgreSQL, here. On the embedded store, here
 * if no other process holds the data directory; otherwise inside that process, over its control
 * socket — so the CLI works in a second terminal while `npm start` runs.
 */
export async function runOperation(
  config: AppConfig,
  name: string,
  params: Record<string, unknown>,
  options: RunOptions = {},
): Promise<unknown> {
  const operation = OPERATIONS[name];
  if (!operation) throw new OperationError('UNKNOWN_OPERATION', `no operation ${name}`);
  const onEvent = options.onEvent ?? (() => {});

  if (isEmbedded(config)) {
    const holder = await askHolder(controlSocketPath(config.dataDir));
    if (holder) return remote(config, name, params, options, holder.pid);
  }
  const database = operationNeedsDatabase(name);
  // `keys list` should show what exists, not create keys first; other commands may create them
  // on the embedded store, as the service would on its first start.
  const local = name.startsWith('keys.') ? { ...config, keysAutoInit: false } : config;
  let app;
  try {
    app = await NestFactory.createApplicationContext(
      CliModule.forRoot(local, {
        database,
        oidc: operationNeedsOidc(name, params),
        licences: operationNeedsLicences(name),
        pki: operationNeedsPki(name, params),
        seals: operation.seals,
        licenceTypes: operation.licenceTypes,
      }),
      {
        logger: stderrLogger,
        abortOnError: false,
      },
    );
  } catch (err) {
    // Lost a race with a service that started meanwhile: go through it instead.
    if (err instanceof DataDirInUseError) return remote(config, name, params, options, err.holder.pid);
    throw err;
  }
  try {
    if (database) {
      // Before the modules start: they expect their tables to exist.
      const db = app.get(DatabaseService);
      if (db.kind === 'postgres' && name !== 'db.migrate' && name !== 'db.status') {
        const pending = await db.pendingMigrations();
        if (pending.length)
          throw new OperationError(
            'SCHEMA_BEHIND',
            `the database schema is behind (${pending.length} pending migration(s)): run \`tongban db migrate\` first`,
          );
      }
    }
    await app.init();
    if (database) {
      const db = app.get(DatabaseService);
      if (db.lock) serveOperations(app, db.lock);
    }
    options.onPlace?.('local');
    return await runAudited(app, name, operation, params, { input: options.input?.(), emit: onEvent });
  } finally {
    await app.close();
  }
}

/** The CLI's own output is stdout (and must stay parseable with --json): modules' warnings go to stderr. */
const stderrLogger: LoggerService = {
  log: () => {},
  warn: (message: unknown, context?: unknown) => process.stderr.write(`tongban: warning: ${contextPrefix(context)}${String(message)}\n`),
  error: (message: unknown, context?: unknown) => process.stderr.write(`tongban: error: ${contextPrefix(context)}${String(message)}\n`),
};

/** Nest passes the logging class's name as the context. */
function contextPrefix(context: unknown): string {
  return typeof context === 'string' && context ? `[${context}] ` : '';
}

function remote(config: AppConfig, name: string, params: Record<string, unknown>, options: RunOptions, pid: number): Promise<unknown> {
  options.onPlace?.('service', pid);
  return callOverControlSocket(controlSocketPath(config.dataDir), name, params, options.input?.(), options.onEvent ?? (() => {}));
}
