/**
 * The one report every verification answers with (design §9, after the EU DSS validator), its
 * vocabulary, and the builder every kind of verification makes it with.
 *
 * The vocabulary is ETSI EN 319 102-1's (clause 5.1.3, table 5: the status indications and their
 * sub-indications) and is defined here only. This file imports nothing, so the modules that do
 * the checking (src/pki/chain.ts today; seals, documents and licences later) use it without
 * depending on the verification module's services.
 */

export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
export type CheckName =
  'format' | 'signature' | 'seal' | 'chain' | 'revocation' | 'validity' | 'certList' | 'dataHash' | 'keyBinding' | 'timestamp';
export type CheckStatus = 'PASSED' | 'FAILED' | 'INDETERMINATE';

/** ETSI EN 319 102-1 sub-indications (the names of its table 5; the set of the EU DSS validator). */
export enum SubIndication {
  // TOTAL_FAILED
  FORMAT_FAILURE = 'FORMAT_FAILURE',
  HASH_FAILURE = 'HASH_FAILURE',
  SIG_CRYPTO_FAILURE = 'SIG_CRYPTO_FAILURE',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
  NOT_YET_VALID = 'NOT_YET_VALID',
  // INDETERMINATE
  SIG_CONSTRAINTS_FAILURE = 'SIG_CONSTRAINTS_FAILURE',
  CHAIN_CONSTRAINTS_FAILURE = 'CHAIN_CONSTRAINTS_FAILURE',
  CERTIFICATE_CHAIN_GENERAL_FAILURE = 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  CRYPTO_CONSTRAINTS_FAILURE = 'CRYPTO_CONSTRAINTS_FAILURE',
  POLICY_PROCESSING_ERROR = 'POLICY_PROCESSING_ERROR',
  SIGNATURE_POLICY_NOT_AVAILABLE = 'SIGNATURE_POLICY_NOT_AVAILABLE',
  TIMESTAMP_ORDER_FAILURE = 'TIMESTAMP_ORDER_FAILURE',
  NO_SIGNING_CERTIFICATE_FOUND = 'NO_SIGNING_CERTIFICATE_FOUND',
  NO_CERTIFICATE_CHAIN_FOUND = 'NO_CERTIFICATE_CHAIN_FOUND',
  REVOKED_NO_POE = 'REVOKED_NO_POE',
  REVOKED_CA_NO_POE = 'REVOKED_CA_NO_POE',
  OUT_OF_BOUNDS_NO_POE = 'OUT_OF_BOUNDS_NO_POE',
  OUT_OF_BOUNDS_NOT_REVOKED = 'OUT_OF_BOUNDS_NOT_REVOKED',
  CRYPTO_CONSTRAINTS_FAILURE_NO_POE = 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE',
  NO_POE = 'NO_POE',
  TRY_LATER = 'TRY_LATER',
  SIGNED_DATA_NOT_FOUND = 'SIGNED_DATA_NOT_FOUND',
}

/**
 * The indication each sub-indication belongs to (ETSI EN 319 102-1 table 5): TOTAL_FAILED for a
 * proven failure, INDETERMINATE when what is at hand cannot settle it. Each belongs to one;
 * TOTAL_PASSED has none. (`satisfies` makes the compiler insist on every sub-indication.)
 */
export const INDICATION_OF = Object.freeze({
  [SubIndication.FORMAT_FAILURE]: 'TOTAL_FAILED',
  [SubIndication.HASH_FAILURE]: 'TOTAL_FAILED',
  [SubIndication.SIG_CRYPTO_FAILURE]: 'TOTAL_FAILED',
  [SubIndication.REVOKED]: 'TOTAL_FAILED',
  [SubIndication.EXPIRED]: 'TOTAL_FAILED',
  [SubIndication.NOT_YET_VALID]: 'TOTAL_FAILED',
  [SubIndication.SIG_CONSTRAINTS_FAILURE]: 'INDETERMINATE',
  [SubIndication.CHAIN_CONSTRAINTS_FAILURE]: 'INDETERMINATE',
  [SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE]: 'INDETERMINATE',
  [SubIndication.CRYPTO_CONSTRAINTS_FAILURE]: 'INDETERMINATE',
  [SubIndication.POLICY_PROCESSING_ERROR]: 'INDETERMINATE',
  [SubIndication.SIGNATURE_POLICY_NOT_AVAILABLE]: 'INDETERMINATE',
  [SubIndication.TIMESTAMP_ORDER_FAILURE]: 'INDETERMINATE',
  [SubIndication.NO_SIGNING_CERTIFICATE_FOUND]: 'INDETERMINATE',
  [SubIndication.NO_CERTIFICATE_CHAIN_FOUND]: 'INDETERMINATE',
  [SubIndication.REVOKED_NO_POE]: 'INDETERMINATE',
  [SubIndication.REVOKED_CA_NO_POE]: 'INDETERMINATE',
  [SubIndication.OUT_OF_BOUNDS_NO_POE]: 'INDETERMINATE',
  [SubIndication.OUT_OF_BOUNDS_NOT_REVOKED]: 'INDETERMINATE',
  [SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE]: 'INDETERMINATE',
  [SubIndication.NO_POE]: 'INDETERMINATE',
  [SubIndication.TRY_LATER]: 'INDETERMINATE',
  [SubIndication.SIGNED_DATA_NOT_FOUND]: 'INDETERMINATE',
} as const satisfies Record<SubIndication, Exclude<Indication, 'TOTAL_PASSED'>>);

