import { Module } from '@nestjs/common';
import { ClientStoreModule } from '../clients/client-store.module.js';
import { LicencesModule } from '../licences/licences.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { DemoLicences } from './demo-licences.js';
import { DemoService } from './demo.service.js';
import { DemoPortalsController } from './portals/demo-portals.controller.js';
import { DemoPortalsService } from './portals/demo-portals.service.js';

/** DEMO=1: demo registry data, two demo portals signing in with this service, and a demo licence authority with a licence it issued. */
@Module({
  imports: [RegistryModule, ClientStoreModule, OidcModule, LicencesModule],
  controllers: [DemoPortalsController],
  providers: [DemoService, DemoPortalsService, DemoLicences],
  exports: [DemoService],
})
export class DemoModule {}
