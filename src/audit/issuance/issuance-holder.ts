import { createHmac } from 'node:crypto';
import type { KeyStore } from '../../keys/keystore.service.js';

/**
 * The holder in the public issuance log: HMAC-SHA-256(salt, "<kind>:<reference>"), lowercase hex,
 * where the reference is what tongban names the holder by (an enterprise's USCC, a citizen's
 * register reference — never an ID number) and
 *
 *   salt = HMAC-SHA-256 under the `data` key's MAC key ("tongban issuance-log holder salt v1")
 *
 * (KeyStore.mac, the key the blind indexes use, over a fixed label: a 32-byte secret derived from
 * the `data` key that never leaves the service). Why keyed and not a plain or public-salted hash:
 * USCCs and register references are few and guessable, so anyone could hash every one of them and
 * read the log's holders back; with a secret salt they cannot. Why a salt of its own rather than
 * the blind index: the audit log names citizens by the blind index HMAC(key, ID number), so a
 * different derivation and input keep a holder in this log unlinkable to the audit log (or to any
 * other log) by anyone without the key. Within the issuance log the same holder has the same hash
 * (certificates, licences and seals of one enterprise alike), so tongban can find a holder's items
 * for them and a monitor can see that items share a holder, but not whose they are. After a
 * rotation of the `data` key new entries hash under the new key's salt: an outsider cannot link the
 * two epochs either; tongban computes the hash under every usable key (holderHashes).
 */

const SALT_LABEL = Buffer.from('tongban issuance-log holder salt v1', 'utf8');

export type HolderReference = `${'enterprise' | 'citizen'}:${string}`;

export class IssuanceHolders {
  private readonly salts = new Map<string, Promise<Buffer>>();

  constructor(private readonly keys: KeyStore) {}

  /** The holder's hash under the current `data` key, as new entries carry it. */
  async holderHash(reference: HolderReference): Promise<string> {
    return this.hashUnder(this.keys.current('data').kid, reference);
  }

  /** The holder's hash under every usable `data` key, current first: entries from before a rotation too. */
  async holderHashes(reference: HolderReference): Promise<string[]> {
    return Promise.all(this.keys.usable('data').map((key) => this.hashUnder(key.kid, reference)));
  }

  private async hashUnder(kid: string, reference: HolderReference): Promise<string> {
    let salt = this.salts.get(kid);
    if (!salt) {
      salt = this.keys.mac(kid, SALT_LABEL);
      this.salts.set(kid, salt);
      salt.catch(() => this.salts.delete(kid));
    }
    return createHmac('sha256', await salt)
      .update(reference, 'utf8')
      .digest('hex');
  }
}
