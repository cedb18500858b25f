import { createHash } from 'node:crypto';
import {
  completedSubtreeRefs,
  completedSubtrees,
  emptyRoot,
  leafHash,
  MerkleTree,
  nodeHash,
  SimulatedHashSource,
  SubtreeCache,
  verifyConsistency,
  verifyInclusion,
  type HashSource,
} from '../../src/audit/merkle/index.js';

/*
 * The RFC 9162 reference, written here from the RFC's text and nothing in src/: MTH, PATH and
 * PROOF/SUBPROOF of §2.1.1–§2.1.4.1 by their recursive definitions over lists of leaf hashes, and
 * the verifiers of §2.1.3.2 and §2.1.4.2 with BigInt bit operations as the RFC states them. The
 * library is held to this, so a mistake shared by its generator and its verifier still shows.
 */

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};
const rfcLeaf = (entry: Uint8Array): Buffer => sha256(Buffer.from([0x00]), entry);
const rfcNode = (left: Uint8Array, right: Uint8Array): Buffer => sha256(Buffer.from([0x01]), left, right);
/** k: the largest power of two smaller than n. */
const rfcSplit = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH(D[n]) over leaf hashes. */
function rfcMth(d: readonly Buffer[]): Buffer {
  if (d.length === 0) return sha256();
  if (d.length === 1) return d[0];
  const k = rfcSplit(d.length);
  return rfcNode(rfcMth(d.slice(0, k)), rfcMth(d.slice(k)));
}

/**
 * MTH(D[start:end]) by the same definition, without copying the list and remembering ranges of
 * 256 or more: the 2^20-entry test asks for many prefixes that share their subtrees.
 */
