/* eslint-disable @typescript-eslint/require-await -- fakes implement an async interface: as async methods, their failures are rejections, as a token's would be */
import '../support/silent.js';
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign as cryptoSign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSm2Spki } from '../../src/crypto/sm2-key-encoding.js';
import { Sm2PrivateKey } from '../../src/crypto/sm2-keys.js';
import { FileKeyBackend } from '../../src/keys/file-key-backend.js';
import { sm2SignatureAs } from '../../src/keys/sm2-signing.js';
import type { KeyBackend, SealedData } from '../../src/keys/key-backend.js';
import { KEY_PURPOSES, PURPOSE_ALGORITHMS, KeyStoreError, type KeyAlgorithm, type KeyPurpose, type KeyRecord, type KeyState } from '../../src/keys/key-types.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { makeTestEnv, type TestEnv } from '../support/test-env.js';
import { opensslSm2Verify } from '../crypto/openssl-sm2.js';
import { mustOpenssl, Scratch } from '../pki/support.js';

/**
 * A backend that keeps keys in memory and exposes nothing but the KeyBackend calls, as a PKCS#11
 * token would: the KeyStore (and so every caller) works with it unchanged.
 */
class TokenLikeBackend implements KeyBackend {
  readonly name = 'token';
  private readonly keys = new Map<string, { record: KeyRecord; key: KeyObject | Buffer | Sm2PrivateKey }>();
  private counter = 0;
  async list() {
    return [...this.keys.values()].map((k) => ({ ...k.record }));
  }
  async version() {
    return String(this.counter);
  }
  async withWriteLock<T>(fn: () => Promise<T>) {
    return fn();
  }
  async generate(purpose: KeyPurpose, alg: KeyAlgorithm, state: KeyState) {
    const record: KeyRecord = { kid: `token-${++this.counter}`, purpose, alg, state, createdAt: new Date().toISOString() };
    const key =
      alg === 'A256GCM-HS256'
        ? randomBytes(32)
        : alg === 'SM2SM3'
          ? Sm2PrivateKey.generate()
          : alg === 'ES256'
            ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
            : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.keys.set(record.kid, { record, key });
    return { ...record };
  }
  async updateStates(changes: Array<{ kid: string; state: KeyState }>) {
    this.counter++;
    for (const { kid, state } of changes) this.keys.get(kid)!.record.state = state;
  }
  async publicKey(kid: string) {
    const { key } = this.keys.get(kid)!;
    if (key instanceof Sm2PrivateKey) return createPublicKey({ key: encodeSm2Spki(key.publicKey), format: 'der', type: 'spki' });
    return createPublicKey(key);
  }
  async sign(kid: string, data: Buffer, format: 'p1363' | 'der') {
    const held = this.keys.get(kid)!.key;
    if (held instanceof Sm2PrivateKey) return sm2SignatureAs(held, data, format);
    const key = held as KeyObject;
    return cryptoSign('sha256', data, key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363' } : key);
  }
  async encrypt(kid: string, plaintext: Buffer, aad: Buffer) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(kid)!.key as Buffer, iv).setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { iv, ciphertext, tag: cipher.getAuthTag() };
  }
  async decrypt(kid: string, sealed: SealedData, aad: Buffer) {
    const decipher = createDecipheriv('aes-256-gcm', this.keys.get(kid)!.key as Buffer, sealed.iv).setAAD(aad).setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  }
  async mac(kid: string, data: Buffer) {
    return createHmac('sha256', this.keys.get(kid)!.key as Buffer).update(data).digest();
  }
}

function keyStore(t: TestEnv, overrides: Partial<TestEnv['config']> = {}) {
  const config = { ...t.config, ...overrides };
  return new KeyStore(config, new FileKeyBackend(config.keysDir));
}

