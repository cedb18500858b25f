import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { LicencesModule } from '../licences/licences.module.js';
import { PkiModule } from '../pki/pki.module.js';
import { SealsModule } from '../seals/seals.module.js';
import { VerifyRateLimiter } from './rate-limiter.js';
import { VerificationAudit } from './verification-audit.js';
import { VerificationController } from './verification.controller.js';
import { VerificationService } from './verification.service.js';

/** The verification endpoints portals call (design §9): certificates, seals, stamps, OFD documents and licences. */
@Module({
  imports: [AuthModule, PkiModule, SealsModule, LicencesModule],
  controllers: [VerificationController],
  providers: [VerificationService, VerifyRateLimiter, VerificationAudit],
})
export class VerificationModule {}
