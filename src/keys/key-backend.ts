import type { KeyObject } from 'node:crypto';
import type { KeyAlgorithm, KeyPurpose, KeyRecord, KeyState } from './key-types.js';

/** Injection token of the configured KeyBackend. */
export const KEY_BACKEND = Symbol('KEY_BACKEND');

export interface SealedData {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * Where keys live and where private-key operations happen. Callers never see private material:
 * they get public keys and ask the backend to sign, encrypt, decrypt or MAC by kid. The file
 * backend keeps keys in KEYS_DIR; a PKCS#11 backend implements the same calls inside the token.
 */
export interface KeyBackend {
  readonly name: string;
  /** The key records, as last written. */
  list(): Promise<KeyRecord[]>;
  /** A fingerprint of the stored state, to notice changes made by another process cheaply. */
  version(): Promise<string>;
  /** Runs fn holding the backend's write lock (one writer across processes). */
  withWriteLock<T>(fn: () => Promise<T>): Promise<T>;
  generate(purpose: KeyPurpose, alg: KeyAlgorithm, state: KeyState): Promise<KeyRecord>;
  /** Applies state changes to several keys as one write. */
  updateStates(changes: Array<{ kid: string; state: KeyState }>): Promise<void>;

  publicKey(kid: string): Promise<KeyObject>;
  /**
   * ES256 and SM2SM3 signatures come back as r||s (JOSE, 'p1363') or DER ('der', for X.509/CMS and
   * seals). SM2SM3 is SM2 with SM3 over the data with the default user ID 1234567812345678 (Z is
   * computed inside: the caller hands over the message, not a digest).
   */
  sign(kid: string, data: Buffer, format: 'p1363' | 'der'): Promise<Buffer>;
  encrypt(kid: string, plaintext: Buffer, aad: Buffer): Promise<SealedData>;
  decrypt(kid: string, sealed: SealedData, aad: Buffer): Promise<Buffer>;
  /** HMAC-SHA-256 under the key's MAC sub-key. */
  mac(kid: string, data: Buffer): Promise<Buffer>;
}
