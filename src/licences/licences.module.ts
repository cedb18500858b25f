import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ClientStoreModule } from '../clients/client-store.module.js';
import { PkiModule } from '../pki/pki.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { SealsModule } from '../seals/seals.module.js';
import { BusinessLicenceService } from './business-licence.service.js';
import { LICENCE_LOOKUP, LicenceCheckPageController } from './check-page/index.js';
import { HOLDER_CONTROLLERS, HOLDER_EXPORTS, HOLDER_PROVIDERS } from './holders/index.js';
import { LicenceIssuanceController } from './issuance/licences.controller.js';
import { LicencesService } from './issuance/licences.service.js';
import { LicencesController } from './licences.controller.js';
import { StatusListsController } from './status/status-lists.controller.js';
import { StatusListsService } from './status/status-lists.service.js';
import { StatusSigner } from './status/status-signer.js';
import { LicenceTypesModule } from './types/licence-types.module.js';

/**
 * Electronic licences (design §7): the licence-type catalogue, issuance of SD-JWT VCs and their
 * lifecycle (LicencesService), the status lists, the public check page, the electronic
 * business licence, and the holders' side (src/licences/holders: GET /api/v1/me/licences, the
 * licence files, 亮证 shares and their page /s/{token}).
 */
@Module({
  imports: [AuthModule, PkiModule, RegistryModule, LicenceTypesModule, ClientStoreModule, AccountsModule, SealsModule],
  controllers: [LicencesController, LicenceIssuanceController, StatusListsController, LicenceCheckPageController, ...HOLDER_CONTROLLERS],
  providers: [
    BusinessLicenceService,
    LicencesService,
    StatusListsService,
    StatusSigner,
    // The public check page GET /v/{id} reads licences through LicencesService.publicView.
    { provide: LICENCE_LOOKUP, useExisting: LicencesService },
    ...HOLDER_PROVIDERS,
  ],
  exports: [BusinessLicenceService, LicencesService, StatusListsService, LicenceTypesModule, ...HOLDER_EXPORTS],
})
export class LicencesModule {}
