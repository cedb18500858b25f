import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PkiModule } from '../pki/pki.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { BusinessLicenceService } from './business-licence.service.js';
import { LicencesController } from './licences.controller.js';
import { LicenceTypesModule } from './types/licence-types.module.js';

/** Electronic licences (design §7): the licence-type catalogue, and the electronic business licence. */
@Module({
  imports: [AuthModule, PkiModule, RegistryModule, LicenceTypesModule],
  controllers: [LicencesController],
  providers: [BusinessLicenceService],
  exports: [BusinessLicenceService, LicenceTypesModule],
})
export class LicencesModule {}
