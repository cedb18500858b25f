import type { LicenceStatus } from '../file/licence-view.js';
import type { HolderKind, LocalisedText } from '../types/licence-type.js';

/**
 * What the public check page (GET /v/{id}) may show of a licence, and nothing more: its type, its
 * issuer, its status and validity, and its holder's name — which the page masks for citizens
 * (张*三) whatever the lookup gives. No claim, no identifier of the holder, no reason for a
 * suspension or revocation (a death in the register, say, is nobody's business here).
 */
export interface PublicLicenceView {
  /** The licence identifier (GB/T 36904), canonical. */
  readonly id: string;
  readonly type: { readonly id: string; readonly name: LocalisedText };
  /** The issuing authority's name (client_name), and in English when it has one (client_name#en). */
  readonly issuer: { readonly name: string; readonly nameEn?: string | null };
  /** A citizen's name as the licence has it (masked by the page), or the enterprise's registered name (shown). */
  readonly holder: { readonly kind: HolderKind; readonly name: string };
  /** As recorded; the page also shows a licence past validUntil as expired, and one before validFrom as not yet valid. */
  readonly status: LicenceStatus;
  readonly validFrom: Date;
  /** Null: no end. */
  readonly validUntil: Date | null;
}

/**
 * Where the check page reads a licence: the issuance service implements it on the licences
 * table. `id` is canonical (upper case, its check character verified); undefined when tongban
 * issued no such licence. Throwing makes the page answer 503 (the store cannot be read now).
 */
export interface LicenceLookup {
  publicView(id: string): Promise<PublicLicenceView | undefined>;
}

/** The Nest provider token of the LicenceLookup the check page is given (LicencesModule provides it). */
export const LICENCE_LOOKUP = Symbol('LicenceLookup');
