import { DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module.js';
import { AuditModule } from './audit/audit.module.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DemoModule } from './demo/demo.module.js';
import { HealthModule } from './health/health.module.js';
import { IdentifiersModule } from './identifiers/identifiers.module.js';
import { KeysModule } from './keys/keys.module.js';
import { LicencesModule } from './licences/licences.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { EnterpriseLoginModule } from './enterprise-login/enterprise-login.module.js';
import { OidcModule } from './oidc/oidc.module.js';
import { PkiModule } from './pki/pki.module.js';
import { RegistryModule } from './registry/registry.module.js';
import { SealsModule } from './seals/seals.module.js';
import { SelfServiceModule } from './self-service/self-service.module.js';
import { SiteModule } from './site/site.module.js';
import { VerificationModule } from './verification/verification.module.js';

/** The whole service. The CLI builds a smaller context from the same modules (src/cli/cli.module.ts). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ role: 'service', migrate: true }),
        KeysModule,
        AuditModule,
        HealthModule,
        IdentifiersModule,
        RegistryModule,
        PkiModule,
        AccountsModule,
        OidcModule,
        ClientsModule,
        EnterpriseLoginModule,
        SelfServiceModule,
        SiteModule,
        LicencesModule,
        SealsModule,
        VerificationModule,
        ...(config.demo ? [DemoModule] : []),
      ],
    };
  }
}
