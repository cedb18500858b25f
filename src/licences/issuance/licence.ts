import type { HolderKind, LocalisedText } from '../types/index.js';

/**
 * What the licences module says about a licence, for its own API and for the parts built on it
 * (the holder's list, the licence file, the public check page, verification).
 */

/** valid, suspended, revoked (final), or expired: past its validUntil and not revoked (derived, never stored). */
export const LICENCE_STATUSES = ['valid', 'suspended', 'revoked', 'expired'] as const;
export type LicenceStatus = (typeof LICENCE_STATUSES)[number];

/** Who holds a licence: a citizen (masked ID number, never the number) or an enterprise (its USCC). */
export type LicenceHolder =
  { kind: 'citizen'; name: string; idNumberMasked: string; registryCitizenId: string } | { kind: 'enterprise'; name: string; uscc: string };

/** How to name a holder to listForHolder: an enterprise, or a citizen (an account's CitizenAccount.registryCitizenId, or the ID number). */
export type HolderLookup = { uscc: string } | { registryCitizenId: string } | { idNumber: string };

export interface LicenceIssuer {
  /** The issuing authority's OAuth client. */
  clientId: string;
  /** Its USCC: the issuer code in the licence identifier. */
  code: string;
  /** Its name (client_name), in Chinese and English where registered. */
  name: string | null;
  nameEn: string | null;
}

/** A licence with everything tongban keeps of it: claims and the credential included (for its issuer, its holder, and the licence file). */
export interface Licence {
  /** The GB/T 36904 licence identifier. */
  id: string;
  type: { id: string; code: string; name: LocalisedText; vct: string };
  /** The status now: stored status, or expired past validUntil. */
  status: LicenceStatus;
  /** The stored status (valid, suspended, revoked), whatever the date. */
  storedStatus: 'valid' | 'suspended' | 'revoked';
  /** Why and when it last changed status (null while it never did); `suspendedBy` the issuer or the register. */
  statusReason: string | null;
  statusChangedAt: Date | null;
  suspendedBy: 'issuer' | 'registry' | null;
  holder: LicenceHolder;
  issuer: LicenceIssuer;
  validFrom: Date;
  validUntil: Date;
  createdAt: Date;
  /** Where its status is published (the credential's status.status_list). */
  statusList: { idx: number; uri: string };
  /** The claims as issued. */
  claims: Record<string, unknown>;
  /** The SD-JWT VC (issuer-signed JWT and every Disclosure, no key binding). */
  credential: string;
}

/** A licence's status for verifiers: what the status list says, with the reason and the dates. */
export interface LicenceStatusInfo {
  id: string;
  status: LicenceStatus;
  storedStatus: 'valid' | 'suspended' | 'revoked';
  statusReason: string | null;
  statusChangedAt: Date | null;
  validFrom: Date;
  validUntil: Date;
  statusList: { idx: number; uri: string };
}

/**
 * What anyone may see of a licence (the public check page `GET /v/{id}`, issue 13 §7; the
 * check page's LicenceLookup): its type, issuer, status and validity, and its holder's name —
 * masked for a citizen. Nothing else: no claim, no identifier of the holder, no reason.
 */
export interface LicencePublicView {
  id: string;
  type: { id: string; name: LocalisedText };
  /** The issuing authority: its name (client_name, else its client id), in English when it has one, and its code. */
  issuer: { code: string; name: string; nameEn: string | null };
  status: LicenceStatus;
  validFrom: Date;
  validUntil: Date;
  holder: { kind: HolderKind; name: string };
}

/**
 * A citizen's name as public pages show it: the first and last characters with a * for each
 * between (王小明 → 王*明), a two-character name its first and a * (张三 → 张*) — the check page's
 * masking (src/licences/check-page), so masking again changes nothing.
 */
export function maskPersonName(name: string): string {
  const characters = [...name.trim()];
  if (characters.length <= 1) return '*';
  if (characters.length === 2) return `${characters[0]}*`;
  return `${characters[0]}${'*'.repeat(characters.length - 2)}${characters[characters.length - 1]}`;
}
