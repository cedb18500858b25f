import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PkiModule } from '../pki/pki.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { SealsController } from './seals.controller.js';
import { SealsService } from './seals.service.js';

/** Electronic seals (design §8): making, listing and revoking them, and their status for verifiers. */
@Module({
  imports: [AuthModule, PkiModule, RegistryModule],
  controllers: [SealsController],
  providers: [SealsService],
  exports: [SealsService],
})
export class SealsModule {}
