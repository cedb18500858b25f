/**
 * Licence types (GB/T 36902's catalogue entries): what a kind of electronic licence is, whose it
 * is, what it says (its claims, as a JSON Schema) and how long it is valid by default.
 */

export const HOLDER_KINDS = ['citizen', 'enterprise'] as const;
export type HolderKind = (typeof HOLDER_KINDS)[number];

/** A type id: a lower-case slug of at most 64 characters (`business-licence`), the last segment of the type's vct URI. */
export const LICENCE_TYPE_ID = /^(?=.{2,64}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The longest default validity: 100 years. */
export const MAX_VALIDITY_DAYS = 36_500;

/**
 * Claim names a licence type may not define: the SD-JWT VC's own claims (RFC 7519, SD-JWT,
 * draft-ietf-oauth-sd-jwt-vc and the Token Status List), which issuance sets itself.
 */
export const RESERVED_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'vct',
  'vct#integrity',
  'cnf',
  'status',
  '_sd',
  '_sd_alg',
] as const;

/** Text in Chinese (zh-CN) and English. */
export interface LocalisedText {
  zh: string;
  en: string;
}

/** How one claim is labelled: `path` as in SD-JWT VC type metadata (property names; null for every array element). */
export interface ClaimDisplay {
  path: Array<string | null>;
  label: LocalisedText;
  description?: LocalisedText;
}

/** What an operator gives to add a type (`tongban licence-types add FILE.json`), and what the built-in types are. */
export interface LicenceTypeDefinition {
  id: string;
  /** GB/T 36904 type code: the defining authority's USCC and a 3-digit sequence (21 characters). */
  code: string;
  name: LocalisedText;
  description?: LocalisedText;
  holderKind: HolderKind;
  /** Default validity of a licence of this type, in days. */
  validityDays: number;
  /** The claims: a JSON Schema (2020-12) of an object. */
  claimsSchema: Record<string, unknown>;
  /** Labels of the claims; every property of the schema has one. */
  claimDisplay: ClaimDisplay[];
}

/** A type as the catalogue shows it. */
export interface LicenceType extends LicenceTypeDefinition {
  /** The type's URI: `PUBLIC_URL/licence-types/{id}`, where its SD-JWT VC Type Metadata is served. */
  vct: string;
  /** Defined by tongban itself (created at start) rather than added by an operator. */
  builtin: boolean;
  /** The issuing authorities allowed to issue it (clients with the scope licence:issue given this type). */
  issuers: Array<{ clientId: string; name: string | null; nameEn: string | null; issuerCode: string }>;
  createdAt: string;
}

/** One problem with a licence's claims: where (a JSON Pointer into the claims, '' for the whole object), which rule, and what is wrong. */
export interface ClaimError {
  path: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

export type ClaimsCheck = { ok: true } | { ok: false; errors: ClaimError[] };
