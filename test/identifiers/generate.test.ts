import { canonicalCitizenId, checkCitizenId } from '../../src/identifiers/citizen-id.js';
import { canonicalUscc, checkUscc } from '../../src/identifiers/uscc.js';
import { CITIZEN_ID_SEQUENCE_SIZE, citizenIdAt, makeCitizenId, makeUscc } from '../../src/identifiers/generate.js';

describe('makeCitizenId', () => {
  test('defaults produce a valid ID', () => {
    const id = makeCitizenId();
    expect(id).toHaveLength(18);
    expect(checkCitizenId(id).parsed).toEqual({ region: '110105', birthDate: '1990-01-01', sex: 'male' });
  });

  test('uses the given parts', () => {
    expect(makeCitizenId({ region: '110105', birthDate: '1949-12-31', sequence: 2 })).toBe('11010519491231002X');
  });

  test('rejects malformed parts', () => {
    expect(() => makeCitizenId({ region: '1101' })).toThrow(RangeError);
    expect(() => makeCitizenId({ birthDate: '19900101' })).toThrow(RangeError);
    expect(() => makeCitizenId({ sequence: 1000 })).toThrow(RangeError);
    expect(() => makeCitizenId({ sequence: 1.5 })).toThrow(RangeError);
  });
});

describe('makeUscc', () => {
  test('reproduces the GB 32100 example', () => {
    expect(makeUscc({ organisationBody: 'M000100Y' })).toBe('91350100M000100Y43');
  });

  test('defaults produce a valid USCC with no warnings', () => {
    const result = checkUscc(makeUscc());
    expect(result.valid).toBe(true);
    expect(result.warnings).toBeUndefined();
  });

  test('rejects malformed parts', () => {
    expect(() => makeUscc({ organisationBody: 'M000100' })).toThrow(RangeError);
    expect(() => makeUscc({ organisationBody: 'M00010OY' })).toThrow(RangeError);
    expect(() => makeUscc({ region: '3501' })).toThrow(RangeError);
    expect(() => makeUscc({ authority: '91' })).toThrow(RangeError);
  });

  test('many organisation bodies all give valid USCCs without warnings', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const bad: string[] = [];
    for (let i = 0; i < 5000; i++) {
      let body = '';
      for (let k = 0, n = i * 7919; k < 8; k++, n = Math.floor(n / 31)) body += alphabet[(n + k * i) % 31];
      const uscc = makeUscc({ organisationBody: body });
      if (canonicalUscc(uscc) !== uscc || checkUscc(uscc).warnings !== undefined) bad.push(body);
    }
    expect(bad).toEqual([]);
  });
});

describe('citizenIdAt', () => {
  test('is deterministic', () => {
    expect(citizenIdAt(0)).toBe(citizenIdAt(0));
    expect(citizenIdAt(123_456)).toBe(citizenIdAt(123_456));
  });

  test('100,000 consecutive values are valid and unique', () => {
    const seen = new Set<string>();
    let invalid = 0;
    for (let i = 0; i < 100_000; i++) {
      const id = citizenIdAt(i);
      if (canonicalCitizenId(id) !== id) invalid++;
      seen.add(id);
    }
    expect(invalid).toBe(0);
    expect(seen.size).toBe(100_000);
  });

  test('IDs decode back to their index, so the first 5,000,000 (and more) are distinct', () => {
    // A left inverse proves injectivity without holding millions of strings in a Set.
    const regions = Array.from({ length: 7 }, (_, i) => citizenIdAt(i).slice(0, 6));
    expect(new Set(regions).size).toBe(7);
    const start = Date.UTC(1940, 0, 1);
    const dayCount = (Date.UTC(2005, 11, 31) - start) / 86400000 + 1;
    const indexOf = (id: string): number => {
      const day = (Date.UTC(+id.slice(6, 10), +id.slice(10, 12) - 1, +id.slice(12, 14)) - start) / 86400000;
      const sequence = Number(id.slice(14, 17));
      return regions.indexOf(id.slice(0, 6)) + regions.length * (day + dayCount * (sequence - 1));
    };
    let mismatches = 0;
    for (let i = 0; i < 5_000_000; i += 37) if (indexOf(citizenIdAt(i)) !== i) mismatches++;
    for (let i = 4_999_000; i < 5_000_000; i++) if (indexOf(citizenIdAt(i)) !== i) mismatches++;
    expect(mismatches).toBe(0);
    expect(CITIZEN_ID_SEQUENCE_SIZE).toBe(regions.length * dayCount * 999);
  });

  test('samples across the whole range are valid, with birth dates within 1940-2005', () => {
    expect(CITIZEN_ID_SEQUENCE_SIZE).toBeGreaterThanOrEqual(5_000_000);
    const problems: string[] = [];
    for (let i = 0; i < CITIZEN_ID_SEQUENCE_SIZE; i += 99_991) {
      const result = checkCitizenId(citizenIdAt(i));
      const year = Number(result.parsed?.birthDate.slice(0, 4));
      if (!result.valid || year < 1940 || year > 2005) problems.push(`index ${i}`);
    }
    expect(checkCitizenId(citizenIdAt(CITIZEN_ID_SEQUENCE_SIZE - 1)).valid).toBe(true);
    expect(problems).toEqual([]);
  });

  test('rejects out-of-range indices', () => {
    expect(() => citizenIdAt(-1)).toThrow(RangeError);
    expect(() => citizenIdAt(1.5)).toThrow(RangeError);
    expect(() => citizenIdAt(CITIZEN_ID_SEQUENCE_SIZE)).toThrow(RangeError);
  });
});
