/**
 * Every failure of the wallet carries a stable code a caller can act on. The wallet's own codes
 * are UPPER_SNAKE (`WRONG_PASSPHRASE`, `CHALLENGE_EXPIRED`, …); an error answer from the service
 * keeps the service's own code (`challenge_expired`, `not_authorised`, …) and its HTTP status.
 */
export class WalletError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The HTTP status, when the error is the service's answer. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WalletError';
  }
}

export const WALLET_ERROR_CODES = [
  'NO_WALLET',
  'WALLET_EXISTS',
  'CORRUPT_WALLET',
  'WRONG_PASSPHRASE',
  'WEAK_PASSPHRASE',
  'INVALID_USCC',
  'BAD_CERTIFICATE',
  'LICENCE_KEY_MISMATCH',
  'USCC_MISMATCH',
  'CHAIN_MISMATCH',
  'NO_LICENCE',
  'LICENCE_CHOICE_NEEDED',
  'LICENCE_EXPIRED',
  'LICENCE_NOT_YET_VALID',
  'CHALLENGE_INVALID',
  'CHALLENGE_EXPIRED',
  'AUDIENCE_MISMATCH',
  'SERVICE_UNREACHABLE',
  'UNEXPECTED_ANSWER',
  'CANCELLED',
  'UNSUPPORTED_KEY_TYPE',
  'P12_UNREADABLE',
  'P12_WRONG_PASSWORD',
  'P12_UNSUPPORTED',
  'P12_NO_KEY',
  'P12_KEY_MISMATCH',
  'P12_NO_LICENCE',
  'FILE_EXISTS',
  'FILE_UNWRITABLE',
  'SEAL_UNREADABLE',
  'SEAL_UNSUPPORTED',
  'SEAL_INVALID',
  'SEAL_REVOKED',
  'SEAL_EXPIRED',
  'SEAL_NOT_YET_VALID',
  'SEAL_NOT_FOR_THIS_KEY',
  'SEAL_MISMATCH',
  'OFD_UNREADABLE',
  'STAMP_REFUSED',
  'NO_SUCH_LICENCE',
  'KEY_BINDING_UNSUPPORTED',
  'CREDENTIAL_NOT_FOR_THIS_KEY',
  'CREDENTIAL_UNREADABLE',
  'PRESENTATION_REFUSED',
  'UNKNOWN_CLAIM',
  'BAD_PATH',
] as const;
export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number];
