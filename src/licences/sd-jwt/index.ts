/**
 * SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc) for tongban's electronic licences:
 * issue (issue.ts), parse (parse.ts), present (present.ts), verify (verify.ts); the JWS underneath
 * and its algorithm policy in jws.ts. Pure functions over strings and callbacks: signing goes
 * through a callback so the private key stays in the KeyStore; keys for verifying come from the caller.
 */
export { SD_JWT_FORMAT_ERROR_CODES, SdJwtFormatError, SdJwtPresentationError, type SdJwtFormatErrorCode } from './errors.js';
export { issueSdJwtVc, SD_JWT_VC_TYP, type IssueSdJwtVcInput, type NonDisclosableClaims, type SdJwtVcHeader } from './issue.js';
export {
  decodeBase64url,
  decodeCompactJws,
  JWS_ALGORITHMS,
  JwsFormatError,
  JwsSigningError,
  publicKeyFromJwk,
  refuseAlgorithm,
  signCompactJws,
  verifyJws,
  type DecodedJws,
  type JwsAlgorithm,
  type JwsSign,
  type JwsSignature,
} from './jws.js';
export {
  decodeDisclosure,
  encodeDisclosure,
  parseSdJwt,
  SD_ALG,
  sdDigest,
  type DecodedDisclosure,
  type ParsedSdJwt,
  type SdJwtDisclosure,
} from './parse.js';
export { KB_JWT_TYP, presentSdJwt, signKeyBindingJwt, type KeyBindingInput, type PresentOptions } from './present.js';
export { SD_JWT_VC_TYPES, verifySdJwtVc, type SdJwtVcChecks, type SdJwtVcVerification, type VerifySdJwtVcOptions } from './verify.js';
