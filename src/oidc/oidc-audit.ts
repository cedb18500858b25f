import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuditActor, AuditEvent, AuditSubject } from '../audit/audit-event.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AccountsService } from '../accounts/accounts.service.js';
import { parseEnterpriseAccountId } from '../enterprise-login/enterprise-account.js';
import { canonicalCitizenId } from '../identifiers/citizen-id.js';

/**
 * How the OpenID provider's events name people in the audit log (issue 14): a session's account
 * is a citizen's, or an enterprise's (`enterprise:<USCC>:<person>:<serial>`), whose access log is
 * the enterprise's and whose actor is the person acting for it.
 */
export function sessionSubject(accountId: string): AuditSubject {
  const actor = parseEnterpriseAccountId(accountId);
  return actor ? { kind: 'enterprise', uscc: actor.uscc } : { kind: 'account', id: accountId };
}

/** The person who acted in a session: the citizen, or whoever acts for the enterprise. */
export function sessionActor(accountId: string): AuditActor {
  return { kind: 'account', id: parseEnterpriseAccountId(accountId)?.personAccountId ?? accountId };
}

/** The request id the access log gave an oidc-provider request (X-Request-Id on the response). */
export function requestIdOfContext(ctx: KoaContextWithOIDC): string | undefined {
  const id = ctx.res?.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
}

/**
 * A failed password sign-in, recorded in the background (the answer does not wait for it, nor is
 * its timing changed): the account of the ID number typed when there is one, else the number's
 * blind index — never the number itself. A text that is no ID number concerns nobody.
 */
export function recordFailedSignIn(
  audit: AuditService | undefined,
  accounts: AccountsService,
  typed: string,
  event: Omit<AuditEvent, 'action' | 'subject' | 'actor'>,
): void {
  if (!audit) return;
  const idNumber = canonicalCitizenId(typed.trim());
  void (async () => {
    let subject: AuditSubject | undefined;
    if (idNumber) {
      const account = await accounts.findByIdNumber(idNumber).catch(() => null);
      subject = account ? { kind: 'account', id: account.id } : await audit.citizenSubject(idNumber);
    }
    audit.record({
      action: 'signin',
      actor: subject?.kind === 'account' ? { kind: 'account', id: subject.id } : { kind: 'system', id: 'anonymous' },
      ...(subject ? { subject } : {}),
      ...event,
    });
  })().catch(() => undefined);
}

/**
 * A token grant at the token endpoint (authorization code, refresh token, client credentials),
 * from oidc-provider's `grant.success`: the client acted, for the account the grant is of.
 */
export function tokenGrantEvent(ctx: KoaContextWithOIDC): AuditEvent {
  const { oidc } = ctx;
  const clientId = oidc.client?.clientId ?? '';
  const grantType = grantTypeOf(ctx);
  const entities = oidc.entities as {
    AuthorizationCode?: { accountId?: string; scope?: string; grantId?: string; acr?: string };
    RefreshToken?: { accountId?: string; scope?: string; grantId?: string; acr?: string };
    ClientCredentials?: { scope?: string };
  };
  const token = entities.AuthorizationCode ?? entities.RefreshToken;
  const scope = token?.scope ?? entities.ClientCredentials?.scope;
  return {
    action: 'token.grant',
    actor: { kind: 'client', id: clientId },
    outcome: 'success',
    client: clientId,
    ...(token?.accountId ? { subject: sessionSubject(token.accountId) } : {}),
    ...(token?.grantId ? { object: token.grantId } : {}),
    requestId: requestIdOfContext(ctx),
    details: { grant_type: grantType, ...(scope ? { scope } : {}), ...(token?.acr ? { acr: token.acr } : {}) },
  };
}

/**
 * A portal signed the citizen in through their tongban session (single sign-on: no password asked
 * in this authorization), from oidc-provider's `authorization.success`. A sign-in whose interaction
 * logged in is recorded when that interaction finishes (InteractionsController), so it is skipped here.
 */
export function singleSignOnEvent(ctx: KoaContextWithOIDC): AuditEvent | undefined {
  const { oidc } = ctx;
  const accountId = oidc.session?.accountId;
  const clientId = oidc.client?.clientId;
  if (!accountId || !clientId || (oidc.result as { login?: unknown } | undefined)?.login) return undefined;
  const serial = parseEnterpriseAccountId(accountId)?.certificateSerial;
  return {
    action: 'signin',
    actor: sessionActor(accountId),
    subject: sessionSubject(accountId),
    client: clientId,
    outcome: 'success',
    requestId: requestIdOfContext(ctx),
    details: {
      acr: oidc.acr ?? '',
      amr: (oidc.amr ?? []).join(' '),
      sso: true,
      ...(serial ? { certificate: serial } : {}),
    },
  };
}

/** A refused token request (an expired or reused code or refresh token, a bad client…): no account named. */
export function tokenRefusedEvent(ctx: KoaContextWithOIDC, err: { error?: string }): AuditEvent {
  const clientId = ctx.oidc?.client?.clientId;
  return {
    action: 'token.grant',
    actor: clientId ? { kind: 'client', id: clientId } : { kind: 'system', id: 'anonymous' },
    outcome: 'refused',
    ...(clientId ? { client: clientId } : {}),
    requestId: requestIdOfContext(ctx),
    details: { grant_type: grantTypeOf(ctx), error: String(err.error ?? 'server_error') },
  };
}

/**
 * A sign-out at tongban (RP-initiated logout, from oidc-provider's `end_session.success`): from every
 * portal (`logout` ticked) or from the one that asked. None when nobody was signed in.
 */
export function signOutEvent(ctx: KoaContextWithOIDC): AuditEvent | undefined {
  const accountId = ctx.oidc?.session?.accountId;
  if (!accountId) return undefined;
  const clientId = ctx.oidc.client?.clientId;
  return {
    action: 'signout',
    actor: sessionActor(accountId),
    subject: sessionSubject(accountId),
    ...(clientId ? { client: clientId } : {}),
    outcome: 'success',
    requestId: requestIdOfContext(ctx),
    details: { everywhere: Boolean(ctx.oidc.params?.logout) },
  };
}

function grantTypeOf(ctx: KoaContextWithOIDC): string {
  const grantType = ctx.oidc?.params?.grant_type;
  return typeof grantType === 'string' ? grantType : '';
}
