/**
 * Holders of licences (issue 13 §6): their own licences (GET /api/v1/me/licences), the licence file
 * for holder and issuer (…/{id}/file), and 亮证 — a licence shown through a short-lived link with
 * only the claims chosen (LicenceSharesService, the public page GET /s/{token}). HolderGuard finds
 * the holder: a citizen's or an enterprise's access token with the scope `licences`, or an
 * enterprise wallet's proof (WalletProofs).
 */
import { LicenceSeals } from '../file/index.js';
import { HolderGuard } from './holder.guard.js';
import { HoldersController } from './holders.controller.js';
import { LicenceFileController } from './licence-file.controller.js';
import { LicenceFiles } from './licence-files.js';
import { LicenceSharesService } from './licence-shares.service.js';
import { SharePageController } from './share-page.controller.js';
import { WalletProofs } from './wallet-proof.js';

export { holderLookup, holderRef, holds, type Holder } from './holder.js';
export { HOLDER_SCOPE, HolderGuard, holderOf, RequireHolder } from './holder.guard.js';
export { contentDisposition, LICENCE_FILE_FORMATS, LicenceFiles, type LicenceFile, type LicenceFileFormat } from './licence-files.js';
export {
  LicenceSharesService,
  MAX_RECORDED_OPENINGS,
  SHARE_PATH,
  SHARE_TTL_DEFAULT_SECONDS,
  SHARE_TTL_MAX_SECONDS,
  SHARE_TTL_MIN_SECONDS,
  type CreatedShare,
  type HolderShare,
  type ShareOpening,
} from './licence-shares.service.js';
export { browserFamily } from './user-agent.js';
export { WALLET_PROOF_MAX_AGE_SECONDS, WALLET_PROOF_SCHEME, WALLET_PROOF_TYP, WalletProofs } from './wallet-proof.js';
export { minutesAndSeconds, shareCountdown, shareDay, shareTime } from './share-page.js';

/** What LicencesModule registers for the holders. */
export const HOLDER_CONTROLLERS = [LicenceFileController, HoldersController, SharePageController];
export const HOLDER_PROVIDERS = [LicenceSeals, LicenceFiles, LicenceSharesService, WalletProofs, HolderGuard];
/** What other modules use: the account page lists, downloads and shares through these. */
export const HOLDER_EXPORTS = [LicenceFiles, LicenceSharesService];
