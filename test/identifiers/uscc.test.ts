import { canonicalUscc, checkUscc, organisationCodeCheckCharacter, usccCheckCharacter } from '../../src/identifiers/uscc.js';
import { makeUscc } from '../../src/identifiers/generate.js';

const EXAMPLE = '91350100M000100Y43';

function codes(input: unknown): string[] {
  return (checkUscc(input).errors ?? []).map((e) => e.code);
}

function warningCodes(input: unknown): string[] {
  return (checkUscc(input).warnings ?? []).map((e) => e.code);
}

/** A USCC with a correct outer check character around the given first 17 characters. */
function withCheck(first17: string): string {
  return first17 + usccCheckCharacter(first17);
}

describe('checkUscc', () => {
  test('the GB 32100 example is valid and parsed', () => {
    expect(checkUscc(EXAMPLE)).toEqual({
      valid: true,
      canonical: EXAMPLE,
      parsed: {
        authority: { code: '9', name: '工商' },
        entityType: { code: '1', name: '企业' },
        region: '350100',
        organisationCode: 'M000100Y4',
      },
    });
  });

  test('lowercase is accepted and canonicalised', () => {
    const result = checkUscc(EXAMPLE.toLowerCase());
    expect(result.valid).toBe(true);
    expect(result.canonical).toBe(EXAMPLE);
  });

  test('check characters', () => {
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(organisationCodeCheckCharacter('M000100Y')).toBe('4');
    expect(organisationCodeCheckCharacter('D2143569')).toBe('X'); // GB 11714 example D2143569-X
    expect(() => usccCheckCharacter('91350100M000100Y')).toThrow(RangeError);
    expect(() => usccCheckCharacter('91350100M000100I4')).toThrow(RangeError);
    expect(() => organisationCodeCheckCharacter('M000100')).toThrow(RangeError);
    expect(() => organisationCodeCheckCharacter('M000100-')).toThrow(RangeError);
  });

  test('organisation code check character maps 10 to X and 11 to 0', () => {
    expect(organisationCodeCheckCharacter('00000000')).toBe('0'); // Σ = 0 → 11
    expect(organisationCodeCheckCharacter('00001000')).toBe('6');
    expect(organisationCodeCheckCharacter('00000001')).toBe('9');
    expect(organisationCodeCheckCharacter('00000030')).toBe('X'); // 3*4 = 12, 12 mod 11 = 1 → 10
  });

  test('TYPE for non-strings', () => {
    expect(codes(91350100)).toEqual(['TYPE']);
    expect(codes(null)).toEqual(['TYPE']);
  });

  test('LENGTH, and only that error', () => {
    expect(codes('')).toEqual(['LENGTH']);
    expect(codes(EXAMPLE.slice(0, 17))).toEqual(['LENGTH']);
    expect(codes(`${EXAMPLE}3`)).toEqual(['LENGTH']);
    expect(codes('9AAAAAAAAAAAAAAAAAAA')).toEqual(['LENGTH']);
  });

  test.each(['I', 'O', 'Z', 'S', 'V', 'i', 'o', 'z', 's', 'v', '-', ' ', 'é'])('CHARSET for %j', (ch) => {
    expect(codes(`91350100M${ch}00100Y43`)).toEqual(['CHARSET']);
  });

  test('CHARSET for surrounding whitespace', () => {
    expect(codes(` ${EXAMPLE}`)).toEqual(['CHARSET']);
    expect(codes(`${EXAMPLE}\t`)).toEqual(['CHARSET']);
  });

  test('CHECKSUM with a message naming expected and actual', () => {
    expect(checkUscc('91350100M000100Y44').errors).toEqual([{ code: 'CHECKSUM', message: 'check character should be 3, got 4' }]);
  });

  test('REGION for a non-digit division code even when the checksum is right', () => {
    expect(codes(withCheck('9135A100M000100Y4'))).toEqual(['REGION']);
    expect(codes('9135A100M000100Y43')).toEqual(['REGION', 'CHECKSUM']);
  });

  test('ORG_CODE_CHECKSUM is a warning, not an error', () => {
    const input = withCheck('91350100M000100Y5');
    const result = checkUscc(input);
    expect(result.valid).toBe(true);
    expect(result.errors).toBeUndefined();
    expect(result.warnings).toEqual([{ code: 'ORG_CODE_CHECKSUM', message: 'organisation code check character should be 4, got 5' }]);
    expect(canonicalUscc(input)).toBe(input);
  });

  test('UNKNOWN_AUTHORITY is a warning', () => {
    const input = makeUscc({ authority: 'G' });
    const result = checkUscc(input);
    expect(result.valid).toBe(true);
    expect(result.warnings?.map((w) => w.code)).toEqual(['UNKNOWN_AUTHORITY']);
    expect(result.parsed?.authority).toEqual({ code: 'G', name: null });
    expect(result.parsed?.entityType).toEqual({ code: '1', name: null });
  });

  test('UNKNOWN_ENTITY_TYPE is a warning', () => {
    const result = checkUscc(makeUscc({ authority: '9', entityType: '9' }));
    expect(result.valid).toBe(true);
    expect(result.warnings?.map((w) => w.code)).toEqual(['UNKNOWN_ENTITY_TYPE']);
    expect(result.parsed?.authority).toEqual({ code: '9', name: '工商' });
    expect(result.parsed?.entityType).toEqual({ code: '9', name: null });
  });

  test.each([
    ['1', '1', '机构编制', '机关'],
    ['1', '3', '机构编制', '中央编办直接管理机构编制的群众团体'],
    ['5', '1', '民政', '社会团体'],
    ['5', '2', '民政', '民办非企业单位'],
    ['5', '3', '民政', '基金会'],
    ['9', '2', '工商', '个体工商户'],
    ['9', '3', '工商', '农民专业合作社'],
    ['A', '1', '中央军委改革和编制办公室', '军队事业单位'],
    ['N', '2', '农业', '村级集体经济组织'],
  ])('authority %s / entity type %s are named', (authority, entityType, authorityName, entityTypeName) => {
    const result = checkUscc(makeUscc({ authority, entityType }));
    expect(result.warnings).toBeUndefined();
    expect(result.parsed?.authority.name).toBe(authorityName);
    expect(result.parsed?.entityType.name).toBe(entityTypeName);
  });

  test('authority Y has entity type 1 without a name and without a warning', () => {
    const result = checkUscc(makeUscc({ authority: 'Y', entityType: '1' }));
    expect(result.warnings).toBeUndefined();
    expect(result.parsed?.authority.name).toBe('其他');
    expect(result.parsed?.entityType).toEqual({ code: '1', name: null });
  });

  test('warnings are kept on invalid results', () => {
    const result = checkUscc('G1350100M000100Y5A');
    expect(result.valid).toBe(false);
    expect(warningCodes('G1350100M000100Y5A')).toEqual(['ORG_CODE_CHECKSUM', 'UNKNOWN_AUTHORITY']);
    expect(result.parsed).toBeUndefined();
  });
});

describe('canonicalUscc', () => {
  test('returns the canonical form or null', () => {
    expect(canonicalUscc(EXAMPLE)).toBe(EXAMPLE);
    expect(canonicalUscc(EXAMPLE.toLowerCase())).toBe(EXAMPLE);
    expect(canonicalUscc('91350100M000100Y44')).toBeNull();
    expect(canonicalUscc(withCheck('9135A100M000100Y4'))).toBeNull();
    expect(canonicalUscc('91350100MO00100Y43')).toBeNull();
    expect(canonicalUscc(` ${EXAMPLE}`)).toBeNull();
    expect(canonicalUscc(EXAMPLE.slice(1))).toBeNull();
    expect(canonicalUscc(`91350100M000100Y4\u0433`)).toBeNull();
  });

  test('agrees with checkUscc on single-character mutations', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXYabcIOZSV -';
    for (let pos = 0; pos < 18; pos++) {
      for (const ch of alphabet) {
        const input = EXAMPLE.slice(0, pos) + ch + EXAMPLE.slice(pos + 1);
        const full = checkUscc(input);
        expect(canonicalUscc(input)).toBe(full.valid ? full.canonical : null);
      }
    }
  });
});
