import { Module } from '@nestjs/common';
import { ClientStoreModule } from '../clients/client-store.module.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccessTokenVerifier } from './access-token.verifier.js';

/**
 * Access-token checks for tongban's own API (`PUBLIC_URL/api`). Every module whose controllers
 * use `@RequireScopes` imports it (the guard is instantiated in that module).
 */
@Module({
  imports: [ClientStoreModule],
  providers: [AccessTokenVerifier, AccessTokenGuard],
  exports: [AccessTokenVerifier, AccessTokenGuard],
})
export class AuthModule {}
