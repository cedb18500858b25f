import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { ClientStoreModule } from '../clients/client-store.module.js';
import { EnterpriseLoginModule } from '../enterprise-login/enterprise-login.module.js';
import { PkiModule } from '../pki/pki.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { AccountClaims } from './account-claims.js';
import { ConsentsService } from './consents.service.js';
import { CsrfTokens } from './csrf.js';
import { InteractionsController } from './interactions.controller.js';
import { OidcProviderService } from './oidc-provider.service.js';
import { OidcSecrets } from './oidc-secrets.js';

/**
 * The OpenID Connect provider (design §5): oidc-provider mounted at the issuer root, its
 * configuration and storage, the claims it releases, and its interactions (the sign-in, code,
 * consent and enterprise pages).
 */
@Module({
  imports: [AccountsModule, ClientStoreModule, EnterpriseLoginModule, PkiModule, RegistryModule],
  controllers: [InteractionsController],
  providers: [OidcProviderService, OidcSecrets, ConsentsService, CsrfTokens, AccountClaims],
  exports: [OidcProviderService, ConsentsService, CsrfTokens],
})
export class OidcModule {}
