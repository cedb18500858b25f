import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { PkiModule } from '../pki/pki.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { EnterpriseChallenges } from './challenges.service.js';
import { LicenceLoginController } from './licence-login.controller.js';
import { LicenceLoginService } from './licence-login.service.js';

/**
 * Enterprise sign-in with the electronic business licence (design §6): one-time challenges, and
 * the endpoint the holder's wallet answers them at. The sign-in page that shows the challenge is
 * an OIDC interaction (src/oidc); it asks EnterpriseChallenges whether the wallet has answered.
 */
@Module({
  imports: [AccountsModule, PkiModule, RegistryModule],
  controllers: [LicenceLoginController],
  providers: [EnterpriseChallenges, LicenceLoginService],
  exports: [EnterpriseChallenges, LicenceLoginService],
})
export class EnterpriseLoginModule {}
