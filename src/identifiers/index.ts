export type {
  CitizenIdParsed,
  IdentifierErrorCode,
  IdentifierIssue,
  IdentifierResult,
  IdentifierWarningCode,
  LicenceIdParsed,
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
export {
  LICENCE_ID_PREFIX,
  LICENCE_TYPE_CODE,
  canonicalLicenceId,
  checkLicenceId,
  makeLicenceId,
  mod37_36CheckCharacter,
  type LicenceIdParts,
} from './licence-id.js';
export { canonicalUscc, checkUscc, organisationCodeCheckCharacter, usccCheckCharacter } from './uscc.js';
export { USCC_AUTHORITIES, type UsccAuthority } from './uscc-authorities.js';
export { IsCitizenId, IsLicenceId, IsUscc, type IsCitizenIdOptions } from './validators.js';
