/**
 * The holder's wallet for the electronic business licence (design §6): one key, encrypted under
 * a passphrase, and the licences issued for it; it signs in as the enterprise, stamps with the
 * enterprise's electronic seals (design §8), fetches the enterprise's electronic licences
 * (fetchHeldLicences, with a wallet proof: wallet.signHolderProof) and presents them with a
 * key-binding JWT (wallet.present, P-256 wallets). Every operation is a function here; the
 * `tongban wallet` commands (src/cli/wallet-commands.ts) are one client of it, a portal's own
 * signing service can be another (openWallet, then wallet.stampOfd / wallet.stampFile).
 */
export { WalletError, WALLET_ERROR_CODES, type WalletErrorCode } from './errors.js';
export { SCRYPT_PARAMS, WALLET_KEY_TYPES, walletKeyLabel, type KeyFile, type WalletAlg, type WalletKeyType } from './key-file.js';
export {
  MAX_PKCS12_ITERATIONS,
  MAX_PKCS12_SIZE,
  PKCS12_ITERATIONS,
  decodePkcs12,
  encodePkcs12,
  type Pkcs12Bag,
  type Pkcs12Contents,
  type Pkcs12Input,
} from './pkcs12.js';
export { writeExportFile } from './files.js';
export {
  LOGIN_CHALLENGE_PREFIX,
  formatLoginChallenge,
  loginEndpoint,
  parseLoginChallenge,
  type LoginChallenge,
} from './login-challenge.js';
export { fetchHeldLicence, fetchHeldLicences, type HeldLicence, type HolderApiOptions } from './holder-api.js';
export {
  HOLDER_PROOF_TYP,
  KEY_FILE,
  LICENCES_DIR,
  Wallet,
  defaultWalletDir,
  describeLicence,
  importPkcs12,
  initWallet,
  listLicences,
  openWallet,
  planWalletStamp,
  readLicence,
  readWalletInfo,
  type ImportOptions,
  type ImportResult,
  type IssuedLicence,
  type LicenceSummary,
  type LoginOptions,
  type LoginResult,
  type StoredLicence,
  type WalletInfo,
} from './wallet.js';
export { enrol, httpIssuer, type HttpIssuerOptions, type LicenceIssuer } from './enrol.js';
export { promptPassphrase } from './prompt.js';
export { fetchSeal, type FetchedSeal, type FetchSealOptions } from './seal-lookup.js';
export {
  STAMP_ALGORITHMS,
  checkOfdPlacement,
  ia5Text,
  planStamp,
  stampSize,
  type SealForStamping,
  type StampAlgorithm,
  type StampCommonOptions,
  type StampFileOptions,
  type StampOfdOptions,
  type StampPlan,
  type StampSeal,
  type WalletPublicSide,
} from './stamp.js';
export { writeDocumentFile } from './files.js';
