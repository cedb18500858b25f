import { canonicalCitizenId } from '../identifiers/citizen-id.js';
import { AUDIT_ACTIONS, type AuditEvent } from './audit-event.js';

const ACTIONS = new Set<string>(AUDIT_ACTIONS);
const ACTOR_KINDS = new Set(['account', 'client', 'operator', 'system']);
const OUTCOMES = new Set(['success', 'failure', 'refused']);
const MAX_TEXT = 1024;
const MAX_DETAILS = 32;

/**
 * Refuses an event a module should never have built: an unknown action, nested or non-finite
 * details, or anything that looks like a citizen ID number (18 characters with a valid check
 * character and birth date, wherever it appears in a text). These are programming errors, so they
 * throw; the message never repeats the value.
 */
export function checkAuditEvent(event: AuditEvent): void {
  if (!ACTIONS.has(event.action)) throw new Error(`audit: unknown action ${JSON.stringify(String(event.action).slice(0, 40))}`);
  if (!event.actor || !ACTOR_KINDS.has(event.actor.kind)) throw new Error(`audit: ${event.action}: bad actor kind`);
  if (!OUTCOMES.has(event.outcome)) throw new Error(`audit: ${event.action}: bad outcome`);
  text(event, 'actor.id', event.actor.id, true);
  text(event, 'object', event.object);
  text(event, 'client', event.client);
  text(event, 'requestId', event.requestId);
  checkSubject(event);
  if (event.details !== undefined) {
    if (event.details === null || typeof event.details !== 'object' || Array.isArray(event.details))
      throw new Error(`audit: ${event.action}: details must be a flat object`);
    const entries = Object.entries(event.details);
    if (entries.length > MAX_DETAILS) throw new Error(`audit: ${event.action}: more than ${MAX_DETAILS} details`);
    for (const [key, value] of entries) {
      text(event, 'a details key', key, true);
      if (value === null || typeof value === 'boolean') continue;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw new Error(`audit: ${event.action}: details.${key} is not a finite number`);
        continue;
      }
      if (typeof value !== 'string') throw new Error(`audit: ${event.action}: details.${key} must be text, a number, a boolean or null`);
      text(event, `details.${key}`, value);
    }
  }
}

function checkSubject(event: AuditEvent): void {
  const subject = event.subject;
  if (subject === undefined) return;
  switch (subject?.kind) {
    case 'account':
      return text(event, 'subject.id', subject.id, true);
    case 'enterprise':
      if (typeof subject.uscc !== 'string' || !/^[0-9A-Z]{18}$/.test(subject.uscc))
        throw new Error(`audit: ${event.action}: subject.uscc is not a USCC`);
      return;
    case 'citizen-index':
      if (typeof subject.index !== 'string' || !/^[0-9a-f]{64}$/.test(subject.index))
        throw new Error(`audit: ${event.action}: subject.index must be a blind index (64 lower-case hex digits)`);
      return;
    default:
      throw new Error(`audit: ${event.action}: bad subject kind`);
  }
}

function text(event: AuditEvent, name: string, value: unknown, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || (required && !value)) throw new Error(`audit: ${event.action}: ${name} must be text`);
  if (value.length > MAX_TEXT) throw new Error(`audit: ${event.action}: ${name} is longer than ${MAX_TEXT} characters`);
  if (value.includes('\u0000')) throw new Error(`audit: ${event.action}: ${name} contains a NUL character`);
  if (containsCitizenId(value)) throw new Error(`audit: ${event.action}: ${name} contains what looks like a citizen ID number`);
}

/** Whether any 18 consecutive characters of the text are a valid citizen ID number. */
export function containsCitizenId(value: string): boolean {
  if (value.length < 18) return false;
  for (const match of value.matchAll(/\d{17,}[Xx]?/g)) {
    const run = match[0];
    for (let i = 0; i + 18 <= run.length; i++) if (canonicalCitizenId(run.slice(i, i + 18))) return true;
  }
  return false;
}
