import type { SealsService, SealStatusAt } from '../seals/seals.service.js';

/** How long a seal's status read from the register is reused: every process sees a revocation within this. */
export const SEAL_STATUS_CACHE_MS = 3_000;
const MAX_ENTRIES = 4_096;

/** What the register says of a seal tongban made (or null: no such seal), whatever the time asked about. */
export interface SealStatus {
  readonly revokedAt: Date | null;
  readonly revocationReason: SealStatusAt['revocationReason'];
}

/**
 * Seal statuses from tongban's register (SealsService.statusAt, by the SHA-256 of the seal's DER),
 * reused for SEAL_STATUS_CACHE_MS as the PKI reuses certificate statuses for verification: a
 * portal verifying the same seals over and over costs the database one query per seal every 3 s,
 * not one per call. Calls that arrive together for one seal share its query. The revocation time is
 * kept, not a verdict: whether a stamp was made before it is decided per stamp.
 */
export class SealStatuses {
  private readonly entries = new Map<string, { at: number; status: Promise<SealStatus | null> }>();

  constructor(private readonly seals: Pick<SealsService, 'statusAt'>) {}

  get(sha256: Buffer): Promise<SealStatus | null> {
    const key = sha256.toString('hex');
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && now - cached.at < SEAL_STATUS_CACHE_MS) return cached.status;
    const status = this.seals
      .statusAt({ sha256 })
      .then((found) => (found ? { revokedAt: found.revokedAt, revocationReason: found.revocationReason } : null));
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { at: now, status });
    // A failed read is not kept: the next call asks again.
    status.catch(() => {
      if (this.entries.get(key)?.status === status) this.entries.delete(key);
    });
    return status;
  }
}
