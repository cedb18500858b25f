import { leafHash } from './merkle/hashes.js';
import type { AuditEntry } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The bytes of an entry that its Merkle leaf hashes: canonical JSON (sorted keys, UTF-8) of every
 * field, its seq and time included, so an entry moved to another place in the log, or given another
 * time, no longer matches the leaf a tree head signed. Optional fields that are absent are left
 * out; `details` is left out when empty.
 *
 * `{"action":…,"actor":{"id":…,"kind":…},"at":"2026-12-07T22:10:06.123Z","client"?:…,
 *   "details"?:{…},"object"?:…,"outcome":…,"requestId"?:…,"seq":41,"subject"?:{…}}`
 */
export function entryLeafBytes(entry: AuditEntry): Buffer {
  const details = entry.details && Object.keys(entry.details).length ? entry.details : undefined;
  return Buffer.from(
    canonicalJson({
      seq: entry.seq,
      at: entry.at,
      action: entry.action,
      actor: { kind: entry.actor.kind, id: entry.actor.id },
      outcome: entry.outcome,
      object: entry.object,
      subject: entry.subject,
      client: entry.client,
      requestId: entry.requestId,
      details,
    }),
    'utf8',
  );
}

/** The entry's leaf hash: SHA-256(0x00 ‖ entryLeafBytes(entry)) (RFC 9162 §2.1.1). */
export function entryLeafHash(entry: AuditEntry): Buffer {
  return leafHash(entryLeafBytes(entry));
}
