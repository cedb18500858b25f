import { generateKeyPairSync, sign } from 'node:crypto';
import { monitorIssuanceLog, rootFrom } from '../../src/cli/transparency-monitor.js';
import { leafHashOf, rootOf, sortedJson } from './rfc9162.js';

const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1, written here from the definition. */
function path(m: number, leaves: Buffer[]): Buffer[] {
  const n = leaves.length;
  if (n === 1) return [];
  const k = split(n);
  return m < k ? [...path(m, leaves.slice(0, k)), rootOf(leaves.slice(k))] : [...path(m - k, leaves.slice(k)), rootOf(leaves.slice(0, k))];
}

/**
 * The monitor's root from the entries it re-read (leaves [since, size)) and the inclusion proof of
 * leaf `since`: the RFC root for every split of every tree up to 70 leaves, and nothing when a
 * leaf read or a proof hash is wrong, or the proof is short or long.
 */
describe('tongban transparency monitor: the root from the entries read and one inclusion proof', () => {
  const all = Array.from({ length: 70 }, (_, i) => leafHashOf(Buffer.from(`entry ${i}`)));
  const forged = leafHashOf(Buffer.from('forged'));

  it('is the RFC 9162 root for every tree size and every first leaf read', () => {
    for (let size = 1; size <= 70; size++) {
      const leaves = all.slice(0, size);
      const root = rootOf(leaves);
      for (let since = 0; since < size; since++) {
        const proof = since ? path(since, leaves) : [];
        expect(rootFrom(since, size, leaves.slice(since), proof)?.equals(root)).toBe(true);
      }
    }
  });

  it('is not that root when an entry read, or a hash of the proof left of it, was changed; nothing for a proof of the wrong length', () => {
    for (const size of [2, 7, 16, 33, 70]) {
      const leaves = all.slice(0, size);
      const root = rootOf(leaves);
      for (let since = 1; since < size; since++) {
        const proof = path(since, leaves);
        const read = leaves.slice(since);
        const changed = [...read];
        changed[read.length - 1] = forged;
        expect(rootFrom(since, size, changed, proof)?.equals(root)).toBe(false);
        // The top hash of the proof is the left half's when leaf `since` is in the right half: it counts.
        // (Hashes right of `since` are recomputed from the entries read, whatever the proof says.)
        const badProof = [...proof];
        badProof[badProof.length - 1] = forged;
        if (since >= split(size)) expect(rootFrom(since, size, read, badProof)?.equals(root)).toBe(false);
        expect(rootFrom(since, size, read, proof.slice(1))).toBeUndefined();
        expect(rootFrom(since, size, read, [...proof, forged])).toBeUndefined();
        expect(rootFrom(since, size, read.slice(1), proof)).toBeUndefined();
      }
    }
  });
});

/**
 * The monitor against a log served by this test (its leaves, root and signature made here from
 * the documented formats, not by tongban): a head signed by the published key passes; one whose
 * signature does not verify, or signed by a key not published, is refused naming the problem.
 */
describe('tongban transparency monitor: the head’s signature', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'audit-test-1', alg: 'ES256', use: 'sig' };
  const entries = Array.from({ length: 5 }, (_, i) => ({
    index: i,
    loggedAt: '2026-12-07T22:00:00.000Z',
    kind: 'licence',
    id: `L-${i}`,
    issuer: 'authority',
    type: 'residence-permit',
    issuedAt: '2026-12-07T21:59:59.000Z',
  }));
  const leaves = entries.map((e) => leafHashOf(Buffer.from(sortedJson(e), 'utf8')));
  const unsigned = { log: 'issuance', treeSize: entries.length, rootHash: rootOf(leaves).toString('base64'), timestamp: Date.now() };
  const signature = sign('sha256', Buffer.from(sortedJson(unsigned)), { key: privateKey, dsaEncoding: 'ieee-p1363' });

  const serve =
    (head: Record<string, unknown>) =>
    (url: string): Promise<{ status: number; json(): Promise<unknown> }> => {
      const path = new URL(url).pathname;
      const body =
        path === '/api/v1/transparency/keys'
          ? { keys: [jwk] }
          : path === '/api/v1/transparency/issuance/tree-head'
            ? head
            : path === '/api/v1/transparency/issuance/entries'
              ? { entries: entries.map((e, i) => ({ ...e, leafHash: leaves[i].toString('base64') })) }
              : undefined;
      return Promise.resolve({ status: body ? 200 : 404, json: () => Promise.resolve(body) });
    };
  const run = (head: Record<string, unknown>) => monitorIssuanceLog({ url: 'http://log.test', since: 0, fetch: serve(head) });

  it('passes a head signed by the published key, and lists the entries', async () => {
    const result = await run({ ...unsigned, kid: jwk.kid, signature: signature.toString('base64') });
    expect(result).toMatchObject({ consistency: 'first-run', since: 0 });
    expect(result.entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });

  it('refuses a head whose signature does not verify, or whose key is not published', async () => {
    const flipped = Buffer.from(signature);
    flipped[10] ^= 1;
    await expect(run({ ...unsigned, kid: jwk.kid, signature: flipped.toString('base64') })).rejects.toMatchObject({
      code: 'BAD_SIGNATURE',
    });
    await expect(run({ ...unsigned, treeSize: 4, kid: jwk.kid, signature: signature.toString('base64') })).rejects.toMatchObject({
      code: 'BAD_SIGNATURE',
    });
    await expect(run({ ...unsigned, kid: 'audit-other', signature: signature.toString('base64') })).rejects.toThrow(
      /does not verify with the keys of http:\/\/log\.test\/api\/v1\/transparency\/keys/,
    );
  });
});
