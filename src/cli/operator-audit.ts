import type { INestApplicationContext } from '@nestjs/common';
import { userInfo } from 'node:os';
import type { AuditActor } from '../audit/audit-event.js';
import type { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import type { Operation, OperationIO } from './operations.js';

/**
 * The operator of a CLI operation, for the audit log (issue 14): the OS user running it. Over the
 * control socket that is the service's user, which is the CLI's (only the same user may open the
 * socket).
 */
export function operator(): AuditActor {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.LOGNAME;
  }
  return { kind: 'operator', id: name || `uid:${process.getuid?.() ?? '?'}` };
}

/** An operator's change, as a service's `by` argument. */
export function byOperator(): { actor: AuditActor } {
  return { actor: operator() };
}

/** Parameters worth naming in the entry: identifiers and options, never files, certificates, free text or ID numbers. */
const NAMED_PARAMS = [
  'purpose',
  'prepare',
  'clientId',
  'client_id',
  'id',
  'serial',
  'uscc',
  'type',
  'register',
  'format',
  'issuer',
  'since',
];

/** Operations that only read, and those that run before the audit log exists: not entries of their own. */
const UNRECORDED = new Set(['db.status', 'db.migrate', 'keys.list']);

/**
 * Runs a CLI operation and appends one `operator.command` entry naming the operation, who ran it
 * and how it ended. The entry needs the audit module, so operations on the keys alone (no
 * database in their context) are not recorded.
 */
export async function runAudited(
  app: INestApplicationContext,
  name: string,
  operation: Operation,
  params: Record<string, unknown>,
  io: OperationIO,
): Promise<unknown> {
  const audit = UNRECORDED.has(name) ? undefined : await auditOf(app);
  if (!audit) return operation.run(app, params, io);
  const details: Record<string, string | boolean> = {};
  for (const key of NAMED_PARAMS) {
    const value = params[key];
    if (typeof value === 'string' && value.length <= 100) details[key] = value;
    else if (typeof value === 'boolean') details[key] = value;
  }
  const event = { action: 'operator.command', actor: operator(), object: name } as const;
  try {
    const result = await operation.run(app, params, io);
    // Recorded, then written before the answer; an entry refused (never expected) does not undo the operation.
    audit.record({ ...event, outcome: 'success', details });
    await audit.flush();
    return result;
  } catch (err) {
    audit.record({ ...event, outcome: 'failure', details: { ...details, error: errorCode(err) } });
    throw err;
  }
}

/** An error's stable code (an API error's, an operation's), never its message. */
function errorCode(err: unknown): string {
  if (err instanceof ApiError) return (err.getResponse() as { error?: string }).error ?? 'FAILED';
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'FAILED';
}

/** The context's audit service, when it has one (contexts on the keys alone do not). */
export async function auditOf(app: INestApplicationContext): Promise<AuditService | undefined> {
  const { AuditService } = await import('../audit/audit.service.js');
  let audit: AuditService | undefined;
  try {
    audit = app.get(AuditService, { strict: false });
  } catch {
    audit = undefined;
  }
  return audit;
}
