import { maskCitizenId, maskCitizenIdsInText } from '../../src/identifiers/citizen-id.js';

describe('maskCitizenId', () => {
  test('18 characters: region + 8 stars + last 4', () => {
    expect(maskCitizenId('11010519491231002X')).toBe('110105********002X');
  });

  test('15 digits: region + 6 stars (the whole YYMMDD) + sequence', () => {
    expect(maskCitizenId('110105491231002')).toBe('110105******002');
  });

  test('other lengths are masked completely', () => {
    expect(maskCitizenId('1101051949')).toBe('**********');
    expect(maskCitizenId('')).toBe('');
  });
});

describe('maskCitizenIdsInText', () => {
  test('masks 18-character IDs, including lowercase x, and standalone 15-digit runs', () => {
    expect(maskCitizenIdsInText('user 11010519491231002X logged in')).toBe('user 110105********002X logged in');
    expect(maskCitizenIdsInText('id=11010519491231002x;')).toBe('id=110105********002x;');
    expect(maskCitizenIdsInText('old:110105491231002')).toBe('old:110105******002');
    expect(maskCitizenIdsInText('a 110105199001010011, b 110105491231002.')).toBe('a 110105********0011, b 110105******002.');
  });

  test('masks IDs next to non-ASCII text and punctuation', () => {
    expect(maskCitizenIdsInText('身份证号11010519491231002X，已核验')).toBe('身份证号110105********002X，已核验');
    expect(maskCitizenIdsInText('"11010519491231002X"')).toBe('"110105********002X"');
  });

  test('masks ID shapes whether or not the checksum is right', () => {
    expect(maskCitizenIdsInText('bad 110105194912310023')).toBe('bad 110105********0023');
  });

  test('leaves longer digit runs, phone numbers and alphanumeric tokens alone', () => {
    const untouched = [
      'order 1101051949123100211 done', // 19 digits
      'call 13800138000 or +8613800138000',
      'phone 010-12345678',
      'hash a11010519491231002X',
      'hash 11010519491231002Xa',
      'hash 11010519491231002XX',
      'hash 110105194912310021b',
      'ts 1101054912310021', // 16 digits
      'ts 11010549123100217', // 17 digits
      'ref A110105491231002',
      'nothing to see here',
      '',
    ];
    for (const text of untouched) expect(maskCitizenIdsInText(text)).toBe(text);
  });

  test('handles IDs at the very start and end', () => {
    expect(maskCitizenIdsInText('11010519491231002X')).toBe('110105********002X');
    expect(maskCitizenIdsInText('110105491231002')).toBe('110105******002');
  });

  test('returns a long line with nothing to mask unchanged', () => {
    const line = 'GET /api/v1/things?page=2&size=50 200 13ms trace=4bf92f3577b34da6a3ce929d0e0e4736 '.repeat(20);
    expect(maskCitizenIdsInText(line)).toBe(line);
  });
});
