export interface IdentifierIssue {
  code: string;
  message: string;
}

/** Error codes; stable, part of the API contract. */
export type IdentifierErrorCode = 'TYPE' | 'LENGTH' | 'CHARSET' | 'PROVINCE' | 'BIRTH_DATE' | 'CHECKSUM' | 'REGION' | 'PREFIX' | 'FORMAT';

/** Warning codes; a result with only warnings is still valid. */
export type IdentifierWarningCode =
  'LEGACY_15_DIGIT' | 'ORG_CODE_CHECKSUM' | 'UNKNOWN_AUTHORITY' | 'UNKNOWN_ENTITY_TYPE' | 'TYPE_CODE_USCC' | 'ISSUER_CODE_USCC';

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

/** The fields of an electronic licence identifier (GB/T 36904), upper case. */
export interface LicenceIdParsed {
  /** The licence-type code (21 characters): the defining authority's USCC and a 3-digit sequence. */
  typeCode: string;
  /** The first 18 characters of the type code: the USCC of the authority that defined the type. */
  typeDefiner: string;
  /** The issuing authority's USCC (18 characters). */
  issuerCode: string;
  /** The issuer's serial (1-32 digits and letters). */
  serial: string;
  /** The version (1 for 001). */
  version: number;
  /** The ISO/IEC 7064 MOD 37,36 check character. */
  checkCharacter: string;
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
