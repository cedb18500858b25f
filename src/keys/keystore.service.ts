import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { verify as cryptoVerify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { decodeSm2Spki } from '../crypto/sm2-key-encoding.js';
import { KEY_BACKEND, type KeyBackend, type SealedData } from './key-backend.js';
import { sm2VerifyAs } from './sm2-signing.js';
import {
  KEY_PURPOSES,
  KeyStoreError,
  PURPOSE_ALGORITHMS,
  isSm2,
  isSymmetric,
  type KeyAlgorithm,
  type KeyPurpose,
  type KeyRecord,
} from './key-types.js';

export interface RotationResult {
  purpose: KeyPurpose;
  promoted: KeyRecord[];
  retired: KeyRecord[];
  created: KeyRecord[];
}

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: 'sig';
}

type RekeyHandler = () => Promise<{ rows: number }>;

/**
 * Keys by purpose (design §4). Signing and encryption use the purpose's current key; verification
 * and decryption accept any key of the purpose, so rotation never breaks what was made before it.
 * Other processes' rotations are picked up within KEYS_RELOAD_SECONDS.
 */
@Injectable()
export class KeyStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('keys');
  private records: KeyRecord[] = [];
  private loadedVersion = '';
  private reloads = 0;
  private reloadTimer?: NodeJS.Timeout;
  private readonly rekeyHandlers = new Map<string, RekeyHandler>();
  private readonly changeListeners: Array<() => Promise<void> | void> = [];

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @Inject(KEY_BACKEND) readonly backend: KeyBackend,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    if (this.config.keysAutoInit) {
      const { created } = await this.init();
      if (created.length) this.logger.log(`created ${created.length} keys in ${this.config.keysDir}`);
    }
    if (this.config.keysReloadSeconds > 0) {
      this.reloadTimer = setInterval(() => {
        this.reloadIfChanged().catch((err: Error) => this.logger.error(`reloading keys failed: ${err.message}`));
      }, this.config.keysReloadSeconds * 1000);
      this.reloadTimer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.reloadTimer);
  }

  /** Every purpose has a current key (readiness). */
  get complete(): boolean {
    return this.missing().length === 0;
  }

  /** Changes whenever the key records are read again: callers may keep what they derived from them until it does. */
  get revision(): number {
    return this.reloads;
  }

  list(): KeyRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  async reloadIfChanged(): Promise<boolean> {
    if ((await this.backend.version()) === this.loadedVersion) return false;
    await this.reload();
    return true;
  }

  /** Creates a current key for every purpose and algorithm that lacks one; keeps existing keys. */
  async init(): Promise<{ created: KeyRecord[]; existing: KeyRecord[] }> {
    return this.backend.withWriteLock(async () => {
      await this.reload();
      const created: KeyRecord[] = [];
      for (const { purpose, alg } of this.missing()) created.push(await this.backend.generate(purpose, alg, 'current'));
      await this.reload();
      const createdKids = new Set(created.map((k) => k.kid));
      return { created, existing: this.records.filter((k) => k.state === 'current' && !createdKids.has(k.kid)) };
    });
  }

  /**
   * Rotation: a next key is added (or the one already published is used), promoted to current,
   * and the old current retired. With prepareOnly, the next key is only added, so relying parties
   * can cache it before it signs anything.
   */
  async rotate(purpose: KeyPurpose, options: { prepareOnly?: boolean } = {}): Promise<RotationResult> {
    return this.backend.withWriteLock(async () => {
      await this.reload();
      const result: RotationResult = { purpose, promoted: [], retired: [], created: [] };
      const changes: Array<{ kid: string; state: 'current' | 'retired' }> = [];
      for (const alg of PURPOSE_ALGORITHMS[purpose]) {
        let next = this.find(purpose, alg, 'next');
        if (!next) {
          next = await this.backend.generate(purpose, alg, 'next');
          result.created.push(next);
        }
        if (options.prepareOnly) continue;
        const current = this.find(purpose, alg, 'current');
        changes.push({ kid: next.kid, state: 'current' });
        result.promoted.push({ ...next, state: 'current' });
        if (current) {
          changes.push({ kid: current.kid, state: 'retired' });
          result.retired.push({ ...current, state: 'retired' });
        }
      }
      if (changes.length) await this.backend.updateStates(changes);
      await this.reload();
      return result;
    });
  }

  current(purpose: KeyPurpose, alg: KeyAlgorithm = PURPOSE_ALGORITHMS[purpose][0]): KeyRecord {
    const record = this.find(purpose, alg, 'current');
    if (!record) throw new KeyStoreError('NO_CURRENT_KEY', `no current ${alg} key for purpose ${purpose}: run \`tongban keys init\``);
    return record;
  }

  /** The purpose's current key of an algorithm, or undefined when there is none (no throw: for per-request checks). */
  findCurrent(purpose: KeyPurpose, alg: KeyAlgorithm): KeyRecord | undefined {
    return this.find(purpose, alg, 'current');
  }

  /** Keys of a purpose that verification/decryption may use: current first, then next and retired. */
  usable(purpose: KeyPurpose): KeyRecord[] {
    const order = { current: 0, next: 1, retired: 2 } as const;
    return this.records.filter((k) => k.purpose === purpose).sort((a, b) => order[a.state] - order[b.state]);
  }

  record(kid: string): KeyRecord {
    const record = this.records.find((k) => k.kid === kid);
    if (!record) throw new KeyStoreError('UNKNOWN_KEY', `no key ${kid}`);
    return record;
  }

  async sign(purpose: KeyPurpose, data: Buffer, options: { alg?: KeyAlgorithm; format?: 'p1363' | 'der' } = {}) {
    const key = this.current(purpose, options.alg);
    if (isSymmetric(key.alg)) throw new KeyStoreError('WRONG_KEY_TYPE', `purpose ${purpose} has no signing key`);
    const signature = await this.backend.sign(key.kid, data, options.format ?? 'p1363');
    return { kid: key.kid, alg: key.alg, signature };
  }

  /**
   * Signs with a named key, for callers that choose the key themselves (oidc-provider picks the
   * first key of its set). Only a current key may sign: next keys are not live yet, retired ones
   * are for verification only.
   */
  async signWith(kid: string, data: Buffer, format: 'p1363' | 'der' = 'p1363'): Promise<Buffer> {
    const record = this.record(kid);
    if (isSymmetric(record.alg)) throw new KeyStoreError('WRONG_KEY_TYPE', `${kid} is not a signing key`);
    if (record.state !== 'current' && !this.justRetired(record)) throw new KeyStoreError('UNKNOWN_KEY', `${kid} is ${record.state} and may not sign`);
    return this.backend.sign(kid, data, format);
  }

  async verify(kid: string, data: Buffer, signature: Buffer, format: 'p1363' | 'der' = 'p1363'): Promise<boolean> {
    const record = this.record(kid);
    if (isSymmetric(record.alg)) throw new KeyStoreError('WRONG_KEY_TYPE', `${kid} is not a signing key`);
    const key = await this.backend.publicKey(kid);
    if (isSm2(record.alg)) return sm2VerifyAs(decodeSm2Spki(key.export({ format: 'der', type: 'spki' })), data, signature, format);
    return record.alg === 'ES256'
      ? cryptoVerify('sha256', data, { key, dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363' }, signature)
      : cryptoVerify('sha256', data, key, signature);
  }

  publicKey(kid: string): Promise<KeyObject> {
    const record = this.record(kid);
    if (isSymmetric(record.alg)) throw new KeyStoreError('WRONG_KEY_TYPE', `${kid} has no public key`);
    return this.backend.publicKey(kid);
  }

  /**
   * The public JWK set of a purpose: next keys (pre-published), current and retired ones. SM2 keys
   * are left out: JOSE registers no SM2 key type (their certificates publish them).
   */
  async jwks(purpose: KeyPurpose): Promise<{ keys: PublicJwk[] }> {
    const keys: PublicJwk[] = [];
    for (const record of this.usable(purpose)) {
      if (isSymmetric(record.alg) || isSm2(record.alg)) continue;
      const jwk = (await this.backend.publicKey(record.kid)).export({ format: 'jwk' });
      keys.push({ ...jwk, kid: record.kid, alg: record.alg, use: 'sig' });
    }
    return { keys };
  }

  async encrypt(purpose: KeyPurpose, plaintext: Buffer, aad: Buffer): Promise<{ kid: string; sealed: SealedData }> {
    const key = this.current(purpose);
    return { kid: key.kid, sealed: await this.backend.encrypt(key.kid, plaintext, aad) };
  }

  /**
   * Encrypts text under the current `data` key into the stored form
   * "v1:<kid>:<base64url(iv ‖ ciphertext ‖ tag)>". The AAD names what the value is, so a
   * ciphertext copied into another column does not decrypt.
   */
  async sealText(plaintext: string, aad: string): Promise<{ kid: string; value: string }> {
    const { kid, sealed } = await this.encrypt('data', Buffer.from(plaintext, 'utf8'), Buffer.from(aad));
    return { kid, value: `v1:${kid}:${Buffer.concat([sealed.iv, sealed.ciphertext, sealed.tag]).toString('base64url')}` };
  }

  async openText(value: string, aad: string): Promise<string> {
    const [version, kid, body] = value.split(':');
    if (version !== 'v1' || !kid || !body) throw new KeyStoreError('CORRUPT', 'not a value sealed by the key store');
    const bytes = Buffer.from(body, 'base64url');
    const sealed = { iv: bytes.subarray(0, 12), ciphertext: bytes.subarray(12, bytes.length - 16), tag: bytes.subarray(bytes.length - 16) };
    return (await this.decrypt(kid, sealed, Buffer.from(aad))).toString('utf8');
  }

  decrypt(kid: string, sealed: SealedData, aad: Buffer): Promise<Buffer> {
    this.record(kid);
    return this.backend.decrypt(kid, sealed, aad);
  }

  mac(kid: string, data: Buffer): Promise<Buffer> {
    return this.backend.mac(kid, data);
  }

  /** Modules that store data under the `data` key register how to re-encrypt it after a rotation. */
  registerRekeyHandler(name: string, handler: RekeyHandler): void {
    this.rekeyHandlers.set(name, handler);
  }

  /** Re-encrypts stored data under the current `data` key; returns rows touched per handler. */
  async rekeyData(): Promise<Record<string, number>> {
    const done: Record<string, number> = {};
    for (const [name, handler] of this.rekeyHandlers) done[name] = (await handler()).rows;
    return done;
  }

  private find(purpose: KeyPurpose, alg: KeyAlgorithm, state: KeyRecord['state']): KeyRecord | undefined {
    return this.records.find((k) => k.purpose === purpose && k.alg === alg && k.state === state);
  }

  private missing(): Array<{ purpose: KeyPurpose; alg: KeyAlgorithm }> {
    return KEY_PURPOSES.flatMap((purpose) =>
      PURPOSE_ALGORITHMS[purpose].filter((alg) => !this.find(purpose, alg, 'current')).map((alg) => ({ purpose, alg })),
    );
  }

  /**
   * A key retired moments ago may still sign: requests already in flight, and a caller that has
   * not yet switched (oidc-provider is rebuilt after the change; other replicas notice within
   * KEYS_RELOAD_SECONDS). Everything it signs still verifies, as retired keys stay published.
   */
  private justRetired(record: KeyRecord): boolean {
    if (record.state !== 'retired' || !record.retiredAt) return false;
    const graceMs = (2 * this.config.keysReloadSeconds + 30) * 1000;
    return Date.now() - Date.parse(record.retiredAt) < graceMs;
  }

  /** Called after the key set changed (a rotation here, or one by another process noticed on reload). */
  onChange(listener: () => Promise<void> | void): void {
    this.changeListeners.push(listener);
  }

  private async reload(): Promise<void> {
    const version = await this.backend.version();
    const before = JSON.stringify(this.records);
    this.records = await this.backend.list();
    this.loadedVersion = version;
    this.reloads++;
    // Awaited, so that when rotate() returns, users such as the OIDC provider have switched keys.
    if (before !== JSON.stringify(this.records)) for (const listener of this.changeListeners) await listener();
  }
}
