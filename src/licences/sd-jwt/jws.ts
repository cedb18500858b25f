import { createHash, createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * The compact JWS underneath SD-JWTs, key-binding JWTs and status list tokens: strict decoding of
 * its parts, tongban's algorithm policy, signing through a callback (the private key stays in the
 * KeyStore) and verifying with a public key. No NestJS, no database.
 *
 * Algorithms (RFC 7518, RFC 8037): ES256 (what tongban signs with), ES384, ES512 and EdDSA
 * (Ed25519, Ed448) are accepted when verifying. Refused whatever the key: `none` (RFC 9901 §4.1,
 * RFC 8725 §3.2), any MAC (`HS256`…: a shared secret proves nothing about an issuer, and
 * draft-ietf-oauth-sd-jwt-vc and RFC 8725 §3.1 want the key type to decide the algorithm), and
 * anything else (RSA is not used by tongban's issuers). SM2 has no JOSE algorithm (IANA registers
 * none, and node:crypto cannot make SM2 signatures with a user ID): SM2 keys sign the licence
 * file (OFD), not the SD-JWT VC.
 */

export type JwsAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/** The algorithms a verifier accepts unless told fewer. */
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(['ES256', 'ES384', 'ES512', 'EdDSA']);

interface AlgorithmProfile {
  /** node:crypto's digest name; null for EdDSA (the curve decides). */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** node:crypto's asymmetricKeyType and, for EC, the named curve, with the signature's length (bytes). */
  readonly keys: ReadonlyArray<{ readonly type: string; readonly curve?: string; readonly signatureLength: number }>;
}

const PROFILES: Readonly<Record<JwsAlgorithm, AlgorithmProfile>> = {
  ES256: { hash: 'sha256', keys: [{ type: 'ec', curve: 'prime256v1', signatureLength: 64 }] },
  ES384: { hash: 'sha384', keys: [{ type: 'ec', curve: 'secp384r1', signatureLength: 96 }] },
  ES512: { hash: 'sha512', keys: [{ type: 'ec', curve: 'secp521r1', signatureLength: 132 }] },
  EdDSA: {
    hash: null,
    keys: [
      { type: 'ed25519', signatureLength: 64 },
      { type: 'ed448', signatureLength: 114 },
    ],
  },
};

export function isJwsAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(PROFILES, alg);
}

/**
 * Why an `alg` header is refused before any key is looked at, or undefined when it is one of
 * `accepted`. `kind` tells a forbidden algorithm (none, MAC: never a signature) from one merely
 * outside the policy.
 */
export function refuseAlgorithm(
  alg: unknown,
  accepted: readonly JwsAlgorithm[] = JWS_ALGORITHMS,
): { kind: 'forbidden' | 'unsupported'; message: string } | undefined {
  if (typeof alg !== 'string' || alg === '') return { kind: 'forbidden', message: 'the header has no alg' };
  if (alg.toLowerCase() === 'none') return { kind: 'forbidden', message: 'alg "none": the JWT is not signed' };
  if (/^HS\d+$/i.test(alg)) return { kind: 'forbidden', message: `alg ${alg} is a MAC with a shared secret, not a signature` };
  if (!isJwsAlgorithm(alg) || !accepted.includes(alg))
    return { kind: 'unsupported', message: `alg ${alg} is not accepted (accepted: ${accepted.join(', ')})` };
  return undefined;
}

/** Why `key` cannot verify `alg` signatures (wrong type or curve, a secret key), or undefined when it can. */
export function keyMismatch(alg: JwsAlgorithm, key: KeyObject): string | undefined {
  if (key.type === 'secret') return 'a secret key cannot verify a signature';
  const type = key.asymmetricKeyType ?? '';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const fits = PROFILES[alg].keys.some((profile) => profile.type === type && (profile.curve === undefined || profile.curve === curve));
  return fits ? undefined : `a ${type}${curve ? ` ${curve}` : ''} key cannot verify ${alg} signatures`;
}

