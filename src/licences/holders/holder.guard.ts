import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccountsService } from '../../accounts/accounts.service.js';
import { EnterpriseAgentsService } from '../../accounts/enterprise-agents.service.js';
import { AccessTokenGuard, accessTokenOf } from '../../auth/access-token.guard.js';
import type { VerifiedAccessToken } from '../../auth/access-token.verifier.js';
import { ApiError } from '../../common/api-error.js';
import type { HttpRequest } from '../../common/http.js';
import { ApiAccessToken, ApiErrors } from '../../common/openapi.js';
import { parseEnterpriseAccountId } from '../../enterprise-login/enterprise-account.js';
import { PkiService } from '../../pki/pki.service.js';
import { RegistryService } from '../../registry/registry.service.js';
import type { Holder } from './holder.js';
import { WALLET_PROOF_SCHEME, WalletProofs } from './wallet-proof.js';

/** The scope of the holder routes. */
export const HOLDER_SCOPE = 'licences';
/** AccessTokenGuard's metadata key for the scopes a route needs (src/auth/access-token.guard.ts). */
const REQUIRED_SCOPES = 'tongban:required-scopes';
const WALLET = new RegExp(`^${WALLET_PROOF_SCHEME} ([A-Za-z0-9._-]+)$`, 'i');

/**
 * The holder routes (`/api/v1/me/licences…`): a holder's access token with the scope `licences`,
 * or an enterprise wallet's proof (`Authorization: Wallet …`, wallet-proof.ts). The OpenAPI
 * document gets both security requirements and the answers of either.
 */
export function RequireHolder() {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, [HOLDER_SCOPE]),
    UseGuards(HolderGuard),
    ApiAccessToken(HOLDER_SCOPE),
    ApiSecurity({ wallet: [] }),
    ApiErrors({
      401: [
        { error: 'invalid_wallet_proof', message: 'the wallet proof is for another request (htm, htu)' },
        { error: 'certificate_revoked', message: 'the wallet’s licence certificate was not accepted (REVOKED)' },
      ],
      403: [
        {
          error: 'holder_token_required',
          message:
            'this access token names no holder: a holder’s app (a client with public subjects) signs the citizen or the enterprise in for the scope licences',
        },
        { error: 'holder_not_active', message: 'the enterprise 91350100MA2YTB8K4L is not active in the register' },
      ],
      503: [{ error: 'try_later', message: 'whether the licence certificate is revoked cannot be known now: try again later' }],
    }),
  );
}

/** Text for a quoted header parameter: visible ASCII only (RFC 9110 §5.5), the quotes made apostrophes. */
function headerText(text: string): string {
  return text
    .replace(/[\u2018\u2019"]/g, "'")
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\\/g, '/');
}

/** The holder a request speaks for (after HolderGuard). */
export function holderOf(req: HttpRequest): Holder {
  return (req as HttpRequest & { holder: Holder }).holder;
}

/**
 * Finds the holder of a holder route's request. A wallet proof names an enterprise. An access
 * token goes through tongban's AccessTokenGuard (signature, audience, expiry, DPoP, the client
 * still registered, the scope `licences`) and then names its holder by its subject — which only a
 * client with public subjects sees as the account itself:
 *
 * - a citizen's account (`sub` the account id) → the citizen, while the account is active;
 * - an enterprise session (`sub` `enterprise:<USCC>:<person>:<certificate>`, design §5) → the
 *   enterprise, while it is active, the person still acting for it and the licence they signed in
 *   with still good (as the session itself lasts);
 * - a pairwise subject, or a client's own token (`sub` its client_id) names no holder: 403
 *   holder_token_required. This is deliberate: the answer holds every claim of every licence, the
 *   holder's own copy; a portal, which sees the citizen under a pairwise subject, is shown a
 *   licence by the holder (亮证) with the claims they choose, never the whole of it.
 */
@Injectable()
export class HolderGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokenGuard,
    private readonly proofs: WalletProofs,
    private readonly accounts: AccountsService,
    private readonly agents: EnterpriseAgentsService,
    private readonly registry: RegistryService,
    private readonly pki: PkiService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<HttpRequest & { holder?: Holder }>();
    const res = http.getResponse<FastifyReply>();
    const wallet = WALLET.exec(req.headers.authorization ?? '');
    if (wallet) {
      try {
        req.holder = await this.proofs.verify(wallet[1], { method: req.method, originalUrl: req.originalUrl });
      } catch (err) {
        const body = err instanceof ApiError ? (err.getResponse() as { error: string; message: string }) : undefined;
        if (body && err instanceof ApiError && err.getStatus() === 401)
          void res.header(
            'www-authenticate',
            `${WALLET_PROOF_SCHEME} error="${body.error}", error_description="${headerText(body.message)}"`,
          );
        throw err;
      }
      return true;
    }
    await this.tokens.canActivate(context);
    const token = accessTokenOf(req);
    // AccessTokenGuard checked the scope from the route's metadata; checked here again, whatever that says.
    if (!token.scopes.has(HOLDER_SCOPE)) {
      void res.header('www-authenticate', `Bearer error="insufficient_scope", scope="${HOLDER_SCOPE}"`);
      throw new ApiError(403, 'insufficient_scope', `this call needs the scope(s) ${HOLDER_SCOPE}`);
    }
    req.holder = await this.holderOfToken(token);
    return true;
  }

  private async holderOfToken(token: VerifiedAccessToken): Promise<Holder> {
    const accountId = token.accountId;
    if (!accountId)
      throw new ApiError(
        403,
        'holder_token_required',
        token.subject === token.clientId
          ? 'this access token is the client’s own (client credentials): it names no holder; the holder signs in through the client for the scope licences'
          : 'this access token names no holder: its client sees pairwise subjects. The holder’s own licences are for a holder’s app (a client with public subjects); a portal asks the holder to show a licence (a share) instead',
      );
    const actor = parseEnterpriseAccountId(accountId);
    if (actor) {
      const [enterprise, person, authorisation, certificate] = await Promise.all([
        this.registry.findEnterprise(actor.uscc),
        this.accounts.findById(actor.personAccountId),
        this.agents.authorisationFor(actor.uscc, actor.personAccountId),
        this.pki.certificate(actor.certificateSerial),
      ]);
      if (!enterprise || enterprise.status !== 'active')
        throw new ApiError(403, 'holder_not_active', `the enterprise ${actor.uscc} is not active in the register`);
      if (!person || person.status !== 'active' || !authorisation)
        throw new ApiError(403, 'not_authorised', 'the person who signed in no longer acts for this enterprise');
      if (!certificate || certificate.status !== 'good' || certificate.notAfter.getTime() <= Date.now())
        throw new ApiError(403, 'not_authorised', 'the licence the enterprise signed in with is no longer good');
      return { kind: 'enterprise', uscc: enterprise.uscc };
    }
    const account = await this.accounts.findById(accountId);
    if (!account) throw new ApiError(401, 'invalid_token', 'the account this access token was issued for no longer exists');
    if (account.status !== 'active') throw new ApiError(403, 'holder_not_active', 'the citizen is not active in the population register');
    return { kind: 'citizen', accountId: account.id, registryCitizenId: account.registryCitizenId };
  }
}
