import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { encodeEcSignature } from '../../src/crypto/ec-signature.js';
import {
  decodeSm2PrivateKey,
  decodeSm2Spki,
  encodeSm2Pkcs8,
  encodeSm2Spki,
  readSm2PrivateKeyPem,
  readSm2PublicKeyPem,
  sm2PrivateKeyPem,
  sm2PublicKeyPem,
} from '../../src/crypto/sm2-key-encoding.js';
import { SM2_ORDER, Sm2KeyError, Sm2PrivateKey, Sm2PublicKey } from '../../src/crypto/sm2-keys.js';
import { sm2Sign, sm2Signer, sm2Verify, sm2Z } from '../../src/crypto/sm2.js';
import { parseCertificate } from '../../src/pki/x509.js';
import { mustOpenssl, Scratch } from '../pki/support.js';
import { sesFixture } from '../seals/fixtures.js';
import { opensslSm2Sign, opensslSm2Verify } from './openssl-sm2.js';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const message = Buffer.from('tongban: 统一身份认证 SM2 test message');
const messagePath = scratch.write('message.bin', message);

describe('SM2 keys', () => {
  it('writes PKCS#8 and SubjectPublicKeyInfo byte for byte as OpenSSL 3 rewrites them', () => {
    const key = Sm2PrivateKey.generate();
    const keyPath = scratch.write('ours.pem', sm2PrivateKeyPem(key));
    expect(mustOpenssl(['pkey', '-in', keyPath, '-noout', '-text'])).toContain('ASN1 OID: SM2');
    const rewritten = Buffer.from(mustOpenssl(['pkcs8', '-topk8', '-nocrypt', '-in', keyPath, '-outform', 'DER']), 'latin1');
    expect(rewritten.toString('hex')).toBe(encodeSm2Pkcs8(key).toString('hex'));
    const spki = Buffer.from(mustOpenssl(['pkey', '-in', keyPath, '-pubout', '-outform', 'DER']), 'latin1');
    expect(spki.equals(encodeSm2Spki(key.publicKey))).toBe(true);
    expect(readSm2PublicKeyPem(sm2PublicKeyPem(key.publicKey)).equals(key.publicKey)).toBe(true);
  });

  it("reads OpenSSL's SM2 keys: PKCS#8, the public key, and a SEC1 EC PRIVATE KEY", () => {
    const keyPath = scratch.path('openssl.pem');
    mustOpenssl(['genpkey', '-algorithm', 'SM2', '-out', keyPath]);
    const key = readSm2PrivateKeyPem(readFileSync(keyPath, 'latin1'));
    const publicKey = readSm2PublicKeyPem(mustOpenssl(['pkey', '-in', keyPath, '-pubout']));
    expect(key.publicKey.equals(publicKey)).toBe(true);
    const sec1 = Buffer.from(mustOpenssl(['ec', '-in', keyPath, '-outform', 'DER']), 'latin1');
    expect(decodeSm2PrivateKey(sec1).scalar().equals(key.scalar())).toBe(true);
  });

  it("reads ofdrw's test key (SEC1), whose public key is the one in its certificate", () => {
    const key = readSm2PrivateKeyPem(sesFixture('sign_key.pem').toString('latin1'));
    const cert = parseCertificate(mustDer(sesFixture('sign_cert.pem')));
    expect(decodeSm2Spki(cert.spki).equals(key.publicKey)).toBe(true);
  });

  it('refuses what is not an SM2 key', () => {
    const p256Path = scratch.path('p256.pem');
    mustOpenssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p256Path]);
    expect(() => readSm2PrivateKeyPem(readFileSync(p256Path, 'latin1'))).toThrow(Sm2KeyError);
    expect(() => readSm2PublicKeyPem(mustOpenssl(['pkey', '-in', p256Path, '-pubout']))).toThrow(Sm2KeyError);
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 0x11)]);
    expect(() => Sm2PublicKey.fromPoint(offCurve)).toThrow(Sm2KeyError);
    expect(() => Sm2PublicKey.fromPoint(Buffer.alloc(65))).toThrow(Sm2KeyError);
    expect(() => Sm2PrivateKey.fromScalar(Buffer.alloc(32))).toThrow(Sm2KeyError);
    expect(() => Sm2PrivateKey.fromScalar(Buffer.from((SM2_ORDER - 1n).toString(16), 'hex'))).toThrow(Sm2KeyError);
    const spki = encodeSm2Spki(Sm2PrivateKey.generate().publicKey);
    expect(() => decodeSm2Spki(Buffer.concat([spki, Buffer.from([0])]))).toThrow(Sm2KeyError);
  });
});

