import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PkiModule } from '../pki/pki.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { BusinessLicenceService } from './business-licence.service.js';
import { LicencesController } from './licences.controller.js';

/** Electronic licences (design §7); for now the electronic business licence. */
@Module({
  imports: [AuthModule, PkiModule, RegistryModule],
  controllers: [LicencesController],
  providers: [BusinessLicenceService],
  exports: [BusinessLicenceService],
})
export class LicencesModule {}
