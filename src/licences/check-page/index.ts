/**
 * The public check page of electronic licences, GET /v/{id} (issue 13 §7): what a licence file's
 * QR code opens. LicencesModule registers the controller and gives it a LicenceLookup under the
 * token LICENCE_LOOKUP (the issuance service implements it on the licences table):
 *
 *   controllers: [..., LicenceCheckPageController],
 *   providers: [..., { provide: LICENCE_LOOKUP, useExisting: <the service implementing LicenceLookup> }],
 */
export { licenceCheckPage, licenceNotFoundPage, maskHolderName, shownStatus, type CheckPageInput, type ShownStatus } from './check-page.js';
export { LicenceCheckPageController } from './licence-check.controller.js';
export { LICENCE_LOOKUP, type LicenceLookup, type PublicLicenceView } from './licence-lookup.js';
export { licenceCheckUrl } from '../file/licence-view.js';
