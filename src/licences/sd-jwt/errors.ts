/**
 * Why an SD-JWT (RFC 9901) cannot be read. The codes are stable: callers and the verification
 * service branch on them, tests name them.
 *
 * - MALFORMED_SD_JWT: not `<JWT>~<Disclosure>~…~[<KB-JWT>]` (no `~`, an empty Disclosure, whitespace)
 * - MALFORMED_JWS, BAD_BASE64URL, BAD_JSON, NOT_AN_OBJECT: the issuer-signed JWT's parts
 * - MALFORMED_DISCLOSURE: a Disclosure that is not a JSON array of 2 (salt, value) or 3 (salt, name, value)
 *   elements with a string salt and a string name
 * - RESERVED_CLAIM_NAME: a Disclosure discloses `_sd` or `...` (RFC 9901 §7.1 step 3.3.2.2)
 * - DUPLICATE_DISCLOSURE: one Disclosure sent twice (§4)
 * - DUPLICATE_DIGEST: a digest appears twice in the payload or the Disclosures (§7.1 step 4)
 * - DISCLOSURE_NOT_REFERENCED: a Disclosure whose digest is nowhere in the credential (§7.1 step 5):
 *   tampered with, or from another credential
 * - CLAIM_NAME_COLLISION: a disclosed claim name already in its object (§7.1 step 3.3.2.3)
 * - DISCLOSURE_KIND_MISMATCH: an array-element Disclosure referenced from `_sd`, or an
 *   object-property one from `{"...": …}` (§7.1 steps 3.3.2.1, 3.3.3.1)
 * - MALFORMED_SD_CLAIM: `_sd` not an array of strings, `{"...": …}` not a one-key object with a
 *   string, or `...` used as a claim name
 * - MISPLACED_SD_ALG: `_sd_alg` not a string or not at the top level (§4.1.1)
 * - UNSUPPORTED_SD_ALG: a hash other than sha-256
 * - MALFORMED_KB_JWT: the key-binding JWT cannot be decoded
 * - UNEXPECTED_KB_JWT: an SD-JWT+KB where a bare SD-JWT belongs (a holder is issued no KB-JWT, §7.2)
 */
export const SD_JWT_FORMAT_ERROR_CODES = [
  'MALFORMED_SD_JWT',
  'MALFORMED_JWS',
  'BAD_BASE64URL',
  'BAD_JSON',
  'NOT_AN_OBJECT',
  'MALFORMED_DISCLOSURE',
  'RESERVED_CLAIM_NAME',
  'DUPLICATE_DISCLOSURE',
  'DUPLICATE_DIGEST',
  'DISCLOSURE_NOT_REFERENCED',
  'CLAIM_NAME_COLLISION',
  'DISCLOSURE_KIND_MISMATCH',
  'MALFORMED_SD_CLAIM',
  'MISPLACED_SD_ALG',
  'UNSUPPORTED_SD_ALG',
  'MALFORMED_KB_JWT',
  'UNEXPECTED_KB_JWT',
] as const;

export type SdJwtFormatErrorCode = (typeof SD_JWT_FORMAT_ERROR_CODES)[number];

export class SdJwtFormatError extends Error {
  override readonly name = 'SdJwtFormatError';
  constructor(
    readonly code: SdJwtFormatErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A holder asked to disclose what the credential does not have (`code` UNKNOWN_CLAIM), or gave a path that is not one. */
export class SdJwtPresentationError extends Error {
  override readonly name = 'SdJwtPresentationError';
  constructor(
    readonly code: 'UNKNOWN_CLAIM' | 'BAD_PATH',
    message: string,
  ) {
    super(message);
  }
}
