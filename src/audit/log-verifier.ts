import type { JsonWebKey } from 'node:crypto';
import { nodeHash } from './merkle/index.js';
import { rootSubtrees } from './merkle/tree-shape.js';
import type { AuditEntry } from './audit-event.js';
import { entryLeafHash } from './entry-leaf.js';
import { verifyTreeHeadSignature, type SignedTreeHead } from './tree-head.js';

/** The first thing found wrong with a log, named for an operator. */
export interface AuditProblem {
  kind: 'changed' | 'removed' | 'reordered' | 'rewritten' | 'bad-signature';
  /** The entry concerned, when one is known. */
  seq?: number;
  /** The tree head concerned (1-based, in order of size), when one is. */
  head?: number;
  message: string;
}

export interface VerifySummary {
  /** Entries read (from firstSeq on). */
  entries: number;
  firstSeq: number;
  /** Signed heads whose signature was checked, and of those how many had their root recomputed. */
  heads: number;
  headsChecked: number;
  /** Entries after the latest signed head: in the log, covered by no signature yet. */
  unsigned: number;
  problem?: AuditProblem;
}

/** How far a reordered entry is looked for from its place. */
const MOVE_SEARCH = 4096;

/**
 * Checks a log from its entries in seq order against its signed tree heads, and names the first
 * entry that was changed, removed or reordered (issue 14 §2). Streaming: memory stays O(log n).
 *
 * Each entry's leaf is recomputed from its content (entryLeafBytes) and compared with the leaf
 * stored beside it; the tree is built from the stored leaves and its root compared with every
 * signed head's. So a row changed in SQL is named by its own leaf; one whose stored leaf was
 * rewritten to match is caught by the root of the first head that covers it; a missing seq is a
 * removed entry; an entry whose leaf matches another place was moved there.
 *
 * A verifier of an export starts at `firstSeq` with the hashes of the complete subtrees before it
 * (rootSubtrees order); the heads that cover the exported entries vouch for those hashes.
 */
export class LogVerifier {
  private readonly heads: SignedTreeHead[];
  /** Complete subtrees of the tree so far, largest first: RFC 9162's roots fold them from the right. */
  private readonly stack: { level: number; hash: Buffer }[] = [];
  private next: number;
  private nextHead = 0;
  private headsChecked = 0;
  private entries = 0;
  private problem: AuditProblem | undefined;
  /** An entry whose content no longer matches its stored leaf, waiting for the head that signed that leaf. */
  private pending: { entry: AuditEntry; kind: 'changed' | 'reordered'; from?: number } | undefined;

  constructor(
    heads: readonly SignedTreeHead[],
    private readonly jwks: { keys: readonly JsonWebKey[] },
    start: { firstSeq: number; frontier: readonly Buffer[] } = { firstSeq: 0, frontier: [] },
  ) {
    this.heads = [...heads].sort((a, b) => a.treeSize - b.treeSize);
    this.next = start.firstSeq;
    const refs = rootSubtrees(start.firstSeq);
    if (refs.length !== start.frontier.length)
      throw new Error(`an export starting at ${start.firstSeq} needs ${refs.length} subtree hashes`);
    refs.forEach((ref, i) => this.stack.push({ level: ref.level, hash: start.frontier[i] }));
    for (let i = 0; i < this.heads.length && !this.problem; i++) {
      const head = this.heads[i];
      if (!verifyTreeHeadSignature(head, jwks))
        this.fail({
          kind: 'bad-signature',
          head: i + 1,
          message: `tree head ${i + 1} (size ${head.treeSize}) has a signature that does not verify with the audit keys (kid ${head.kid})`,
        });
    }
    // Heads over trees smaller than the first entry here: their signatures only.
    while (this.nextHead < this.heads.length && this.heads[this.nextHead].treeSize < start.firstSeq) this.nextHead++;
    this.checkHeadsAt(start.firstSeq);
  }

  get failed(): AuditProblem | undefined {
    return this.problem;
  }

  /** The next entry in seq order, with the leaf hash stored beside it. False once a problem is found. */
  add(entry: AuditEntry, storedLeaf: Buffer): boolean {
    if (this.problem) return false;
    if (entry.seq !== this.next) {
      if (entry.seq > this.next) return this.removed(this.next, entry.seq);
      return this.fail({ kind: 'reordered', seq: entry.seq, message: `entry ${entry.seq} appears again after entry ${this.next - 1}` });
    }
    if (!this.pending) {
      const leaf = entryLeafHash(entry);
      if (!leaf.equals(storedLeaf)) {
        const from = findMovedFrom(entry, storedLeaf);
        this.pending = from === undefined ? { entry, kind: 'changed' } : { entry, kind: 'reordered', from };
      }
    } else if (this.pending.kind === 'changed' && entry.seq - this.pending.entry.seq <= MOVE_SEARCH) {
      // The changed entry may be a later one moved here, its stored leaf left in place.
      if (entryLeafHash({ ...this.pending.entry, seq: entry.seq }).equals(storedLeaf))
        this.pending = { ...this.pending, kind: 'reordered', from: entry.seq };
    }
    this.push(storedLeaf);
    this.next++;
    this.entries++;
    this.checkHeadsAt(this.next);
    return !this.problem;
  }

