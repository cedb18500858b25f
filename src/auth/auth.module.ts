import { Global, Module } from '@nestjs/common';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccessTokenVerifier } from './access-token.verifier.js';

/** Access-token checks for tongban's own API (`PUBLIC_URL/api`), used by every protected /api/v1 route. */
@Global()
@Module({
  providers: [AccessTokenVerifier, AccessTokenGuard],
  exports: [AccessTokenVerifier, AccessTokenGuard],
})
export class AuthModule {}
