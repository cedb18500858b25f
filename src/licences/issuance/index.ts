/** Licences as SD-JWT VCs: LicencesService (issue, lifecycle, get, listForHolder, statusOf, publicView) and what it answers with. */
export {
  LICENCE_STATUSES,
  maskPersonName,
  type HolderLookup,
  type Licence,
  type LicenceHolder,
  type LicenceIssuer,
  type LicencePublicView,
  type LicenceStatus,
  type LicenceStatusInfo,
} from './licence.js';
export { licenceView, type LicenceView } from './licences.dto.js';
export {
  effectiveStatus,
  LicencesService,
  type HolderInput,
  type IssuedLicence,
  type IssueLicenceInput,
  type IssueLicenceOptions,
  type LicenceActor,
} from './licences.service.js';
