import { Module } from '@nestjs/common';
import { ClientStoreModule } from '../../clients/client-store.module.js';
import { LicenceTypesController, TypeMetadataController } from './licence-types.controller.js';
import { LicenceTypesService } from './licence-types.service.js';

/**
 * The licence-type catalogue: LicenceTypesService owns `licence_types`; which clients may issue
 * which types it asks ClientStore. Kept apart from the licences module so that client
 * registration (which checks the types it is given) and the CLI can load it alone.
 */
@Module({
  imports: [ClientStoreModule],
  controllers: [LicenceTypesController, TypeMetadataController],
  providers: [LicenceTypesService],
  exports: [LicenceTypesService],
})
export class LicenceTypesModule {}
