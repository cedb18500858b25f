import { canonicalCitizenId, checkCitizenId, citizenIdCheckCharacter, convertLegacyCitizenId } from '../../src/identifiers/citizen-id.js';
import { citizenIdAt, makeCitizenId } from '../../src/identifiers/generate.js';

const EXAMPLE = '11010519491231002X';
const today = new Date('2024-06-15T12:00:00Z');

function codes(input: unknown, options = { today }): string[] {
  return (checkCitizenId(input, options).errors ?? []).map((e) => e.code);
}

describe('checkCitizenId: the GB 11643 example', () => {
  test('is valid and parsed', () => {
    expect(checkCitizenId(EXAMPLE, { today })).toEqual({
      valid: true,
      canonical: EXAMPLE,
      parsed: { region: '110105', birthDate: '1949-12-31', sex: 'female' },
    });
  });

  test('lowercase x is accepted and canonicalised to X', () => {
    const result = checkCitizenId('11010519491231002x', { today });
    expect(result.valid).toBe(true);
    expect(result.canonical).toBe(EXAMPLE);
    expect(result.errors).toBeUndefined();
    expect(result.warnings).toBeUndefined();
  });

  test('odd sequence is male', () => {
    expect(checkCitizenId(makeCitizenId({ sequence: 17 }), { today }).parsed?.sex).toBe('male');
    expect(checkCitizenId(makeCitizenId({ sequence: 18 }), { today }).parsed?.sex).toBe('female');
  });

  test('check character computation', () => {
    expect(citizenIdCheckCharacter('11010519491231002')).toBe('X');
    expect(() => citizenIdCheckCharacter('1101051949123100')).toThrow(RangeError);
    expect(() => citizenIdCheckCharacter('1101051949123100a')).toThrow(RangeError);
  });
});

