/**
 * Deterministic generators of well-formed numbers for tests and benchmarks.
 * makeCitizenId / makeUscc only guarantee the check characters; the caller picks
 * the parts, so tests can also build numbers that break exactly one other rule.
 */
import { citizenIdCheckCharacter } from './citizen-id.js';
import { organisationCodeCheckCharacter, usccCheckCharacter } from './uscc.js';

export interface MakeCitizenIdOptions {
  region?: string;
  /** YYYY-MM-DD */
  birthDate?: string;
  /** 0..999; odd = male, even = female */
  sequence?: number;
}

export function makeCitizenId({ region = '110105', birthDate = '1990-01-01', sequence = 1 }: MakeCitizenIdOptions = {}): string {
  if (!/^\d{6}$/.test(region)) throw new RangeError('region must be 6 digits');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new RangeError('birthDate must be YYYY-MM-DD');
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 999) throw new RangeError('sequence must be 0..999');
  const first17 = region + birthDate.replaceAll('-', '') + String(sequence).padStart(3, '0');
  return first17 + citizenIdCheckCharacter(first17);
}

export interface MakeUsccOptions {
  authority?: string;
  entityType?: string;
  region?: string;
  /** First 8 characters of the embedded organisation code; its check character is computed. */
  organisationBody?: string;
}

export function makeUscc({
  authority = '9',
  entityType = '1',
  region = '350100',
  organisationBody = 'MA123456',
}: MakeUsccOptions = {}): string {
  if (authority.length !== 1 || entityType.length !== 1) throw new RangeError('authority and entityType are one character each');
  if (region.length !== 6) throw new RangeError('region must be 6 characters');
  if (organisationBody.length !== 8) throw new RangeError('organisationBody must be 8 characters');
  const first17 = (authority + entityType + region + organisationBody).toUpperCase() + organisationCodeCheckCharacter(organisationBody);
  return first17 + usccCheckCharacter(first17); // throws on characters outside the USCC alphabet
}

const REGIONS = ['110105', '310104', '440305', '510107', '330106', '420106', '610113'];
const FIRST_DAY_MS = Date.UTC(1940, 0, 1);
const LAST_DAY_MS = Date.UTC(2005, 11, 31);
const DAY_COUNT = (LAST_DAY_MS - FIRST_DAY_MS) / 86400000 + 1;

/** How many distinct IDs citizenIdAt can produce (about 168 million). */
export const CITIZEN_ID_SEQUENCE_SIZE = REGIONS.length * DAY_COUNT * 999;

let days: string[] | null = null;

function dayStrings(): string[] {
  if (days === null) {
    days = [];
    for (let d = 0; d < DAY_COUNT; d++) {
      days.push(new Date(FIRST_DAY_MS + d * 86400000).toISOString().slice(0, 10).replaceAll('-', ''));
    }
  }
  return days;
}

/**
 * The i-th ID of a fixed sequence of distinct valid IDs (mixed-radix: region varies
 * fastest, then birth date 1940-01-01..2005-12-31, then sequence 001..999).
 */
export function citizenIdAt(i: number): string {
  if (!Number.isSafeInteger(i) || i < 0 || i >= CITIZEN_ID_SEQUENCE_SIZE) {
    throw new RangeError(`index must be an integer in [0, ${CITIZEN_ID_SEQUENCE_SIZE})`);
  }
  const region = REGIONS[i % REGIONS.length];
  const rest = Math.floor(i / REGIONS.length);
  const date = dayStrings()[rest % DAY_COUNT];
  const sequence = Math.floor(rest / DAY_COUNT) + 1;
  const first17 = region + date + (sequence < 10 ? '00' : sequence < 100 ? '0' : '') + sequence;
  return first17 + citizenIdCheckCharacter(first17);
}
