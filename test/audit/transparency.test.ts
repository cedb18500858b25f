import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service.js';
import { TreeHeadSigner } from '../../src/audit/tree-head-signer.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { backend } from '../support/test-env.js';
import { event } from './audit-context.js';
import { consistencyOk, inclusionOk, leafHashOf, rootOf, sortedJson } from './rfc9162.js';

interface Head {
  log: string;
  treeSize: number;
  rootHash: string;
  timestamp: number;
  kid: string;
  signature: string;
}

const b64 = (text: string) => Buffer.from(text, 'base64');

describe(`transparency endpoints on ${backend}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  const appendAndSign = async (n: number, from: number): Promise<Head> => {
    await Promise.all(Array.from({ length: n }, (_, i) => t.app.get(AuditService).append(event(from + i))));
    await t.app.get(TreeHeadSigner).sign();
    const res = await t.http.get('/api/v1/transparency/tree-head').expect(200);
    return res.body as Head;
  };

  it('answers 404 no_tree_head before anything is logged, then signed heads that verify with the published keys', async () => {
    const none = await t.http.get('/api/v1/transparency/tree-head');
    if (none.status === 404) expect(none.body).toEqual({ error: 'no_tree_head', message: expect.any(String) });
    const head = await appendAndSign(37, 0);
    expect(head).toMatchObject({ log: 'audit', treeSize: expect.any(Number) as number, kid: expect.any(String) as string });
    const jwks = (await t.http.get('/api/v1/transparency/keys').expect(200)).body as { keys: (JsonWebKey & { kid: string })[] };
    const jwk = jwks.keys.find((k) => k.kid === head.kid)!;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    const bytes = Buffer.from(sortedJson({ log: head.log, treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp }));
    expect(
      verify('sha256', bytes, { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, b64(head.signature)),
    ).toBe(true);
    expect(Math.abs(head.timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('gives inclusion proofs the RFC 9162 verifier accepts, for every leaf, against the signed root', async () => {
    const head = await appendAndSign(300, 1000);
    const leaves: Buffer[] = [];
    // Every leaf of the first 64, then every 5th.
    for (let index = 0; index < head.treeSize; index += index < 64 ? 1 : 5) {
      const res = await t.http.get(`/api/v1/transparency/proofs/inclusion?index=${index}&treeSize=${head.treeSize}`).expect(200);
      const body = res.body as { index: number; treeSize: number; leafHash: string; proof: string[] };
      expect(body).toMatchObject({ index, treeSize: head.treeSize });
      expect(inclusionOk(index, head.treeSize, b64(body.leafHash), body.proof.map(b64), b64(head.rootHash))).toBe(true);
      expect(inclusionOk(index, head.treeSize, leafHashOf(Buffer.from('forged')), body.proof.map(b64), b64(head.rootHash))).toBe(false);
      leaves.push(b64(body.leafHash));
    }
    expect(leaves.length).toBeGreaterThan(100);
  });

  it('gives consistency proofs between signed heads, and between any sizes, that the verifier accepts', async () => {
    const before = (await t.http.get('/api/v1/transparency/tree-head').expect(200)).body as Head;
    const after = await appendAndSign(700, 5000);
    expect(after.treeSize).toBeGreaterThan(before.treeSize);
    const res = await t.http.get(`/api/v1/transparency/proofs/consistency?first=${before.treeSize}&second=${after.treeSize}`).expect(200);
    const proof = (res.body as { proof: string[] }).proof.map(b64);
    expect(consistencyOk(before.treeSize, after.treeSize, b64(before.rootHash), b64(after.rootHash), proof)).toBe(true);
    expect(consistencyOk(before.treeSize, after.treeSize, b64(after.rootHash), b64(after.rootHash), proof)).toBe(false);

    // Any sizes: roots computed by the test from the stored leaf hashes.
    const rows = await t.app
      .get(DataSource)
      .query<{ h: string }[]>(`SELECT encode(leaf_hash, 'hex') AS h FROM audit_entries WHERE seq < $1 ORDER BY seq`, [after.treeSize]);
    const leaves = rows.map((row) => Buffer.from(row.h, 'hex'));
    for (const [a, b] of [
      [1, 2],
      [3, 7],
      [256, 1000],
      [255, 257],
      [511, after.treeSize],
      [after.treeSize, after.treeSize],
    ]) {
      const r = await t.http.get(`/api/v1/transparency/proofs/consistency?first=${a}&second=${b}`).expect(200);
      const p = (r.body as { proof: string[] }).proof.map(b64);
      expect([a, b, consistencyOk(a, b, rootOf(leaves.slice(0, a)), rootOf(leaves.slice(0, b)), p)]).toEqual([a, b, true]);
    }
  });

  it('refuses bad ranges with 400 invalid_range, and malformed numbers with validation_failed', async () => {
    const head = (await t.http.get('/api/v1/transparency/tree-head').expect(200)).body as Head;
    const bad = async (query: string, error: string) => {
      const res = await t.http.get(`/api/v1/transparency/proofs/${query}`).expect(400);
      expect(res.body).toEqual({
        error,
        message: expect.any(String),
        ...(error === 'validation_failed' ? { details: expect.any(Array) } : {}),
      });
    };
    await bad(`inclusion?index=${head.treeSize}&treeSize=${head.treeSize}`, 'invalid_range');
    await bad(`inclusion?index=0&treeSize=${head.treeSize + 10_000}`, 'invalid_range');
    await bad(`consistency?first=5&second=4`, 'invalid_range');
    await bad(`consistency?first=1&second=${head.treeSize + 10_000}`, 'invalid_range');
    await bad(`inclusion?index=-1&treeSize=3`, 'validation_failed');
    await bad(`inclusion?index=x&treeSize=3`, 'validation_failed');
    await bad(`inclusion?treeSize=3`, 'validation_failed');
    await bad(`consistency?first=0&second=3`, 'validation_failed');
  });
});
