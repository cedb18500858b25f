import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { OidcSecrets } from './oidc-secrets.js';

/**
 * CSRF tokens for the sign-in and account forms: an HMAC of what the form belongs to (the
 * interaction, or the session), so nothing needs storing and a token cannot be moved elsewhere.
 */
@Injectable()
export class CsrfTokens {
  constructor(private readonly secrets: OidcSecrets) {}

  issue(binding: string): string {
    return createHmac('sha256', this.secrets.csrfKey).update(binding).digest('base64url');
  }

  check(binding: string, token: unknown): boolean {
    if (typeof token !== 'string' || token.length > 100) return false;
    const expected = Buffer.from(this.issue(binding));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
