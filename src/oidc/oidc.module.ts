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
import { EnterpriseChallenges } from './enterprise/challenges.service.js';
import { LicenceLoginController } from './enterprise/licence-login.controller.js';
import { LicenceLoginService } from './enterprise/licence-login.service.js';
import { PkiModule } from '../pki/pki.module.js';
import { RegistryModule } from '../registry/registry.module.js';

/**
 * The OpenID Connect provider (design §5): oidc-provider mounted at the issuer root, its storage,
 * the sign-in pages, the account console, and client management.
 */
@Module({
  imports: [AccountsModule, ClientStoreModule, PkiModule, RegistryModule],
  controllers: [InteractionsController, AccountConsoleController, RegisterPageController, ClientsController, LicenceLoginController],
  providers: [OidcProviderService, OidcSecrets, ClientsService, EnterpriseChallenges, LicenceLoginService, ConsentsService, CsrfTokens, AccountClaims],
  exports: [OidcProviderService, ClientsService],
})
export class OidcModule {}
