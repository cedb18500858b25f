import { Injectable, Optional } from '@nestjs/common';
import { IssuanceLog } from '../audit/issuance/issuance-log.service.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { KeyStore } from '../keys/keystore.service.js';
import { LicencesService } from '../licences/issuance/licences.service.js';
import { StatusListsService } from '../licences/status/status-lists.service.js';
import { LicenceTypesService } from '../licences/types/licence-types.service.js';
import { PkiService } from '../pki/pki.service.js';
import type { ChainVerification } from '../pki/pki.service.js';
import { SealsService } from '../seals/seals.service.js';
import { verifyDocument, type DocumentVerification } from './document-verifier.js';
import { LicenceVerifier, type PresentationOptions } from './licence-verifier.js';
import { ReportBuilder, type CertificateSection, type ValidationReport } from './report.js';
import { SealVerifier, type SignedData } from './seal-verifier.js';

export type { DocumentVerification } from './document-verifier.js';

/** What a stamp signed, as the caller gives it: the bytes, or their hash; neither leaves the data hash unchecked. */
export interface StampData {
  document?: Buffer;
  digest?: Buffer;
}

/** Builds reports (design §9) from the checks of the parts that know each kind of item. */
@Injectable()
export class VerificationService {
  private readonly seals: SealVerifier;
  private readonly licences: LicenceVerifier;

  constructor(
    private readonly pki: PkiService,
    seals: SealsService,
    @InjectConfig() config: AppConfig,
    keys: KeyStore,
    licences: LicencesService,
    statusLists: StatusListsService,
    types: LicenceTypesService,
    @Optional() private readonly issuanceLog?: IssuanceLog,
  ) {
    this.seals = new SealVerifier(pki, seals);
    this.licences = new LicenceVerifier({ pki, keys, licences, statusLists, types, publicUrl: config.publicUrl });
  }

  async certificate(pem: string): Promise<ValidationReport> {
    return this.withLeaf(certificateReport(await this.pki.verifyCertificateChain(pem)));
  }

  /** A seal (SESeal, DER) on its own, judged now. */
  async seal(der: Buffer): Promise<ValidationReport> {
    return this.withLeaf(await this.seals.seal(der));
  }

  /** A detached stamp (SES_Signature, DER) with the document it signed or that document's digest, judged at its signing time. */
  async signature(der: Buffer, data: StampData): Promise<ValidationReport> {
    const signed: SignedData = data.document
      ? { kind: 'document', bytes: data.document }
      : data.digest
        ? { kind: 'digest', value: data.digest }
        : { kind: 'none' };
    return this.withLeaf(await this.seals.stamp(der, signed));
  }

  /** An electronic licence: an SD-JWT VC or a presentation of one (key binding required when an audience or nonce is given). */
  async licenceCredential(credential: string, options: PresentationOptions): Promise<ValidationReport> {
    return this.withLeaf(await this.licences.credential(credential, options));
  }

  /** A licence tongban issued, by its identifier (GB/T 36904): the stored credential, its status now. */
  async licenceById(id: string): Promise<ValidationReport> {
    return this.withLeaf(await this.licences.id(id));
  }

  /** An OFD document: one report per signature in it. */
  async document(ofd: Buffer): Promise<DocumentVerification> {
    const result = await verifyDocument(ofd, this.seals);
    await Promise.all(result.signatures.map((report) => this.withLeaf(report)));
    return result;
  }

  /**
   * The report of an item tongban issued, with its leaf in the public issuance log (issue 14 §3):
   * a licence it knows by identifier, a seal it made (by the SHA-256 of its DER: an esID alone could
   * be another maker's), a certificate it issued (the report names its profile only then).
   */
  private async withLeaf(report: ValidationReport): Promise<ValidationReport> {
    const log = this.issuanceLog;
    if (!log) return report;
    const ref = report.licence?.id
      ? await log.indexOf('licence', report.licence.id)
      : report.seal?.sha256
        ? await log.sealIndex(Buffer.from(report.seal.sha256, 'hex'))
        : report.certificate?.profile
          ? await log.indexOf('certificate', report.certificate.serial)
          : undefined;
    if (ref) report.transparency = ref;
    return report;
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