function rfcMthOf(d: readonly Buffer[], start: number, end: number, memo: Map<string, Buffer>): Buffer {
  if (end - start === 0) return sha256();
  if (end - start === 1) return d[start];
  const key = `${start}:${end}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const k = rfcSplit(end - start);
  const hash = rfcNode(rfcMthOf(d, start, start + k, memo), rfcMthOf(d, start + k, end, memo));
  if (end - start >= 256) memo.set(key, hash);
  return hash;
}

/** PATH(m, D[n]). */
function rfcPath(m: number, d: readonly Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const k = rfcSplit(d.length);
  return m < k ? [...rfcPath(m, d.slice(0, k)), rfcMth(d.slice(k))] : [...rfcPath(m - k, d.slice(k)), rfcMth(d.slice(0, k))];
}

/** SUBPROOF(m, D[n], b); PROOF(m, D[n]) is SUBPROOF(m, D[n], true). */
function rfcSubproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [rfcMth(d)];
  const k = rfcSplit(d.length);
  return m <= k
    ? [...rfcSubproof(m, d.slice(0, k), b), rfcMth(d.slice(k))]
    : [...rfcSubproof(m - k, d.slice(k), false), rfcMth(d.slice(0, k))];
}

/** §2.1.3.2, step by step. */
function rfcVerifyInclusion(hash: Buffer, index: number, size: number, path: readonly Buffer[], root: Buffer): boolean {
  if (BigInt(index) >= BigInt(size)) return false;
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r = hash;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = rfcNode(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = rfcNode(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

/** §2.1.4.2, step by step (for 0 < first < second; the RFC leaves the other cases to the caller). */
function rfcVerifyConsistency(first: number, second: number, firstHash: Buffer, secondHash: Buffer, proof: readonly Buffer[]): boolean {
  if (proof.length === 0) return false;
  const path = [...proof];
  if ((BigInt(first) & (BigInt(first) - 1n)) === 0n) path.unshift(firstHash);
  let fn = BigInt(first) - 1n;
  let sn = BigInt(second) - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = rfcNode(c, fr);
      sr = rfcNode(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = rfcNode(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0n;
}

const hex = (b: Buffer): string => b.toString('hex');
const fromHex = (h: string): Buffer => Buffer.from(h, 'hex');

/**
 * An in-memory store of `leaves`: it keeps the complete subtrees at `levels` (hashed by the
 * reference MTH, not the library), optionally with holes, answers by range or one at a time, and
 * refuses to read past its leaves, so a tree that reads beyond the size it was asked about fails.
 */
function memorySource(
  leaves: readonly Buffer[],
  levels: readonly number[] = [],
  options: { single?: boolean; hole?: (level: number, index: number) => boolean } = {},
): HashSource & { calls: number } {
  const stored = new Map<string, Buffer>();
  for (const level of levels) {
    const width = 2 ** level;
    for (let index = 0; (index + 1) * width <= leaves.length; index += 1) {
      if (!options.hole?.(level, index)) stored.set(`${level}/${index}`, rfcMth(leaves.slice(index * width, (index + 1) * width)));
    }
  }
  const source: HashSource & { calls: number } = {
    calls: 0,
    storedLevels: levels,
    leafHashes(start, end) {
      source.calls += 1;
      if (!(start >= 0 && start < end && end <= leaves.length))
        throw new RangeError(`read of leaves [${start}, ${end}) of ${leaves.length}`);
      return Promise.resolve(leaves.slice(start, end));
    },
  };
  if (options.single) {
    source.subtreeHash = (level, index) => {
      source.calls += 1;
      return Promise.resolve(stored.get(`${level}/${index}`));
    };
  } else if (levels.length > 0) {
    source.subtreeHashes = (level, start, end) => {
      source.calls += 1;
      return Promise.resolve(Array.from({ length: end - start }, (_, i) => stored.get(`${level}/${start + i}`)));
    };
  }
  return source;
}

// Certificate Transparency's test tree: transparency-dev/merkle (formerly google/trillian),
// testonly/constants.go and proof/verify_test.go, the same data RFC 6962's reference code uses.
const CT_ENTRIES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(fromHex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION: { index: number; size: number; proof: string[] }[] = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CT_CONSISTENCY: { first: number; second: number; proof: string[] }[] = [
  { first: 1, second: 1, proof: [] },
  {
    first: 1,
    second: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 6,
    second: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    first: 2,
    second: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    first: 6,
    second: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

describe('RFC 9162 hashes and the Certificate Transparency test tree', () => {
  const ctLeaves = CT_ENTRIES.map((entry) => leafHash(entry));
  const ctTree = new MerkleTree(memorySource(ctLeaves));

  test('leaf and node hashes carry the 0x00 and 0x01 prefixes; the empty tree is SHA-256 of nothing', () => {
    expect(hex(leafHash(Buffer.from('abc')))).toBe(hex(sha256(Buffer.from('\x00abc', 'latin1'))));
    const [a, b] = [sha256(Buffer.from('a')), sha256(Buffer.from('b'))];
    expect(hex(nodeHash(a, b))).toBe(hex(sha256(Buffer.from([1]), a, b)));
    expect(hex(emptyRoot())).toBe(CT_ROOTS[0]);
    expect(ctLeaves.map(hex)).toEqual(CT_ENTRIES.map((entry) => hex(rfcLeaf(entry))));
  });

  test('the root of every prefix of the 8 entries is the published one', async () => {
    for (let size = 0; size <= 8; size += 1) expect(hex(await ctTree.root(size))).toBe(CT_ROOTS[size]);
  });

  test('inclusion proofs are the published ones and verify', async () => {
    for (const { index, size, proof } of CT_INCLUSION) {
      const made = await ctTree.inclusionProof(index, size);
      expect(made.map(hex)).toEqual(proof);
      expect(verifyInclusion(ctLeaves[index], index, size, made, fromHex(CT_ROOTS[size]))).toBe(true);
    }
  });

  test('consistency proofs are the published ones and verify', async () => {
    for (const { first, second, proof } of CT_CONSISTENCY) {
      const made = await ctTree.consistencyProof(first, second);
      expect(made.map(hex)).toEqual(proof);
      expect(verifyConsistency(first, second, fromHex(CT_ROOTS[first]), fromHex(CT_ROOTS[second]), made)).toBe(true);
    }
  });

  test("the published proofs, corrupted as transparency-dev's tests corrupt them, are refused", () => {
    const someHash = fromHex('abacaba000000000000000000000000000000000000000000060061e00123456');
    for (const { index, size, proof: hexProof } of CT_INCLUSION) {
      const proof = hexProof.map(fromHex);
      const root = fromHex(CT_ROOTS[size]);
      const leaf = ctLeaves[index];
      const probes: [number, number, Buffer, Buffer, Buffer[]][] = [
        [index - 1, size, root, leaf, proof],
        [index + 1, size, root, leaf, proof],
        [index ^ 2, size, root, leaf, proof],
        [index, size * 2, root, leaf, proof],
        [index, Math.floor(size / 2), root, leaf, proof],
        [index, size, root, Buffer.from('WrongLeaf'), proof],
        [index, size, emptyRoot(), leaf, proof],
        [index, size, someHash, leaf, proof],
        [index, size, root, leaf, [...proof, Buffer.alloc(0)]],
        [index, size, root, leaf, [...proof, root]],
        [index, size, root, leaf, [Buffer.alloc(0), ...proof]],
        [index, size, root, leaf, [root, ...proof]],
        [index, size, root, leaf, proof.slice(0, -1)],
        [index, size, root, leaf, [proof[0], someHash, ...proof.slice(1)]],
      ];
      for (const [i, s, r, l, p] of probes) expect(verifyInclusion(l, i, s, p, r)).toBe(false);
    }
    for (const { first, second, proof: hexProof } of CT_CONSISTENCY.filter((c) => c.proof.length > 0)) {
      const proof = hexProof.map(fromHex);
      const [r1, r2] = [fromHex(CT_ROOTS[first]), fromHex(CT_ROOTS[second])];
      const probes: [number, number, Buffer, Buffer, Buffer[]][] = [
        [first - 1, second, r1, r2, proof],
        [first + 1, second, r1, r2, proof],
        [first ^ 2, second, r1, r2, proof],
        [first, second * 2, r1, r2, proof],
        [first, Math.floor(second / 2), r1, r2, proof],
        [first, second, Buffer.from('WrongRoot'), r2, proof],
        [first, second, r1, Buffer.from('WrongRoot'), proof],
        [first, second, r2, r1, proof],
        [first, second, r1, r2, []],
        [first, second, r1, r2, [...proof, Buffer.alloc(0)]],
        [first, second, r1, r2, [...proof, r1]],
        [first, second, r1, r2, [...proof, r2]],
        [first, second, r1, r2, [Buffer.alloc(0), ...proof]],
        [first, second, r1, r2, [r1, ...proof]],
        [first, second, r1, r2, [r2, ...proof]],
        [first, second, r1, r2, [proof[0], ...proof]],
        [first, second, r1, r2, proof.slice(0, -1)],
      ];
      for (const [f, s, a, b, p] of probes) expect(verifyConsistency(f, s, a, b, p)).toBe(false);
    }
  });
});

describe('every tree of 1 to 70 leaves, every index and every pair of sizes', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => rfcLeaf(Buffer.from(`audit entry ${i}`)));
  // The reference's answers, worked out once for all the stores below: roots[n], paths[n][m] and
  // proofs[n][m] are MTH(D[0:n]), PATH(m, D[0:n]) and PROOF(m, D[0:n]) as hex.
  const reference = Array.from({ length: 71 }, (_, n) => {
    const d = leaves.slice(0, n);
    return {
      root: rfcMth(d),
      paths: Array.from({ length: n }, (_, m) => rfcPath(m, d).map(hex).join()),
      proofs: Array.from({ length: n }, (_, m) => (m === 0 ? '' : rfcSubproof(m, d, true).map(hex).join())),
    };
  });
  const configurations: {
    name: string;
    levels: number[];
    single?: boolean;
    hole?: (l: number, i: number) => boolean;
    readLimit?: number;
    cache?: SubtreeCache;
  }[] = [
    { name: 'leaves only', levels: [] },
    { name: 'levels 1 and 3 read by range', levels: [1, 3] },
    { name: 'levels 2 and 4 read one at a time', levels: [2, 4], single: true },
    { name: 'levels 1, 2 and 3 with a third of them missing', levels: [1, 2, 3], hole: (l, i) => (l + i) % 3 === 0 },
    { name: 'leaves only, at most 4 a read', levels: [], readLimit: 4 },
    { name: 'level 5, at most 4 a read', levels: [5], readLimit: 4 },
    // One cache across all 70 sizes: complete subtrees are the same in every later tree.
    { name: 'leaves only, one cache for every size', levels: [], cache: new SubtreeCache(1) },
    { name: 'levels 2 and 4, one small cache (emptied when full) for every size', levels: [2, 4], cache: new SubtreeCache(1, 50) },
  ];

  // Jest's expect costs ~0.1 ms a call here, so the loops below collect what went wrong and
  // assert once: the list of failures must be empty.
  test.each(configurations)('$name: roots and proofs are RFC 9162’s and both verifiers accept them', async (config) => {
    const failures: string[] = [];
    for (let size = 1; size <= 70; size += 1) {
      const d = leaves.slice(0, size);
      const tree = new MerkleTree(memorySource(d, config.levels, config), { readLimit: config.readLimit, cache: config.cache });
      const root = await tree.root(size);
      if (!root.equals(reference[size].root)) failures.push(`root(${size})`);
      for (let index = 0; index < size; index += 1) {
        const proof = await tree.inclusionProof(index, size);
        if (proof.map(hex).join() !== reference[size].paths[index]) failures.push(`inclusionProof(${index}, ${size}) is not PATH`);
        if (!rfcVerifyInclusion(d[index], index, size, proof, root)) failures.push(`RFC refuses inclusion ${index}/${size}`);
        if (!verifyInclusion(d[index], index, size, proof, root)) failures.push(`verifyInclusion refuses ${index}/${size}`);
      }
      for (let first = 1; first < size; first += 1) {
        const proof = await tree.consistencyProof(first, size);
        const firstRoot = reference[first].root;
        if (proof.map(hex).join() !== reference[size].proofs[first]) failures.push(`consistencyProof(${first}, ${size}) is not PROOF`);
        if (!rfcVerifyConsistency(first, size, firstRoot, root, proof)) failures.push(`RFC refuses ${first}→${size}`);
        if (!verifyConsistency(first, size, firstRoot, root, proof)) failures.push(`verifyConsistency refuses ${first}→${size}`);
      }
      if ((await tree.consistencyProof(0, size)).length + (await tree.consistencyProof(size, size)).length > 0) {
        failures.push(`trivial consistency proofs of ${size} are not empty`);
      }
      if (!verifyConsistency(0, size, emptyRoot(), root, [])) failures.push(`0→${size} refused`);
      if (!verifyConsistency(size, size, root, root, [])) failures.push(`${size}→${size} refused`);
    }
    expect(failures).toEqual([]);
  });

  test('leaf hashes are read in ranges, never one call a leaf', async () => {
    const source = memorySource(leaves);
    const tree = new MerkleTree(source, { readLimit: 16 });
    await tree.root(70);
    expect(source.calls).toBeLessThanOrEqual(Math.ceil(70 / 16) + 1);
    source.calls = 0;
    // Siblings of leaf 37: leaves 32–39 (one run), 64–69 (another) and 0–31 (two reads of 16).
    await tree.inclusionProof(37, 70);
    expect(source.calls).toBeLessThanOrEqual(5);
  });

  test('tampered proofs are refused, by the library as by the RFC', async () => {
    const failures: string[] = [];
    const flip = (proof: Buffer[], at: number): Buffer[] =>
      proof.map((node, i) => (i === at ? Buffer.from(node.map((byte, j) => (j === 5 ? byte ^ 0x01 : byte))) : node));
    const tree = new MerkleTree(memorySource(leaves));
    const roots = await Promise.all(Array.from({ length: 71 }, (_, n) => tree.root(n)));
    const extra = rfcLeaf(Buffer.from('not in the log'));
    for (let size = 1; size <= 70; size += 1) {
      for (let index = 0; index < size; index += 1) {
        const proof = await tree.inclusionProof(index, size);
        const refused = (what: string, leaf: Buffer, i: number, s: number, p: Buffer[], root: Buffer): void => {
          if (verifyInclusion(leaf, i, s, p, root)) failures.push(`verifyInclusion accepts ${what} (${index}/${size})`);
          if (i < s && rfcVerifyInclusion(leaf, i, s, p, root)) failures.push(`RFC accepts ${what} (${index}/${size})`);
        };
        const leaf = leaves[index];
        for (let at = 0; at < proof.length; at += 1) refused(`byte flipped in node ${at}`, leaf, index, size, flip(proof, at), roots[size]);
        if (proof.length > 0) refused('first node missing', leaf, index, size, proof.slice(1), roots[size]);
        if (proof.length > 0) refused('last node missing', leaf, index, size, proof.slice(0, -1), roots[size]);
        refused('extra node at the end', leaf, index, size, [...proof, extra], roots[size]);
        refused('extra node in front', leaf, index, size, [extra, ...proof], roots[size]);
        refused('another leaf', extra, index, size, proof, roots[size]);
        for (const other of [index - 1, index + 1, index ^ 1, index ^ 2]) {
          if (other >= 0 && other !== index) refused(`index ${other}`, leaf, other, size, proof, roots[size]);
        }
        // Another size, with that size's genuine root, as a forged tree head would claim.
        for (const other of [size - 1, size + 1, size * 2, Math.floor(size / 2)]) {
          if (other > index && other !== size && other <= 70) refused(`size ${other}`, leaf, index, other, proof, roots[other]);
        }
        refused('index = size', leaf, size, size, proof, roots[size]);
      }
      for (let first = 1; first < size; first += 1) {
        const proof = await tree.consistencyProof(first, size);
        const refused = (what: string, f: number, s: number, a: Buffer, b: Buffer, p: Buffer[]): void => {
          if (verifyConsistency(f, s, a, b, p)) failures.push(`verifyConsistency accepts ${what} (${first}→${size})`);
          if (f > 0 && f < s && rfcVerifyConsistency(f, s, a, b, p)) failures.push(`RFC accepts ${what} (${first}→${size})`);
        };
        const [r1, r2] = [roots[first], roots[size]];
        for (let at = 0; at < proof.length; at += 1) refused(`byte flipped in node ${at}`, first, size, r1, r2, flip(proof, at));
        refused('first node missing', first, size, r1, r2, proof.slice(1));
        refused('last node missing', first, size, r1, r2, proof.slice(0, -1));
        refused('extra node at the end', first, size, r1, r2, [...proof, extra]);
        refused('extra node in front', first, size, r1, r2, [extra, ...proof]);
        refused('roots swapped', first, size, r2, r1, proof);
        refused('sizes swapped', size, first, r2, r1, proof);
        for (const other of [first - 1, first + 1]) {
          if (other > 0 && other < size && other !== first) refused(`first ${other}`, other, size, roots[other], r2, proof);
        }
        for (const other of [size - 1, size + 1]) {
          if (other > first && other <= 70 && other !== size) refused(`second ${other}`, first, other, r1, roots[other], proof);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  test('malformed input is refused without throwing', () => {
    const [leaf, root] = [leaves[0], rfcMth(leaves.slice(0, 2))];
    const proof = [leaves[1]];
    expect(verifyInclusion(leaf, 0, 2, proof, root)).toBe(true);
    for (const [i, s] of [
      [0, 0],
      [2, 2],
      [-1, 2],
      [0.5, 2],
      [0, 2.5],
      [Number.NaN, 2],
      [0, Number.POSITIVE_INFINITY],
      [0, 2 ** 60],
    ]) {
      expect(verifyInclusion(leaf, i, s, proof, root)).toBe(false);
    }
    expect(verifyInclusion(leaf.subarray(1), 0, 2, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, 0, 2, proof, root.subarray(0, 31))).toBe(false);
    expect(verifyInclusion(leaf, 0, 2, [proof[0].subarray(0, 16)], root)).toBe(false);
    expect(verifyInclusion(leaf, 0, 2, null as unknown as Buffer[], root)).toBe(false);
    expect(verifyInclusion(leaf, 0, 2, ['ab'] as unknown as Buffer[], root)).toBe(false);
    expect(verifyInclusion('x' as unknown as Buffer, 0, 2, proof, root)).toBe(false);
    // A Uint8Array that is not a Buffer is as good as one.
    expect(verifyInclusion(new Uint8Array(leaf), 0, 2, [new Uint8Array(proof[0])], new Uint8Array(root))).toBe(true);

    const one = leaves[0];
    expect(verifyConsistency(2, 1, root, one, [])).toBe(false);
    expect(verifyConsistency(1, 2, one, root, [])).toBe(false);
    expect(verifyConsistency(1, 1, one, root, [])).toBe(false);
    expect(verifyConsistency(1, 1, one, one, [leaves[1]])).toBe(false);
    expect(verifyConsistency(0, 1, one, one, [])).toBe(false); // size 0 has only the empty root
    expect(verifyConsistency(0, 1, emptyRoot(), one, [one])).toBe(false);
    expect(verifyConsistency(-1, 1, one, one, [])).toBe(false);
    expect(verifyConsistency(1, 2, one, root, [leaves[1].subarray(2)])).toBe(false);
    expect(verifyConsistency(1, 2, one, root, undefined as unknown as Buffer[])).toBe(false);
    expect(verifyConsistency(1, 2, one, root, [leaves[1]])).toBe(true);
  });

  test('the tree refuses questions about leaves and sizes that do not exist', async () => {
    const tree = new MerkleTree(memorySource(leaves.slice(0, 5)));
    await expect(tree.inclusionProof(5, 5)).rejects.toThrow(RangeError);
    await expect(tree.inclusionProof(-1, 5)).rejects.toThrow(RangeError);
    await expect(tree.inclusionProof(0, 0)).rejects.toThrow(RangeError);
    await expect(tree.consistencyProof(3, 2)).rejects.toThrow(RangeError);
    await expect(tree.root(1.5)).rejects.toThrow(RangeError);
    await expect(tree.root(6)).rejects.toThrow(/leaves \[\d+, 6\) of 5/);
    expect(hex(await tree.root(0))).toBe(CT_ROOTS[0]);
    expect(() => new MerkleTree({ storedLevels: [8], leafHashes: () => Promise.resolve([]) })).toThrow(TypeError);
    expect(() => new MerkleTree({ ...memorySource(leaves, [8]), storedLevels: [0] })).toThrow(RangeError);
  });

  test('a store that answers with the wrong number of hashes is an error, not a wrong root', async () => {
    const tree = new MerkleTree({ leafHashes: (start, end) => Promise.resolve(leaves.slice(start, end - 1)) });
    await expect(tree.root(9)).rejects.toThrow(/leafHashes/);
  });
});

describe('completedSubtrees: what the store writes as the log grows', () => {
  const leaves = Array.from({ length: 1100 }, (_, i) => rfcLeaf(Buffer.from(`entry ${i}`)));

  test('names each subtree at the kept levels once, when its last leaf arrives', () => {
    expect(completedSubtreeRefs(0, 3, [1, 2])).toEqual([{ level: 1, index: 0 }]);
    expect(completedSubtreeRefs(3, 9, [1, 2])).toEqual([
      { level: 1, index: 1 },
      { level: 1, index: 2 },
      { level: 1, index: 3 },
      { level: 2, index: 0 },
      { level: 2, index: 1 },
    ]);
    expect(completedSubtreeRefs(9, 9, [1, 2])).toEqual([]);
    expect(() => completedSubtreeRefs(9, 8, [1])).toThrow(RangeError);
    expect(() => completedSubtreeRefs(0, 8, [0])).toThrow(RangeError);
  });

  test.each([
    { levels: [2, 4, 8], single: false },
    { levels: [8], single: true },
  ])('batches of appends at levels $levels keep a store whose roots and proofs are right', async ({ levels, single }) => {
    const kept = new Map<string, Buffer>();
    let size = 0;
    const grown: HashSource = {
      storedLevels: levels,
      leafHashes(start, end) {
        if (end > size) throw new RangeError(`leaf ${end - 1} not appended yet`);
        return Promise.resolve(leaves.slice(start, end));
      },
    };
    if (single) grown.subtreeHash = (level, index) => Promise.resolve(kept.get(`${level}/${index}`));
    else
      grown.subtreeHashes = (level, start, end) =>
        Promise.resolve(Array.from({ length: end - start }, (_, i) => kept.get(`${level}/${start + i}`)));

    for (const next of [1, 3, 4, 17, 255, 256, 257, 300, 511, 512, 1024, 1100]) {
      const before = size;
      size = next; // the entries are appended (and readable); their subtrees are not written yet
      const written = await completedSubtrees(before, size, levels, grown);
      expect(written.map(({ level, index }) => ({ level, index }))).toEqual(completedSubtreeRefs(before, size, levels));
      for (const { level, index, hash } of written) {
        expect(hex(hash)).toBe(hex(rfcMth(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level))));
        kept.set(`${level}/${index}`, hash);
      }
      const tree = new MerkleTree(grown);
      const root = await tree.root(size);
      expect(hex(root)).toBe(hex(rfcMth(leaves.slice(0, size))));
      for (const index of [0, Math.floor(size / 3), size - 1]) {
        expect(rfcVerifyInclusion(leaves[index], index, size, await tree.inclusionProof(index, size), root)).toBe(true);
      }
    }
    // Every subtree at every kept level of 1,100 leaves was written exactly once.
    expect(kept.size).toBe(levels.reduce((n, level) => n + Math.floor(1100 / 2 ** level), 0));
  });

  test('running it again over a range already written gives the same hashes', async () => {
    const source = memorySource(leaves, [8]);
    const once = await completedSubtrees(0, 1100, [8, 16], source);
    const again = await completedSubtrees(300, 1100, [8, 16], source);
    expect(again.map((s) => hex(s.hash))).toEqual(once.filter((s) => s.index >= 1).map((s) => hex(s.hash)));
  });
});

describe('a simulated log of 2^20 entries keeping levels 8 and 16', () => {
  const SIZE = 2 ** 20;
  let source: SimulatedHashSource;
  let leaves: Buffer[];
  const memo = new Map<string, Buffer>();
  beforeAll(() => {
    source = new SimulatedHashSource(SIZE, [8, 16]);
    leaves = Array.from({ length: SIZE }, (_, i) => SimulatedHashSource.leaf(i));
  });

  test('roots match the reference and each proof needs a bounded number of reads', async () => {
    const tree = new MerkleTree(source);
    const sizes = [SIZE, SIZE - 1, SIZE - 12_345, 777_777];
    const roots = new Map<number, Buffer>();
    for (const size of sizes) {
      source.resetReads();
      const root = await tree.root(size);
      // A root is at most one stored subtree or run of leaves per bit of the size below 2^8,
      // per band of 8 levels: a handful of reads whatever the size.
      expect(source.reads.leafCalls + source.reads.subtreeCalls).toBeLessThanOrEqual(6);
      expect(source.reads.leaves).toBeLessThan(256);
      expect(hex(root)).toBe(hex(rfcMthOf(leaves, 0, size, memo)));
      roots.set(size, root);
    }

    let worst = { calls: 0, hashes: 0 };
    const note = (): void => {
      const { leafCalls, subtreeCalls, leaves: l, subtrees } = source.reads;
      worst = { calls: Math.max(worst.calls, leafCalls + subtreeCalls), hashes: Math.max(worst.hashes, l + subtrees) };
    };
    for (const size of sizes) {
      const root = roots.get(size)!;
      for (let k = 0; k < 50; k += 1) {
        const index = (k * 2_654_435_761) % size;
        source.resetReads();
        const proof = await tree.inclusionProof(index, size);
        note();
        expect(rfcVerifyInclusion(leaves[index], index, size, proof, root)).toBe(true);
      }
      for (const first of [1, 255, 256, 257, 65_536, 400_001, size - 1]) {
        source.resetReads();
        const proof = await tree.consistencyProof(first, size);
        note();
        expect(rfcVerifyConsistency(first, size, rfcMthOf(leaves, 0, first, memo), root, proof)).toBe(true);
      }
    }
    console.log(`2^20 simulated entries: worst proof read ${worst.calls} times, ${worst.hashes} hashes`);
    // Without the kept levels a proof here hashes up to 2^20 leaves; with them, a few calls and at
    // most six blocks of 256 hashes (three bands of 8 levels, each side of the proved path).
    expect(worst.calls).toBeLessThanOrEqual(8);
    expect(worst.hashes).toBeLessThanOrEqual(6 * 256);
  });

  test('with a cache, later proofs reuse the high subtrees and the right edge', async () => {
    const cache = new SubtreeCache();
    const tree = new MerkleTree(source, { cache });
    const size = SIZE - 12_345;
    const root = await tree.root(size);
    source.resetReads();
    expect((await tree.root(size)).equals(root)).toBe(true);
    expect(source.reads.leafCalls + source.reads.subtreeCalls).toBeLessThanOrEqual(1); // only the leaves below level 8
    let before = 0;
    let after = 0;
    for (let k = 0; k < 50; k += 1) {
      const index = (k * 2_654_435_761) % size;
      source.resetReads();
      const proof = await new MerkleTree(source, { cache }).inclusionProof(index, size);
      (k < 1 ? (n: number) => (before += n) : (n: number) => (after = Math.max(after, n)))(source.reads.subtrees);
      expect(rfcVerifyInclusion(leaves[index], index, size, proof, root)).toBe(true);
    }
    console.log(
      `2^20 with a cache: ${cache.size} hashes cached, subtree hashes read by a proof ${before} at first, at most ${after} later`,
    );
  });

  test('a kept subtree the store lost is recomputed from the level below, and the proof still verifies', async () => {
    const holed: HashSource = {
      storedLevels: source.storedLevels,
      leafHashes: (s, e) => source.leafHashes(s, e),
      subtreeHashes: async (level, s, e) =>
        (await source.subtreeHashes(level, s, e)).map((h, i) => (level === 16 && s + i === 3 ? undefined : h)),
    };
    const tree = new MerkleTree(holed);
    const root = await tree.root(SIZE);
    const index = 5 * 65_536 + 17;
    expect(rfcVerifyInclusion(leaves[index], index, SIZE, await tree.inclusionProof(index, SIZE), root)).toBe(true);
  });
});
