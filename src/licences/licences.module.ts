import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ClientStoreModule } from '../clients/client-store.module.js';
import { PkiModule } from '../pki/pki.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { BusinessLicenceService } from './business-licence.service.js';
import { LICENCE_LOOKUP, LicenceCheckPageController } from './check-page/index.js';
import { LicenceIssuanceController } from './issuance/licences.controller.js';
import { LicencesService } from './issuance/licences.service.js';
import { LicencesController } from './licences.controller.js';
import { StatusListsController } from './status/status-lists.controller.js';
import { StatusListsService } from './status/status-lists.service.js';
import { StatusSigner } from './status/status-signer.js';
import { LicenceTypesModule } from './types/licence-types.module.js';

/**
 * Electronic licences (design §7): the licence-type catalogue, issuance of SD-JWT VCs and their
 * lifecycle (LicencesService), the status lists, the public check page, and the electronic
 * business licence.
 */
@Module({
  imports: [AuthModule, PkiModule, RegistryModule, LicenceTypesModule, ClientStoreModule],
  controllers: [LicencesController, LicenceIssuanceController, StatusListsController, LicenceCheckPageController],
  providers: [
    BusinessLicenceService,
    LicencesService,
    StatusListsService,
    StatusSigner,
    // The public check page GET /v/{id} reads licences through LicencesService.publicView.
    { provide: LICENCE_LOOKUP, useExisting: LicencesService },
  ],
  exports: [BusinessLicenceService, LicencesService, StatusListsService, LicenceTypesModule],
})
export class LicencesModule {}
