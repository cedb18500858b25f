import { Injectable } from '@nestjs/common';
import { PkiService } from '../pki/pki.service.js';
import type { ChainVerification } from '../pki/pki.service.js';
import { indicationOf, type Check, type ValidationReport } from './report.js';

/** Builds reports (design §9) from the checks of the parts that know each kind of item. */
@Injectable()
export class VerificationService {
  constructor(private readonly pki: PkiService) {}

  async certificate(pem: string): Promise<ValidationReport> {
    return certificateReport(await this.pki.verifyCertificateChain(pem));
  }
}

export function certificateReport(result: ChainVerification): ValidationReport {
  const checks: Check[] = (['format', 'signature', 'chain', 'validity', 'revocation'] as const).map((name) => ({ name, status: result[name].status, message: result[name].message }));
  const indication = indicationOf(checks);
  return {
    indication,
    ...(indication !== 'TOTAL_PASSED' && result.subIndication ? { subIndication: result.subIndication } : {}),
    checks,
    ...(result.subject ? { subject: { ...result.subject } } : {}),
    ...(result.issuer ? { issuer: { ...result.issuer } } : {}),
    ...(result.serial
      ? {
          certificate: {
            serial: result.serial,
            notBefore: result.notBefore,
            notAfter: result.notAfter,
            ...(result.profile ? { profile: result.profile } : {}),
            ...(result.revokedAt ? { revokedAt: result.revokedAt, revocationReason: result.reason } : {}),
          },
        }
      : {}),
    validationTime: result.validationTime,
  };
}
