import { CanActivate, ExecutionContext, Injectable, Logger, SetMetadata, applyDecorators, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { ApiError } from '../common/api-error.js';
import { ApiAccessToken } from '../common/openapi.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { ApiScope } from './api-scopes.js';
import {
  AccessTokenVerifier,
  DPOP_ALGORITHMS,
  TokenRejected,
  type PresentedToken,
  type VerifiedAccessToken,
} from './access-token.verifier.js';

const SCOPES = 'tongban:required-scopes';
const AUTHORIZATION = /^(Bearer|DPoP) ([A-Za-z0-9._~+/=-]+)$/i;

/**
 * Requires an access token for tongban's API holding every listed scope:
 * `@RequireScopes('registry:write')` on a controller or route. 401 invalid_token without a
 * valid token, 403 insufficient_scope without the scope (RFC 6750 §3.1), 503 unavailable when
 * the token cannot be checked now. The OpenAPI document gets the security requirement (bearer or
 * DPoP, with the scopes) and those answers from here.
 */
export function RequireScopes(...scopes: ApiScope[]) {
  return applyDecorators(SetMetadata(SCOPES, scopes), UseGuards(AccessTokenGuard), ApiAccessToken(...scopes));
}

/** Reads `Authorization: Bearer|DPoP <jwt>` (and a DPoP proof), verifies the token, checks the route's scopes. */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  private readonly logger = new Logger('AccessTokenGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<HttpRequest & { user?: VerifiedAccessToken }>();
    const res = http.getResponse<FastifyReply>();
    let token: VerifiedAccessToken;
    try {
      token = await this.verifier.verify(this.presented(req));
    } catch (err) {
      if (!(err instanceof TokenRejected)) {
        // e.g. the database is down: not the caller's fault, and its token may well be good
        this.logger.error(`access token check failed: ${(err as Error).message}`);
        throw new ApiError(503, 'unavailable', 'the access token cannot be checked now: try again later');
      }
      // RFC 9449 §7.1: problems with a DPoP proof are challenged with the DPoP scheme.
      const scheme = err.code === 'invalid_dpop_proof' ? `DPoP algs="${DPOP_ALGORITHMS.join(' ')}", ` : 'Bearer ';
      res.header('www-authenticate', `${scheme}error="${err.code}", error_description="${err.message.replace(/"/g, "'")}"`);
      throw new ApiError(401, err.code, err.message);
    }
    const required = this.reflector.getAllAndOverride<string[]>(SCOPES, [context.getHandler(), context.getClass()]) ?? [];
    const missing = required.filter((scope) => !token.scopes.has(scope));
    if (missing.length) {
      res.header('www-authenticate', `Bearer error="insufficient_scope", scope="${required.join(' ')}"`);
      throw new ApiError(403, 'insufficient_scope', `this call needs the scope(s) ${missing.join(', ')}`);
    }
    req.user = token;
    return true;
  }

  private presented(req: HttpRequest): PresentedToken {
    const match = AUTHORIZATION.exec(req.headers.authorization ?? '');
    if (!match) throw new TokenRejected('invalid_token', 'an access token is required (Authorization: Bearer <token>)');
    const proof = req.headers.dpop;
    const config = this.config;
    return {
      scheme: match[1].toLowerCase() === 'dpop' ? 'dpop' : 'bearer',
      token: match[2],
      dpopProof: typeof proof === 'string' ? proof : undefined,
      method: req.method,
      // Only a DPoP proof is checked against the URL: made when asked.
      get url() {
        return new URL(req.originalUrl, config.publicUrl).href;
      },
    };
  }
}

/** The verified token of the request (after the guard). */
export function accessTokenOf(req: HttpRequest): VerifiedAccessToken {
  return (req as HttpRequest & { user: VerifiedAccessToken }).user;
}

/** The citizen account a token speaks for (first-party client tokens with the `account` scope); 403 otherwise. */
export function citizenAccountOf(req: HttpRequest): string {
  const accountId = accessTokenOf(req)?.accountId;
  if (!accountId)
    throw new ApiError(403, 'citizen_token_required', 'this call needs a citizen access token (scope account, from a first-party client)');
  return accountId;
}
