import { leafHash } from '../merkle/hashes.js';
import { canonicalJson } from '../canonical-json.js';

/** The public issuance log's name: its row of audit_log_state, and the `log` of its heads and nodes. */
export const ISSUANCE_LOG = 'issuance';

export const ISSUANCE_KINDS = ['certificate', 'licence', 'seal'] as const;
export type IssuanceKind = (typeof ISSUANCE_KINDS)[number];

/** What an issuance answer or a verification report says about the item's leaf. */
export interface IssuanceLogRef {
  log: typeof ISSUANCE_LOG;
  /** The item's leaf index in the public issuance log (GET /api/v1/transparency/issuance/entries). */
  index: number;
}

/**
 * One leaf of the public issuance log (issue 14 §3), as GET /api/v1/transparency/issuance/entries
 * shows it. Nothing in it names a person or an enterprise: the holder is a keyed hash only.
 */
export interface IssuanceEntry {
  /** The leaf index (the entry's seq). */
  index: number;
  /** When it was appended (the database's clock), ISO 8601 with milliseconds, UTC. */
  loggedAt: string;
  kind: IssuanceKind;
  /** The certificate's serial (lowercase hex), the licence's identifier (GB/T 36904), the seal's esID. */
  id: string;
  /** The issuing CA's name (its certificate's CN), the issuing authority's client id, or the seal maker's key id. */
  issuer: string;
  /** A licence's issuing authority's issuer code (its USCC, public). */
  issuerCode?: string;
  /** The certificate profile, the licence type, or the seal type (GB/T 38540 SES_ESPropertyInfo.type, as text). */
  type: string;
  /** When the item was issued, ISO 8601 with milliseconds, UTC. */
  issuedAt: string;
  /** HMAC-SHA-256 of the holder, lowercase hex (issuance-holder.ts); absent for tongban's own certificates. */
  holder?: string;
}

/**
 * The bytes an entry's leaf hashes: canonical JSON (keys sorted, no whitespace, UTF-8, absent
 * members left out) of the entry as the entries endpoint shows it, without `leafHash`, e.g.
 * `{"id":"…","index":7,"issuedAt":"2026-12-07T22:10:06.123Z","issuer":"tongban Issuing CA 1","kind":"certificate","loggedAt":"…","type":"enterprise-licence","holder":"…"}`
 * (sorted). An outside monitor rebuilds them from the JSON it read: its index and time are in it,
 * so an entry moved or re-dated no longer matches a signed root.
 */
export function issuanceLeafBytes(entry: IssuanceEntry): Buffer {
  return Buffer.from(
    canonicalJson({
      index: entry.index,
      loggedAt: entry.loggedAt,
      kind: entry.kind,
      id: entry.id,
      issuer: entry.issuer,
      issuerCode: entry.issuerCode,
      type: entry.type,
      issuedAt: entry.issuedAt,
      holder: entry.holder,
    }),
    'utf8',
  );
}

/** SHA-256(0x00 ‖ issuanceLeafBytes(entry)) (RFC 9162 §2.1.1). */
export function issuanceLeafHash(entry: IssuanceEntry): Buffer {
  return leafHash(issuanceLeafBytes(entry));
}
