import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scrypt,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { decodeSm2PrivateKey, decodeSm2Spki, encodeSm2Pkcs8 } from '../crypto/sm2-key-encoding.js';
import { Sm2PrivateKey } from '../crypto/sm2-keys.js';
import { WalletError } from './errors.js';

/** The wallet's key algorithms: ECDSA P-256 with SHA-256, or SM2 with SM3 (the national algorithms). */
export type WalletAlg = 'ES256' | 'SM2SM3';

/**
 * `key.json`: the wallet's one private key (ECDSA P-256 or SM2), as PKCS#8 DER encrypted with
 * AES-256-GCM under a key derived from the passphrase with scrypt (N=2^15, r=8, p=1). The public
 * JWK and its RFC 7638 thumbprint are kept in clear (and bound to the ciphertext as additional
 * data), so the wallet can show which key it holds without the passphrase. An SM2 key's JWK has
 * `crv: "SM2"` (JOSE registers no SM2 curve; the form is x and y as for P-256, so the thumbprint is
 * computed the same way).
 */
export interface KeyFile {
  format: 'tongban-wallet-key';
  version: 1;
  alg: WalletAlg;
  publicJwk: { kty: 'EC'; crv: 'P-256' | 'SM2'; x: string; y: string };
  /** RFC 7638 SHA-256 thumbprint of publicJwk, base64url. */
  thumbprint: string;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string };
  /** The encrypted PKCS#8 DER, base64url. */
  encryptedKey: string;
  createdAt: string;
}

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
/** Files from elsewhere may name other parameters; these bounds keep opening one affordable. */
const MAX_N = 2 ** 20;
const MIN_PASSPHRASE = 8;

export function checkNewPassphrase(passphrase: string): void {
  if ([...normalisePassphrase(passphrase)].length < MIN_PASSPHRASE) {
    throw new WalletError('WEAK_PASSPHRASE', `the passphrase must have at least ${MIN_PASSPHRASE} characters`);
  }
}

/**
 * The kinds of key a wallet holds, each with the JWS algorithm it signs with (SM2SM3: see
 * src/enterprise-login/licence-login.service.ts): what reads keys from elsewhere (the PKCS#12
 * import) accepts exactly what this list fits. node:crypto holds an SM2 key as a KeyObject (type
 * undefined, or `ec` on the curve SM2) but never signs with it: the wallet signs with sm2Sign.
 */
export const WALLET_KEY_TYPES = [
  {
    alg: 'ES256',
    label: 'ECDSA P-256',
    curve: 'P-256',
    fits: (key: KeyObject) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
  },
  {
    alg: 'SM2SM3',
    label: 'SM2',
    curve: 'SM2',
    fits: (key: KeyObject) => sm2PointOf(key) !== undefined,
  },
] as const;
export type WalletKeyType = (typeof WALLET_KEY_TYPES)[number];

/** The wallet's kind of this private key, or UNSUPPORTED_KEY_TYPE. */
export function walletKeyType(key: KeyObject): WalletKeyType {
  const type = WALLET_KEY_TYPES.find((t) => t.fits(key));
  if (!type) throw unsupportedKeyType(describeKey(key));
  return type;
}

export function unsupportedKeyType(what: string): WalletError {
  return new WalletError(
    'UNSUPPORTED_KEY_TYPE',
    `the key is ${what}; a wallet holds ${WALLET_KEY_TYPES.map((t) => t.label).join(' or ')} keys`,
  );
}

/** The label of a wallet algorithm: "ECDSA P-256", "SM2". */
export function walletKeyLabel(alg: WalletAlg): string {
  return WALLET_KEY_TYPES.find((t) => t.alg === alg)!.label;
}

/** The uncompressed point (04‖X‖Y) of an SM2 key, public or private; undefined for any other key. */
function sm2PointOf(key: KeyObject): Buffer | undefined {
  if (key.asymmetricKeyType !== undefined && key.asymmetricKeyDetails?.namedCurve !== 'SM2') return undefined;
  try {
    const publicKey = key.type === 'private' ? createPublicKey(key) : key;
    return decodeSm2Spki(publicKey.export({ format: 'der', type: 'spki' })).point;
  } catch {
    return undefined;
  }
}

function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') return `an EC key on the curve ${details.namedCurve ?? 'unknown'}`;
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return `an RSA key (${details.modulusLength ?? '?'} bits)`;
  return `an ${key.asymmetricKeyType ?? 'unknown'} key`;
}

/**
 * A new key.json: for a new key of `alg` (init; ES256 unless told), or for `privateKey` (a key
 * brought from elsewhere, of a kind the wallet holds: UNSUPPORTED_KEY_TYPE otherwise).
 */