/** The sub-indications of one indication, as a type. */
export type SubIndicationOf<I extends Indication> = {
  [S in SubIndication]: (typeof INDICATION_OF)[S] extends I ? S : never;
}[SubIndication];

/**
 * What the module that checked concluded: the pairs the standard allows, and a reason for every
 * answer but TOTAL_PASSED. The report's indication is this, never one recomputed from the checks.
 */
export type Verdict =
  | { readonly indication: 'TOTAL_PASSED'; readonly subIndication?: undefined }
  | { readonly indication: 'TOTAL_FAILED'; readonly subIndication: SubIndicationOf<'TOTAL_FAILED'> }
  | { readonly indication: 'INDETERMINATE'; readonly subIndication: SubIndicationOf<'INDETERMINATE'> };

export interface Check {
  readonly name: CheckName;
  readonly status: CheckStatus;
  readonly message: string;
}

/** Who a report is about or by (e.g. a certificate's subject and issuer names); shared objects may be frozen. */
export type ReportNames = Readonly<Record<string, unknown>>;

/** The certificate a certificate report is about: which one, its validity and, if revoked, when and why. */
export interface CertificateSection {
  serial: string;
  notBefore?: string;
  notAfter?: string;
  /** The profile tongban issued it under, when known. */
  profile?: string;
  revokedAt?: string;
  revocationReason?: string;
}

/**
 * The seal a seal or stamp report is about (GB/T 38540 SESeal, or GM/T 0031-2014's): which one,
 * whose, its validity, who made it and, for a seal tongban made and revoked, when and why.
 */
export interface SealSection {
  esID: string;
  name: string;
  /** 1 organisation, 2 personal, others business-defined (3 invoice, 4 contract in practice). */
  type: number;
  /** GB/T 38540-2020 (version 4) or the older GM/T 0031-2014 layout. */
  format: 'GB/T 38540' | 'GM/T 0031-2014';
  /** The header's vendor identifier. */
  vendor: string;
  validStart: string;
  validEnd: string;
  /** The maker's certificate names (subject). */
  maker: ReportNames;
  /** SHA-256 of the seal's DER, lowercase hex: how tongban's register finds a seal it made. */
  sha256: string;
  revokedAt?: string;
  revocationReason?: string;
}

/** What a stamp report is about besides its seal: the signature in the document (OFD) or the SES_Signature given. */
export interface SignatureSection {
  /** The signature's ID in the OFD's Signatures.xml. */
  id?: string;
  /** Seal: an electronic seal (SES_Signature); Sign: a plain digital signature (GB/T 35275). GB/T 33190 §18. */
  type: 'Seal' | 'Sign';
  /** Its Signature.xml in the OFD package. */
  path?: string;
  /** The signature algorithm, by name (or OID when tongban has no name for it). */
  algorithm?: string;
  /** TBS_Sign.propertyInfo: what the signer said was signed (for OFD stamps, its Signature.xml's location). */
  propertyInfo?: string;
  /** OFD only: the files it protects, how many are intact, and what it leaves out. */
  references?: ReferenceSummary;
}

export interface ReferenceSummary {
  total: number;
  intact: number;
  /** References whose file changed or is missing, by package path. */
  failed?: string[];
  /** Signatures.xml changed only by these signatures, added after this one (not a failure). */
  signaturesListChangedBy?: string[];
  /** Files of the package the signature does not protect (GB/T 33190 lets the signer choose). */
  uncovered?: string[];
}

/**
 * The licence a licence report is about (an SD-JWT VC, or a licence tongban issued named by its
 * identifier): its type, validity and status, and the claims the holder disclosed — those only
 * when everything about its integrity passed (format, signature, chain, data hash, key binding).
 */
export interface LicenceSection {
  /** The licence identifier (GB/T 36904), when verified by it. */
  id?: string;
  /** The licence type in tongban's catalogue, when `vct` names one. */
  type?: string;
  typeName?: { zh: string; en: string };
  /** The credential's `vct`: the type's URI. */
  vct?: string;
  /** `iat`, `nbf` (or `iat`) and `exp`. */
  issuedAt?: string;
  validFrom?: string;
  validUntil?: string;
  /** What the status list (or, verified by identifier, tongban's register of licences) says; expired when past validUntil (by identifier). */
  status?: 'valid' | 'suspended' | 'revoked' | 'expired';
  /** The credential's `status.status_list`. */
  statusList?: { idx: number; uri: string };
  /** The claims disclosed (the clear ones apart), when integrity passed. */
  disclosed?: Record<string, unknown>;
}

