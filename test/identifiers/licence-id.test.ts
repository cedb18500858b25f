import {
  LICENCE_ID_MAX_LENGTH,
  LICENCE_ID_MIN_LENGTH,
  canonicalLicenceId,
  checkLicenceId,
  makeLicenceId,
  mod37_36CheckCharacter,
} from '../../src/identifiers/licence-id.js';
import { makeUscc } from '../../src/identifiers/generate.js';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * The example GB/T 36904's national licence catalogue documents publish (the 建筑施工企业安全生产管理人员
 * 考核合格证书 standard's appendix A.2 gives it as the form of a licence identifier), and others
 * found in provincial systems' code: each check character is ISO/IEC 7064 MOD 37,36 over the four
 * middle fields.
 */
const PUBLISHED = [
  '1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S',
  '1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U',
  '1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3',
  '1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0',
];

const codes = (input: unknown) => (checkLicenceId(input).errors ?? []).map((e) => e.code);
const warnings = (input: unknown) => (checkLicenceId(input).warnings ?? []).map((e) => e.code);

describe('ISO/IEC 7064 MOD 37,36', () => {
  test('gives the check characters of published examples', () => {
    // Lobster_data's documentation of its ISO 7064 Mod 37/36 function.
    expect(mod37_36CheckCharacter('123AB')).toBe('X');
    expect(mod37_36CheckCharacter('DADPIDA3897722461')).toBe('J');
    expect(mod37_36CheckCharacter('A12425GABC1234002')).toBe('M');
    // go-iso7064's test vectors (some taken from node-iso7064).
    const vectors: Array<[string, string]> = [
      ['RABD', 'A'],
      ['X0H', 'X'],
      ['B7Q3SFTUSH2QN7BIXBPMNZAM', 'I'],
      ['TBR', '1'],
      ['9', 'J'],
      ['OW', 'N'],
      ['1M', 'Q'],
      ['WP8Z0', '9'],
      ['MM61BF7H6C2O86NNMW8ZY8V', '8'],
    ];
    for (const [data, check] of vectors) expect([data, mod37_36CheckCharacter(data)]).toEqual([data, check]);
  });

  test('is case-insensitive and refuses what is not a digit or letter', () => {
    expect(mod37_36CheckCharacter('a12425gabc1234002')).toBe('M');
    expect(() => mod37_36CheckCharacter('')).toThrow(RangeError);
    expect(() => mod37_36CheckCharacter('12-3')).toThrow(RangeError);
    expect(() => mod37_36CheckCharacter('１２')).toThrow(RangeError);
  });

  test('catches every single substitution and every adjacent transposition of a licence identifier body', () => {
    const body = '11100000MB0143028R00111350100MB01234578' + '2026000123001';
    const check = mod37_36CheckCharacter(body);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let i = 0; i < body.length; i++) {
      for (const c of alphabet) {
        if (c === body[i]) continue;
        expect(mod37_36CheckCharacter(body.slice(0, i) + c + body.slice(i + 1))).not.toBe(check);
      }
      if (i + 1 < body.length && body[i] !== body[i + 1]) {
        const swapped = body.slice(0, i) + body[i + 1] + body[i] + body.slice(i + 2);
        expect(mod37_36CheckCharacter(swapped)).not.toBe(check);
      }
    }
  });
});

