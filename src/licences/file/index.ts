/**
 * The licence file (GB/T 36905, issue 13 §5): a licence laid out on an A4 page, as an OFD stamped
 * with the issuing authority's seal, and as a PDF.
 *
 *   licenceClaimRows(type, claims): LicenceClaimRow[] — the claims as rows, in the type's order, values as text
 *   licenceCheckUrl(publicUrl, id): string — PUBLIC_URL/v/{id}, what the QR code opens
 *   renderLicenceOfd(view, { createdAt?, docId? }): { ofd: Buffer, stampArea: { page, x, y, width, height } }
 *   renderLicencePdf(view, { sealPicture?, createdAt? }): Promise<Buffer> — LicenceFontError for a character the fonts lack
 *   stampLicenceOfd(ofd, { seal, certificate, sign, area, signingTime? }): Promise<Buffer>
 *   LicenceSeals (injectable: SealsService, PkiService, KeyStore, ClientStore):
 *     sealFor(clientId) / sealOf({ issuerCode, name }): Promise<AuthoritySeal> — made once per authority
 *     stamp(ofd, clientId, area, signingTime?) / stampWith(ofd, seal, area, signingTime?): Promise<Buffer>
 *
 * Issuing a licence file:
 *   const view: LicenceView = { id, type: { id, name }, holder, claims: licenceClaimRows(type, claims), issuer,
 *     issuedAt, validFrom, validUntil, status, checkUrl: licenceCheckUrl(config.publicUrl, id) };
 *   const { ofd, stampArea } = renderLicenceOfd(view);
 *   const stamped = await licenceSeals.stamp(ofd, issuerClientId, stampArea);   // TOTAL_PASSED at /verify/document
 *   const seal = await licenceSeals.sealFor(issuerClientId);
 *   const pdf = await renderLicencePdf(view, { sealPicture: seal.picture });
 */
export { LicenceFontError, LICENCE_FONT_FILES } from './licence-fonts.js';
export { layOutLicence, STAMP_SIZE, type LicenceLayout, type LicenceStampArea } from './licence-layout.js';
export { LICENCE_SEALS_MADE_BY, LicenceSeals, type AuthoritySeal } from './licence-seals.js';
export {
  chineseDate,
  LICENCE_STATUSES,
  licenceCheckUrl,
  licenceClaimRows,
  type LicenceClaimRow,
  type LicenceStatus,
  type LicenceView,
} from './licence-view.js';
export { qrSymbol, type QrSymbol } from './qr-code.js';
export { renderLicenceOfd, type RenderedLicenceOfd, type RenderLicenceOptions } from './render-ofd.js';
export { renderLicencePdf, type RenderLicencePdfOptions } from './render-pdf.js';
export { stampLicenceOfd, type LicenceStampOptions } from './stamp-licence.js';
