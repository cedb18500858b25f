/**
 * What one audit entry says (issue 14, design §10): who did what to which object, with what
 * outcome, in which request. The contract between the modules that record events and the audit
 * module that keeps them (src/audit/audit.service.ts).
 *
 * Never personal data in clear: no ID number, name or address in `object` or `details`. A person
 * concerned is named by `subject` only: the pseudonymous account id, or a keyed blind index
 * (HMAC under a `data` key, as the registry keeps its rows) of an ID number that has no account.
 */

/** Who acted. `id`: the account id (pseudonymous), the OAuth client id, the operator's name, or the component. */
export interface AuditActor {
  readonly kind: 'account' | 'client' | 'operator' | 'system';
  readonly id: string;
}

/** The person or enterprise an entry concerns, for their access log (GET /api/v1/me/access-log). */
export type AuditSubject =
  /** A citizen's or an enterprise's account (accounts.id). */
  | { readonly kind: 'account'; readonly id: string }
  /** An enterprise by its USCC (not personal data). */
  | { readonly kind: 'enterprise'; readonly uscc: string }
  /** A citizen ID number with no account (a failed sign-in, a registry row): its blind index, hex. */
  | { readonly kind: 'citizen-index'; readonly index: string };

export type AuditOutcome = 'success' | 'failure' | 'refused';

/**
 * Actions, dotted: the module's concern first. Values are stable (the access log and exports read them).
 */
export const AUDIT_ACTIONS = [
  'signin',
  'signin.second-factor',
  'signout',
  'second-factor.enrol',
  'second-factor.remove',
  'consent.grant',
  'consent.withdraw',
  'token.grant',
  'claim.id_number.release',
  'certificate.issue',
  'certificate.revoke',
  'certificate.hold',
  'certificate.release',
  'licence.issue',
  'licence.suspend',
  'licence.reinstate',
  'licence.revoke',
  'licence.expire',
  'licence.share.create',
  'licence.share.open',
  'licence.share.withdraw',
  'seal.make',
  'seal.revoke',
  'seal.stamp',
  'verify',
  'registry.import',
  'registry.change',
  'client.add',
  'client.change',
  'client.remove',
  'key.rotate',
  'key.init',
  'trust.add',
  'trust.remove',
  'operator.command',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Small, flat facts about the event: never personal data. */
export type AuditDetails = Readonly<Record<string, string | number | boolean | null>>;

export interface AuditEvent {
  readonly action: AuditAction;
  readonly actor: AuditActor;
  readonly outcome: AuditOutcome;
  /** The object's identifier: a licence id, a certificate serial, a client id, a seal code… */
  readonly object?: string;
  /** The person or enterprise concerned (for their access log). */
  readonly subject?: AuditSubject;
  /** The portal (OAuth client id) involved, when another actor acted for it or on it. */
  readonly client?: string;
  /** The request's id (x-request-id), when the event comes from an HTTP request. */
  readonly requestId?: string;
  readonly details?: AuditDetails;
}

/** An entry as stored: the event, its place in the log and when it was appended. */
export interface AuditEntry extends AuditEvent {
  /** Its leaf index in the log (0-based, contiguous: assigned in PostgreSQL). */
  readonly seq: number;
  /** When it was appended (ISO 8601, milliseconds, UTC). */
  readonly at: string;
}