/**
 * Signatures that verified, per key object: the SHA-256 of `alg.signingInput` and the signature's
 * bytes, so a credential verified again (a portal checking the same licence at each visit, a
 * holder presenting it with a new key-binding JWT) skips the ECDSA verification. Only successes
 * are kept, for the same KeyObject (keys from certificates are cached objects, src/pki/chain.ts):
 * a hit means these exact bytes verified under this exact key before.
 */
const verifiedSignatures = new WeakMap<KeyObject, Map<string, true>>();
/** Entries kept per key (about 130 bytes each), the oldest dropped first. */
const VERIFIED_PER_KEY = 20_000;

/** Verifies a JWS signature (ECDSA in the JOSE form, r||s; RFC 7518 §3.4). False for any mismatch, never throws for bad input. */
export function verifyJws(alg: JwsAlgorithm, key: KeyObject, signingInput: string, signature: Uint8Array): boolean {
  if (keyMismatch(alg, key) !== undefined) return false;
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const profile = PROFILES[alg].keys.find((candidate) => candidate.type === publicKey.asymmetricKeyType)!;
  if (signature.length !== profile.signatureLength) return false;
  const input = Buffer.from(signingInput, 'ascii');
  const seen = `${alg}.${createHash('sha256').update(input).digest('base64')}.${Buffer.from(signature).toString('base64')}`;
  let verified = verifiedSignatures.get(publicKey);
  if (verified?.has(seen)) return true;
  let ok: boolean;
  try {
    ok = verifySignature(PROFILES[alg].hash, input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
  if (ok) {
    if (!verified) verifiedSignatures.set(publicKey, (verified = new Map<string, true>()));
    if (verified.size >= VERIFIED_PER_KEY) verified.delete(verified.keys().next().value!);
    verified.set(seen, true);
  }
  return ok;
}

/** The signature's length for `alg` with a key of this node:crypto type (ES*: r||s; EdDSA: by curve). */
function signatureLengths(alg: JwsAlgorithm): number[] {
  return PROFILES[alg].keys.map((profile) => profile.signatureLength);
}

/**
 * What a signing callback gives back: the signature (JOSE form: ECDSA r||s, "ieee-p1363"), alone
 * or with the kid of the key that made it — KeyStore.sign's `{ kid, signature }` fits as it is.
 */
export type JwsSignature = Uint8Array | { readonly signature: Uint8Array; readonly kid?: string };

/**
 * Signs a JWS signing input (the ASCII bytes of `header.payload`). tongban passes
 * `(bytes) => keys.signWith(kid, bytes)` (the kid it put in the header: safe across a rotation)
 * or `(bytes) => keys.sign('licence', bytes)` (then the kid it returns is checked against the header's).
 */
export type JwsSign = (signingInput: Buffer) => JwsSignature | Promise<JwsSignature>;

/** A signing callback that gave something no JWS can carry: a programming error, never bad input. */
export class JwsSigningError extends Error {
  override readonly name = 'JwsSigningError';
}

/** JSON, UTF-8, base64url without padding: one part of a compact JWS. */
export function encodeJsonPart(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Signs `header.payload` with the callback and returns the compact JWS. The header must name its
 * `alg`; the signature's length is checked against it (a DER ECDSA signature is refused: JOSE
 * wants r||s), and a kid returned by the callback must be the header's.
 */
export async function signCompactJws(
  header: { readonly alg: JwsAlgorithm; readonly kid?: string },
  payload: object,
  sign: JwsSign,
): Promise<string> {
  const signingInput = `${encodeJsonPart(header)}.${encodeJsonPart(payload)}`;
  const result = await sign(Buffer.from(signingInput, 'ascii'));
  const signature = result instanceof Uint8Array ? result : result.signature;
  const kid = result instanceof Uint8Array ? undefined : result.kid;
  if (!(signature instanceof Uint8Array)) throw new JwsSigningError('the signing callback returned no signature bytes');
  if (kid !== undefined && header.kid !== undefined && kid !== header.kid)
    throw new JwsSigningError(`the header names key ${header.kid} but ${kid} signed (a rotation in between?): sign again`);
  const lengths = signatureLengths(header.alg);
  if (!lengths.includes(signature.length))
    throw new JwsSigningError(
      `a ${header.alg} signature is ${lengths.join(' or ')} bytes (r||s, "ieee-p1363"); the callback returned ${signature.length}`,
    );
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/** What is wrong with a compact JWS or one of its parts; `code` is stable. */
export class JwsFormatError extends Error {
  override readonly name = 'JwsFormatError';
  constructor(
    readonly code: 'MALFORMED_JWS' | 'BAD_BASE64URL' | 'BAD_JSON' | 'NOT_AN_OBJECT',
    message: string,
  ) {
    super(message);
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Strict base64url (RFC 4648 §5, no padding, as RFC 7515 §2 wants): only the URL-safe alphabet,
 * no length that no encoding produces, no stray bits in the last character (it must be the
 * canonical encoding of what it decodes to).
 */
export function decodeBase64url(value: string, what: string): Buffer {
  if (!BASE64URL.test(value) || value.length % 4 === 1) throw new JwsFormatError('BAD_BASE64URL', `${what} is not base64url`);
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) throw new JwsFormatError('BAD_BASE64URL', `${what} is not canonical base64url`);
  return bytes;
}

/** A base64url part holding a JSON object (UTF-8, RFC 8259). */
export function decodeJsonObject(value: string, what: string): Record<string, unknown> {
  const parsed = decodeJson(value, what);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new JwsFormatError('NOT_AN_OBJECT', `${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

/** A base64url part holding any JSON value (UTF-8, RFC 8259). */
export function decodeJson(value: string, what: string): unknown {
  const bytes = decodeBase64url(value, what);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new JwsFormatError('BAD_JSON', `${what} is not UTF-8`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new JwsFormatError('BAD_JSON', `${what} is not JSON`);
  }
}

export interface DecodedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `header.payload` as it came: what the signature is over. */
  readonly signingInput: string;
  /** The signature's bytes (empty for an unsigned JWT, which the verifier refuses). */
  readonly signature: Buffer;
}

/** Splits and decodes a compact JWS whose payload is a JSON object (a JWT). Checks no signature. */
export function decodeCompactJws(token: string, what: string): DecodedJws {
  const parts = token.split('.');
  if (parts.length !== 3)
    throw new JwsFormatError('MALFORMED_JWS', `${what} is not a compact JWS (three base64url parts separated by dots)`);
  const [header, payload, signature] = parts as [string, string, string];
  return {
    header: decodeJsonObject(header, `${what}'s header`),
    payload: decodeJsonObject(payload, `${what}'s payload`),
    signingInput: `${header}.${payload}`,
    signature: decodeBase64url(signature, `${what}'s signature`),
  };
}

/**
 * A public key from a JWK (a `cnf.jwk`), or why there is none: a private JWK (`d`) is refused
 * (a key that has been shown to others proves nothing), a symmetric one too, and curves node:crypto
 * does not know (SM2: JOSE registers no SM2 curve).
 */
export function publicKeyFromJwk(jwk: unknown): { key: KeyObject } | { problem: string } {
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) return { problem: 'the JWK is not an object' };
  const candidate = jwk as Record<string, unknown>;
  if ('d' in candidate) return { problem: 'the JWK holds a private key' };
  if (candidate.kty === 'oct') return { problem: 'the JWK is a symmetric key' };
  if (candidate.crv === 'SM2') return { problem: 'an SM2 key (JOSE has no SM2 algorithm)' };
  try {
    const key = createPublicKey({ key: candidate as JsonWebKey, format: 'jwk' });
    return { key };
  } catch {
    return {
      problem: `the JWK cannot be read as a public key (kty ${JSON.stringify(candidate.kty)}${candidate.crv ? `, crv ${JSON.stringify(candidate.crv)}` : ''})`,
    };
  }
}

/** A JOSE `typ` compared as RFC 7515 §4.1.9 says: case-insensitively, with or without `application/`. */
export function typIs(typ: unknown, ...accepted: string[]): boolean {
  if (typeof typ !== 'string') return false;
  const bare = typ.toLowerCase().replace(/^application\//, '');
  return accepted.some((value) => value.toLowerCase() === bare);
}
