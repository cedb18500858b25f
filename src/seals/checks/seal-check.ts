import type { CheckStatus, SubIndication } from '../../verification/report.js';

/**
 * What one check on a seal or a stamp found. `subIndication` is the ETSI EN 319 102-1 reason a
 * failed or undecided check points to; the verification service decides the report's verdict.
 */
export interface SealCheck {
  readonly status: CheckStatus;
  readonly message: string;
  readonly subIndication?: SubIndication;
}
