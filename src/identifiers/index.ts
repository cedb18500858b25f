export type {
  CitizenIdParsed,
  IdentifierErrorCode,
  IdentifierIssue,
  IdentifierResult,
  IdentifierWarningCode,
  UsccParsed,
} from './identifier-result.js';
export {
  canonicalCitizenId,
  checkCitizenId,
  citizenIdCheckCharacter,
  convertLegacyCitizenId,
  maskCitizenId,
  maskCitizenIdsInText,
  type CheckCitizenIdOptions,
} from './citizen-id.js';
export { canonicalUscc, checkUscc, organisationCodeCheckCharacter, usccCheckCharacter } from './uscc.js';
export { USCC_AUTHORITIES, type UsccAuthority } from './uscc-authorities.js';
export { IsCitizenId, IsUscc, type IsCitizenIdOptions } from './validators.js';
