import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseEnterpriseAccountId } from '../enterprise-login/enterprise-account.js';
import { OidcProviderService } from '../oidc/oidc-provider.service.js';
import { endSession, type PortalLogout } from '../oidc/switch-account.js';

/** One of a person's oidc-provider sessions (a browser signed in), as the account page lists it. */
export interface AccountSession {
  uid: string;
  /** When the person signed in (the session's loginTs). */
  startedAt?: Date;
  acr?: string;
  amr: string[];
  /** The enterprise the person acts for in this session (USCC), if any. */
  enterpriseUscc?: string;
  /** The portals signed in to through it (client ids, in the order the session holds them). */
  clientIds: string[];
}

export type { PortalLogout } from '../oidc/switch-account.js';

/** At most this many sessions are listed (a person rarely has more than a few). */
const MAX_SESSIONS = 50;

/**
 * A person's sessions at tongban's OpenID provider, read from where the provider's adapter keeps
 * them (`oidc_payloads`, kind `Session`, indexed by the person: see the sign-in-history
 * migration), and ended one at a time — "sign out this session" on the account page.
 */
@Injectable()
export class AccountSessions {
  private readonly logger = new Logger('account-sessions');

  constructor(
    private readonly dataSource: DataSource,
    private readonly oidc: OidcProviderService,
  ) {}

  /** The person's live sessions, newest sign-in first: their own and those in which they act for an enterprise. */
  async list(personAccountId: string): Promise<AccountSession[]> {
    const rows = await this.dataSource.query<Array<{ payload: Record<string, unknown> }>>(
      `SELECT payload FROM oidc_payloads
        WHERE kind = 'Session'
          AND (CASE WHEN payload->>'accountId' LIKE 'enterprise:%' THEN split_part(payload->>'accountId', ':', 3)
                    ELSE payload->>'accountId' END) = $1
          AND (expires_at IS NULL OR expires_at > now())
        LIMIT $2`,
      [personAccountId, MAX_SESSIONS],
    );
    return rows
      .map(({ payload }) => toSession(payload))
      .filter((s): s is AccountSession => s !== undefined)
      .sort((a, b) => (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0));
  }

  /**
   * Ends one of the person's sessions as "sign out everywhere" ends a session (and as 不是您？
   * does): every portal of it that registered a back-channel logout endpoint is sent a logout
   * token (and ends its own session for the person, if it implements the endpoint), the grants
   * that do not outlive the session are revoked with their tokens, and the session is destroyed
   * — the browser holding it is signed out at its next request. Says what happened for each
   * portal; undefined when the session is not (or no longer) one of this person's.
   */
  /** Ends one of the person's sessions as "sign out everywhere" would (see endSession); undefined when it is not theirs. */
  end(personAccountId: string, uid: string): Promise<PortalLogout[] | undefined> {
    return endSession(
      this.oidc.provider,
      uid,
      (message) => this.logger.warn(message),
      (accountId) => accountId !== undefined && personOf(accountId) === personAccountId,
    );
  }
}

/** The person behind a session's accountId (in an enterprise session: the one acting). */
function personOf(accountId: string): string {
  return parseEnterpriseAccountId(accountId)?.personAccountId ?? accountId;
}

function toSession(payload: Record<string, unknown>): AccountSession | undefined {
  const uid = payload.uid;
  const accountId = payload.accountId;
  if (typeof uid !== 'string' || typeof accountId !== 'string') return undefined;
  const loginTs = typeof payload.loginTs === 'number' ? payload.loginTs : undefined;
  const authorizations = payload.authorizations && typeof payload.authorizations === 'object' ? payload.authorizations : {};
  return {
    uid,
    startedAt: loginTs ? new Date(loginTs * 1000) : undefined,
    acr: typeof payload.acr === 'string' ? payload.acr : undefined,
    amr: Array.isArray(payload.amr) ? payload.amr.filter((m): m is string => typeof m === 'string') : [],
    enterpriseUscc: parseEnterpriseAccountId(accountId)?.uscc,
    clientIds: Object.keys(authorizations),
  };
}
