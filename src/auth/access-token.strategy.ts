import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { HttpRequest } from '../common/http.js';
import { Strategy } from 'passport-custom';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { AccessTokenVerifier, TokenRejected, type VerifiedAccessToken } from './access-token.verifier.js';

/** Passport strategy "access-token": reads `Authorization: Bearer|DPoP <jwt>` and verifies it. */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, 'access-token') {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  async validate(req: HttpRequest): Promise<VerifiedAccessToken> {
    const header = req.headers.authorization ?? '';
    const match = /^(Bearer|DPoP) ([A-Za-z0-9._~+/=-]+)$/i.exec(header);
    if (!match) throw new TokenRejected('invalid_token', 'an access token is required (Authorization: Bearer <token>)');
    const proof = req.headers.dpop;
    return this.verifier.verify({
      scheme: match[1]!.toLowerCase() === 'dpop' ? 'dpop' : 'bearer',
      token: match[2]!,
      dpopProof: typeof proof === 'string' ? proof : undefined,
      method: req.method,
      url: new URL(req.originalUrl, this.config.publicUrl).href,
    });
  }
}
