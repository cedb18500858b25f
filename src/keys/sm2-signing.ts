import { rawToEcSignature, ecSignatureToRaw } from '../crypto/raw-ec-signature.js';
import { sm2Sign, sm2Verify } from '../crypto/sm2.js';
import type { Sm2PrivateKey, Sm2PublicKey } from '../crypto/sm2-keys.js';

/**
 * SM2/SM3 signatures (default user ID 1234567812345678) in the two forms the KeyBackend speaks:
 * DER SEQUENCE { r, s } for X.509, CRLs, OCSP and seals, or r‖s (32 bytes each), the fixed-length
 * form JOSE uses for EC signatures. For key backends; the KeyStore checks them with sm2VerifyAs.
 */
export function sm2SignatureAs(key: Sm2PrivateKey, data: Buffer, format: 'p1363' | 'der'): Buffer {
  const der = sm2Sign(data, key);
  return format === 'der' ? der : ecSignatureToRaw(der);
}

/** Whether the signature (in the given form) is the key's over data; false for a malformed one. */
export function sm2VerifyAs(key: Sm2PublicKey, data: Buffer, signature: Buffer, format: 'p1363' | 'der'): boolean {
  const der = format === 'der' ? signature : rawToEcSignature(signature);
  return der !== undefined && sm2Verify(data, der, key);
}
