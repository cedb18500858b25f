import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import { CRYPTO_OID } from '../../src/crypto/oids.js';
import { verifyByAlgorithm } from '../../src/crypto/signature-algorithms.js';
import { encodeSm2Spki } from '../../src/crypto/sm2-key-encoding.js';
import { Sm2PrivateKey } from '../../src/crypto/sm2-keys.js';
import { sm2Sign } from '../../src/crypto/sm2.js';

const data = Buffer.from('seal information');
const spkiOf = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => key.export({ type: 'spki', format: 'der' });

describe('verification by signature algorithm OID', () => {
  const sm2 = Sm2PrivateKey.generate();
  const sm2Spki = encodeSm2Spki(sm2.publicKey);
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p256Signature = sign('sha256', data, { key: p256.privateKey, dsaEncoding: 'der' });

  it('SM2 with SM3 and ECDSA P-256 with SHA-256, valid and invalid', () => {
    expect(verifyByAlgorithm(CRYPTO_OID.sm2WithSm3, sm2Spki, data, sm2Sign(data, sm2))).toEqual({ result: 'valid' });
    expect(verifyByAlgorithm(CRYPTO_OID.sm2WithSm3, sm2Spki, Buffer.from('other'), sm2Sign(data, sm2)).result).toBe('invalid');
    expect(verifyByAlgorithm(CRYPTO_OID.ecdsaWithSha256, spkiOf(p256.publicKey), data, p256Signature)).toEqual({ result: 'valid' });
    expect(verifyByAlgorithm(CRYPTO_OID.ecdsaWithSha256, spkiOf(p256.publicKey), data, Buffer.from('not DER')).result).toBe('invalid');
  });

  it('a key of the other curve, or a malformed key, is invalid; an algorithm, key type or curve not verified is unsupported', () => {
    expect(verifyByAlgorithm(CRYPTO_OID.sm2WithSm3, spkiOf(p256.publicKey), data, p256Signature)).toMatchObject({
      result: 'invalid',
      reason: /P-256 key/,
    });
    expect(verifyByAlgorithm(CRYPTO_OID.ecdsaWithSha256, sm2Spki, data, sm2Sign(data, sm2))).toMatchObject({
      result: 'invalid',
      reason: /SM2 key/,
    });
    const offCurve = Buffer.from(sm2Spki);
    offCurve[offCurve.length - 1] ^= 1;
    expect(verifyByAlgorithm(CRYPTO_OID.sm2WithSm3, offCurve, data, sm2Sign(data, sm2))).toMatchObject({
      result: 'invalid',
      reason: /cannot be read/,
    });
    expect(verifyByAlgorithm('1.2.840.113549.1.1.11', sm2Spki, data, Buffer.alloc(64)).result).toBe('unsupported');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(verifyByAlgorithm(CRYPTO_OID.ecdsaWithSha256, spkiOf(rsa.publicKey), data, Buffer.alloc(64))).toMatchObject({
      result: 'unsupported',
      reason: /not an elliptic-curve key/,
    });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(verifyByAlgorithm(CRYPTO_OID.ecdsaWithSha256, spkiOf(p384.publicKey), data, Buffer.alloc(64))).toMatchObject({
      result: 'unsupported',
      reason: /1\.3\.132\.0\.34/,
    });
  });
});