describe('checkCitizenId: errors', () => {
  test('TYPE for non-strings', () => {
    for (const input of [undefined, null, 11010519491231, {}, ['x']]) {
      expect(checkCitizenId(input)).toEqual({ valid: false, errors: [expect.objectContaining({ code: 'TYPE' })] });
    }
  });

  test('LENGTH for wrong lengths, and only that error', () => {
    for (const input of ['', '1101051949123100', '110105194912310021X', '1101051949123100211']) {
      expect(codes(input)).toEqual(['LENGTH']);
    }
  });

  test('CHARSET for letters, X in the wrong place, and whitespace', () => {
    expect(codes('1101051949123A002X')).toEqual(['CHARSET']);
    expect(codes('X10105194912310021')).toEqual(['CHARSET']);
    expect(codes('11010519491231002Y')).toEqual(['CHARSET']);
    expect(codes(` ${EXAMPLE}`)).toEqual(['CHARSET']);
    expect(codes(`${EXAMPLE}\n`)).toEqual(['CHARSET']);
    expect(codes('11010549123100X')).toEqual(['CHARSET']); // no X in a 15-digit number
    expect(codes('１１0105194912310021')).toEqual(['CHARSET']); // full-width digits
  });

  test('CHARSET message gives the position', () => {
    expect(checkCitizenId(' 1', { today }).errors?.[0]?.message).toMatch(/position 1/);
  });

  test.each(['00', '19', '20', '16', '24', '38', '47', '49', '55', '60', '66', '70', '72', '80', '84', '90'])(
    'PROVINCE for %s',
    (province) => {
      expect(codes(makeCitizenId({ region: `${province}0105` }))).toEqual(['PROVINCE']);
    },
  );

  test.each(['11', '15', '23', '37', '46', '50', '54', '65', '71', '81', '82', '83'])('province %s is accepted', (province) => {
    expect(checkCitizenId(makeCitizenId({ region: `${province}0000` }), { today }).valid).toBe(true);
  });

  // Foreign permanent resident ID card (2023): 9, the province of issue, the nationality code.
  test.each(['911840', '931392', '944250', '965643'])('foreign permanent resident number %s… is accepted', (region) => {
    const id = makeCitizenId({ region });
    expect(checkCitizenId(id, { today }).valid).toBe(true);
    expect(canonicalCitizenId(id)).toBe(id);
  });

  test.each(['900840', '910840', '990840', '971840', '981840', '966840'])(
    'a number beginning with 9 whose digits 2-3 (%s) are not a province is PROVINCE',
    (region) => {
      const id = makeCitizenId({ region });
      const result = checkCitizenId(id, { today });
      expect(result.errors?.map((e) => e.code)).toEqual(['PROVINCE']);
      expect(result.errors?.[0]?.message).toMatch(/digits 2-3/);
      expect(canonicalCitizenId(id)).toBeNull();
    },
  );

  test('an unknown division code inside a valid province is accepted', () => {
    expect(checkCitizenId(makeCitizenId({ region: '119999' }), { today }).valid).toBe(true);
  });

  test.each(['2023-02-30', '2023-02-29', '1900-02-29', '1990-13-01', '1990-00-10', '1990-04-31', '1990-01-00'])(
    'BIRTH_DATE for impossible date %s',
    (birthDate) => {
      expect(codes(makeCitizenId({ birthDate }))).toEqual(['BIRTH_DATE']);
    },
  );

  test('leap days are real dates', () => {
    expect(checkCitizenId(makeCitizenId({ birthDate: '2000-02-29' }), { today }).valid).toBe(true);
    expect(checkCitizenId(makeCitizenId({ birthDate: '2004-02-29' }), { today }).valid).toBe(true);
  });

  test('BIRTH_DATE for a future date relative to options.today', () => {
    const id = makeCitizenId({ birthDate: '2024-06-16' });
    expect(codes(id)).toEqual(['BIRTH_DATE']);
    expect(checkCitizenId(id, { today: new Date('2024-06-16T00:00:00+08:00') }).valid).toBe(true);
    expect(checkCitizenId(makeCitizenId({ birthDate: '2024-06-15' }), { today }).valid).toBe(true);
  });

  test('today is taken as the China (UTC+8) calendar date', () => {
    const id = makeCitizenId({ birthDate: '2024-06-16' });
    // 16:30 UTC on the 15th is already 00:30 on the 16th in Beijing.
    expect(checkCitizenId(id, { today: new Date('2024-06-15T16:30:00Z') }).valid).toBe(true);
    expect(checkCitizenId(id, { today: new Date('2024-06-15T15:30:00Z') }).valid).toBe(false);
  });

  test('BIRTH_DATE before 1800-01-01', () => {
    expect(codes(makeCitizenId({ birthDate: '1799-12-31' }))).toEqual(['BIRTH_DATE']);
    expect(checkCitizenId(makeCitizenId({ birthDate: '1800-01-01' }), { today }).valid).toBe(true);
  });

  test('CHECKSUM with a message naming expected and actual', () => {
    const result = checkCitizenId('110105194912310023', { today });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([{ code: 'CHECKSUM', message: 'check character should be X, got 3' }]);
    expect(result.canonical).toBeUndefined();
    expect(result.parsed).toBeUndefined();
  });

  test('province, birth date and checksum are all reported together', () => {
    expect(codes('002023023000100010')).toEqual(['PROVINCE', 'BIRTH_DATE', 'CHECKSUM']);
  });

  test('messages never contain the input', () => {
    const inputs = ['002023023000100010', '110105194912310023', `${EXAMPLE} `, '11010519491231002', '110105491231002'];
    for (const input of inputs) {
      for (const e of checkCitizenId(input, { today }).errors ?? []) {
        expect(e.message).not.toContain(input.trim());
        expect(e.message).not.toContain('19491231');
        expect(e.message).not.toContain('20230230');
      }
    }
  });

  test('invalid options.today throws', () => {
    expect(() => checkCitizenId(EXAMPLE, { today: new Date('nope') })).toThrow(RangeError);
  });
});

