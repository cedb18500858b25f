import type { IdentifierIssue, IdentifierResult, LicenceIdParsed } from './identifier-result.js';
import { invalid, issue, valid } from './result-builder.js';
import { canonicalUscc } from './uscc.js';

/**
 * Electronic licence identifiers (电子证照标识, GB/T 36904-2018):
 *
 *     1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check character>
 *
 * - `1.2.156.3005.2` the OID arc of electronic licences (China 1.2.156, 3005 the e-licence arc).
 * - type code: 21 characters, GB/T 36902's licence-type code — the USCC (18) of the authority
 *   that defines the type, then a 3-digit sequence (营业执照 is 11100000MB0143028R001: SAMR's
 *   USCC and 001).
 * - issuer code: 18 characters, the USCC of the issuing authority.
 * - serial: 1-32 digits and letters, chosen by the issuer (unique per issuer and type).
 * - version: 3 digits, 001 for the first issue, counting up on each re-issue of the licence.
 * - check character: ISO/IEC 7064 MOD 37,36 over the four middle fields concatenated (no dots).
 *
 * Letters are upper case; lower case is accepted and canonicalised, as for the other identifiers.
 * Checked against the standard's own published example
 * 1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S (see the tests).
 */

export const LICENCE_ID_PREFIX = '1.2.156.3005.2.';
export const LICENCE_TYPE_CODE_LENGTH = 21;
export const ISSUER_CODE_LENGTH = 18;
export const SERIAL_MAX_LENGTH = 32;
/** Shortest and longest well-formed identifier (a 1- and a 32-character serial). */
export const LICENCE_ID_MIN_LENGTH = LICENCE_ID_PREFIX.length + LICENCE_TYPE_CODE_LENGTH + ISSUER_CODE_LENGTH + 1 + 3 + 1 + 4;
export const LICENCE_ID_MAX_LENGTH = LICENCE_ID_MIN_LENGTH - 1 + SERIAL_MAX_LENGTH;

/** A licence-type code: a USCC (digits and capitals other than I, O, Z, S, V) and 3 digits. */
export const LICENCE_TYPE_CODE = /^[0-9A-HJ-NP-RTUW-Y]{18}[0-9]{3}$/;
const ISSUER_CODE = /^[0-9A-HJ-NP-RTUW-Y]{18}$/;
const SERIAL = /^[0-9A-Z]{1,32}$/;
const VERSION = /^[0-9]{3}$/;

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Char code → value 0..35 (digits, then A=10 … Z=35; lower case like upper case), or -1. */
const VALUES = new Int8Array(128).fill(-1);
for (let v = 0; v < ALPHANUMERIC.length; v++) {
  VALUES[ALPHANUMERIC.charCodeAt(v)] = v;
  VALUES[ALPHANUMERIC.toLowerCase().charCodeAt(v)] = v;
}

/**
 * ISO/IEC 7064 MOD 37,36, the hybrid system over the 36 alphanumerics: starting from P = 36, for
 * each character S = (P + value) mod 36 (0 read as 36) and P = 2S mod 37; the check character is
 * the value that makes (P + check) mod 36 = 1, that is (37 − P) mod 36. Case-insensitive.
 */
export function mod37_36CheckCharacter(data: string): string {
  if (data.length === 0) throw new RangeError('expected at least one character');
  let p = 36;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    const value = c < 128 ? VALUES[c] : -1;
    if (value < 0) throw new RangeError('expected digits and letters only');
    const s = (p + value) % 36 || 36;
    p = (s * 2) % 37;
  }
  return ALPHANUMERIC[(37 - p) % 36];
}

export interface LicenceIdParts {
  /** 21 characters: the defining authority's USCC and a 3-digit sequence. */
  typeCode: string;
  /** 18 characters: the issuing authority's USCC. */
  issuerCode: string;
  /** 1-32 digits and letters. */
  serial: string;
  /** 1-999. */
  version: number;
}

