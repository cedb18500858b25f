import { Global, Module } from '@nestjs/common';
import { IdentifiersModule } from '../identifiers/identifiers.module.js';
import { AuditService } from './audit.service.js';
import { TransparencyController } from './transparency.controller.js';
import { TransparencyService } from './transparency.service.js';
import { TreeHeadSigner } from './tree-head-signer.js';

/** The audit log (issue 14) and its transparency endpoints. Global: every module records events without importing it. */
@Global()
@Module({
  imports: [IdentifiersModule],
  controllers: [TransparencyController],
  providers: [AuditService, TreeHeadSigner, TransparencyService],
  exports: [AuditService, TransparencyService],
})
export class AuditModule {}
