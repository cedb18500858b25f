import type { CertificateStore, SerialStatus } from '../../src/pki/certificate-store.js';
import { StatusCache } from '../../src/pki/status-cache.js';

/** A store whose queries are recorded and answered when the test says so. */
class FakeStore {
  readonly queries: { serials: string[]; issuer?: string; answer: (rows?: Error) => void }[] = [];
  readonly rows = new Map<string, SerialStatus>();

  statuses(serials: string[], issuer?: string): Promise<Map<string, SerialStatus>> {
    return new Promise((resolve, reject) => {
      this.queries.push({
        serials: [...serials],
        issuer,
        answer: (error) =>
          error ? reject(error) : resolve(new Map(serials.filter((s) => this.rows.has(s)).map((s) => [s, this.rows.get(s)!]))),
      });
    });
  }
}

const good = (serial: string): SerialStatus => ({ serial, status: 'good', profile: 'enterprise-licence', reason: null, revokedAt: null });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('StatusCache', () => {
  let store: FakeStore;
  let cache: StatusCache;

  beforeEach(() => {
    store = new FakeStore();
    store.rows.set('a1', good('a1'));
    store.rows.set('b2', good('b2'));
    cache = new StatusCache(store as unknown as CertificateStore, 60_000);
  });

  it('asks about the misses of calls made together in one query, then answers from memory', async () => {
    const first = cache.get(['a1']);
    const second = cache.get(['b2', 'c3']);
    expect(first).toBeInstanceOf(Promise);
    await turn();
    expect(store.queries.map((q) => q.serials)).toEqual([['a1', 'b2', 'c3']]);
    store.queries[0].answer();
    expect([...(await first).keys()]).toEqual(['a1']);
    expect([...(await second).keys()]).toEqual(['b2']); // c3 is unknown: no entry

    // Remembered, the unknown one included: a Map at once, no query.
    const again = cache.get(['a1', 'b2', 'c3']);
    expect(again).toBeInstanceOf(Map);
    expect([...(again as Map<string, SerialStatus>).keys()]).toEqual(['a1', 'b2']);
    expect(store.queries).toHaveLength(1);
  });

  it('a serial already being asked about joins that query', async () => {
    const first = cache.get(['a1']);
    await turn();
    const second = cache.get(['a1']);
    await turn();
    expect(store.queries).toHaveLength(1);
    store.queries[0].answer();
    expect((await second).get('a1')?.status).toBe('good');
    expect((await first).get('a1')?.status).toBe('good');
  });

  it('a failed query fails its callers and is not remembered', async () => {
    const failing = cache.get(['a1', 'b2']);
    await turn();
    store.queries[0].answer(new Error('connection lost'));
    await expect(failing).rejects.toThrow('connection lost');
    const retry = cache.get(['a1']);
    expect(retry).toBeInstanceOf(Promise);
    await turn();
    expect(store.queries).toHaveLength(2);
    store.queries[1].answer();
    expect((await retry).get('a1')?.status).toBe('good');
  });

  it('rows read while a change was made are used once, not kept', async () => {
    const before = cache.get(['a1']);
    await turn();
    cache.forgetSerials(['a1']); // e.g. revoked in this process while the query ran
    store.queries[0].answer();
    expect((await before).get('a1')?.status).toBe('good');
    const after = cache.get(['a1']);
    expect(after).toBeInstanceOf(Promise); // asked again: the old answer was not kept
    await turn();
    expect(store.queries).toHaveLength(2);
    store.rows.set('a1', { ...good('a1'), status: 'revoked', reason: 'keyCompromise', revokedAt: new Date() });
    store.queries[1].answer();
    expect((await after).get('a1')?.status).toBe('revoked');
  });

  it('keeps the states of different issuers apart (OCSP answers for one CA)', async () => {
    let issuer = 'kid-1';
    const scoped = new StatusCache(store as unknown as CertificateStore, 60_000, () => issuer);
    const one = scoped.get(['a1']);
    await turn();
    store.queries[0].answer();
    await one;
    issuer = 'kid-2';
    const two = scoped.get(['a1']);
    expect(two).toBeInstanceOf(Promise);
    await turn();
    expect(store.queries.map((q) => q.issuer)).toEqual(['kid-1', 'kid-2']);
    store.queries[1].answer();
    await two;
  });
});