describe('SM2 signatures with SM3 and the user ID', () => {
  const key = Sm2PrivateKey.generate();
  const keyPath = scratch.write('key.pem', sm2PrivateKeyPem(key));
  const publicPath = scratch.write('public.pem', sm2PublicKeyPem(key.publicKey));

  it('a signature made here verifies with openssl (default user ID 1234567812345678)', () => {
    const signature = sm2Sign(message, key);
    expect(opensslSm2Verify(scratch, publicPath, messagePath, signature)).toBe(true);
    expect(opensslSm2Verify(scratch, publicPath, messagePath, signature, { userId: '1234567812345679' })).toBe(false);
  });

  it('a signature made by openssl verifies here', () => {
    const signature = opensslSm2Sign(scratch, keyPath, messagePath);
    expect(sm2Verify(message, signature, key.publicKey)).toBe(true);
  });

  it('another user ID, both ways', () => {
    const userId = 'ALICE123@YAHOO.COM';
    const ours = sm2Sign(message, key, { userId });
    expect(opensslSm2Verify(scratch, publicPath, messagePath, ours, { userId })).toBe(true);
    expect(opensslSm2Verify(scratch, publicPath, messagePath, ours)).toBe(false);
    const theirs = opensslSm2Sign(scratch, keyPath, messagePath, userId);
    expect(sm2Verify(message, theirs, key.publicKey, { userId: Buffer.from(userId) })).toBe(true);
    expect(sm2Verify(message, theirs, key.publicKey)).toBe(false);
  });

  it("with ofdrw's test key, verified by openssl against its certificate", () => {
    const fixtureKey = readSm2PrivateKeyPem(sesFixture('sign_key.pem').toString('latin1'));
    const certPath = scratch.write('sign_cert.pem', sesFixture('sign_cert.pem'));
    const signature = sm2Sign(message, fixtureKey);
    expect(opensslSm2Verify(scratch, certPath, messagePath, signature, { certificate: true })).toBe(true);
    const fixtureKeyPath = scratch.write('sign_key.pem', sesFixture('sign_key.pem'));
    expect(sm2Verify(message, opensslSm2Sign(scratch, fixtureKeyPath, messagePath), fixtureKey.publicKey)).toBe(true);
  });

  it('fails for a wrong user ID, a changed message, a changed signature, another key', () => {
    const signature = sm2Sign(message, key);
    expect(sm2Verify(message, signature, key.publicKey)).toBe(true);
    expect(sm2Verify(message, signature, key.publicKey, { userId: '1234567812345670' })).toBe(false);
    const changed = Buffer.from(message);
    changed[3] ^= 1;
    expect(sm2Verify(changed, signature, key.publicKey)).toBe(false);
    for (let i = 0; i < signature.length; i++) {
      const flipped = Buffer.from(signature);
      flipped[i] ^= 0x01;
      expect(sm2Verify(message, flipped, key.publicKey)).toBe(false);
    }
    expect(sm2Verify(message, signature, Sm2PrivateKey.generate().publicKey)).toBe(false);
  });

  it('refuses r or s outside [1, n−1] (s + n would otherwise verify as s) and loose DER', async () => {
    const signature = await sm2Signer(key)(message);
    const [r, s] = readRs(signature);
    expect(sm2Verify(message, encodeEcSignature(r, s), key.publicKey)).toBe(true);
    expect(sm2Verify(message, encodeEcSignature(r, s + SM2_ORDER), key.publicKey)).toBe(false);
    expect(sm2Verify(message, encodeEcSignature(r + SM2_ORDER, s), key.publicKey)).toBe(false);
    expect(sm2Verify(message, encodeEcSignature(0n, s), key.publicKey)).toBe(false);
    expect(sm2Verify(message, encodeEcSignature(r, 0n), key.publicKey)).toBe(false);
    expect(sm2Verify(message, Buffer.concat([signature, Buffer.from([0])]), key.publicKey)).toBe(false);
    const padded = Buffer.from(signature);
    // A leading 0x00 before an r whose top bit is clear is not DER.
    const rHex = r.toString(16).padStart(64, '0');
    if (parseInt(rHex.slice(0, 2), 16) < 0x80) {
      const loose = Buffer.concat([
        Buffer.from([0x30, padded[1] + 1, 0x02, 0x21, 0x00]),
        Buffer.from(rHex, 'hex'),
        padded.subarray(4 + padded[3]),
      ]);
      expect(sm2Verify(message, loose, key.publicKey)).toBe(false);
    }
    expect(sm2Verify(message, Buffer.alloc(0), key.publicKey)).toBe(false);
  });

  it('computes Z over the user ID and the key (GM/T 0009), so the ID changes the digest', () => {
    expect(sm2Z(key.publicKey)).toHaveLength(32);
    expect(sm2Z(key.publicKey).equals(sm2Z(key.publicKey, 'other'))).toBe(false);
    expect(() => sm2Z(key.publicKey, Buffer.alloc(8192))).toThrow(RangeError);
  });
});

function readRs(der: Buffer): [bigint, bigint] {
  const rLength = der[3];
  const r = BigInt(`0x${der.subarray(4, 4 + rLength).toString('hex')}`);
  const s = BigInt(`0x${der.subarray(6 + rLength).toString('hex')}`);
  return [r, s];
}

function mustDer(pem: Buffer): Buffer {
  const body = pem
    .toString('latin1')
    .replace(/-----[^-]+-----/g, '')
    .replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}
