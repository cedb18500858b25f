import { Injectable } from '@nestjs/common';
import { PkiService } from '../pki/pki.service.js';
import type { ChainVerification } from '../pki/pki.service.js';
import { ReportBuilder, type CertificateSection, type ValidationReport } from './report.js';

/** Builds reports (design §9) from the checks of the parts that know each kind of item. */
@Injectable()
export class VerificationService {
  constructor(private readonly pki: PkiService) {}

  async certificate(pem: string): Promise<ValidationReport> {
    return certificateReport(await this.pki.verifyCertificateChain(pem));
  }
}

/** A certificate chain's report: the chain verifier's checks, and its verdict as it reached it. */
export function certificateReport(result: ChainVerification): ValidationReport {
  const report = new ReportBuilder(result.validationTime)
    .check('format', result.format.status, result.format.message)
    .check('signature', result.signature.status, result.signature.message)
    .check('chain', result.chain.status, result.chain.message)
    .check('validity', result.validity.status, result.validity.message)
    .check('revocation', result.revocation.status, result.revocation.message)
    .subject(result.subject)
    .issuer(result.issuer);
  if (result.serial) {
    const certificate: CertificateSection = { serial: result.serial, notBefore: result.notBefore, notAfter: result.notAfter };
    if (result.profile) certificate.profile = result.profile;
    if (result.revokedAt) {
      certificate.revokedAt = result.revokedAt;
      if (result.reason) certificate.revocationReason = result.reason;
    }
    report.section('certificate', certificate);
  }
  return report.build(result);
}
