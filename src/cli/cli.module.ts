import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { isEmbedded, type AppConfig } from '../config/config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { RegistryModule } from '../registry/registry.module.js';

/**
 * The CLI's application context: the service's modules without HTTP. Without `database`, only
 * the key store is loaded (key commands must work before any database exists); `oidc` adds the
 * client management module (with the OpenID provider it validates metadata with).
 */
@Module({})
export class CliModule {
  static async forRoot(
    config: AppConfig,
    options: { database: boolean; oidc?: boolean; licences?: boolean; pki?: boolean; seals?: boolean; licenceTypes?: boolean },
  ): Promise<DynamicModule> {
    const imports: DynamicModule['imports'] = [ConfigModule.forRoot(config), KeysModule];
    // Imported on demand: oidc-provider is heavy and warns about the Node version when loaded.
    if (options.oidc) imports.push((await import('../clients/clients.module.js')).ClientsModule);
    if (options.licences) imports.push((await import('../licences/licences.module.js')).LicencesModule);
    if (options.database) {
      // On PGlite the CLI is the only user of its database, so it brings the schema up to date
      // itself; on a shared PostgreSQL server that stays an explicit `tongban db migrate`.
      imports.push(
        DatabaseModule.forRoot({ role: `cli (${process.argv.slice(2, 4).join(' ')})`, migrate: isEmbedded(config) }),
        AuditModule,
        RegistryModule,
      );
      // The PKI follows the register: an enterprise cancelled by an import here has its licences
      // revoked. Loaded only when needed (a citizens import of millions of rows stays lean).
      if (options.pki) imports.push((await import('../pki/pki.module.js')).PkiModule);
      // Seals too (made and revoked here, and revoked when the register cancels their enterprise).
      if (options.seals || options.pki) imports.push((await import('../seals/seals.module.js')).SealsModule);
      // The licence-type catalogue alone (the whole licences module brings the PKI).
      if (options.licenceTypes) imports.push((await import('../licences/types/licence-types.module.js')).LicenceTypesModule);
    }
    return { module: CliModule, imports };
  }
}
