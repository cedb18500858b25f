import { IV_BYTES, nextIv } from '../../src/keys/iv-source.js';

describe('AES-GCM nonces (iv-source)', () => {
  it('gives 12-byte nonces that never repeat, across many refills of the pool', () => {
    const seen = new Set<string>();
    const count = 20_000; // about 60 pools of 4 KiB
    for (let i = 0; i < count; i++) {
      const iv = nextIv();
      expect(iv.length).toBe(IV_BYTES);
      seen.add(iv.toString('hex'));
    }
    expect(seen.size).toBe(count);
  });

  it('never hands out bytes that a later nonce overwrites', () => {
    const first = nextIv();
    const copy = Buffer.from(first);
    for (let i = 0; i < 1000; i++) nextIv();
    expect(first.equals(copy)).toBe(true);
  });
});
