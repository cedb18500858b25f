/**
 * RFC 9162 Merkle tree for the audit and issuance logs (issue 14): hashes, roots and proofs over
 * any HashSource, the verifiers, and what a store should keep. Pure: no NestJS, no database.
 */
export { emptyRoot, HASH_LENGTH, leafHash, nodeHash } from './hashes.js';
export type { HashSource } from './hash-source.js';
export { MerkleTree, type MerkleTreeOptions } from './merkle-tree.js';
export { completedSubtreeRefs, completedSubtrees, type CompletedSubtree } from './completed-subtrees.js';
export { verifyConsistency, verifyInclusion } from './verify.js';
export { SimulatedHashSource } from './simulated-hash-source.js';
export { rootSubtrees, type SubtreeRef } from './tree-shape.js';
export { SubtreeReader } from './subtree-reader.js';
export { SubtreeCache } from './subtree-cache.js';
