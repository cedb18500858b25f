import { createPublicKey, verify as cryptoVerify, type JsonWebKey } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** A tree head: the log's size and Merkle root at a time (RFC 9162 §4.10, in tongban's own encoding). */
export interface TreeHead {
  /** Which log: 'audit' (the issuance log will be 'issuance'). */
  readonly log: string;
  readonly treeSize: number;
  readonly rootHash: Buffer;
  /** When it was signed, milliseconds since the epoch. */
  readonly timestamp: number;
}

export interface SignedTreeHead extends TreeHead {
  /** The `audit` key that signed it (a kid of GET /api/v1/transparency/keys). */
  readonly kid: string;
  /** ES256 over treeHeadBytes, r ‖ s (IEEE P1363, 64 bytes). */
  readonly signature: Buffer;
}

/**
 * The bytes a tree head's signature covers: canonical JSON (sorted keys, no whitespace, UTF-8) of
 * `{ log, rootHash (standard base64), timestamp (ms), treeSize }`, e.g.
 * `{"log":"audit","rootHash":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=","timestamp":1765145406123,"treeSize":0}`.
 * An outside verifier rebuilds them from the JSON head it was given and checks the signature with
 * the key of that kid from the JWKS.
 */
export function treeHeadBytes(head: TreeHead): Buffer {
  return Buffer.from(
    canonicalJson({ log: head.log, treeSize: head.treeSize, rootHash: head.rootHash.toString('base64'), timestamp: head.timestamp }),
    'utf8',
  );
}

/** The head as JSON: what the tree-head endpoint answers and what an export holds. */
export interface TreeHeadJson {
  log: string;
  treeSize: number;
  rootHash: string;
  timestamp: number;
  kid: string;
  signature: string;
}

export function treeHeadJson(head: SignedTreeHead): TreeHeadJson {
  return {
    log: head.log,
    treeSize: head.treeSize,
    rootHash: head.rootHash.toString('base64'),
    timestamp: head.timestamp,
    kid: head.kid,
    signature: head.signature.toString('base64'),
  };
}

export function treeHeadFromJson(json: TreeHeadJson): SignedTreeHead {
  return {
    log: json.log,
    treeSize: json.treeSize,
    rootHash: Buffer.from(json.rootHash, 'base64'),
    timestamp: json.timestamp,
    kid: json.kid,
    signature: Buffer.from(json.signature, 'base64'),
  };
}

/** Whether the head's signature verifies with the key of its kid in the JWK set (ES256). */
export function verifyTreeHeadSignature(head: SignedTreeHead, jwks: { keys: readonly JsonWebKey[] }): boolean {
  const jwk = jwks.keys.find((key) => key.kid === head.kid);
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256') return false;
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    return cryptoVerify('sha256', treeHeadBytes(head), { key, dsaEncoding: 'ieee-p1363' }, head.signature);
  } catch {
    return false;
  }
}
