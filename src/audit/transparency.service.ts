import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyStore, type PublicJwk } from '../keys/keystore.service.js';
import { MerkleTree, SubtreeCache } from './merkle/index.js';
import { auditHashSource, committedSize, latestHead } from './audit-tree.js';
import { AUDIT_LOG } from './audit-entries.js';
import type { SignedTreeHead } from './tree-head.js';

export class InvalidRangeError extends Error {}

/** What a log's transparency endpoints answer: its latest signed head and proofs against any size. */
export class LogProofs {
  /** Complete subtree hashes proofs have read or worked out: they never change (one cache per log). */
  private readonly cache = new SubtreeCache();

  constructor(
    private readonly dataSource: DataSource,
    /** Which log: 'audit' or 'issuance'. */
    readonly log: string,
  ) {}

  latestHead(): Promise<SignedTreeHead | undefined> {
    return latestHead(this.dataSource, this.log);
  }

  /** PATH(index, D[0:treeSize]) and the leaf's hash; treeSize at most the entries committed. */
  async inclusion(index: number, treeSize: number): Promise<{ leafHash: Buffer; proof: Buffer[] }> {
    const size = await committedSize(this.dataSource, this.log);
    if (!(index < treeSize)) throw new InvalidRangeError(`index must be below treeSize (got index ${index}, treeSize ${treeSize})`);
    if (treeSize > size) throw new InvalidRangeError(`treeSize ${treeSize} is larger than the log (${size} entries)`);
    const source = auditHashSource(this.dataSource, this.log);
    const [[leafHash], proof] = await Promise.all([
      source.leafHashes(index, index + 1),
      new MerkleTree(source, { cache: this.cache }).inclusionProof(index, treeSize),
    ]);
    return { leafHash, proof };
  }

  /** PROOF(first, D[0:second]). */
  async consistency(first: number, second: number): Promise<Buffer[]> {
    const size = await committedSize(this.dataSource, this.log);
    if (first > second) throw new InvalidRangeError(`first must not be larger than second (got ${first} and ${second})`);
    if (second > size) throw new InvalidRangeError(`second ${second} is larger than the log (${size} entries)`);
    return new MerkleTree(auditHashSource(this.dataSource, this.log), { cache: this.cache }).consistencyProof(first, second);
  }
}

/** The audit log's transparency endpoints, and the keys that sign every log's heads. */
@Injectable()
export class TransparencyService extends LogProofs {
  constructor(
    dataSource: DataSource,
    private readonly keys: KeyStore,
  ) {
    super(dataSource, AUDIT_LOG);
  }

  keySet(): Promise<{ keys: PublicJwk[] }> {
    return this.keys.jwks('audit');
  }
}
