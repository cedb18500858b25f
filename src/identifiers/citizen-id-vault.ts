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

const AAD = 'tongban citizen-id v1';

/**
 * Encrypts citizen ID numbers for storage and computes their blind index. Takes canonical
 * 18-character numbers (see canonicalCitizenId); callers validate first.
 */
@Injectable()
export class CitizenIdVault {
  constructor(private readonly keys: KeyStore) {}

  async protect(canonicalId: string): Promise<ProtectedCitizenId> {
    const { kid, value } = await this.keys.sealText(canonicalId, AAD);
    const blindIndex = await this.keys.mac(kid, Buffer.from(canonicalId, 'ascii'));
    return { encrypted: value, blindIndex, masked: maskCitizenId(canonicalId), kid };
  }

  async reveal(encrypted: string): Promise<string> {
    return this.keys.openText(encrypted, AAD);
  }

  /** The blind index under every `data` key, current first: rows written before a rotation still match. */
  async blindIndexes(canonicalId: string): Promise<Buffer[]> {
    const plaintext = Buffer.from(canonicalId, 'ascii');
    return Promise.all(this.keys.usable('data').map((key) => this.keys.mac(key.kid, plaintext)));
  }
}
