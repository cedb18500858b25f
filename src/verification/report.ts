/** The one report every verification answers with (design §9, after the EU DSS validator). */
export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
export type CheckName = 'format' | 'signature' | 'chain' | 'revocation' | 'validity' | 'certList' | 'dataHash' | 'timestamp';
export type CheckStatus = 'PASSED' | 'FAILED' | 'INDETERMINATE';

export interface Check {
  name: CheckName;
  status: CheckStatus;
  message: string;
}

export interface ValidationReport {
  indication: Indication;
  subIndication?: string;
  checks: Check[];
  subject?: Record<string, unknown>;
  issuer?: Record<string, unknown>;
  signingTime?: string;
  /** For certificate reports: which certificate, its validity and, if revoked, when and why. */
  certificate?: Record<string, unknown>;
  validationTime: string;
}

/**
 * The indication that follows from the checks: any FAILED → TOTAL_FAILED, else any INDETERMINATE
 * → INDETERMINATE (e.g. revocation data could not be had: never PASSED), else TOTAL_PASSED.
 */
export function indicationOf(checks: Check[]): Indication {
  if (checks.some((check) => check.status === 'FAILED')) return 'TOTAL_FAILED';
  if (checks.some((check) => check.status === 'INDETERMINATE')) return 'INDETERMINATE';
  return 'TOTAL_PASSED';
}