/** Builds a licence identifier from its parts (upper-cased), computing the check character; throws on a bad part. */
export function makeLicenceId({ typeCode, issuerCode, serial, version }: LicenceIdParts): string {
  const type = typeCode.toUpperCase();
  const issuer = issuerCode.toUpperCase();
  const number = serial.toUpperCase();
  if (!LICENCE_TYPE_CODE.test(type)) throw new RangeError('typeCode must be 18 USCC characters and 3 digits');
  if (!ISSUER_CODE.test(issuer)) throw new RangeError('issuerCode must be 18 USCC characters');
  if (!SERIAL.test(number)) throw new RangeError('serial must be 1-32 digits and letters');
  if (!Number.isInteger(version) || version < 1 || version > 999) throw new RangeError('version must be an integer from 1 to 999');
  const v = String(version).padStart(3, '0');
  return `${LICENCE_ID_PREFIX}${type}.${issuer}.${number}.${v}.${mod37_36CheckCharacter(type + issuer + number + v)}`;
}

/** Checks a licence identifier: the answer of GET /api/v1/identifiers/licence-id/{value}. */
export function checkLicenceId(input: unknown): IdentifierResult<LicenceIdParsed> {
  if (typeof input !== 'string') return invalid([issue('TYPE', 'licence identifier must be a string')]);

  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c !== 46 && (c >= 128 || VALUES[c] < 0)) {
      return invalid([issue('CHARSET', `character at position ${i + 1} is not allowed (digits, letters and dots only)`)]);
    }
  }
  if (input.length < LICENCE_ID_MIN_LENGTH || input.length > LICENCE_ID_MAX_LENGTH) {
    return invalid([
      issue('LENGTH', `a licence identifier is ${LICENCE_ID_MIN_LENGTH}-${LICENCE_ID_MAX_LENGTH} characters, got ${input.length}`),
    ]);
  }

  const id = input.toUpperCase();
  if (!id.startsWith(LICENCE_ID_PREFIX)) {
    return invalid([issue('PREFIX', `a licence identifier begins with ${LICENCE_ID_PREFIX} (GB/T 36904)`)]);
  }
  const fields = id.slice(LICENCE_ID_PREFIX.length).split('.');
  if (fields.length !== 5) {
    return invalid([
      issue(
        'FORMAT',
        `after ${LICENCE_ID_PREFIX} come 5 fields separated by dots (type code, issuer code, serial, version, check character), got ${fields.length}`,
      ),
    ]);
  }
  const [typeCode, issuerCode, serial, version, check] = fields;
  const errors: IdentifierIssue[] = [];
  if (!LICENCE_TYPE_CODE.test(typeCode))
    errors.push(issue('FORMAT', 'the type code must be 21 characters: a USCC (digits and letters other than I, O, Z, S, V) and 3 digits'));
  if (!ISSUER_CODE.test(issuerCode))
    errors.push(issue('FORMAT', "the issuer code must be the issuing authority's 18-character USCC (no I, O, Z, S, V)"));
  if (!SERIAL.test(serial)) errors.push(issue('FORMAT', 'the serial must be 1-32 digits and letters'));
  if (!VERSION.test(version) || version === '000') errors.push(issue('FORMAT', 'the version must be 3 digits, from 001'));
  if (check.length !== 1) errors.push(issue('FORMAT', 'the check character must be one digit or letter'));
  if (errors.length) return invalid(errors);

  const expected = mod37_36CheckCharacter(typeCode + issuerCode + serial + version);
  if (check !== expected) return invalid([issue('CHECKSUM', `check character should be ${expected}, got ${check}`)]);

  const warnings: IdentifierIssue[] = [];
  const definer = typeCode.slice(0, 18);
  if (canonicalUscc(definer) === null)
    warnings.push(issue('TYPE_CODE_USCC', `the type code does not begin with a valid USCC (${definer}: wrong check character)`));
  if (canonicalUscc(issuerCode) === null)
    warnings.push(issue('ISSUER_CODE_USCC', `the issuer code ${issuerCode} is not a valid USCC (wrong check character)`));

  return valid(
    id,
    {
      typeCode,
      typeDefiner: definer,
      issuerCode,
      serial,
      version: Number(version),
      checkCharacter: check,
    },
    warnings,
  );
}

/** Canonical (upper-case) licence identifier, or null when it is not one. Warnings do not matter here. */
export function canonicalLicenceId(input: string): string | null {
  const result = checkLicenceId(input);
  return result.valid ? result.canonical! : null;
}
