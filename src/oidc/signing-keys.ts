import type { KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';
import type { KeyStore } from '../keys/keystore.service.js';
import type { KeyRecord } from '../keys/key-types.js';

/** An `oidc` key as oidc-provider sees it: the public key, and signing done by the KeyStore. */
class KeyStoreSigningKey extends ExternalSigningKey {
  constructor(
    private readonly keys: KeyStore,
    private readonly record: KeyRecord,
    private readonly publicKey: KeyObject,
  ) {
    super();
  }

  override get kid(): string {
    return this.record.kid;
  }

  override get alg(): string {
    return this.record.alg;
  }

  override keyObject(): KeyObject {
    return this.publicKey;
  }

  override async sign(data: Buffer): Promise<Buffer> {
    return this.keys.signWith(this.kid, data);
  }
}

/**
 * The provider's JWKS: current keys first (oidc-provider signs with the first key of an
 * algorithm), then next keys (published ahead of use) and retired ones (still verifying).
 * ES256 leads, so it is the default; RS256 stays for clients that ask for it.
 */
export async function providerSigningKeys(keys: KeyStore): Promise<ExternalSigningKey[]> {
  const records = keys.usable('oidc').sort((a, b) => (a.alg === b.alg ? 0 : a.alg === 'ES256' ? -1 : 1));
  const order = { current: 0, next: 1, retired: 2 } as const;
  records.sort((a, b) => order[a.state] - order[b.state]);
  return Promise.all(records.map(async (record) => new KeyStoreSigningKey(keys, record, await keys.publicKey(record.kid))));
}
