import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditEntry } from '../../src/audit/audit-event.js';
import { AuditService } from '../../src/audit/audit.service.js';

/** Every audit entry as stored (flushing what is queued first), oldest first. */
export async function allEntries(app: INestApplicationContext): Promise<Array<AuditEntry & { raw: string }>> {
  await app.get(AuditService).flush();
  const rows: Array<Record<string, unknown>> = await app.get(DataSource).query(
    `SELECT seq::text AS seq, action, actor_kind, actor_id, outcome, object, subject_kind, subject_ref, client, request_id, details
       FROM audit_entries ORDER BY audit_entries.seq`,
  );
  return rows.map((row) => {
    const details = typeof row.details === 'string' ? JSON.parse(row.details) : (row.details ?? undefined);
    const kind = row.subject_kind as string | null;
    const ref = row.subject_ref as string;
    const subject =
      kind === 'account'
        ? { kind, id: ref }
        : kind === 'enterprise'
          ? { kind, uscc: ref }
          : kind === 'citizen-index'
            ? { kind, index: ref }
            : undefined;
    return {
      seq: Number(row.seq),
      at: '',
      action: row.action,
      actor: { kind: row.actor_kind, id: row.actor_id },
      outcome: row.outcome,
      ...(row.object ? { object: row.object } : {}),
      ...(subject ? { subject } : {}),
      ...(row.client ? { client: row.client } : {}),
      ...(row.request_id ? { requestId: row.request_id } : {}),
      ...(details ? { details } : {}),
      raw: JSON.stringify(row),
    } as AuditEntry & { raw: string };
  });
}

/** The entries matching `match` once they are there (recorded entries are written in the background). */
export async function entriesWhere(
  app: INestApplicationContext,
  match: (entry: AuditEntry) => boolean,
  atLeast = 1,
  timeoutMs = 5000,
): Promise<AuditEntry[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await allEntries(app)).filter(match);
    if (found.length >= atLeast || Date.now() > until) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether any stored entry contains the text (an ID number must never be in one). */
export async function anyEntryContains(app: INestApplicationContext, text: string): Promise<boolean> {
  return (await allEntries(app)).some((entry) => entry.raw.includes(text));
}
