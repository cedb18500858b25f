import type { CitizenIdParsed, IdentifierIssue, IdentifierResult } from './identifier-result.js';
import { invalid, issue, valid } from './result-builder.js';
import {
  CHECK_CHARS,
  MIN_BIRTH_DATE,
  WEIGHTS,
  checkCharFor,
  chinaDateInt,
  digitsAt,
  isDigitCode,
  hasKnownRegion,
  isRealDate,
  todayDateInt,
} from './citizen-id-rules.js';

export { maskCitizenId, maskCitizenIdsInText } from './citizen-id-mask.js';

export interface CheckCitizenIdOptions {
  /** "Now" for the not-in-the-future rule; defaults to the current time. Compared as a China (UTC+8) date. */
  today?: Date;
}

const UPPER_X = 88;
const LOWER_X = 120;

export function citizenIdCheckCharacter(first17: string): string {
  if (!isAllDigits(first17, 17)) throw new RangeError('expected exactly 17 digits');
  return checkCharFor(first17);
}

/** 15-digit legacy number → 18 digits. Only the shape is checked; run the result through checkCitizenId. */
export function convertLegacyCitizenId(fifteen: string): string {
  if (!isAllDigits(fifteen, 15)) throw new RangeError('expected exactly 15 digits');
  return convertUnchecked(fifteen);
}

export function checkCitizenId(input: unknown, options: CheckCitizenIdOptions = {}): IdentifierResult<CitizenIdParsed> {
  if (typeof input !== 'string') return invalid([issue('TYPE', 'citizen ID must be a string')]);

  const shapeError = shapeIssue(input);
  if (shapeError) return invalid([shapeError]);

  const warnings: IdentifierIssue[] = [];
  let id: string;
  if (input.length === 15) {
    id = convertUnchecked(input);
    warnings.push(issue('LEGACY_15_DIGIT', 'legacy 15-digit number was converted to 18 digits'));
  } else {
    id = input.charCodeAt(17) === LOWER_X ? input.slice(0, 17) + 'X' : input;
  }

  const errors: IdentifierIssue[] = [];
  if (!hasKnownRegion(id)) {
    errors.push(
      issue(
        'PROVINCE',
        id[0] === '9'
          ? `a number beginning with 9 (foreign permanent resident) must have a GB/T 2260 province in digits 2-3, got ${id.slice(1, 3)}`
          : `province code ${id.slice(0, 2)} is not a known GB/T 2260 province`,
      ),
    );
  }
  const today = options.today === undefined ? todayDateInt() : dateIntOf(options.today);
  const dateProblem = birthDateProblem(id, today);
  if (dateProblem) errors.push(issue('BIRTH_DATE', dateProblem));
  const expected = checkCharFor(id);
  if (id[17] !== expected) {
    errors.push(issue('CHECKSUM', `check character should be ${expected}, got ${id[17]}`));
  }
  if (errors.length > 0) return invalid(errors, warnings);

  return valid(id, parse(id), warnings);
}

/**
 * Canonical 18-character form, or null when invalid. Accepts legacy 15-digit numbers.
 * Hot path for bulk imports: no regexes, no intermediate objects, and the input string
 * itself is returned when it is already canonical.
 */
export function canonicalCitizenId(input: string): string | null {
  if (typeof input !== 'string') return null;
  if (input.length === 18) {
    let sum = 0;
    for (let i = 0; i < 17; i++) {
      const d = input.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      sum += d * WEIGHTS[i];
    }
    let last = input.charCodeAt(17);
    const lowerX = last === LOWER_X;
    if (lowerX) last = UPPER_X;
    if (last !== CHECK_CHARS.charCodeAt(sum % 11)) return null;
    if (!hasValidBody(input)) return null;
    return lowerX ? input.slice(0, 17) + 'X' : input;
  }
  if (input.length === 15) {
    if (!isAllDigits(input, 15)) return null;
    const id = convertUnchecked(input);
    return hasValidBody(id) ? id : null;
  }
  return null;
}

function convertUnchecked(fifteen: string): string {
  // Sequence 996-999 was reserved for centenarians, i.e. people born in the 1800s.
  const century = digitsAt(fifteen, 12, 3) >= 996 ? '18' : '19';
  const first17 = fifteen.slice(0, 6) + century + fifteen.slice(6);
  return first17 + checkCharFor(first17);
}

function isAllDigits(s: string, length: number): boolean {
  if (typeof s !== 'string' || s.length !== length) return false;
  for (let i = 0; i < length; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

/** Charset is checked before length so that surrounding whitespace reports CHARSET. */
function shapeIssue(input: string): IdentifierIssue | null {
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (!isDigitCode(c) && c !== UPPER_X && c !== LOWER_X) {
      return issue('CHARSET', `character at position ${i + 1} is not a digit or X`);
    }
  }
  if (input.length !== 18 && input.length !== 15) {
    return issue('LENGTH', `citizen ID must be 18 characters (or 15 digits for a legacy number), got ${input.length}`);
  }
  const digitsEnd = input.length === 18 ? 17 : 15;
  for (let i = 0; i < digitsEnd; i++) {
    if (!isDigitCode(input.charCodeAt(i))) {
      return issue('CHARSET', `character at position ${i + 1} must be a digit; only an 18-digit ID may end in X`);
    }
  }
  return null;
}

// Messages deliberately do not include the date: with the region it narrows down a person.
function birthDateProblem(id: string, today: number): string | null {
  const year = digitsAt(id, 6, 4);
  const month = digitsAt(id, 10, 2);
  const day = digitsAt(id, 12, 2);
  if (!isRealDate(year, month, day)) return 'birth date is not a real calendar date';
  const date = year * 10000 + month * 100 + day;
  if (date < MIN_BIRTH_DATE) return 'birth date is before 1800-01-01';
  if (date > today) return 'birth date is in the future';
  return null;
}

function hasValidBody(id: string): boolean {
  return hasKnownRegion(id) && birthDateProblem(id, todayDateInt()) === null;
}

function dateIntOf(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('options.today is an invalid Date');
  return chinaDateInt(ms);
}

function parse(id: string): CitizenIdParsed {
  return {
    region: id.slice(0, 6),
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sex: (id.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female',
  };
}
