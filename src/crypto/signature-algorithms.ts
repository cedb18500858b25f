import { verify, type KeyObject } from 'node:crypto';
import { CRYPTO_OID } from './oids.js';
import { sm2Verify } from './sm2.js';
import { verificationKey } from './verification-keys.js';

/** The signature algorithms seals and stamps may use (design §8), by OID. */
export const SIGNATURE_ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  [CRYPTO_OID.sm2WithSm3]: 'SM2 with SM3',
  [CRYPTO_OID.ecdsaWithSha256]: 'ECDSA P-256 with SHA-256',
};

/**
 * valid / invalid: the signature was checked and is, or is not, the key's over the data (a key that
 * is malformed, or cannot make the named algorithm's signatures, makes it invalid); unsupported: it
 * could not be checked (an algorithm, key type or curve tongban does not verify).
 */
export type SignatureVerdict = { readonly result: 'valid' } | { readonly result: 'invalid' | 'unsupported'; readonly reason: string };

/** Checks a DER signature (SEQUENCE { r, s }) over `data` by the algorithm's OID with the key in a SubjectPublicKeyInfo. */
export function verifyByAlgorithm(algorithm: string, spki: Buffer, data: Buffer, signature: Buffer): SignatureVerdict {
  const name = SIGNATURE_ALGORITHM_NAMES[algorithm];
  if (!name) return { result: 'unsupported', reason: `signature algorithm ${algorithm} is not supported` };
  const key = verificationKey(spki);
  if ('unsupported' in key) return { result: 'unsupported', reason: key.unsupported };
  if ('malformed' in key) return { result: 'invalid', reason: key.malformed };
  const wanted = algorithm === CRYPTO_OID.sm2WithSm3 ? 'sm2' : 'p256';
  if (key.curve !== wanted)
    return { result: 'invalid', reason: `${name} signature but the certificate holds a ${key.curve === 'sm2' ? 'SM2' : 'P-256'} key` };
  const valid = key.curve === 'sm2' ? sm2Verify(data, signature, key.key) : verifyP256(data, signature, key.key);
  return valid ? { result: 'valid' } : { result: 'invalid', reason: `the ${name} signature does not verify` };
}

function verifyP256(data: Buffer, signature: Buffer, key: KeyObject): boolean {
  try {
    return verify('sha256', data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false; // a signature OpenSSL cannot even parse
  }
}
