import type { IdentifierIssue, IdentifierResult, UsccParsed } from './identifier-result.js';
import { invalid, issue, valid } from './result-builder.js';
import { lookupAuthority } from './uscc-authorities.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** Char code → USCC value 0..30, or -1. Lowercase letters map like uppercase. */
const VALUES = new Int8Array(128).fill(-1);
for (let v = 0; v < ALPHABET.length; v++) {
  VALUES[ALPHABET.charCodeAt(v)] = v;
  VALUES[ALPHABET.toLowerCase().charCodeAt(v)] = v;
}

function valueOf(c: number): number {
  return c < 128 ? VALUES[c] : -1;
}

function hasLowercase(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** Sum over the first 17 chars, or -1 if one is outside the alphabet. */
function weightedSum(s: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = valueOf(s.charCodeAt(i));
    if (v < 0) return -1;
    sum += v * WEIGHTS[i];
  }
  return sum;
}

function checkCharForSum(sum: number): string {
  return ALPHABET[(31 - (sum % 31)) % 31];
}

export function usccCheckCharacter(first17: string): string {
  const sum = first17.length === 17 ? weightedSum(first17) : -1;
  if (sum < 0) throw new RangeError('expected 17 characters from the USCC alphabet');
  return checkCharForSum(sum);
}

/** GB 11714 organisation code check character; digits are 0-9, letters A=10..Z=35 (case-insensitive). */
export function organisationCodeCheckCharacter(first8: string): string {
  if (first8.length !== 8) throw new RangeError('expected 8 characters');
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const raw = first8.charCodeAt(i);
    const upper = raw >= 97 && raw <= 122 ? raw - 32 : raw;
    let v: number;
    if (raw >= 48 && raw <= 57) v = raw - 48;
    else if (upper >= 65 && upper <= 90) v = upper - 55;
    else throw new RangeError('expected digits and letters only');
    sum += v * ORG_WEIGHTS[i];
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

function isDigitRun(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function checkUscc(input: unknown): IdentifierResult<UsccParsed> {
  if (typeof input !== 'string') return invalid([issue('TYPE', 'USCC must be a string')]);

  // Charset before length, so surrounding whitespace reports CHARSET.
  for (let i = 0; i < input.length; i++) {
    if (valueOf(input.charCodeAt(i)) < 0) {
      return invalid([issue('CHARSET', `character at position ${i + 1} is not allowed (digits and letters except I, O, Z, S, V)`)]);
    }
  }
  if (input.length !== 18) return invalid([issue('LENGTH', `USCC must be 18 characters, got ${input.length}`)]);

  const code = input.toUpperCase();
  const errors: IdentifierIssue[] = [];
  if (!isDigitRun(code, 2, 8)) {
    errors.push(issue('REGION', 'administrative division code (positions 3-8) must be 6 digits'));
  }
  const expected = checkCharForSum(weightedSum(code));
  if (code[17] !== expected) errors.push(issue('CHECKSUM', `check character should be ${expected}, got ${code[17]}`));

  const warnings: IdentifierIssue[] = [];
  const orgCode = code.slice(8, 17);
  const orgExpected = organisationCodeCheckCharacter(orgCode.slice(0, 8));
  if (orgCode[8] !== orgExpected) {
    warnings.push(issue('ORG_CODE_CHECKSUM', `organisation code check character should be ${orgExpected}, got ${orgCode[8]}`));
  }
  const authority = lookupAuthority(code[0]);
  let entityTypeName: string | null = null;
  if (!authority) {
    warnings.push(issue('UNKNOWN_AUTHORITY', `registration authority code ${code[0]} is not a known authority`));
  } else if (!Object.hasOwn(authority.entityTypes, code[1])) {
    warnings.push(issue('UNKNOWN_ENTITY_TYPE', `entity type ${code[1]} is not known for authority ${code[0]}`));
  } else {
    entityTypeName = authority.entityTypes[code[1]];
  }

  if (errors.length > 0) return invalid(errors, warnings);
  return valid(
    code,
    {
      authority: { code: code[0], name: authority ? authority.name : null },
      entityType: { code: code[1], name: entityTypeName },
      region: code.slice(2, 8),
      organisationCode: orgCode,
    },
    warnings,
  );
}

/**
 * Canonical (uppercase) USCC or null when invalid. Hot path: no regexes or result
 * objects; returns the input itself when already canonical. Warnings do not matter here.
 */
export function canonicalUscc(input: string): string | null {
  if (typeof input !== 'string' || input.length !== 18) return null;
  const sum = weightedSum(input);
  if (sum < 0 || !isDigitRun(input, 2, 8)) return null;
  const last = valueOf(input.charCodeAt(17));
  if (last < 0 || last !== (31 - (sum % 31)) % 31) return null;
  return hasLowercase(input) ? input.toUpperCase() : input;
}
