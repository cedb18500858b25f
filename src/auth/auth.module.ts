import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccessTokenStrategy } from './access-token.strategy.js';
import { AccessTokenVerifier } from './access-token.verifier.js';

/** Access-token checks for tongban's own API (`PUBLIC_URL/api`), used by every protected /api/v1 route. */
@Global()
@Module({
  imports: [PassportModule],
  providers: [AccessTokenVerifier, AccessTokenStrategy, AccessTokenGuard],
  exports: [AccessTokenVerifier, AccessTokenGuard],
})
export class AuthModule {}
