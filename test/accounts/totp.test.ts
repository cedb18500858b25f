import { base32Decode, base32Encode, generateTotpSecret, otpauthUri, totpCode, verifyTotpCode } from '../../src/accounts/totp.js';

const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));

describe('TOTP (RFC 6238)', () => {
  it('encodes and decodes base32 as RFC 4648 does', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded).toString()).toBe(plain);
    }
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    expect(() => base32Decode('MZXW1')).toThrow(RangeError);
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('matches the SHA-1 vectors of RFC 6238 appendix B (8 digits; 6 digits are their last six)', () => {
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, code] of vectors) {
      const step = Math.floor(seconds / 30);
      expect(totpCode(RFC_SECRET, step, 8)).toBe(code);
      expect(totpCode(RFC_SECRET, step)).toBe(code.slice(-6));
    }
  });

  it('accepts a code one step either side of now, once, and nothing else', () => {
    const now = 1111111111 * 1000;
    const step = Math.floor(now / 30000);
    for (const offset of [-1, 0, 1]) expect(verifyTotpCode(RFC_SECRET, totpCode(RFC_SECRET, step + offset), now, null)).toBe(step + offset);
    expect(verifyTotpCode(RFC_SECRET, totpCode(RFC_SECRET, step - 2), now, null)).toBeNull();
    expect(verifyTotpCode(RFC_SECRET, totpCode(RFC_SECRET, step + 2), now, null)).toBeNull();
    expect(verifyTotpCode(RFC_SECRET, totpCode(RFC_SECRET, step), now, step)).toBeNull();
    expect(verifyTotpCode(RFC_SECRET, totpCode(RFC_SECRET, step + 1), now, step)).toBe(step + 1);
    const code = totpCode(RFC_SECRET, step);
    expect(verifyTotpCode(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, now, null)).toBe(step);
    for (const bad of ['', '12345', '1234567', 'abcdef', totpCode(RFC_SECRET, step, 8)])
      expect(verifyTotpCode(RFC_SECRET, bad, now, null)).toBeNull();
  });

  it('makes 160-bit random secrets and a key URI labelled with the masked ID number', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
    expect(otpauthUri(secret, '110105********002X')).toBe(
      `otpauth://totp/tongban:110105********002X?secret=${secret}&issuer=tongban&algorithm=SHA1&digits=6&period=30`,
    );
  });
});
