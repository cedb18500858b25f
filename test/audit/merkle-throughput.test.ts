import { MerkleTree, SimulatedHashSource, verifyConsistency, verifyInclusion } from '../../src/audit/merkle/index.js';

/*
 * The figures issue 14 asks for (proofs per second at 10^7 entries, root speed), measured when
 * MERKLE_BENCH=1; skipped otherwise, since building the simulated log hashes 10^7 leaves:
 *
 *   MERKLE_BENCH=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/audit/merkle-throughput
 *
 * The log is simulated by SimulatedHashSource: leaf i's hash is made up from i without hashing
 * (a stand-in for reading it from a table), and levels 8, 16 and 24 are hashed once, up front,
 * into Maps (the audit store's kept levels). What is measured is the library's own work per
 * proof (planning, batching, the SHA-256 it must do), not a database's.
 */
const bench = process.env.MERKLE_BENCH ? test : test.skip;
const SIZE = 10_000_000;

/** Deterministic pseudo-random indices (a 32-bit LCG), so runs can be compared. */
function* indices(count: number, below: number): Generator<number> {
  let x = 12_345;
  for (let i = 0; i < count; i += 1) {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    yield x % below;
  }
}

async function rate(count: number, run: () => Promise<unknown>): Promise<{ perSecond: number; ms: number }> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { perSecond: Math.round((count * 1000) / ms), ms: Math.round(ms) };
}

bench(
  'proofs and roots at 10^7 simulated entries',
  async () => {
    const lines: string[] = [];
    let started = process.hrtime.bigint();
    const source = new SimulatedHashSource(SIZE, [8, 16, 24]);
    lines.push(`setup: levels 8/16/24 of 10^7 leaves hashed in ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
    const tree = new MerkleTree(source);

    source.resetReads();
    started = process.hrtime.bigint();
    const root = await tree.root(SIZE);
    lines.push(`root(10^7): ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)} ms, reads ${JSON.stringify(source.reads)}`);

    const sizes = [...indices(2_000, SIZE)].map((n) => n + 1);
    let s = 0;
    const roots = await rate(sizes.length, () => tree.root(sizes[s++]));
    lines.push(`root(random size ≤ 10^7): ${roots.perSecond}/s`);

    const leafIndices = [...indices(20_000, SIZE)];
    let k = 0;
    source.resetReads();
    const inclusion = await rate(leafIndices.length, () => tree.inclusionProof(leafIndices[k++], SIZE));
    const per = (n: number): string => (n / leafIndices.length).toFixed(1);
    lines.push(
      `inclusionProof(i, 10^7), one at a time: ${inclusion.perSecond}/s; per proof ${per(source.reads.leafCalls + source.reads.subtreeCalls)} reads, ` +
        `${per(source.reads.leaves)} leaf + ${per(source.reads.subtrees)} subtree hashes`,
    );

    k = 0;
    const started2 = process.hrtime.bigint();
    for (let batch = 0; batch < leafIndices.length; batch += 100) {
      await Promise.all(leafIndices.slice(batch, batch + 100).map((i) => tree.inclusionProof(i, SIZE)));
    }
    const concurrentMs = Number(process.hrtime.bigint() - started2) / 1e6;
    lines.push(`inclusionProof, 100 at a time: ${Math.round((leafIndices.length * 1000) / concurrentMs)}/s`);

    const firsts = [...indices(5_000, SIZE - 1)].map((n) => n + 1);
    k = 0;
    source.resetReads();
    const consistency = await rate(firsts.length, () => tree.consistencyProof(firsts[k++], SIZE));
    lines.push(
      `consistencyProof(m, 10^7): ${consistency.perSecond}/s; per proof ${((source.reads.leafCalls + source.reads.subtreeCalls) / firsts.length).toFixed(1)} reads`,
    );

    const check = leafIndices.slice(0, 1_000);
    k = 0;
    const proofs = await Promise.all(check.map((i) => tree.inclusionProof(i, SIZE)));
    const verify = await rate(check.length, () => {
      const i = check[k];
      const ok = verifyInclusion(SimulatedHashSource.leaf(i), i, SIZE, proofs[k++], root);
      if (!ok) throw new Error(`proof of ${i} refused`);
      return Promise.resolve();
    });
    lines.push(`verifyInclusion: ${verify.perSecond}/s`);
    const first = firsts[0];
    const proof = await tree.consistencyProof(first, SIZE);
    expect(verifyConsistency(first, SIZE, await tree.root(first), root, proof)).toBe(true);

    // Root speed where nothing is kept: every leaf hashed, in reads of 2^16.
    const bare = new SimulatedHashSource(2 ** 20);
    started = process.hrtime.bigint();
    await new MerkleTree(bare).root(2 ** 20);
    const bareMs = Number(process.hrtime.bigint() - started) / 1e6;
    lines.push(
      `root(2^20) with no kept levels: ${Math.round(bareMs)} ms (${Math.round(2 ** 20 / (bareMs / 1000))} leaves/s), ${bare.reads.leafCalls} reads`,
    );

    console.log(lines.join('\n'));
  },
  600_000,
);
