import type { KeyAlgorithm } from '../keys/key-types.js';

/**
 * tongban's two CA hierarchies, side by side: ECDSA P-256 with SHA-256, and SM2 with SM3 (the
 * national algorithms, GM/T 0015 certificates). Each is a root and an issuing CA of KeyStore keys of
 * one algorithm (the `root-ca` and `issuing-ca` purposes hold a key of each), with its own
 * certificates of tongban's `licence` and `seal-maker` keys, its own CRLs, and OCSP answers signed
 * by its own issuing CA. A certificate request's key decides which hierarchy issues it.
 */
export const HIERARCHIES = ['p256', 'sm2'] as const;
export type Hierarchy = (typeof HIERARCHIES)[number];

/** The key algorithm of each hierarchy's keys. */
export const HIERARCHY_ALG = { p256: 'ES256', sm2: 'SM2SM3' } as const satisfies Record<Hierarchy, KeyAlgorithm>;

/** The hierarchy a key of this algorithm belongs to, if any. */
export function hierarchyOfAlg(alg: KeyAlgorithm): Hierarchy | undefined {
  return alg === 'ES256' ? 'p256' : alg === 'SM2SM3' ? 'sm2' : undefined;
}

/** The prefix of a hierarchy's published files: `root.pem`, `sm2-root.pem`, `issuing.crl`, `sm2-issuing.crl`. */
export function filePrefix(hierarchy: Hierarchy): string {
  return hierarchy === 'p256' ? '' : `${hierarchy}-`;
}
