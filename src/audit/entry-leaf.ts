import { leafHash } from './merkle/hashes.js';
import type { AuditEntry, AuditEvent } from './audit-event.js';

/**
 * The bytes of an entry that its Merkle leaf hashes: canonical JSON (src/audit/canonical-json.ts:
 * keys sorted, no whitespace, UTF-8) of every field, its seq and time included, so an entry moved
 * to another place in the log, or given another time, no longer matches the leaf a tree head
 * signed. Optional fields that are absent are left out; `details` is left out when empty.
 *
 * `{"action":…,"actor":{"id":…,"kind":…},"at":"2026-12-07T22:10:06.123Z","client"?:…,
 *   "details"?:{…},"object"?:…,"outcome":…,"requestId"?:…,"seq":41,"subject"?:{…}}`
 *
 * Written out by hand in that key order rather than through canonicalJson: appending hashes every
 * entry while it holds the log's seq lock, and this is several times faster (a test checks that
 * both give the same bytes).
 */
export function entryLeafBytes(entry: AuditEntry): Buffer {
  const [head, middle, tail] = entryLeafParts(entry);
  return Buffer.from(`${head}${JSON.stringify(entry.at)}${middle}${entry.seq}${tail}`, 'utf8');
}

/** The entry's leaf hash: SHA-256(0x00 ‖ entryLeafBytes(entry)) (RFC 9162 §2.1.1). */
export function entryLeafHash(entry: AuditEntry): Buffer {
  return leafOfParts(entryLeafParts(entry), entry.at, entry.seq);
}

/** The canonical JSON of an event around its time and seq: what can be prepared before they are known. */
export type LeafParts = readonly [head: string, middle: string, tail: string];

export function entryLeafParts(event: AuditEvent): LeafParts {
  const s = JSON.stringify;
  let middle = '';
  if (event.client !== undefined) middle += `,"client":${s(event.client)}`;
  const details = event.details;
  if (details) {
    const keys = Object.keys(details)
      .filter((key) => details[key] !== undefined)
      .sort();
    if (keys.length) middle += `,"details":{${keys.map((key) => `${s(key)}:${s(details[key])}`).join(',')}}`;
  }
  if (event.object !== undefined) middle += `,"object":${s(event.object)}`;
  middle += `,"outcome":${s(event.outcome)}`;
  if (event.requestId !== undefined) middle += `,"requestId":${s(event.requestId)}`;
  middle += ',"seq":';
  return [
    `{"action":${s(event.action)},"actor":{"id":${s(event.actor.id)},"kind":${s(event.actor.kind)}},"at":`,
    middle,
    `${subjectJson(event)}}`,
  ];
}

/** The leaf hash from prepared parts, once the seq and time are known. */
export function leafOfParts(parts: LeafParts, at: string, seq: number): Buffer {
  return leafHash(Buffer.from(`${parts[0]}${JSON.stringify(at)}${parts[1]}${seq}${parts[2]}`, 'utf8'));
}

function subjectJson(event: AuditEvent): string {
  const subject = event.subject;
  if (!subject) return '';
  const s = JSON.stringify;
  switch (subject.kind) {
    case 'account':
      return `,"subject":{"id":${s(subject.id)},"kind":"account"}`;
    case 'enterprise':
      return `,"subject":{"kind":"enterprise","uscc":${s(subject.uscc)}}`;
    case 'citizen-index':
      return `,"subject":{"index":${s(subject.index)},"kind":"citizen-index"}`;
  }
}
