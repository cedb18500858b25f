import type { INestApplicationContext } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../common/api-error.js';
import type { DataDirLock } from '../database/data-dir-lock.js';
import { KeyStoreError } from '../keys/key-types.js';
import { ImportFormatError } from '../registry/record-reader.js';
import { OPERATIONS, OperationError } from './operations.js';
import { runAudited } from './operator-audit.js';

export const PARAMS_HEADER = 'x-tongban-params';

/**
 * Serves CLI operations on the data directory's control socket (a Unix socket only the same OS
 * user can open). Request: POST /ops/<name>, parameters as JSON in a header, the input file as
 * the body. Response: JSON lines — events as they happen, then {"result"} or {"error"}.
 */
export function serveOperations(app: INestApplicationContext, lock: DataDirLock): void {
  lock.setHandler((req, res) => void handle(app, req, res));
}

async function handle(app: INestApplicationContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const name = /^\/ops\/([\w.-]+)$/.exec(req.url ?? '')?.[1];
  const operation = name ? OPERATIONS[name] : undefined;
  if (req.method !== 'POST' || !operation) {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: { code: 'UNKNOWN_OPERATION', message: `no operation ${req.method} ${req.url}` } }) + '\n');
    return;
  }
  let params: Record<string, unknown>;
  try {
    params = JSON.parse(decodeURIComponent(String(req.headers[PARAMS_HEADER] ?? '%7B%7D'))) as Record<string, unknown>;
  } catch {
    res.statusCode = 400;
    res.end(JSON.stringify({ error: { code: 'BAD_PARAMS', message: 'the operation parameters are not JSON' } }) + '\n');
    return;
  }
  res.setHeader('content-type', 'application/x-ndjson');
  const write = (line: object) => res.write(JSON.stringify(line) + '\n');
  try {
    const result = await runAudited(app, name!, operation, params, { input: req, emit: (event) => write({ event }) });
    write({ result });
  } catch (err) {
    write({ error: describeError(err) });
  }
  res.end();
}

/** Errors an operator can act on keep their code and message; anything else is reported generically. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof OperationError || err instanceof ImportFormatError || err instanceof KeyStoreError)
    return { code: err.code, message: err.message };
  if (err instanceof ApiError) {
    const body = err.getResponse() as { error: string; message: string };
    return { code: body.error, message: body.message };
  }
  const e = err as Error;
  return { code: 'FAILED', message: e?.message ?? String(err) };
}