  /** After the last entry: `expectedSize`, when known, is how many seqs the log has given out. */
  finish(expectedSize?: number): VerifySummary {
    if (!this.problem && this.pending) this.failPending(undefined);
    if (!this.problem && this.nextHead < this.heads.length) {
      const head = this.heads[this.nextHead];
      this.removed(this.next, head.treeSize, this.nextHead + 1);
    }
    if (!this.problem && expectedSize !== undefined && expectedSize > this.next) this.removed(this.next, expectedSize);
    const covered = this.heads.length ? this.heads[this.heads.length - 1].treeSize : 0;
    return {
      entries: this.entries,
      firstSeq: this.next - this.entries,
      heads: this.heads.length,
      headsChecked: this.headsChecked,
      unsigned: Math.max(0, this.next - Math.max(covered, this.next - this.entries)),
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }

  private push(leaf: Buffer): void {
    let node = { level: 0, hash: leaf };
    while (this.stack.length && this.stack[this.stack.length - 1].level === node.level) {
      const left = this.stack.pop()!;
      node = { level: node.level + 1, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
  }

  private root(): Buffer {
    let hash = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i].hash, hash);
    return hash;
  }

  private checkHeadsAt(size: number): void {
    while (!this.problem && this.nextHead < this.heads.length && this.heads[this.nextHead].treeSize === size) {
      const number = this.nextHead + 1;
      const head = this.heads[this.nextHead++];
      this.headsChecked++;
      const matches = size === 0 || this.root().equals(head.rootHash);
      if (this.pending) {
        this.failPending(matches ? number : undefined, number);
        return;
      }
      if (!matches) {
        const from = number > 1 ? this.heads[number - 2].treeSize : 0;
        this.fail({
          kind: 'rewritten',
          head: number,
          message:
            `an entry from ${from} to ${size - 1} was changed and its stored leaf hash rewritten to match: ` +
            `the tree of those entries does not have the root signed into tree head ${number}`,
        });
      }
    }
  }

  /** Reports the entry whose content no longer matches its leaf; `signedBy` when a head's root confirmed that leaf. */
  private failPending(signedBy: number | undefined, coveringHead?: number): void {
    const { entry, kind, from } = this.pending!;
    const seq = entry.seq;
    if (kind === 'reordered') {
      const head = signedBy ?? coveringHead;
      this.fail({
        kind,
        seq,
        ...(head ? { head } : {}),
        message: `entry ${seq} was reordered: it holds the entry appended as ${from}${head ? ` (tree head ${head} signed them in their first order)` : ''}`,
      });
      return;
    }
    const against =
      signedBy !== undefined
        ? `the one signed into tree head ${signedBy}`
        : coveringHead !== undefined
          ? `the one stored with it, and the stored leaves do not match tree head ${coveringHead} either`
          : 'the one stored when it was appended; no signed tree head covers it yet';
    this.fail({
      kind,
      seq,
      ...(signedBy ? { head: signedBy } : {}),
      message: `entry ${seq} was changed (its leaf hash differs from ${against})`,
    });
  }

  private removed(seq: number, upTo: number, head?: number): boolean {
    const signed = head ?? this.coveringHead(seq);
    const what = upTo - seq > 1 ? `entries ${seq} to ${upTo - 1} were removed` : `entry ${seq} was removed`;
    return this.fail({
      kind: 'removed',
      seq,
      ...(signed ? { head: signed } : {}),
      message: signed ? `${what} (tree head ${signed} signed a tree of ${this.heads[signed - 1].treeSize} entries)` : what,
    });
  }

  private coveringHead(seq: number): number | undefined {
    const i = this.heads.findIndex((head) => head.treeSize > seq);
    return i < 0 ? undefined : i + 1;
  }

  private fail(problem: AuditProblem): false {
    this.problem ??= problem;
    return false;
  }
}

/** The seq whose leaf the stored hash is, when the entry was moved from nearby. */
function findMovedFrom(entry: AuditEntry, storedLeaf: Buffer): number | undefined {
  for (let d = 1; d <= MOVE_SEARCH; d++) {
    for (const seq of [entry.seq - d, entry.seq + d]) {
      if (seq >= 0 && entryLeafHash({ ...entry, seq }).equals(storedLeaf)) return seq;
    }
  }
  return undefined;
}
