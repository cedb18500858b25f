import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AccountClaims } from './account-claims.js';
import { AccountConsoleController } from './account-console.controller.js';
import { ClientStoreModule } from './client-store.module.js';
import { ClientsController } from './clients.controller.js';
import { ClientsService } from './clients.service.js';
import { ConsentsService } from './consents.service.js';
import { CsrfTokens } from './csrf.js';
import { InteractionsController } from './interactions.controller.js';
import { OidcProviderService } from './oidc-provider.service.js';
import { OidcSecrets } from './oidc-secrets.js';
import { RegisterPageController } from './register-page.controller.js';

/**
 * The OpenID Connect provider (design §5): oidc-provider mounted at the issuer root, its storage,
 * the sign-in pages, the account console, and client management.
 */
@Module({
  imports: [AccountsModule, ClientStoreModule],
  controllers: [InteractionsController, AccountConsoleController, RegisterPageController, ClientsController],
  providers: [OidcProviderService, OidcSecrets, ClientsService, ConsentsService, CsrfTokens, AccountClaims],
  exports: [OidcProviderService, ClientsService],
})
export class OidcModule {}
