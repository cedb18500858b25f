import { ExecutionContext, Injectable, SetMetadata, applyDecorators, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { ApiError } from '../common/api-error.js';
import type { ApiScope } from './api-scopes.js';
import { DPOP_ALGORITHMS, TokenRejected, type VerifiedAccessToken } from './access-token.verifier.js';

const SCOPES = 'tongban:required-scopes';

/**
 * Requires an access token for tongban's API holding every listed scope:
 * `@RequireScopes('registry:write')` on a controller or route. 401 invalid_token without a
 * valid token, 403 insufficient_scope without the scope (RFC 6750 §3.1).
 */
export function RequireScopes(...scopes: ApiScope[]) {
  return applyDecorators(SetMetadata(SCOPES, scopes), UseGuards(AccessTokenGuard), ApiBearerAuth());
}

@Injectable()
export class AccessTokenGuard extends AuthGuard('access-token') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override handleRequest<T = VerifiedAccessToken>(err: unknown, user: T, _info: unknown, context: ExecutionContext): T {
    const res = context.switchToHttp().getResponse<FastifyReply>();
    if (err || !user) {
      const rejected = err instanceof TokenRejected ? err : new TokenRejected('invalid_token', 'an access token is required');
      // RFC 9449 §7.1: problems with a DPoP proof are challenged with the DPoP scheme.
      const scheme = rejected.code === 'invalid_dpop_proof' ? `DPoP algs="${DPOP_ALGORITHMS.join(' ')}", ` : 'Bearer ';
      res.header('www-authenticate', `${scheme}error="${rejected.code}", error_description="${rejected.message.replace(/"/g, "'")}"`);
      throw new ApiError(401, rejected.code, rejected.message);
    }
    const required = this.reflector.getAllAndOverride<string[]>(SCOPES, [context.getHandler(), context.getClass()]) ?? [];
    const token = user as unknown as VerifiedAccessToken;
    const missing = required.filter((scope) => !token.scopes.has(scope));
    if (missing.length) {
      res.header('www-authenticate', `Bearer error="insufficient_scope", scope="${required.join(' ')}"`);
      throw new ApiError(403, 'insufficient_scope', `this call needs the scope(s) ${missing.join(', ')}`);
    }
    return user;
  }
}

/** The verified token of the request (after the guard). */
export function accessTokenOf(req: HttpRequest): VerifiedAccessToken {
  return (req as HttpRequest & { user: VerifiedAccessToken }).user;
}

/** The citizen account a token speaks for (first-party client tokens with the `account` scope); 403 otherwise. */
export function citizenAccountOf(req: HttpRequest): string {
  const accountId = accessTokenOf(req)?.accountId;
  if (!accountId) throw new ApiError(403, 'citizen_token_required', 'this call needs a citizen access token (scope account, from a first-party client)');
  return accountId;
}
