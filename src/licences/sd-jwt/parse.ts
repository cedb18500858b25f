import { createHash, randomBytes } from 'node:crypto';
import { SdJwtFormatError } from './errors.js';
import { decodeCompactJws, decodeJson, JwsFormatError, type DecodedJws } from './jws.js';

/**
 * Reading an SD-JWT (RFC 9901): splitting the compact form, decoding the Disclosures, and
 * processing the issuer-signed payload with them (§7.1 step 3) — strictly: anything §7.1 says to
 * reject throws SdJwtFormatError with a stable code. Nothing here checks a signature.
 */

/** The only `_sd_alg` tongban makes and accepts (RFC 9901 §4.1.1: the one every implementation supports). */
export const SD_ALG = 'sha-256';

/** A Disclosure as decoded, before it is placed in the payload. */
export interface DecodedDisclosure {
  /** The Disclosure as sent (base64url); its digest is over these characters. */
  readonly encoded: string;
  /** base64url SHA-256 of `encoded`'s ASCII bytes (RFC 9901 §4.2.3). */
  readonly digest: string;
  readonly salt: string;
  /** The claim name; absent for an array element (a 2-element Disclosure). */
  readonly name?: string;
  /** The value as disclosed: for a nested object, its own `_sd` digests still in it. */
  readonly value: unknown;
}

/** A Disclosure placed in the credential. */
export interface SdJwtDisclosure extends DecodedDisclosure {
  /**
   * Where the claim sits, as JSON Pointer segments: object keys, and array positions as in the
   * issuer-signed array (decimal strings) — for a credential tongban issued, the positions of the
   * array it was given (tongban puts no decoys in arrays), whatever a presentation leaves out.
   */
  readonly path: readonly string[];
  /** `path` as a JSON Pointer (RFC 6901), e.g. `/address/locality`, `/nationalities/1`. */
  readonly pointer: string;
  /** The digest of the Disclosure whose value holds this one; absent when the issuer-signed payload does. */
  readonly parent?: string;
}

export interface ParsedSdJwt {
  /** The issuer-signed JWT, decoded (its signature unchecked). */
  readonly jwt: DecodedJws;
  /** The Disclosures in the order given, each placed. */
  readonly disclosures: readonly SdJwtDisclosure[];
  /** The key-binding JWT of an SD-JWT+KB, decoded (unchecked). */
  readonly keyBindingJwt?: DecodedJws & { readonly encoded: string };
  /**
   * The processed payload (RFC 9901 §7.1 step 3): the disclosed claims in place, undisclosed
   * digests, `_sd` and `_sd_alg` removed. Trust it only once the signature is verified.
   */
  readonly claims: Record<string, unknown>;
  /** `<JWT>~<Disclosure>~…~`: the SD-JWT without its KB-JWT, what `sd_hash` is over. */
  readonly sdJwt: string;
  readonly sdAlg: typeof SD_ALG;
}

/**
 * Parses an SD-JWT or SD-JWT+KB strictly (RFC 9901 §4, §7.1 steps 1, 3, 4, 5): throws
 * SdJwtFormatError for bad base64url or JSON, a Disclosure that is not a 2- or 3-element array, a
 * digest seen twice, a Disclosure sent twice or not referenced, colliding or reserved claim names,
 * an `_sd_alg` other than sha-256, a KB-JWT that cannot be decoded. Verifies no signature.
 */
export function parseSdJwt(compact: string): ParsedSdJwt {
  const split = splitSdJwt(compact);
  const jwt = decodeIssuerJwt(split.jwt);
  const sdAlg = sdAlgOf(jwt.payload);
  const decoded = split.disclosures.map(decodeDisclosure);
  const { claims, disclosures } = processPayload(jwt.payload, decoded);
  const keyBindingJwt = split.keyBindingJwt === undefined ? undefined : decodeKeyBindingJwt(split.keyBindingJwt);
  return { jwt, disclosures, ...(keyBindingJwt ? { keyBindingJwt } : {}), claims, sdJwt: split.sdJwt, sdAlg };
}

export interface SplitSdJwt {
  readonly jwt: string;
  readonly disclosures: readonly string[];
  readonly keyBindingJwt?: string;
  readonly sdJwt: string;
}

