/** What each key is for (design §4). A purpose may hold keys of more than one algorithm. */
export const KEY_PURPOSES = ['oidc', 'root-ca', 'issuing-ca', 'licence', 'seal-maker', 'status', 'audit', 'data'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** ES256: ECDSA P-256 + SHA-256. RS256: RSA 2048 PKCS#1 v1.5 (for old OIDC clients). A256GCM-HS256: a symmetric key for AES-256-GCM and HMAC-SHA-256 (blind index). */
export type KeyAlgorithm = 'ES256' | 'RS256' | 'A256GCM-HS256';

export const PURPOSE_ALGORITHMS: Record<KeyPurpose, readonly KeyAlgorithm[]> = {
  oidc: ['ES256', 'RS256'],
  'root-ca': ['ES256'],
  'issuing-ca': ['ES256'],
  licence: ['ES256'],
  'seal-maker': ['ES256'],
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
