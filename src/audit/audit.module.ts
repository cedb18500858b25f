import { Global, Module } from '@nestjs/common';
import { IdentifiersModule } from '../identifiers/identifiers.module.js';
import { AuditService } from './audit.service.js';
import { IssuanceLogController } from './issuance/issuance-log.controller.js';
import { IssuanceLog } from './issuance/issuance-log.service.js';
import { TransparencyController } from './transparency.controller.js';
import { TransparencyService } from './transparency.service.js';
import { TreeHeadSigner } from './tree-head-signer.js';

/**
 * The audit log (issue 14), the public issuance log, and their transparency endpoints. Global: every
 * module records events, and logs what it issues, without importing it.
 */
@Global()
@Module({
  imports: [IdentifiersModule],
  controllers: [TransparencyController, IssuanceLogController],
  providers: [AuditService, TreeHeadSigner, TransparencyService, IssuanceLog],
  exports: [AuditService, TransparencyService, IssuanceLog],
})
export class AuditModule {}
