/** The licence-type catalogue (issue 13 §1), for the other parts of the licences module. */
export { BUILTIN_LICENCE_TYPES, BUSINESS_LICENCE, FOOD_BUSINESS_PERMIT, RESIDENCE_PERMIT } from './builtin-types.js';
export {
  HOLDER_KINDS,
  LICENCE_TYPE_ID,
  RESERVED_CLAIMS,
  type ClaimDisplay,
  type ClaimError,
  type ClaimsCheck,
  type HolderKind,
  type LicenceType,
  type LicenceTypeDefinition,
  type LocalisedText,
} from './licence-type.js';
export { LicenceTypesModule } from './licence-types.module.js';
export { LicenceTypesService } from './licence-types.service.js';