/** `<JWT>~<D1>~…~<Dn>~[<KB-JWT>]` into its parts (RFC 9901 §4): the last part empty, or a KB-JWT. */
export function splitSdJwt(compact: string): SplitSdJwt {
  if (typeof compact !== 'string') throw new SdJwtFormatError('MALFORMED_SD_JWT', 'an SD-JWT is a string');
  if (/\s/.test(compact)) throw new SdJwtFormatError('MALFORMED_SD_JWT', 'an SD-JWT has no whitespace');
  const parts = compact.split('~');
  if (parts.length < 2) throw new SdJwtFormatError('MALFORMED_SD_JWT', 'not an SD-JWT: no "~" after the issuer-signed JWT');
  const jwt = parts[0];
  const last = parts[parts.length - 1];
  const disclosures = parts.slice(1, -1);
  if (jwt === '') throw new SdJwtFormatError('MALFORMED_SD_JWT', 'the issuer-signed JWT is empty');
  if (disclosures.some((part) => part === '')) throw new SdJwtFormatError('MALFORMED_SD_JWT', 'an empty Disclosure ("~~")');
  const sdJwt = last === '' ? compact : compact.slice(0, compact.length - last.length);
  return { jwt, disclosures, ...(last === '' ? {} : { keyBindingJwt: last }), sdJwt };
}

export function decodeIssuerJwt(jwt: string): DecodedJws {
  try {
    return decodeCompactJws(jwt, 'the issuer-signed JWT');
  } catch (error) {
    if (error instanceof JwsFormatError) throw new SdJwtFormatError(error.code, error.message);
    throw error;
  }
}

export function decodeKeyBindingJwt(kbJwt: string): DecodedJws & { readonly encoded: string } {
  try {
    return { ...decodeCompactJws(kbJwt, 'the key-binding JWT'), encoded: kbJwt };
  } catch (error) {
    if (error instanceof JwsFormatError) throw new SdJwtFormatError('MALFORMED_KB_JWT', error.message);
    throw error;
  }
}

/** The payload's `_sd_alg` (RFC 9901 §4.1.1; sha-256 when absent), refused unless sha-256. */
export function sdAlgOf(payload: Readonly<Record<string, unknown>>): typeof SD_ALG {
  if (!Object.hasOwn(payload, '_sd_alg')) return SD_ALG;
  const alg = payload._sd_alg;
  if (typeof alg !== 'string') throw new SdJwtFormatError('MISPLACED_SD_ALG', '_sd_alg is not a string');
  if (alg !== SD_ALG) throw new SdJwtFormatError('UNSUPPORTED_SD_ALG', `_sd_alg ${JSON.stringify(alg)} is not supported (only ${SD_ALG})`);
  return SD_ALG;
}

/** base64url SHA-256 over the ASCII of a Disclosure, or of an SD-JWT for `sd_hash` (RFC 9901 §4.2.3, §4.3.1). */
export function sdDigest(encoded: string): string {
  return createHash('sha256').update(encoded, 'ascii').digest('base64url');
}

