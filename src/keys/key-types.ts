/** What each key is for (design §4). A purpose may hold keys of more than one algorithm. */
export const KEY_PURPOSES = ['oidc', 'root-ca', 'issuing-ca', 'licence', 'seal-maker', 'status', 'audit', 'data'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/**
 * ES256: ECDSA P-256 + SHA-256. RS256: RSA 2048 PKCS#1 v1.5 (for old OIDC clients). SM2SM3: SM2 with
 * SM3 and the default user ID 1234567812345678 (GM/T 0003, GM/T 0009), the national algorithms.
 * A256GCM-HS256: a symmetric key for AES-256-GCM and HMAC-SHA-256 (blind index).
 */
export type KeyAlgorithm = 'ES256' | 'RS256' | 'SM2SM3' | 'A256GCM-HS256';

/**
 * The algorithms each purpose holds a key of (`keys init` makes one current key of each; a rotation
 * rotates each). The first is the purpose's default, used when a caller names none: SM2 for the
 * seal maker (design §8: seals are SM2 unless P-256 is asked for); ES256 where JOSE signs (oidc,
 * licence documents, status lists) and for the CAs, whose P-256 hierarchy came first.
 */
export const PURPOSE_ALGORITHMS: Record<KeyPurpose, readonly KeyAlgorithm[]> = {
  oidc: ['ES256', 'RS256'],
  'root-ca': ['ES256', 'SM2SM3'],
  'issuing-ca': ['ES256', 'SM2SM3'],
  licence: ['ES256', 'SM2SM3'],
  'seal-maker': ['SM2SM3', 'ES256'],
  status: ['ES256'],
  audit: ['ES256'],
  data: ['A256GCM-HS256'],
};

/** next: published for verification ahead of use; current: signs/encrypts; retired: verifies/decrypts only. */
export type KeyState = 'next' | 'current' | 'retired';

export interface KeyRecord {
  kid: string;
  purpose: KeyPurpose;
  alg: KeyAlgorithm;
  state: KeyState;
  createdAt: string;
  activatedAt?: string;
  retiredAt?: string;
}

export function isSymmetric(alg: KeyAlgorithm): boolean {
  return alg === 'A256GCM-HS256';
}

/** SM2 keys sign with SM2/SM3 (never through node:crypto, which cannot) and have no JOSE form. */
export function isSm2(alg: KeyAlgorithm): boolean {
  return alg === 'SM2SM3';
}

export function isKeyPurpose(value: string): value is KeyPurpose {
  return (KEY_PURPOSES as readonly string[]).includes(value);
}

export class KeyStoreError extends Error {
  constructor(
    readonly code: 'NO_KEYS' | 'NO_CURRENT_KEY' | 'UNKNOWN_KEY' | 'WRONG_KEY_TYPE' | 'LOCKED' | 'CORRUPT',
    message: string,
  ) {
    super(message);
    this.name = 'KeyStoreError';
  }
}
