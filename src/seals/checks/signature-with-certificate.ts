import { SIGNATURE_ALGORITHM_NAMES, verifyByAlgorithm } from '../../crypto/signature-algorithms.js';
import { parseCertificate } from '../../pki/x509.js';
import { SubIndication } from '../../verification/report.js';
import type { SignedPart } from '../signed-parts.js';
import type { SealCheck } from './seal-check.js';

/**
 * A signature checked with the public key of the certificate that came with it. The certificate
 * is only read here (its key); whether it chains to a trust anchor is the chain check's business.
 * `what` names the signature in messages, e.g. "the maker's signature over the seal information".
 */
export function checkSignatureWithCertificate(part: SignedPart, what: string): SealCheck {
  let spki: Buffer;
  try {
    spki = parseCertificate(part.cert).spki;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      status: 'FAILED',
      message: `${what}: its certificate cannot be read (${reason})`,
      subIndication: SubIndication.FORMAT_FAILURE,
    };
  }
  const verdict = verifyByAlgorithm(part.algorithm, spki, part.signedBytes, part.signature);
  if (verdict.result === 'valid') return { status: 'PASSED', message: `${what} verifies (${SIGNATURE_ALGORITHM_NAMES[part.algorithm]})` };
  if (verdict.result === 'invalid')
    return { status: 'FAILED', message: `${what}: ${verdict.reason}`, subIndication: SubIndication.SIG_CRYPTO_FAILURE };
  return {
    status: 'INDETERMINATE',
    message: `${what} cannot be checked: ${verdict.reason}`,
    subIndication: SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
  };
}