describe('checkLicenceId', () => {
  test('published identifiers are valid and parsed', () => {
    for (const id of PUBLISHED) expect([id, checkLicenceId(id).valid]).toEqual([id, true]);
    expect(checkLicenceId(PUBLISHED[0])).toEqual({
      valid: true,
      canonical: PUBLISHED[0],
      parsed: {
        typeCode: '11100000000013338W011',
        typeDefiner: '11100000000013338W',
        issuerCode: '11430000006122244L',
        serial: '20230000403',
        version: 2,
        checkCharacter: 'S',
      },
    });
  });

  test('a wrong check character is CHECKSUM, naming the right one', () => {
    const id = PUBLISHED[0].slice(0, -1) + 'T';
    expect(checkLicenceId(id)).toEqual({ valid: false, errors: [{ code: 'CHECKSUM', message: 'check character should be S, got T' }] });
    // One changed character in the body, or two swapped, is caught.
    expect(codes(PUBLISHED[0].replace('20230000403', '20230000404'))).toEqual(['CHECKSUM']);
    expect(codes(PUBLISHED[0].replace('20230000403', '20230000430'))).toEqual(['CHECKSUM']);
    expect(codes(PUBLISHED[0].replace('.002.S', '.003.S'))).toEqual(['CHECKSUM']);
  });

  test('lower case is accepted and canonicalised', () => {
    const result = checkLicenceId(PUBLISHED[0].toLowerCase());
    expect(result.valid).toBe(true);
    expect(result.canonical).toBe(PUBLISHED[0]);
    expect(canonicalLicenceId(PUBLISHED[2].toLowerCase())).toBe(PUBLISHED[2]);
    expect(canonicalLicenceId(PUBLISHED[0].slice(0, -1) + 'T')).toBeNull();
  });

  test('TYPE, CHARSET, LENGTH, PREFIX and FORMAT, with stable codes', () => {
    expect(codes(42)).toEqual(['TYPE']);
    expect(codes(null)).toEqual(['TYPE']);
    expect(codes(` ${PUBLISHED[0]}`)).toEqual(['CHARSET']);
    expect(codes(PUBLISHED[0].replace('.002.', '-002.'))).toEqual(['CHARSET']);
    expect(codes(PUBLISHED[0].replace('20230000403', '２０２３'))).toEqual(['CHARSET']);
    expect(checkLicenceId('1.2.156.3005.2.x').errors).toEqual([
      { code: 'LENGTH', message: `a licence identifier is ${LICENCE_ID_MIN_LENGTH}-${LICENCE_ID_MAX_LENGTH} characters, got 16` },
    ]);
    expect(codes(PUBLISHED[0].replace('20230000403', '2'.repeat(40)))).toEqual(['LENGTH']);
    expect(codes(PUBLISHED[0].replace('1.2.156.3005.2.', '1.2.156.3005.3.'))).toEqual(['PREFIX']);
    expect(codes(PUBLISHED[0].replace('.002.S', '.002S'))).toEqual(['FORMAT']);
    expect(codes(PUBLISHED[0].replace('.002.S', '.002.S.1'))).toEqual(['FORMAT']);
    // Each field: type code of 20 characters, an issuer code with an O, a version of 2 digits or 000, two check characters.
    expect(checkLicenceId(PUBLISHED[0].replace('W011.', 'W01.')).errors?.[0].message).toMatch(/type code must be 21 characters/);
    expect(checkLicenceId(PUBLISHED[0].replace('11430000006122244L', '1143000000612224OL')).errors?.[0].message).toMatch(/issuer code/);
    expect(checkLicenceId(PUBLISHED[0].replace('.002.S', '.000.S')).errors?.[0].message).toMatch(/version must be 3 digits, from 001/);
    expect(checkLicenceId(PUBLISHED[0].replace('.002.S', '.02.SS')).errors?.map((e) => e.code)).toEqual(['FORMAT', 'FORMAT']);
    expect(checkLicenceId(PUBLISHED[0].replace('W011.', 'W0111.').replace('.20230000403.', '..')).errors?.map((e) => e.message)).toEqual([
      expect.stringMatching(/type code must be 21 characters/),
      'the serial must be 1-32 digits and letters',
    ]);
  });

  test('a type code or issuer code that is not a valid USCC is only a warning', () => {
    const badIssuer = makeLicenceId({ typeCode: '11100000MB0143028R001', issuerCode: '11430000006122244M', serial: '1', version: 1 });
    expect(checkLicenceId(badIssuer).valid).toBe(true);
    expect(warnings(badIssuer)).toEqual(['ISSUER_CODE_USCC']);
    const badType = makeLicenceId({ typeCode: '11100000MB0143028A001', issuerCode: '11430000006122244L', serial: '1', version: 1 });
    expect(warnings(badType)).toEqual(['TYPE_CODE_USCC']);
    expect(warnings(PUBLISHED[0])).toEqual([]);
  });
});

