import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { JsonWebKey } from 'node:crypto';
import { issuanceLeafHash, ISSUANCE_KINDS, ISSUANCE_LOG, type IssuanceEntry } from '../audit/issuance/issuance-entry.js';
import { nodeHash, verifyConsistency } from '../audit/merkle/index.js';
import { treeHeadFromJson, verifyTreeHeadSignature, type TreeHeadJson } from '../audit/tree-head.js';

/**
 * `tongban transparency monitor` (issue 14 §3): what an outside auditor runs against the public
 * issuance log, over HTTP only, trusting nothing but the published `audit` keys:
 *
 * 1. the latest head (GET …/issuance/tree-head), its signature checked with the JWKS of
 *    GET /api/v1/transparency/keys;
 * 2. consistency with the head seen before (the state file): a smaller tree is refused, the same
 *    size must have the same root, a larger one must come with a consistency proof that verifies
 *    (RFC 9162 §2.1.4.2);
 * 3. the entries from `since` to the head's size, each leaf recomputed from the entry as read
 *    (its canonical JSON: the `leafHash` served beside it is not trusted), and the root recomputed
 *    from them: from the leaves alone when `since` is 0; otherwise with the hashes of the subtrees
 *    left of `since` taken from the inclusion proof of leaf `since`, so every entry read is bound
 *    to the signed root while the older ones are not read again;
 * 4. the items issued, listed; and the head kept as the state for the next run (only when it
 *    verified).
 */

export class MonitorProblem extends Error {
  constructor(
    readonly code: 'BAD_SIGNATURE' | 'INCONSISTENT' | 'ENTRIES_MISMATCH' | 'BAD_ANSWER' | 'UNREACHABLE' | 'BAD_STATE',
    message: string,
  ) {
    super(message);
    this.name = 'MonitorProblem';
  }
}

export interface MonitorState {
  /** The service the head came from. */
  url: string;
  /** The last head that verified, as the service answered it. */
  head: TreeHeadJson;
  checkedAt: string;
}

export interface ListedEntry extends IssuanceEntry {
  leafHash: string;
}

export interface MonitorResult {
  url: string;
  head: TreeHeadJson | null;
  /** The head of the state file, when there was one. */
  previous?: { treeSize: number; rootHash: string };
  /** How the new head relates to the previous one. */
  consistency: 'first-run' | 'same' | 'extended' | 'no-head';
  since: number;
  entries: ListedEntry[];
  stateFile?: string;
}

type Fetch = (url: string) => Promise<{ status: number; json(): Promise<unknown> }>;

const PAGE = 1000;
const b64 = (text: string) => Buffer.from(text, 'base64');

export async function monitorIssuanceLog(options: {
  url: string;
  since: number;
  stateFile?: string;
  fetch?: Fetch;
}): Promise<MonitorResult> {
  const base = options.url.replace(/\/+$/, '');
  const get = httpGetter(base, options.fetch ?? ((url) => fetch(url, { headers: { accept: 'application/json' } })));
  const previous = options.stateFile ? readState(options.stateFile) : undefined;

  const jwks = (await get('/api/v1/transparency/keys', [200])).body as { keys: JsonWebKey[] };
  if (!Array.isArray(jwks?.keys)) throw new MonitorProblem('BAD_ANSWER', 'the keys answer is not a JWK set');
  const headAnswer = await get('/api/v1/transparency/issuance/tree-head', [200, 404]);
  if (headAnswer.status === 404) {
    if (previous)
      throw new MonitorProblem(
        'INCONSISTENT',
        `the log has no signed head, but a head of ${previous.head.treeSize} entries was seen before`,
      );
    return { url: base, head: null, consistency: 'no-head', since: options.since, entries: [] };
  }
  const headJson = headAnswer.body as TreeHeadJson;
  const head = parseHead(headJson);
  if (head.log !== ISSUANCE_LOG) throw new MonitorProblem('BAD_ANSWER', `the tree head is of the log '${head.log}', not '${ISSUANCE_LOG}'`);
  if (!verifyTreeHeadSignature(head, jwks))
    throw new MonitorProblem(
      'BAD_SIGNATURE',
      `the tree head (size ${head.treeSize}, kid ${head.kid}) does not verify with the keys of ${base}/api/v1/transparency/keys`,
    );

  let consistency: MonitorResult['consistency'] = 'first-run';
  if (previous) {
    const before = parseHead(previous.head);
    if (head.treeSize < before.treeSize)
      throw new MonitorProblem(
        'INCONSISTENT',
        `the log shrank: the head has ${head.treeSize} entries, one of ${before.treeSize} was seen before`,
      );
    if (head.treeSize === before.treeSize) {
      if (!head.rootHash.equals(before.rootHash))
        throw new MonitorProblem(
          'INCONSISTENT',
          `the head of ${head.treeSize} entries has another root than the one seen before: the log was rewritten`,
        );
      consistency = 'same';
    } else {
      const answer = await get(`/api/v1/transparency/issuance/proofs/consistency?first=${before.treeSize}&second=${head.treeSize}`, [200]);
      const proof = hashes((answer.body as { proof?: unknown }).proof, 'consistency proof');
      if (!verifyConsistency(before.treeSize, head.treeSize, before.rootHash, head.rootHash, proof))
        throw new MonitorProblem(
          'INCONSISTENT',
          `the head of ${head.treeSize} entries is not consistent with the head of ${before.treeSize} seen before: entries logged then were changed or removed`,
        );
      consistency = 'extended';
    }
  }

  const since = Math.min(options.since, head.treeSize);
  const entries: ListedEntry[] = [];
  for (let start = since; start < head.treeSize; start += PAGE) {
    const end = Math.min(start + PAGE, head.treeSize);
    const page = (await get(`/api/v1/transparency/issuance/entries?start=${start}&end=${end}`, [200])).body as { entries?: unknown };
    if (!Array.isArray(page.entries) || page.entries.length !== end - start)
      throw new MonitorProblem(
        'BAD_ANSWER',
        `asked for entries ${start} to ${end - 1}, got ${Array.isArray(page.entries) ? page.entries.length : 'none'}`,
      );
    (page.entries as ListedEntry[]).forEach((entry, i) => {
      if (entry?.index !== start + i) throw new MonitorProblem('BAD_ANSWER', `entry ${start + i} came with index ${String(entry?.index)}`);
      if (!ISSUANCE_KINDS.includes(entry.kind)) throw new MonitorProblem('BAD_ANSWER', `entry ${entry.index} is of no known kind`);
      entries.push(entry);
    });
  }
  if (since < head.treeSize) {
    const leaves = entries.map((entry) => issuanceLeafHash(stripLeaf(entry)));
    let left: Buffer[] = [];
    if (since > 0) {
      const answer = await get(`/api/v1/transparency/issuance/proofs/inclusion?index=${since}&treeSize=${head.treeSize}`, [200]);
      left = hashes((answer.body as { proof?: unknown }).proof, 'inclusion proof');
    }
    const root = rootFrom(since, head.treeSize, leaves, left);
    if (!root || !root.equals(head.rootHash)) {
      const served = entries.findIndex((entry, i) => entry.leafHash !== leaves[i].toString('base64'));
      throw new MonitorProblem(
        'ENTRIES_MISMATCH',
        `the entries from ${since} do not make the root of the signed head of ${head.treeSize} entries` +
          (served >= 0 ? `: entry ${entries[served].index} does not hash to the leaf the service gives for it` : ''),
      );
    }
  }

  if (options.stateFile) writeState(options.stateFile, { url: base, head: headJson, checkedAt: new Date().toISOString() });
  return {
    url: base,
    head: headJson,
    ...(previous ? { previous: { treeSize: previous.head.treeSize, rootHash: previous.head.rootHash } } : {}),
    consistency,
    since,
    entries,
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
  };
}

