import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { IdentifiersModule } from '../identifiers/identifiers.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { AccountsController } from './accounts.controller.js';
import { AgentsController } from './agents.controller.js';
import { AccountsService } from './accounts.service.js';
import { DemoAccounts } from './demo-accounts.js';
import { EnterpriseAgentsService } from './enterprise-agents.service.js';
import { IpWindows } from './ip-windows.js';
import { Lockout } from './lockout.js';
import { LoginPrefill } from './login-prefill.js';

@Module({
  imports: [AuthModule, RegistryModule, IdentifiersModule],
  controllers: [AccountsController, AgentsController],
  providers: [AccountsService, IpWindows, Lockout, DemoAccounts, EnterpriseAgentsService, LoginPrefill],
  exports: [AccountsService, IpWindows, EnterpriseAgentsService, LoginPrefill],
})
export class AccountsModule {}
