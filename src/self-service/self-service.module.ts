import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { ClientStoreModule } from '../clients/client-store.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { AccountConsoleController } from './account-console.controller.js';
import { AccountSessions } from './account-sessions.js';
import { RegisterPageController } from './register-page.controller.js';

/**
 * The citizen's own pages that are not sign-in steps: registration (`/register`) and the account
 * console (`/account`), which signs in through the provider like any portal, as tongban's
 * first-party client.
 */
@Module({
  imports: [AccountsModule, ClientStoreModule, OidcModule],
  controllers: [AccountConsoleController, RegisterPageController],
  providers: [AccountSessions],
})
export class SelfServiceModule {}
