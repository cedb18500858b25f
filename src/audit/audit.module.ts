import { Global, Module } from '@nestjs/common';
import { IdentifiersModule } from '../identifiers/identifiers.module.js';
import { AuditService } from './audit.service.js';

/** The audit log (issue 14). Global: every module records events without importing it. */
@Global()
@Module({
  imports: [IdentifiersModule],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
