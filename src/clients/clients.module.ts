import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { LicenceTypesModule } from '../licences/types/licence-types.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { ClientStoreModule } from './client-store.module.js';
import { ClientsController } from './clients.controller.js';
import { ClientsService } from './clients.service.js';

/**
 * Client management: portals (authorization code) and service clients (client credentials),
 * registered by operators (CLI) or through `/api/v1/clients`. Metadata is checked by the OpenID
 * provider's own validation before ClientStore keeps it. An issuing authority's licence types are
 * checked against the licence-type catalogue.
 */
@Module({
  imports: [ClientStoreModule, AuthModule, OidcModule, LicenceTypesModule],
  controllers: [ClientsController],
  providers: [ClientsService],
  exports: [ClientsService],
})
export class ClientsModule {}