describe('15-digit legacy numbers', () => {
  test('convert with century 19 and a computed check character', () => {
    expect(convertLegacyCitizenId('110105491231002')).toBe(EXAMPLE);
  });

  test('sequence 996-999 means born in the 1800s', () => {
    expect(convertLegacyCitizenId('110105991231996')).toBe(makeCitizenId({ birthDate: '1899-12-31', sequence: 996 }));
    expect(convertLegacyCitizenId('110105050101999').slice(6, 14)).toBe('18050101');
    expect(convertLegacyCitizenId('110105050101995').slice(6, 14)).toBe('19050101');
  });

  test('conversion rejects anything but 15 digits', () => {
    expect(() => convertLegacyCitizenId('11010549123100')).toThrow(RangeError);
    expect(() => convertLegacyCitizenId('11010549123100X')).toThrow(RangeError);
    expect(() => convertLegacyCitizenId(EXAMPLE)).toThrow(RangeError);
  });

  test('check reports valid with the 18-digit canonical form and a LEGACY_15_DIGIT warning', () => {
    const result = checkCitizenId('110105491231002', { today });
    expect(result).toEqual({
      valid: true,
      canonical: EXAMPLE,
      warnings: [expect.objectContaining({ code: 'LEGACY_15_DIGIT' })],
      parsed: { region: '110105', birthDate: '1949-12-31', sex: 'female' },
    });
  });

  test('centenarian parsed birth date', () => {
    expect(checkCitizenId('110105991231997', { today }).parsed).toEqual({
      region: '110105',
      birthDate: '1899-12-31',
      sex: 'male',
    });
  });

  test('converted numbers still go through province and date rules', () => {
    expect(codes('000105491231002')).toEqual(['PROVINCE']);
    expect(codes('110105490230002')).toEqual(['BIRTH_DATE']);
    expect(checkCitizenId('110105490230002', { today }).warnings?.[0]?.code).toBe('LEGACY_15_DIGIT');
  });
});

describe('canonicalCitizenId', () => {
  test('returns the canonical form or null', () => {
    expect(canonicalCitizenId(EXAMPLE)).toBe(EXAMPLE);
    expect(canonicalCitizenId('11010519491231002x')).toBe(EXAMPLE);
    expect(canonicalCitizenId('110105491231002')).toBe(EXAMPLE);
    expect(canonicalCitizenId('110105194912310023')).toBeNull();
    expect(canonicalCitizenId(` ${EXAMPLE}`)).toBeNull();
    expect(canonicalCitizenId('1101051949123A002X')).toBeNull();
    expect(canonicalCitizenId('X10105194912310021')).toBeNull();
    expect(canonicalCitizenId(makeCitizenId({ region: '200105' }))).toBeNull();
    expect(canonicalCitizenId(makeCitizenId({ birthDate: '2023-02-30' }))).toBeNull();
    expect(canonicalCitizenId(makeCitizenId({ birthDate: '1799-12-31' }))).toBeNull();
    expect(canonicalCitizenId(makeCitizenId({ birthDate: '2999-01-01' }))).toBeNull();
    expect(canonicalCitizenId(undefined as unknown as string)).toBeNull();
  });

  test('returns the same string instance when already canonical', () => {
    const id = makeCitizenId();
    expect(canonicalCitizenId(id)).toBe(id);
  });

  test('agrees with checkCitizenId on single-character mutations', () => {
    const alphabet = '0123456789Xx ';
    for (let pos = 0; pos < 18; pos++) {
      for (const ch of alphabet) {
        const input = EXAMPLE.slice(0, pos) + ch + EXAMPLE.slice(pos + 1);
        const full = checkCitizenId(input);
        expect(canonicalCitizenId(input)).toBe(full.valid ? full.canonical : null);
      }
    }
  });

  test('the fast path accepts a long run of generated IDs', () => {
    let valid = 0;
    for (let i = 0; i < 100_000; i++) if (canonicalCitizenId(citizenIdAt(i)) !== null) valid++;
    expect(valid).toBe(100_000);
  });
});
