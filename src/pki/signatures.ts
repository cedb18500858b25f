import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { verifyByAlgorithm } from '../crypto/signature-algorithms.js';
import { OID, SIGNATURE_HASH } from './x509.js';

/** A signer's public key: its SubjectPublicKeyInfo, and the KeyObject when one is at hand. */
export interface SignerKey {
  spki: Buffer;
  publicKey?: KeyObject;
}

/**
 * Whether `signature` (as a certificate, CRL, OCSP response or CSR carries it) is the key's over
 * `data` by the named signature algorithm: SM2-with-SM3 by sm2Verify with the default user ID
 * (src/crypto; node:crypto cannot check SM2 signatures), the ECDSA and RSA algorithms of
 * SIGNATURE_HASH by node:crypto. False for any other algorithm, a key of another type, or a
 * malformed signature.
 */
export function verifySignature(algorithm: string, key: SignerKey, data: Buffer, signature: Buffer): boolean {
  if (algorithm === OID.sm2WithSm3) return verifyByAlgorithm(algorithm, key.spki, data, signature).result === 'valid';
  const hash = SIGNATURE_HASH[algorithm];
  if (!hash) return false;
  try {
    const publicKey = key.publicKey ?? createPublicKey({ key: key.spki, format: 'der', type: 'spki' });
    if (hash.key !== publicKey.asymmetricKeyType) return false;
    return cryptoVerify(hash.hash, data, hash.key === 'ec' ? { key: publicKey, dsaEncoding: 'der' } : publicKey, signature);
  } catch {
    return false;
  }
}