/**
 * MTH(D[0:size]) from the leaves [since, size) and the inclusion proof of leaf `since` (RFC 9162
 * §2.1.3.1): walking down from the root along leaf `since`'s path, a subtree wholly left of it is
 * the proof's hash at that depth, anything else is hashed from the leaves read. Undefined when the
 * proof has the wrong number of hashes.
 */
export function rootFrom(since: number, size: number, leaves: readonly Buffer[], proof: readonly Buffer[]): Buffer | undefined {
  const topDown = [...proof].reverse();
  let depth = 0;
  const fromLeaves = (a: number, b: number): Buffer => {
    if (b - a === 1) return leaves[a - since];
    const k = split(b - a);
    return nodeHash(fromLeaves(a, a + k), fromLeaves(a + k, b));
  };
  // The nodes on leaf `since`'s path: their sibling on the left is the proof's, on the right hashed from the leaves.
  const along = (a: number, b: number): Buffer | undefined => {
    if (b - a === 1) return leaves[0];
    const k = split(b - a);
    const sibling = topDown[depth++];
    if (since < a + k) {
      const left = along(a, a + k);
      return left && nodeHash(left, fromLeaves(a + k, b));
    }
    const right = along(a + k, b);
    return sibling && right && nodeHash(sibling, right);
  };
  if (since === 0) return leaves.length === size ? fromLeaves(0, size) : undefined;
  if (leaves.length !== size - since) return undefined;
  const root = along(0, size);
  return depth === proof.length ? root : undefined;
}

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function stripLeaf(entry: ListedEntry): IssuanceEntry {
  const { leafHash: _leafHash, ...rest } = entry;
  return rest;
}

function httpGetter(base: string, fetcher: Fetch) {
  return async (path: string, expected: number[]): Promise<{ status: number; body: unknown }> => {
    let answer: Awaited<ReturnType<Fetch>>;
    try {
      answer = await fetcher(base + path);
    } catch (err) {
      throw new MonitorProblem('UNREACHABLE', `cannot reach ${base}: ${(err as Error).message}`);
    }
    if (!expected.includes(answer.status)) throw new MonitorProblem('BAD_ANSWER', `GET ${path} answered ${answer.status}`);
    try {
      return { status: answer.status, body: await answer.json() };
    } catch {
      throw new MonitorProblem('BAD_ANSWER', `GET ${path} did not answer JSON`);
    }
  };
}

function parseHead(json: TreeHeadJson) {
  const ok =
    json &&
    typeof json.log === 'string' &&
    Number.isSafeInteger(json.treeSize) &&
    json.treeSize >= 0 &&
    typeof json.rootHash === 'string' &&
    b64(json.rootHash).length === 32 &&
    Number.isSafeInteger(json.timestamp) &&
    typeof json.kid === 'string' &&
    typeof json.signature === 'string';
  if (!ok) throw new MonitorProblem('BAD_ANSWER', 'the tree head is malformed');
  return treeHeadFromJson(json);
}

function hashes(value: unknown, what: string): Buffer[] {
  if (!Array.isArray(value) || !value.every((h) => typeof h === 'string'))
    throw new MonitorProblem('BAD_ANSWER', `the ${what} is malformed`);
  return value.map((h: string) => b64(h));
}

function readState(file: string): MonitorState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as MonitorState;
    parseHead(state.head);
    return state;
  } catch {
    throw new MonitorProblem('BAD_STATE', `${file} is not a state file of tongban transparency monitor`);
  }
}

function writeState(file: string, state: MonitorState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state, null, 2) + '\n', { mode: 0o644 });
  renameSync(temporary, file);
}
