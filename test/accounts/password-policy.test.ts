import { checkPassword } from '../../src/accounts/password-policy.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';

/** A number whose check character is X, to see the ID rule ignore case. */
function idEndingInX(): string {
  for (let sequence = 1; ; sequence++) {
    const id = makeCitizenId({ region: '320102', birthDate: '1988-02-29', sequence });
    if (id.endsWith('X')) return id;
  }
}

describe('password policy', () => {
  const id = idEndingInX();
  const person = { idNumber: id, birthDate: '1988-02-29' };

  it('accepts a long, uncommon password', () => {
    expect(checkPassword('Tongban-Demo-2026', person)).toEqual([]);
    expect(checkPassword('光明路17号的桂花树很香', person)).toEqual([]);
  });

  it('counts characters, not UTF-16 units or bytes: 8 to 128', () => {
    expect(checkPassword('Ab3$xy9', person)).toEqual(['TOO_SHORT']);
    expect(checkPassword('Ab3$xy9!', person)).toEqual([]);
    expect(checkPassword('𠀀𠀁𠀂𠀃𠀄𠀅𠀆', person)).toEqual(['TOO_SHORT']); // 7 characters, 14 UTF-16 units
    expect(checkPassword('Tb7!'.repeat(32), person)).toEqual([]);
    expect(checkPassword('Tb7!'.repeat(32) + 'z', person)).toEqual(['TOO_LONG']);
  });

  it('refuses the ID number (any case, alone or inside), its last 6 or 8 characters, and the birth date', () => {
    expect(checkPassword(id, person)).toEqual(['IS_ID_NUMBER']);
    expect(checkPassword(`my-${id.toLowerCase()}-pw`, person)).toEqual(['IS_ID_NUMBER']);
    expect(checkPassword(id.slice(-8).toLowerCase(), person)).toEqual(['IS_ID_NUMBER']);
    expect(checkPassword(id.slice(-6), person)).toEqual(['TOO_SHORT', 'IS_ID_NUMBER']);
    expect(checkPassword('19880229', person)).toEqual(['IS_ID_NUMBER']);
    expect(checkPassword('19880229', { idNumber: id, birthDate: '19880229' })).toEqual(['IS_ID_NUMBER']);
    expect(checkPassword(id.slice(-10), person)).toEqual([]);
  });

  it('refuses common passwords, case-insensitively, including ones common in China', () => {
    expect(checkPassword('iloveyou', person)).toEqual(['COMMON']);
    expect(checkPassword('Password1', person)).toEqual(['COMMON']);
    for (const password of ['woaini1314', 'WOAINI1314', '1qaz2wsx', 'aa123456', '88888888', 'zxcvbnm123']) {
      expect(checkPassword(password, person)).toContain('COMMON');
    }
    expect(checkPassword('5201314', person)).toEqual(['TOO_SHORT', 'COMMON']);
  });
});
