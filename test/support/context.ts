import './silent.js';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AccountsModule } from '../../src/accounts/accounts.module.js';
import type { AppConfig } from '../../src/config/config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { KeysModule } from '../../src/keys/keys.module.js';
import { PkiModule } from '../../src/pki/pki.module.js';
import { RegistryModule } from '../../src/registry/registry.module.js';

@Module({})
class ServicesModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ServicesModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ role: 'test', migrate: true }),
        KeysModule,
        RegistryModule,
        AccountsModule,
        PkiModule,
      ],
    };
  }
}

/** The service's modules without HTTP, on the test's own database and key directory. */
export async function openServices(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(ServicesModule.forRoot(config), { logger: false, abortOnError: false });
  await app.init();
  return app;
}
