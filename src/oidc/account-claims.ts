import { Injectable, Optional } from '@nestjs/common';
import type { Account, AccountClaims as Claims } from 'oidc-provider';
import { AccountsService } from '../accounts/accounts.service.js';
import type { AuditEvent } from '../audit/audit-event.js';
import { AuditService } from '../audit/audit.service.js';
import { EnterpriseAgentsService } from '../accounts/enterprise-agents.service.js';
import { PkiService } from '../pki/pki.service.js';
import { RegistryService } from '../registry/registry.service.js';
import { parseEnterpriseAccountId, type EnterpriseActor } from '../enterprise-login/enterprise-account.js';
import { OidcSecrets } from './oidc-secrets.js';
import { subjectClient } from './provider-config.js';
import { subjectFor } from './subjects.js';

type ClientLike = Parameters<typeof subjectClient>[0];

/** On a citizen's Account: two-step sign-in is on, so a session without a one-time code is not enough. */
const SECOND_FACTOR_ON = 'tongbanSecondFactorOn';

/** Whether the account oidc-provider loaded is a citizen's with two-step sign-in on. */
export function secondFactorOn(account: Account | undefined): boolean {
  return account?.[SECOND_FACTOR_ON] === true;
}

/**
 * What oidc-provider learns about an account: the claims of each scope, read fresh from the
 * account and the registry every time (a citizen marked deceased stops getting tokens).
 * `id_number` is decrypted only when the token's scope holds it, which only clients registered
 * for that scope can request. An enterprise session (design §5) has the enterprise as subject and
 * the acting person in `act`; it lasts only while the enterprise is active, the person still
 * authorised for it and the licence certificate they presented still good.
 */
@Injectable()
export class AccountClaims {
  constructor(
    private readonly accounts: AccountsService,
    private readonly registry: RegistryService,
    private readonly agents: EnterpriseAgentsService,
    private readonly secrets: OidcSecrets,
    private readonly pki: PkiService,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /** `requestId`: the token or userinfo request's, for the audit entry of an `id_number` released. */
  async find(accountId: string, client?: ClientLike, requestId?: string): Promise<Account | undefined> {
    const actor = parseEnterpriseAccountId(accountId);
    if (actor) return this.enterprise(accountId, actor, client);
    const account = await this.accounts.findById(accountId);
    if (!account || account.status !== 'active') return undefined;
    return {
      accountId,
      [SECOND_FACTOR_ON]: account.totpEnabled,
      claims: async (use, scope): Promise<Claims> => {
        const scopes = new Set(scope.split(' '));
        // Each release of the ID number to a portal is in the citizen's access log (issue 14).
        if (scopes.has('id_number') && client) this.audit?.record(idNumberRelease(accountId, client.clientId, use, requestId));
        return {
          sub: accountId,
          account_type: 'citizen',
          name: account.name,
          id_number_masked: account.idNumberMasked,
          ...(scopes.has('id_number') ? { id_number: await this.accounts.revealIdNumber(accountId) } : {}),
        };
      },
    };
  }

  private async enterprise(accountId: string, actor: EnterpriseActor, client?: ClientLike): Promise<Account | undefined> {
    const [enterprise, person, authorisation, certificate] = await Promise.all([
      this.registry.findEnterprise(actor.uscc),
      this.accounts.findById(actor.personAccountId),
      this.agents.authorisationFor(actor.uscc, actor.personAccountId),
      this.pki.certificate(actor.certificateSerial),
    ]);
    if (!enterprise || enterprise.status !== 'active' || !person || person.status !== 'active' || !authorisation) return undefined;
    // The licence presented at sign-in must still be good: revoking it ends the enterprise session.
    if (!certificate || certificate.status !== 'good' || certificate.notAfter.getTime() <= Date.now()) return undefined;
    const personSub = client ? subjectFor(this.secrets.pairwiseSalt, subjectClient(client), actor.personAccountId) : actor.personAccountId;
    return {
      accountId,
      claims: (): Claims => ({
        sub: accountId,
        account_type: 'enterprise',
        name: enterprise.name,
        uscc: enterprise.uscc,
        enterprise_name: enterprise.name,
        act: { sub: personSub, name: person.name, role: authorisation.role },
      }),
    };
  }
}

/** The ID number released to a portal (in an ID token or at userinfo): the portal acted, the citizen is concerned. */
function idNumberRelease(accountId: string, clientId: string, use: string, requestId: string | undefined): AuditEvent {
  const subject = { kind: 'account', id: accountId } as const;
  return {
    action: 'claim.id_number.release',
    actor: { kind: 'client', id: clientId },
    subject,
    client: clientId,
    outcome: 'success',
    requestId,
    details: { use },
  };
}
