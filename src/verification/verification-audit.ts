import { Injectable, Optional } from '@nestjs/common';
import type { AuditSubject } from '../audit/audit-event.js';
import { AuditService } from '../audit/audit.service.js';
import { canonicalCitizenId } from '../identifiers/citizen-id.js';
import { canonicalUscc } from '../identifiers/uscc.js';
import { LicencesService } from '../licences/issuance/licences.service.js';
import { SealsService } from '../seals/seals.service.js';
import type { DocumentVerification } from './verification.service.js';
import type { ValidationReport } from './report.js';

export type VerifiedKind = 'certificate' | 'seal' | 'signature' | 'document' | 'licence';

/**
 * Every verification in the audit log (issue 14): one entry per report, which client verified
 * what (a serial, an esID, a licence identifier) and the verdict, in the access log of the holder
 * where the report lets tongban know them — an enterprise by USCC, a licence tongban issued by its
 * holder, a citizen whose ID number the presentation disclosed by its blind index. Recorded in the
 * background: the answer never waits for it, and the audit service batches the writes.
 */
@Injectable()
export class VerificationAudit {
  constructor(
    private readonly licences: LicencesService,
    private readonly seals: SealsService,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /** The reports of one request (a document's: one per signature), for client `clientId`. */
  record(kind: VerifiedKind, result: ValidationReport | DocumentVerification, clientId: string, requestId: string | undefined): void {
    if (!this.audit) return;
    const reports = 'signatures' in result ? result.signatures : [result];
    for (const report of reports)
      void this.entry(kind, report, clientId, requestId).catch(() => {
        // A subject that cannot be found is left out; the audit service reports its own failures.
      });
  }

  private async entry(kind: VerifiedKind, report: ValidationReport, clientId: string, requestId: string | undefined): Promise<void> {
    const object = report.certificate?.serial ?? report.seal?.esID ?? report.licence?.id;
    const subject = await this.subjectOf(report).catch(() => undefined);
    this.audit!.record({
      action: 'verify',
      actor: { kind: 'client', id: clientId },
      client: clientId,
      outcome: 'success',
      ...(object ? { object } : {}),
      ...(subject ? { subject } : {}),
      ...(requestId ? { requestId } : {}),
      details: {
        kind,
        indication: report.indication,
        subIndication: report.subIndication ?? null,
        ...(report.licence?.type ? { licenceType: report.licence.type } : {}),
        ...(report.seal?.sha256 ? { sealSha256: report.seal.sha256 } : {}),
      },
    });
  }

  private async subjectOf(report: ValidationReport): Promise<AuditSubject | undefined> {
    const names = report.subject ?? {};
    const uscc = typeof names.uscc === 'string' ? canonicalUscc(names.uscc) : null;
    if (uscc) return { kind: 'enterprise', uscc };
    if (report.licence?.id) {
      const licence = await this.licences.find(report.licence.id);
      if (licence)
        return licence.holder.kind === 'enterprise'
          ? { kind: 'enterprise', uscc: licence.holder.uscc }
          : this.licences.holderSubject('citizen', licence.holder.registryCitizenId);
    }
    const disclosed = report.licence?.disclosed?.id_number;
    const idNumber = typeof disclosed === 'string' ? canonicalCitizenId(disclosed) : null;
    if (idNumber) return this.audit!.citizenSubject(idNumber);
    if (report.seal?.sha256) {
      const seal = await this.seals.statusAt({ sha256: Buffer.from(report.seal.sha256, 'hex') });
      if (seal) return { kind: 'enterprise', uscc: seal.uscc };
    }
    return undefined;
  }
}
