import type { CertificateStore, SerialStatus } from './certificate-store.js';

/**
 * Revocation states read from pki_certificates, kept for a few seconds so that OCSP and chain
 * verification under load do not ask the database on every request. A change made in this
 * process clears it at once (forget()); a change made by another replica is seen within the TTL.
 * Serials unknown to the database are remembered too (as null). Concurrent misses for the same
 * serials share one query.
 */
export class StatusCache {
  private readonly entries = new Map<string, { value: SerialStatus | null; expires: number }>();
  private readonly pending = new Map<string, Promise<Map<string, SerialStatus>>>();
  private epoch = 0;

  constructor(
    private readonly store: CertificateStore,
    private readonly ttlMs: number,
    /** With an issuer kid, only certificates that key signed (OCSP answers for one CA). */
    private readonly issuerKid: () => string | undefined = () => undefined,
    private readonly maxEntries = 100_000,
  ) {}

  /** The states of these serials: at once when all are remembered, else after one (shared) query. */
  get(serials: string[]): Map<string, SerialStatus> | Promise<Map<string, SerialStatus>> {
    const issuer = this.issuerKid();
    const prefix = issuer ? `${issuer}:` : '';
    const now = Date.now();
    const found = new Map<string, SerialStatus>();
    let missing: string[] | undefined;
    for (const serial of serials) {
      const entry = this.entries.get(prefix + serial);
      if (entry && entry.expires > now) {
        if (entry.value) found.set(serial, entry.value);
      } else (missing ??= []).push(serial);
    }
    if (!missing) return found;
    return this.fetch(missing, prefix, issuer, found);
  }

  private async fetch(missing: string[], prefix: string, issuer: string | undefined, found: Map<string, SerialStatus>): Promise<Map<string, SerialStatus>> {
    const key = prefix + missing.join(',');
    let query = this.pending.get(key);
    if (!query) {
      const epoch = this.epoch;
      query = this.store.statuses(missing, issuer).then((rows) => {
        // A forget() while the query ran means it may predate a change: use it, do not keep it.
        if (epoch === this.epoch) {
          if (this.entries.size + missing.length > this.maxEntries) this.entries.clear();
          const expires = Date.now() + this.ttlMs;
          for (const serial of missing) this.entries.set(prefix + serial, { value: rows.get(serial) ?? null, expires });
        }
        return rows;
      });
      this.pending.set(key, query);
      void query.catch(() => {}).finally(() => this.pending.delete(key));
    }
    const rows = await query;
    for (const serial of missing) {
      const row = rows.get(serial);
      if (row) found.set(serial, row);
    }
    return found;
  }

  /** Drops what is remembered of these serials (e.g. one just issued, remembered as unknown). */
  forgetSerials(serials: string[]): void {
    const issuer = this.issuerKid();
    const prefix = issuer ? `${issuer}:` : '';
    for (const serial of serials) this.entries.delete(prefix + serial);
    // A query running now may have read them as unknown: its rows are used, not kept; none is joined.
    this.epoch++;
    this.pending.clear();
  }

  forget(): void {
    this.epoch++;
    this.entries.clear();
    this.pending.clear();
  }
}
