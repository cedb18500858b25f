import { INDICATION_OF, SubIndication, type Verdict } from './report.js';

/**
 * What one check found. A check that is not PASSED names the ETSI EN 319 102-1 sub-indication it
 * points to; the report's verdict is the most telling of them (verdictOf).
 */
export type Finding =
  | { readonly status: 'PASSED'; readonly message: string }
  | { readonly status: 'FAILED' | 'INDETERMINATE'; readonly message: string; readonly sub: SubIndication };

export const passed = (message: string): Finding => ({ status: 'PASSED', message });
export const failed = (sub: SubIndication, message: string): Finding => ({ status: 'FAILED', message, sub });
export const indeterminate = (sub: SubIndication, message: string): Finding => ({ status: 'INDETERMINATE', message, sub });

/**
 * Which sub-indication a report gives when several checks fall short, first to last:
 *
 * - proven failures first (TOTAL_FAILED), as ETSI EN 319 102-1 §5.3.4 has a failed cryptographic
 *   check outrank an undecided certificate validation: what cannot be read, then the data hash,
 *   then a signature (the signer's, the maker's, a CA's), then revocation before the signing time,
 *   then validity — no trust anchor could make any of them good;
 * - then what tongban cannot settle (INDETERMINATE): no signed data to check, no certificate, no
 *   path to a trust anchor, a path breaking a constraint, a signer the seal does not allow (checked
 *   after the chain, as ETSI's signature acceptance is), an algorithm not supported, a revoked CA,
 *   a compromise with no proof of the signing time; TRY_LATER last, since only it may change by
 *   asking again.
 */
export const VERDICT_ORDER: readonly SubIndication[] = [
  SubIndication.FORMAT_FAILURE,
  SubIndication.HASH_FAILURE,
  SubIndication.SIG_CRYPTO_FAILURE,
  SubIndication.REVOKED,
  SubIndication.EXPIRED,
  SubIndication.NOT_YET_VALID,
  SubIndication.SIGNED_DATA_NOT_FOUND,
  SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
  SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
  SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE,
  SubIndication.CHAIN_CONSTRAINTS_FAILURE,
  SubIndication.SIG_CONSTRAINTS_FAILURE,
  SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
  SubIndication.REVOKED_CA_NO_POE,
  SubIndication.REVOKED_NO_POE,
  SubIndication.TRY_LATER,
];

function rank(sub: SubIndication): number {
  const at = VERDICT_ORDER.indexOf(sub);
  return at < 0 ? VERDICT_ORDER.length : at;
}

/**
 * The verdict of several findings: TOTAL_PASSED when all passed, else the most telling
 * sub-indication by VERDICT_ORDER, with the indication the standard puts it under. A TOTAL_FAILED
 * reason counts only from a FAILED finding (a proven failure is never read into an undecided check).
 */
export function verdictOf(findings: readonly Finding[]): Verdict {
  let best: SubIndication | undefined;
  for (const finding of findings) {
    if (finding.status === 'PASSED') continue;
    const sub = INDICATION_OF[finding.sub] === 'TOTAL_FAILED' && finding.status !== 'FAILED' ? SubIndication.TRY_LATER : finding.sub;
    if (best === undefined || rank(sub) < rank(best)) best = sub;
  }
  if (best === undefined) return { indication: 'TOTAL_PASSED' };
  return { indication: INDICATION_OF[best], subIndication: best } as Verdict;
}

/**
 * Several findings under one check name (e.g. the chains of the signer's and the maker's
 * certificates): FAILED if one failed, else INDETERMINATE if one is, else PASSED; the messages in
 * order, joined; the most telling sub-indication of those that fell short.
 */
export function combine(findings: readonly Finding[]): Finding {
  const message = findings.map((finding) => finding.message).join('; ');
  const short = findings.filter((finding) => finding.status !== 'PASSED');
  if (!short.length) return passed(message);
  const verdict = verdictOf(short);
  const sub = verdict.subIndication ?? SubIndication.TRY_LATER;
  return short.some((finding) => finding.status === 'FAILED') ? failed(sub, message) : indeterminate(sub, message);
}

/** The same finding with its message prefixed (e.g. "the maker's certificate: "). */
export function about(prefix: string, finding: Finding): Finding {
  return { ...finding, message: `${prefix}: ${finding.message}` };
}
