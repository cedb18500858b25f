/** Object identifiers of the national (GM/T) and the NIST algorithms that keys and signatures name. */
export const CRYPTO_OID = {
  /** id-ecPublicKey: the key algorithm of SM2 and P-256 keys alike; the curve parameter tells them apart. */
  ecPublicKey: '1.2.840.10045.2.1',
  /** The SM2 curve (GM/T 0006), as OpenSSL 3 writes it for an SM2 key's curve parameter. */
  sm2Curve: '1.2.156.10197.1.301',
  p256Curve: '1.2.840.10045.3.1.7',
  sm2WithSm3: '1.2.156.10197.1.501',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sm3: '1.2.156.10197.1.401',
} as const;
