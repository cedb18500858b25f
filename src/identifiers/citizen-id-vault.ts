import { Injectable } from '@nestjs/common';
import type { SealedData } from '../keys/key-backend.js';
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

/** "v1:<kid>:<base64url(iv ‖ ciphertext ‖ tag)>": how values encrypted under the `data` key are stored. */
export function packSealed(kid: string, sealed: SealedData): string {
  return `v1:${kid}:${Buffer.concat([sealed.iv, sealed.ciphertext, sealed.tag]).toString('base64url')}`;
}

/** The inverse of packSealed; null when the text is not in that form. */
export function unpackSealed(packed: string): { kid: string; sealed: SealedData } | null {
  const [version, kid, body] = packed.split(':');
  if (version !== 'v1' || !kid || !body) return null;
  const bytes = Buffer.from(body, 'base64url');
  return { kid, sealed: { iv: bytes.subarray(0, 12), ciphertext: bytes.subarray(12, bytes.length - 16), tag: bytes.subarray(bytes.length - 16) } };
}

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
    return { encrypted: packSealed(kid, sealed), blindIndex, masked: maskCitizenId(canonicalId), kid };
  }

  async reveal(encrypted: string): Promise<string> {
    const unpacked = unpackSealed(encrypted);
    if (!unpacked) throw new Error('not an encrypted citizen ID');
    return (await this.keys.decrypt(unpacked.kid, unpacked.sealed, AAD)).toString('ascii');
  }

  /** The blind index under every `data` key, current first: rows written before a rotation still match. */
  async blindIndexes(canonicalId: string): Promise<Buffer[]> {
    const plaintext = Buffer.from(canonicalId, 'ascii');
    return Promise.all(this.keys.usable('data').map((key) => this.keys.mac(key.kid, plaintext)));
  }
}