/** The sections only some kinds of report carry, each under its own key (a new kind adds its own). */
export interface ReportSections {
  certificate?: CertificateSection;
  signature?: SignatureSection;
  seal?: SealSection;
  licence?: LicenceSection;
}

/** Where an item tongban issued sits in the public issuance log (issue 14 §3): its leaf index. */
export interface IssuanceLogSection {
  log: 'issuance';
  index: number;
}

export interface ValidationReport extends ReportSections {
  indication: Indication;
  subIndication?: SubIndication;
  checks: readonly Check[];
  subject?: ReportNames;
  issuer?: ReportNames;
  signingTime?: string;
  validationTime: string;
  /** A certificate, seal or licence tongban issued: its leaf in the public issuance log (added after the report is built). */
  transparency?: IssuanceLogSection;
}

/** A report that contradicts ETSI EN 319 102-1 or itself: a programming error, never an answer. */
export class ReportContractError extends Error {
  override readonly name = 'ReportContractError';
}

/**
 * Makes every report: the checks in the order they were made, what the item says about itself,
 * and the verdict of the module that checked, which `build` refuses (throws ReportContractError)
 * when the standard does not allow it or the checks contradict it. One builder makes one report.
 *
 *   new ReportBuilder(validationTime).check('format', 'PASSED', '1 certificate(s) read')…
 *     .subject(names).section('certificate', { serial }).build(verdict)
 */
export class ReportBuilder {
  private readonly checks: Check[] = [];
  private subjectNames?: ReportNames;
  private issuerNames?: ReportNames;
  private signedAt?: string;
  private sections?: ReportSections;
  private built = false;
  private readonly validationTime: string;

  constructor(validationTime: Date | string) {
    this.validationTime = typeof validationTime === 'string' ? validationTime : validationTime.toISOString();
  }

  check(name: CheckName, status: CheckStatus, message: string): this {
    if (this.built) throw new ReportContractError('the report is built already');
    this.checks.push({ name, status, message });
    return this;
  }

  /** Names are kept as given (not copied): frozen shared objects stay shared. */
  subject(names: ReportNames | undefined): this {
    this.subjectNames = names;
    return this;
  }

  issuer(names: ReportNames | undefined): this {
    this.issuerNames = names;
    return this;
  }

  signingTime(time: Date | string | undefined): this {
    this.signedAt = time === undefined || typeof time === 'string' ? time : time.toISOString();
    return this;
  }

  section<K extends keyof ReportSections>(key: K, value: ReportSections[K]): this {
    (this.sections ??= {})[key] = value;
    return this;
  }

  /** The report, with the indication and sub-indication of the module that checked. */
  build(verdict: { readonly indication: Indication; readonly subIndication?: SubIndication }): ValidationReport {
    if (this.built) throw new ReportContractError('the report is built already');
    const { indication, subIndication } = verdict;
    this.refuseContradictions(indication, subIndication);
    this.built = true;
    // Keys in the order of design §9 (JSON keeps insertion order); absent parts are left out.
    const report = { indication } as ValidationReport;
    if (subIndication !== undefined) report.subIndication = subIndication;
    report.checks = this.checks;
    if (this.subjectNames) report.subject = this.subjectNames;
    if (this.issuerNames) report.issuer = this.issuerNames;
    if (this.signedAt !== undefined) report.signingTime = this.signedAt;
    if (this.sections) Object.assign(report, this.sections);
    report.validationTime = this.validationTime;
    return report;
  }

  private refuseContradictions(indication: Indication, subIndication: SubIndication | undefined): void {
    const { checks } = this;
    if (indication === 'TOTAL_PASSED') {
      if (subIndication !== undefined) throw new ReportContractError(`TOTAL_PASSED takes no sub-indication (got ${subIndication})`);
      if (!checks.length) throw new ReportContractError('TOTAL_PASSED with nothing checked');
      for (const check of checks)
        if (check.status !== 'PASSED') throw new ReportContractError(`TOTAL_PASSED with the ${check.name} check ${check.status}`);
      return;
    }
    if (indication !== 'TOTAL_FAILED' && indication !== 'INDETERMINATE')
      throw new ReportContractError(`unknown indication ${String(indication)}`);
    if (subIndication === undefined) throw new ReportContractError(`${indication} needs a sub-indication`);
    const allowed = (INDICATION_OF as Partial<Record<string, Indication>>)[subIndication];
    if (allowed === undefined) throw new ReportContractError(`unknown sub-indication ${String(subIndication)}`);
    if (allowed !== indication)
      throw new ReportContractError(`${subIndication} belongs to ${allowed}, not ${indication} (ETSI EN 319 102-1 table 5)`);
    // The checks must show why: a failure proven by a FAILED check; an indeterminate answer by one not PASSED.
    let shown = false;
    for (const check of checks) if (indication === 'TOTAL_FAILED' ? check.status === 'FAILED' : check.status !== 'PASSED') shown = true;
    if (!shown)
      throw new ReportContractError(
        `${indication}/${subIndication} but no check ${indication === 'TOTAL_FAILED' ? 'FAILED' : 'short of PASSED'}`,
      );
  }
}
