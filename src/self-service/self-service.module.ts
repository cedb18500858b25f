import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AccessLogController } from '../audit/access-log.controller.js';
import { AuthModule } from '../auth/auth.module.js';
import { ClientStoreModule } from '../clients/client-store.module.js';
import { LicencesModule } from '../licences/licences.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { AccessLog } from './access-log.js';
import { AccessLogPageController } from './access-log.controller.js';
import { AccountConsoleController } from './account-console.controller.js';
import { AccountLicences } from './account-licences.js';
import { AccountLicencesController } from './account-licences.controller.js';
import { AccountSessions } from './account-sessions.js';
import { RegisterPageController } from './register-page.controller.js';

/**
 * The citizen's own pages that are not sign-in steps: registration (`/register`) and the account
 * console (`/account`), which signs in through the provider like any portal, as tongban's
 * first-party client. 我的证照 (the citizen's licences, their files, 亮证) is part of the account
 * console, through the licences module's holder services. 谁用了我的身份信息 (the citizen's access
 * log) too: its page here, its API (`GET /api/v1/me/access-log`, src/audit/access-log.controller.ts)
 * beside it, both reading the audit log through AccessLog.
 */
@Module({
  imports: [AccountsModule, AuthModule, ClientStoreModule, OidcModule, LicencesModule, RegistryModule],
  controllers: [AccountConsoleController, AccountLicencesController, AccessLogPageController, AccessLogController, RegisterPageController],
  providers: [AccountSessions, AccountLicences, AccessLog],
})
export class SelfServiceModule {}
