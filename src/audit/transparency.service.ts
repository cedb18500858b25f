import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyStore, type PublicJwk } from '../keys/keystore.service.js';
import { MerkleTree } from './merkle/index.js';
import { auditHashSource, committedSize, latestHead } from './audit-tree.js';
import type { SignedTreeHead } from './tree-head.js';

export class InvalidRangeError extends Error {}

/** What the transparency endpoints answer: the latest signed head, proofs against any size, the keys. */
@Injectable()
export class TransparencyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: KeyStore,
  ) {}

  latestHead(): Promise<SignedTreeHead | undefined> {
    return latestHead(this.dataSource);
  }

  keySet(): Promise<{ keys: PublicJwk[] }> {
    return this.keys.jwks('audit');
  }

  /** PATH(index, D[0:treeSize]) and the leaf's hash; treeSize at most the entries committed. */
  async inclusion(index: number, treeSize: number): Promise<{ leafHash: Buffer; proof: Buffer[] }> {
    const size = await committedSize(this.dataSource);
    if (!(index < treeSize)) throw new InvalidRangeError(`index must be below treeSize (got index ${index}, treeSize ${treeSize})`);
    if (treeSize > size) throw new InvalidRangeError(`treeSize ${treeSize} is larger than the log (${size} entries)`);
    const source = auditHashSource(this.dataSource);
    const [leafHash] = await source.leafHashes(index, index + 1);
    return { leafHash, proof: await new MerkleTree(source).inclusionProof(index, treeSize) };
  }

  /** PROOF(first, D[0:second]). */
  async consistency(first: number, second: number): Promise<Buffer[]> {
    const size = await committedSize(this.dataSource);
    if (first > second) throw new InvalidRangeError(`first must not be larger than second (got ${first} and ${second})`);
    if (second > size) throw new InvalidRangeError(`second ${second} is larger than the log (${size} entries)`);
    return new MerkleTree(auditHashSource(this.dataSource)).consistencyProof(first, second);
  }
}
