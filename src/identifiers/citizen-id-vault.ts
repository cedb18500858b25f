import { Injectable } from '@nestjs/common';
import { KeyStore } from '../keys/keystore.service.js';
import { maskCitizenId } from './citizen-id.js';

/** How a citizen ID number is kept in a table: never in clear (design §3). */
export interface ProtectedCitizenId {
  /** "v1:<kid>:<base64url(iv ‖ ciphertext ‖ tag)>" — AES-256-GCM under the `data` key. */
  encrypted: string;
  /** HMAC-SHA-256 of the canonical number under the same key: equality lookups without decrypting. */
  blindIndex: Buffer;
  masked: string;
  kid: string;
}

const AAD = Buffer.from('tongban citizen-id v1');

/**
 * Encrypts citizen ID numbers for storage and computes their blind index. Takes canonical
 * 18-character numbers (see canonicalCitizenId); callers validate first.
 */
@Injectable()
export class CitizenIdVault {
  constructor(private readonly keys: KeyStore) {}

  async protect(canonicalId: string): Promise<ProtectedCitizenId> {
    const plaintext = Buffer.from(canonicalId, 'ascii');
    const { kid, sealed } = await this.keys.encrypt('data', plaintext, AAD);
    const blindIndex = await this.keys.mac(kid, plaintext);
    const packed = Buffer.concat([sealed.iv, sealed.ciphertext, sealed.tag]).toString('base64url');
    return { encrypted: `v1:${kid}:${packed}`, blindIndex, masked: maskCitizenId(canonicalId), kid };
  }

  async reveal(encrypted: string): Promise<string> {
    const [version, kid, packed] = encrypted.split(':');
    if (version !== 'v1' || !kid || !packed) throw new Error('not an encrypted citizen ID');
    const bytes = Buffer.from(packed, 'base64url');
    const sealed = { iv: bytes.subarray(0, 12), ciphertext: bytes.subarray(12, bytes.length - 16), tag: bytes.subarray(bytes.length - 16) };
    return (await this.keys.decrypt(kid, sealed, AAD)).toString('ascii');
  }

  /** The blind index under every `data` key, current first: rows written before a rotation still match. */
  async blindIndexes(canonicalId: string): Promise<Buffer[]> {
    const plaintext = Buffer.from(canonicalId, 'ascii');
    return Promise.all(this.keys.usable('data').map((key) => this.keys.mac(key.kid, plaintext)));
  }
}
