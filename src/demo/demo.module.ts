import { Module } from '@nestjs/common';
import { ClientStoreModule } from '../clients/client-store.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { DemoService } from './demo.service.js';
import { DemoPortalsController } from './portals/demo-portals.controller.js';
import { DemoPortalsService } from './portals/demo-portals.service.js';

/** DEMO=1: demo registry data, and two demo portals signing in with this service. */
@Module({
  imports: [RegistryModule, ClientStoreModule, OidcModule],
  controllers: [DemoPortalsController],
  providers: [DemoService, DemoPortalsService],
  exports: [DemoService],
})
export class DemoModule {}