export async function createKeyFile(
  passphrase: string,
  now = new Date(),
  privateKey?: KeyObject,
  newAlg: WalletAlg = 'ES256',
): Promise<{ file: KeyFile; privateKey: KeyObject }> {
  checkNewPassphrase(passphrase);
  const key = privateKey ?? newKey(newAlg);
  const alg = walletKeyType(key).alg;
  const publicJwk = publicJwkOf(createPublicKey(key));
  const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const derived = await deriveKey(passphrase, salt, SCRYPT_PARAMS);
  const cipher = createCipheriv('aes-256-gcm', derived, iv);
  cipher.setAAD(aad(thumbprint));
  const encrypted = Buffer.concat([cipher.update(key.export({ format: 'der', type: 'pkcs8' })), cipher.final()]);
  const file: KeyFile = {
    format: 'tongban-wallet-key',
    version: 1,
    alg,
    publicJwk,
    thumbprint,
    kdf: { name: 'scrypt', ...SCRYPT_PARAMS, salt: salt.toString('base64url') },
    cipher: { name: 'aes-256-gcm', iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') },
    encryptedKey: encrypted.toString('base64url'),
    createdAt: now.toISOString(),
  };
  return { file, privateKey: key };
}

function newKey(alg: WalletAlg): KeyObject {
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  // sm-crypto-v2 makes the key (d in [1, n−2], as GM/T 0003 wants); node:crypto only holds it.
  return createPrivateKey({ key: encodeSm2Pkcs8(Sm2PrivateKey.generate()), format: 'der', type: 'pkcs8' });
}

/** The private key, or WRONG_PASSPHRASE. */
export async function decryptKeyFile(file: KeyFile, passphrase: string): Promise<KeyObject> {
  const { N, r, p } = file.kdf;
  const key = await deriveKey(passphrase, Buffer.from(file.kdf.salt, 'base64url'), { N, r, p });
  let der: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.cipher.iv, 'base64url'));
    decipher.setAAD(aad(file.thumbprint));
    decipher.setAuthTag(Buffer.from(file.cipher.tag, 'base64url'));
    der = Buffer.concat([decipher.update(Buffer.from(file.encryptedKey, 'base64url')), decipher.final()]);
  } catch {
    throw new WalletError('WRONG_PASSPHRASE', 'the passphrase does not open this wallet');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    if (file.alg === 'SM2SM3') decodeSm2PrivateKey(der); // an SM2 key, its public point its own
  } catch {
    throw new WalletError('CORRUPT_WALLET', 'the wallet key is damaged');
  }
  const jwk = publicJwkOf(createPublicKey(privateKey));
  if (jwk.crv !== file.publicJwk.crv) throw new WalletError('CORRUPT_WALLET', 'the wallet key is not of the kind its file names');
  if (jwk.x !== file.publicJwk.x || jwk.y !== file.publicJwk.y)
    throw new WalletError('CORRUPT_WALLET', 'the wallet key does not match its public key');
  return privateKey;
}

/** Checks the shape of a parsed key.json (before any use of its values). */
export function parseKeyFile(value: unknown): KeyFile {
  const file = value as KeyFile;
  const ok =
    file !== null &&
    typeof file === 'object' &&
    file.format === 'tongban-wallet-key' &&
    file.version === 1 &&
    file.publicJwk?.kty === 'EC' &&
    ((file.alg === 'ES256' && file.publicJwk.crv === 'P-256') || (file.alg === 'SM2SM3' && file.publicJwk.crv === 'SM2')) &&
    typeof file.publicJwk.x === 'string' &&
    typeof file.publicJwk.y === 'string' &&
    typeof file.thumbprint === 'string' &&
    file.kdf?.name === 'scrypt' &&
    isPowerOfTwo(file.kdf.N) &&
    file.kdf.N <= MAX_N &&
    Number.isInteger(file.kdf.r) &&
    file.kdf.r >= 1 &&
    file.kdf.r <= 32 &&
    Number.isInteger(file.kdf.p) &&
    file.kdf.p >= 1 &&
    file.kdf.p <= 16 &&
    typeof file.kdf.salt === 'string' &&
    file.cipher?.name === 'aes-256-gcm' &&
    typeof file.cipher.iv === 'string' &&
    typeof file.cipher.tag === 'string' &&
    typeof file.encryptedKey === 'string';
  if (!ok) throw new WalletError('CORRUPT_WALLET', 'the wallet key file is not in a format this version knows');
  return file;
}

/** The public JWK of a P-256 key, or of an SM2 key with `crv: "SM2"` (node:crypto has no JWK form for SM2: made from the point). */
export function publicJwkOf(publicKey: KeyObject): KeyFile['publicJwk'] {
  const sm2 = sm2PointOf(publicKey);
  if (sm2) return { kty: 'EC', crv: 'SM2', x: sm2.subarray(1, 33).toString('base64url'), y: sm2.subarray(33).toString('base64url') };
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y)
    throw new WalletError('CORRUPT_WALLET', 'the wallet key is not an ECDSA P-256 or SM2 key');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is just too small for N=2^15, r=8.
  const maxmem = 128 * params.N * params.r * 2 + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(normalisePassphrase(passphrase), salt, 32, { ...params, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** The same passphrase typed, piped or read from a file gives the same key. */
export function normalisePassphrase(passphrase: string): string {
  return passphrase.normalize('NFC');
}

function aad(thumbprint: string): Buffer {
  return Buffer.from(`tongban-wallet-key v1 ${thumbprint}`);
}

function isPowerOfTwo(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) > 1 && ((n as number) & ((n as number) - 1)) === 0;
}