describe('KeyStore with the file backend', () => {
  let t: TestEnv;
  beforeEach(async () => (t = await makeTestEnv()));
  afterEach(() => t.cleanup());

  it('init creates one current key per purpose and algorithm, private files 0600, and is idempotent', async () => {
    const keys = keyStore(t);
    const { created } = await keys.init();
    const expected = KEY_PURPOSES.flatMap((p) => PURPOSE_ALGORITHMS[p].map((alg) => `${p}/${alg}`)).sort();
    expect(created.map((k) => `${k.purpose}/${k.alg}`).sort()).toEqual(expected);
    expect(keys.complete).toBe(true);

    for (const file of readdirSync(join(t.config.keysDir, 'private'))) {
      expect(statSync(join(t.config.keysDir, 'private', file)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(t.config.keysDir, 'private')).mode & 0o777).toBe(0o700);
    const manifest = readFileSync(join(t.config.keysDir, 'manifest.json'), 'utf8');
    expect(manifest).not.toMatch(/PRIVATE|"d":/);

    const again = await keys.init();
    expect(again.created).toEqual([]);
    expect(again.existing).toHaveLength(expected.length);
  });

  it('signs with the current key and verifies with the public key alone', async () => {
    const keys = keyStore(t);
    await keys.init();
    const data = Buffer.from('payload');
    const { kid, alg, signature } = await keys.sign('licence', data);
    expect(alg).toBe('ES256');
    expect(signature).toHaveLength(64); // JOSE r||s
    const jwk = (await keys.jwks('licence')).keys.find((k) => k.kid === kid)!;
    expect(jwk).not.toHaveProperty('d');
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    expect(await keys.verify(kid, data, signature)).toBe(true);
    expect(await keys.verify(kid, Buffer.from('other'), signature)).toBe(false);

    const der = await keys.sign('issuing-ca', data, { format: 'der' });
    expect(der.signature[0]).toBe(0x30); // DER SEQUENCE, for X.509
    expect(await keys.verify(der.kid, data, der.signature, 'der')).toBe(true);

    const rsa = await keys.sign('oidc', data, { alg: 'RS256' });
    expect(rsa.signature).toHaveLength(256);
    expect(await keys.verify(rsa.kid, data, rsa.signature)).toBe(true);
  });

  it('rotation promotes a next key, retires the old one, and old signatures still verify', async () => {
    const keys = keyStore(t);
    await keys.init();
    const before = await keys.sign('oidc', Buffer.from('old token'));

    const prepared = await keys.rotate('oidc', { prepareOnly: true });
    expect(prepared.created.map((k) => k.state)).toEqual(['next', 'next']);
    expect(prepared.promoted).toEqual([]);
    expect(keys.current('oidc').kid).toBe(before.kid);
    const published = (await keys.jwks('oidc')).keys.map((k) => k.kid);
    expect(published).toEqual(expect.arrayContaining(prepared.created.map((k) => k.kid)));

    const rotation = await keys.rotate('oidc');
    expect(rotation.created).toEqual([]); // the prepared next keys are the ones promoted
    expect(rotation.promoted.map((k) => k.kid).sort()).toEqual(prepared.created.map((k) => k.kid).sort());
    expect(rotation.retired.map((k) => k.kid)).toContain(before.kid);
    expect(keys.current('oidc').kid).not.toBe(before.kid);
    expect(keys.record(before.kid).state).toBe('retired');

    const after = await keys.sign('oidc', Buffer.from('new token'));
    expect(after.kid).toBe(keys.current('oidc').kid);
    expect(await keys.verify(before.kid, Buffer.from('old token'), before.signature)).toBe(true);
    expect((await keys.jwks('oidc')).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([before.kid, after.kid]));

    const direct = await keys.rotate('status');
    expect(direct.created).toHaveLength(1);
    expect(direct.promoted[0].kid).toBe(direct.created[0].kid);
  });

  it('encrypts under the current data key and decrypts after the key is rotated', async () => {
    const keys = keyStore(t);
    await keys.init();
    const aad = Buffer.from('context');
    const { kid, sealed } = await keys.encrypt('data', Buffer.from('secret'), aad);
    const macBefore = await keys.mac(kid, Buffer.from('secret'));
    await keys.rotate('data');
    expect(keys.current('data').kid).not.toBe(kid);
    expect((await keys.decrypt(kid, sealed, aad)).toString()).toBe('secret');
    await expect(keys.decrypt(kid, sealed, Buffer.from('other context'))).rejects.toThrow();
    expect(await keys.mac(kid, Buffer.from('secret'))).toEqual(macBefore);
    expect(await keys.mac(keys.current('data').kid, Buffer.from('secret'))).not.toEqual(macBefore);
    await expect(keys.sign('data', Buffer.from('x'))).rejects.toBeInstanceOf(KeyStoreError);
  });

  it('another process sees a rotation when it reloads', async () => {
    const service = keyStore(t);
    await service.init();
    const cli = keyStore(t);
    await cli.reloadIfChanged();
    const old = service.current('audit').kid;
    await cli.rotate('audit');
    expect(service.current('audit').kid).toBe(old);
    expect(await service.reloadIfChanged()).toBe(true);
    expect(service.current('audit').kid).toBe(cli.current('audit').kid);
    expect(await service.reloadIfChanged()).toBe(false);
  });

  it('auto-init on module start creates keys only when configured', async () => {
    const off = keyStore(t, { keysAutoInit: false, keysReloadSeconds: 0 });
    await off.onModuleInit();
    expect(off.list()).toEqual([]);
    expect(off.complete).toBe(false);
    expect(() => off.current('oidc')).toThrow('tongban keys init');
    const on = keyStore(t, { keysAutoInit: true, keysReloadSeconds: 0 });
    await on.onModuleInit();
    expect(on.complete).toBe(true);
  });

  it('holds SM2 keys by purpose: SM2/SM3 signatures with the default user ID made inside the backend, checked by openssl', async () => {
    const scratch = new Scratch();
    try {
      const keys = keyStore(t);
      await keys.init();
      const sm2Purposes = KEY_PURPOSES.filter((p) => PURPOSE_ALGORITHMS[p].includes('SM2SM3'));
      expect(sm2Purposes).toEqual(['root-ca', 'issuing-ca', 'licence', 'seal-maker']);
      const data = Buffer.from('封 a seal to sign');
      const dataPath = scratch.write('data.bin', data);

      // The seal maker signs with SM2 unless asked otherwise (design §8); the CAs' SM2 keys are named.
      const seal = await keys.sign('seal-maker', data, { format: 'der' });
      expect(seal).toMatchObject({ alg: 'SM2SM3', kid: expect.stringMatching(/^seal-maker-sm2sm3-\d{8}-[0-9a-f]{6}$/) });
      const publicPem = join(t.config.keysDir, 'public', `${seal.kid}.pem`);
      expect(mustOpenssl(['pkey', '-pubin', '-in', publicPem, '-noout', '-text'])).toContain('ASN1 OID: SM2');
      expect(opensslSm2Verify(scratch, publicPem, dataPath, seal.signature)).toBe(true);
      // With another user ID (or as plain ECDSA would be) it does not verify: Z is in the signature.
      expect(opensslSm2Verify(scratch, publicPem, dataPath, seal.signature, { userId: '1234567812345679' })).toBe(false);
      expect(await keys.verify(seal.kid, data, seal.signature, 'der')).toBe(true);
      expect(await keys.verify(seal.kid, Buffer.from('other'), seal.signature, 'der')).toBe(false);

      const jose = await keys.sign('seal-maker', data);
      expect(jose.signature).toHaveLength(64); // r||s
      expect(await keys.verify(jose.kid, data, jose.signature)).toBe(true);
      expect(await keys.verify(jose.kid, data, Buffer.concat([jose.signature, Buffer.alloc(1)]))).toBe(false);

      const ca = keys.current('issuing-ca', 'SM2SM3');
      const certificateSignature = await keys.signWith(ca.kid, data, 'der');
      expect(opensslSm2Verify(scratch, join(t.config.keysDir, 'public', `${ca.kid}.pem`), dataPath, certificateSignature)).toBe(true);
      expect((await keys.sign('seal-maker', data, { alg: 'ES256' })).alg).toBe('ES256');

      // The private key is a 0600 PKCS#8 file in the backend's folder, never handed out: the
      // KeyStore gives public keys only, and SM2 keys have no JWK (JOSE registers no SM2 curve).
      const privatePath = join(t.config.keysDir, 'private', `${seal.kid}.pem`);
      expect(statSync(privatePath).mode & 0o777).toBe(0o600);
      expect(readFileSync(privatePath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(mustOpenssl(['pkey', '-in', privatePath, '-noout', '-text'])).toContain('ASN1 OID: SM2');
      expect((await keys.publicKey(seal.kid)).type).toBe('public');
      expect((await keys.jwks('seal-maker')).keys.map((k) => k.alg)).toEqual(['ES256']);
      expect(keys.list().find((k) => k.kid === seal.kid)).toEqual(
        expect.not.objectContaining({ privateKey: expect.anything() }),
      );

      // Rotation works for SM2 keys as for the others, and retired SM2 keys still verify.
      await keys.rotate('seal-maker');
      expect(keys.current('seal-maker').kid).not.toBe(seal.kid);
      expect(await keys.verify(seal.kid, data, seal.signature, 'der')).toBe(true);
    } finally {
      scratch.cleanup();
    }
  });

  it('works unchanged over another backend (the shape a PKCS#11 token backend takes)', async () => {
    const keys = new KeyStore(t.config, new TokenLikeBackend());
    await keys.init();
    const signed = await keys.sign('seal-maker', Buffer.from('seal'));
    expect(signed.alg).toBe('SM2SM3');
    await keys.rotate('seal-maker');
    expect(await keys.verify(signed.kid, Buffer.from('seal'), signed.signature)).toBe(true);
    const { kid, sealed } = await keys.encrypt('data', Buffer.from('x'), Buffer.alloc(0));
    expect((await keys.decrypt(kid, sealed, Buffer.alloc(0))).toString()).toBe('x');
    expect((await keys.jwks('seal-maker')).keys).toHaveLength(2);
  });
});
