import type { CertificateStore, SerialStatus } from './certificate-store.js';

/** Serials in one gathered query at most (a batch verification asks about up to 100 chains). */
const MAX_SERIALS_PER_QUERY = 500;

/**
 * Revocation states read from pki_certificates, kept for a few seconds so that OCSP and chain
 * verification under load do not ask the database on every request. A change made in this
 * process clears it at once (forget()); a change made by another replica is seen within the TTL.
 * Serials unknown to the database are remembered too (as null). The misses of the requests that
 * arrive together are asked in one query (sent on the next turn of the event loop), and a serial
 * already being asked about joins that query.
 */
export class StatusCache {
  private readonly entries = new Map<string, { value: SerialStatus | null; expires: number }>();
  /** Serials being looked up (with the issuer prefix), to the query that will answer them. */
  private readonly inFlight = new Map<string, Promise<Map<string, SerialStatus>>>();
  /** The query being gathered for each issuer prefix, not yet sent. */
  private readonly gathering = new Map<string, { serials: string[]; query: Promise<Map<string, SerialStatus>> }>();
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

  private async fetch(
    missing: string[],
    prefix: string,
    issuer: string | undefined,
    found: Map<string, SerialStatus>,
  ): Promise<Map<string, SerialStatus>> {
    const queries = new Set<Promise<Map<string, SerialStatus>>>();
    for (const serial of missing) {
      let query = this.inFlight.get(prefix + serial);
      if (!query) {
        query = this.enqueue(serial, prefix, issuer);
        this.inFlight.set(prefix + serial, query);
      }
      queries.add(query);
    }
    for (const rows of await Promise.all(queries)) {
      for (const serial of missing) {
        const row = rows.get(serial);
        if (row) found.set(serial, row);
      }
    }
    return found;
  }

  /**
   * Adds a serial to the query gathered in this turn of the event loop (sent once the requests
   * that arrived together have all asked), and returns that query's rows.
   */
  private enqueue(serial: string, prefix: string, issuer: string | undefined): Promise<Map<string, SerialStatus>> {
    let batch = this.gathering.get(prefix);
    if (!batch || batch.serials.length >= MAX_SERIALS_PER_QUERY) {
      const serials: string[] = [];
      const query: Promise<Map<string, SerialStatus>> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => {
          if (this.gathering.get(prefix)?.query === query) this.gathering.delete(prefix);
          const epoch = this.epoch;
          return this.store.statuses(serials, issuer).then((rows) => {
            // A forget() while the query ran means it may predate a change: use it, do not keep it.
            if (epoch === this.epoch) {
              if (this.entries.size + serials.length > this.maxEntries) this.entries.clear();
              const expires = Date.now() + this.ttlMs;
              for (const s of serials) this.entries.set(prefix + s, { value: rows.get(s) ?? null, expires });
            }
            return rows;
          });
        })
        .finally(() => {
          for (const s of serials) if (this.inFlight.get(prefix + s) === query) this.inFlight.delete(prefix + s);
        });
      void query.catch(() => {}); // its callers see the failure; nothing else should
      batch = { serials, query };
      this.gathering.set(prefix, batch);
    }
    batch.serials.push(serial);
    return batch.query;
  }

  /** Drops what is remembered of these serials (e.g. one just issued, remembered as unknown). */
  forgetSerials(serials: string[]): void {
    const issuer = this.issuerKid();
    const prefix = issuer ? `${issuer}:` : '';
    for (const serial of serials) this.entries.delete(prefix + serial);
    // A query running now may have read them as unknown: its rows are used, not kept; none is joined.
    this.epoch++;
    this.inFlight.clear();
  }

  forget(): void {
    this.epoch++;
    this.entries.clear();
    this.inFlight.clear();
  }
}