describe('makeLicenceId', () => {
  const issuerCode = makeUscc({ authority: '1', entityType: '1', region: '350100', organisationBody: 'MB012345' });

  test('builds what checkLicenceId accepts, and reproduces the published example', () => {
    expect(makeLicenceId({ typeCode: '11100000000013338W011', issuerCode: '11430000006122244L', serial: '20230000403', version: 2 })).toBe(
      PUBLISHED[0],
    );
    const id = makeLicenceId({ typeCode: '11100000MB0143028R001', issuerCode, serial: 'a1b2', version: 12 });
    expect(id).toMatch(/^1\.2\.156\.3005\.2\.11100000MB0143028R001\.11350100MB01234578\.A1B2\.012\.[0-9A-Z]$/);
    expect(checkLicenceId(id)).toMatchObject({ valid: true, parsed: { serial: 'A1B2', version: 12 } });
    const longest = makeLicenceId({ typeCode: '11100000MB0143028R001', issuerCode, serial: 'Z'.repeat(32), version: 999 });
    expect(longest).toHaveLength(LICENCE_ID_MAX_LENGTH);
    expect(checkLicenceId(longest).valid).toBe(true);
  });

  test('refuses parts that make no identifier', () => {
    const parts = { typeCode: '11100000MB0143028R001', issuerCode, serial: '1', version: 1 };
    expect(() => makeLicenceId({ ...parts, typeCode: '11100000MB0143028R01' })).toThrow(RangeError);
    expect(() => makeLicenceId({ ...parts, issuerCode: 'I'.repeat(18) })).toThrow(RangeError);
    expect(() => makeLicenceId({ ...parts, serial: '' })).toThrow(RangeError);
    expect(() => makeLicenceId({ ...parts, serial: 'A-1' })).toThrow(RangeError);
    expect(() => makeLicenceId({ ...parts, version: 0 })).toThrow(RangeError);
    expect(() => makeLicenceId({ ...parts, version: 1000 })).toThrow(RangeError);
  });
});

describe('GET /api/v1/identifiers/licence-id/{value}', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  test('a valid identifier: 200 with the canonical form and its fields, no token needed', async () => {
    const res = await t.http.get(`/api/v1/identifiers/licence-id/${PUBLISHED[0].toLowerCase()}`).expect(200);
    expect(res.body).toEqual({
      valid: true,
      canonical: PUBLISHED[0],
      parsed: {
        typeCode: '11100000000013338W011',
        typeDefiner: '11100000000013338W',
        issuerCode: '11430000006122244L',
        serial: '20230000403',
        version: 2,
        checkCharacter: 'S',
      },
    });
  });

  test('an invalid one is still 200, with stable codes', async () => {
    const bad = await t.http.get(`/api/v1/identifiers/licence-id/${PUBLISHED[0].slice(0, -1)}T`).expect(200);
    expect(bad.body).toEqual({ valid: false, errors: [{ code: 'CHECKSUM', message: 'check character should be S, got T' }] });
    const prefix = await t.http.get(`/api/v1/identifiers/licence-id/${PUBLISHED[0].replace('3005.2.', '3005.3.')}`).expect(200);
    expect(prefix.body).toEqual({
      valid: false,
      errors: [{ code: 'PREFIX', message: 'a licence identifier begins with 1.2.156.3005.2. (GB/T 36904)' }],
    });
    const short = await t.http.get('/api/v1/identifiers/licence-id/2.16.840.1.101.3.4.2.1').expect(200);
    expect(short.body.errors.map((e: { code: string }) => e.code)).toEqual(['LENGTH']);
  });

  test('a value longer than 128 characters is 400 validation_failed', async () => {
    const res = await t.http.get(`/api/v1/identifiers/licence-id/${'1'.repeat(129)}`).expect(400);
    expect(res.body.error).toBe('validation_failed');
  });
});
