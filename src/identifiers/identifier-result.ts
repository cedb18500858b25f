export interface IdentifierIssue {
  code: string;
  message: string;
}

/** Error codes; stable, part of the API contract. */
export type IdentifierErrorCode = 'TYPE' | 'LENGTH' | 'CHARSET' | 'PROVINCE' | 'BIRTH_DATE' | 'CHECKSUM' | 'REGION';

/** Warning codes; a result with only warnings is still valid. */
export type IdentifierWarningCode = 'LEGACY_15_DIGIT' | 'ORG_CODE_CHECKSUM' | 'UNKNOWN_AUTHORITY' | 'UNKNOWN_ENTITY_TYPE';

export interface CitizenIdParsed {
  region: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'male' | 'female';
}

export interface UsccParsed {
  authority: { code: string; name: string | null };
  entityType: { code: string; name: string | null };
  region: string;
  organisationCode: string;
}

/**
 * `errors` / `warnings` are omitted when empty; `canonical` and `parsed`
 * are present only when `valid` is true.
 */
export interface IdentifierResult<P> {
  valid: boolean;
  canonical?: string;
  errors?: IdentifierIssue[];
  warnings?: IdentifierIssue[];
  parsed?: P;
}