/** A salt of `bytes` random bytes, base64url (RFC 9901 §9.3: at least 128 bits). */
export function newSalt(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** A decoy digest (RFC 9901 §4.2.5): SHA-256 of random bytes, as a Disclosure's would look. */
export function decoyDigest(): string {
  return createHash('sha256').update(randomBytes(32)).digest('base64url');
}

/**
 * A Disclosure's base64url form: `[salt, name, value]` for an object property, `[salt, value]` for
 * an array element, as compact JSON (RFC 9901 §4.2.1, §4.2.2).
 */
export function encodeDisclosure(salt: string, name: string | undefined, value: unknown): string {
  const array = name === undefined ? [salt, value] : [salt, name, value];
  return Buffer.from(JSON.stringify(array), 'utf8').toString('base64url');
}

/** Decodes one Disclosure (RFC 9901 §4.2): base64url JSON, an array of 2 or 3 elements, string salt and name, no reserved name. */
export function decodeDisclosure(encoded: string): DecodedDisclosure {
  let array: unknown;
  try {
    array = decodeJson(encoded, 'a Disclosure');
  } catch (error) {
    if (error instanceof JwsFormatError) throw new SdJwtFormatError(error.code, error.message);
    throw error;
  }
  if (!Array.isArray(array) || (array.length !== 2 && array.length !== 3))
    throw new SdJwtFormatError('MALFORMED_DISCLOSURE', 'a Disclosure is not a JSON array of 2 or 3 elements');
  const [salt] = array as unknown[];
  if (typeof salt !== 'string') throw new SdJwtFormatError('MALFORMED_DISCLOSURE', "a Disclosure's salt is not a string");
  const digest = sdDigest(encoded);
  if (array.length === 2) return { encoded, digest, salt, value: array[1] as unknown };
  const name: unknown = array[1];
  if (typeof name !== 'string') throw new SdJwtFormatError('MALFORMED_DISCLOSURE', "a Disclosure's claim name is not a string");
  if (name === '_sd' || name === '...')
    throw new SdJwtFormatError('RESERVED_CLAIM_NAME', `a Disclosure discloses the reserved name ${JSON.stringify(name)}`);
  return { encoded, digest, salt, name, value: array[2] as unknown };
}

/** Nesting deeper than this is refused rather than risk the stack (tongban's licence claims are a few levels deep). */
const MAX_DEPTH = 64;

/**
 * RFC 9901 §7.1 steps 3–5: puts each Disclosure in place of its digest, recursively, drops
 * undisclosed digests, `_sd` and `_sd_alg`, and refuses digests seen twice, Disclosures sent twice
 * or referenced nowhere, name collisions and kind mismatches.
 */
export function processPayload(
  payload: Readonly<Record<string, unknown>>,
  decoded: readonly DecodedDisclosure[],
): { claims: Record<string, unknown>; disclosures: SdJwtDisclosure[] } {
  const byDigest = new Map<string, DecodedDisclosure>();
  for (const disclosure of decoded) {
    if (byDigest.has(disclosure.digest)) throw new SdJwtFormatError('DUPLICATE_DISCLOSURE', 'a Disclosure is sent twice');
    byDigest.set(disclosure.digest, disclosure);
  }
  const seen = new Set<string>();
  const placed = new Map<string, SdJwtDisclosure>();

  const see = (digest: string) => {
    if (seen.has(digest)) throw new SdJwtFormatError('DUPLICATE_DIGEST', `the digest ${digest} appears more than once`);
    seen.add(digest);
  };
  const place = (disclosure: DecodedDisclosure, path: string[], parent: string | undefined) => {
    placed.set(disclosure.digest, { ...disclosure, path, pointer: toPointer(path), ...(parent === undefined ? {} : { parent }) });
  };

  const walk = (value: unknown, path: string[], parent: string | undefined, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new SdJwtFormatError('MALFORMED_SD_JWT', `claims nested deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((element: unknown, index) => {
        const at = [...path, String(index)];
        if (isObject(element) && Object.hasOwn(element, '...')) {
          const digest = element['...'];
          if (Object.keys(element).length !== 1 || typeof digest !== 'string')
            throw new SdJwtFormatError(
              'MALFORMED_SD_CLAIM',
              `${toPointer(at)}: an array element digest is an object with one key "..." and a string`,
            );
          see(digest);
          const disclosure = byDigest.get(digest);
          if (!disclosure) return;
          if (disclosure.name !== undefined)
            throw new SdJwtFormatError(
              'DISCLOSURE_KIND_MISMATCH',
              `${toPointer(at)}: an array element's digest refers to an object property Disclosure`,
            );
          place(disclosure, at, parent);
          out.push(walk(disclosure.value, at, digest, depth + 1));
          return;
        }
        out.push(walk(element, at, parent, depth + 1));
      });
      return out;
    }
    if (!isObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '_sd') continue;
      if (key === '_sd_alg') {
        if (path.length) throw new SdJwtFormatError('MISPLACED_SD_ALG', `${toPointer(path)}: _sd_alg is allowed at the top level only`);
        continue;
      }
      if (key === '...') throw new SdJwtFormatError('MALFORMED_SD_CLAIM', `${toPointer(path)}: "..." is no claim name`);
      setOwn(out, key, walk(inner, [...path, key], parent, depth + 1));
    }
    if (Object.hasOwn(value, '_sd')) {
      const digests = value._sd;
      if (!Array.isArray(digests) || !digests.every((digest) => typeof digest === 'string'))
        throw new SdJwtFormatError('MALFORMED_SD_CLAIM', `${toPointer([...path, '_sd'])}: _sd is not an array of strings`);
      for (const digest of digests) {
        see(digest);
        const disclosure = byDigest.get(digest);
        if (!disclosure) continue;
        const name = disclosure.name;
        if (name === undefined)
          throw new SdJwtFormatError('DISCLOSURE_KIND_MISMATCH', `${toPointer(path)}: an _sd digest refers to an array element Disclosure`);
        if (Object.hasOwn(out, name))
          throw new SdJwtFormatError('CLAIM_NAME_COLLISION', `${toPointer([...path, name])}: the claim is disclosed but already there`);
        const at = [...path, name];
        place(disclosure, at, parent);
        setOwn(out, name, walk(disclosure.value, at, digest, depth + 1));
      }
    }
    return out;
  };

  const claims = walk(payload, [], undefined, 0) as Record<string, unknown>;
  const disclosures = decoded.map((disclosure) => {
    const found = placed.get(disclosure.digest);
    if (!found)
      throw new SdJwtFormatError(
        'DISCLOSURE_NOT_REFERENCED',
        `a Disclosure (${disclosure.name === undefined ? 'an array element' : `claim ${JSON.stringify(disclosure.name)}`}) is not referenced by the credential: changed, or from another credential`,
      );
    return found;
  });
  return { claims, disclosures };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Sets an own property even for names like `__proto__` (JSON.parse makes those own properties too). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON Pointer (RFC 6901) of path segments. */
export function toPointer(path: readonly string[]): string {
  return path.map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
