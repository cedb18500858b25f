import { SdJwtFormatError, SdJwtPresentationError } from './errors.js';
import { signCompactJws, type JwsAlgorithm, type JwsSign } from './jws.js';
import { isObject, parseSdJwt, sdDigest, type SdJwtDisclosure } from './parse.js';

/**
 * A holder's presentation of an SD-JWT (RFC 9901 §7.2): the issuer-signed JWT with only the
 * chosen Disclosures, and a key-binding JWT when asked (§4.3).
 *
 * What to disclose is named by claim or by path:
 * - `"name"`: the top-level claim `name`, whole (with everything inside it);
 * - `"/address/locality"`: a JSON Pointer (RFC 6901; `~1` for `/`, `~0` for `~`), array positions
 *   as in the credential (`/scopes/1`): that claim whole, and the Disclosures of the objects and
 *   arrays it sits in (the `address` Disclosure, without `address`'s other properties).
 * Claims the issuer left in the clear (iss, vct, status, cnf…) are always there: naming them is
 * allowed and changes nothing. A name or path the credential does not have throws
 * SdJwtPresentationError UNKNOWN_CLAIM: the holder's screen and the credential disagree.
 */

export interface KeyBindingInput {
  /** Who the presentation is for (the verifier's identifier). */
  readonly aud: string;
  /** The verifier's nonce for this transaction. */
  readonly nonce: string;
  /** When, in seconds since the epoch. */
  readonly iat: number;
  /** Signs with the holder's key (the one in the credential's `cnf`). */
  readonly sign: JwsSign;
  /** The holder's key's algorithm; ES256 unless told otherwise. */
  readonly alg?: JwsAlgorithm;
}

export interface PresentOptions {
  readonly disclose: readonly string[];
  readonly keyBinding?: KeyBindingInput;
}

/** The KB-JWT's `typ` (RFC 9901 §4.3). */
export const KB_JWT_TYP = 'kb+jwt';

/**
 * `<JWT>~<chosen Disclosures>~` (issued order kept), with `<KB-JWT>` after it when `keyBinding`
 * is given. The SD-JWT is parsed strictly first (an SD-JWT+KB is refused: UNEXPECTED_KB_JWT).
 */
export async function presentSdJwt(compact: string, options: PresentOptions): Promise<string> {
  const parsed = parseSdJwt(compact);
  if (parsed.keyBindingJwt) throw new SdJwtFormatError('UNEXPECTED_KB_JWT', 'this is a presentation already (it has a key-binding JWT)');
  const wanted = options.disclose.map(toSegments);
  const byDigest = new Map(parsed.disclosures.map((disclosure) => [disclosure.digest, disclosure]));
  for (const [index, segments] of wanted.entries()) {
    if (!exists(parsed.jwt.payload, segments, byDigest))
      throw new SdJwtPresentationError('UNKNOWN_CLAIM', `the credential has no ${JSON.stringify(options.disclose[index])}`);
  }
  const chosen = parsed.disclosures.filter((disclosure) => wanted.some((segments) => related(disclosure.path, segments)));
  const jwt = compact.slice(0, compact.indexOf('~'));
  const sdJwt = `${jwt}~${chosen.map((disclosure) => `${disclosure.encoded}~`).join('')}`;
  if (!options.keyBinding) return sdJwt;
  return `${sdJwt}${await signKeyBindingJwt(sdJwt, options.keyBinding)}`;
}

/** A KB-JWT over an SD-JWT (`<JWT>~<Disclosures>~`): `typ` kb+jwt, `iat`, `aud`, `nonce`, `sd_hash` (RFC 9901 §4.3). */
export async function signKeyBindingJwt(sdJwt: string, input: KeyBindingInput): Promise<string> {
  if (!sdJwt.endsWith('~')) throw new TypeError('a KB-JWT is over an SD-JWT ending in "~"');
  if (typeof input.aud !== 'string' || input.aud === '') throw new TypeError('keyBinding.aud must be a non-empty string');
  if (typeof input.nonce !== 'string' || input.nonce === '') throw new TypeError('keyBinding.nonce must be a non-empty string');
  if (!Number.isSafeInteger(input.iat) || input.iat < 0) throw new TypeError('keyBinding.iat must be whole seconds since the epoch');
  const header = { alg: input.alg ?? 'ES256', typ: KB_JWT_TYP };
  const payload = { iat: input.iat, aud: input.aud, nonce: input.nonce, sd_hash: sdDigest(sdJwt) };
  return signCompactJws(header, payload, input.sign);
}

/** A claim name, or a JSON Pointer when it starts with `/`. */
function toSegments(claim: string): string[] {
  if (typeof claim !== 'string' || claim === '') throw new SdJwtPresentationError('BAD_PATH', 'a claim to disclose is a non-empty string');
  if (!claim.startsWith('/')) return [claim];
  const segments = claim.slice(1).split('/');
  if (segments.some((segment) => /~(?![01])/.test(segment))) throw new SdJwtPresentationError('BAD_PATH', `${claim} is not a JSON Pointer`);
  return segments.map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** One path is the other or lies within it: the Disclosure is the claim, inside it, or on the way to it. */
function related(path: readonly string[], wanted: readonly string[]): boolean {
  const length = Math.min(path.length, wanted.length);
  for (let i = 0; i < length; i++) if (path[i] !== wanted[i]) return false;
  return true;
}

/**
 * Whether the credential has something at the path, walking the issuer-signed payload with the
 * Disclosures in place of their digests, array positions counted in the issuer-signed arrays.
 */
function exists(payload: unknown, segments: readonly string[], byDigest: ReadonlyMap<string, SdJwtDisclosure>): boolean {
  let node = payload;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(segment) || Number(segment) >= node.length) return false;
      node = node[Number(segment)];
      if (isObject(node) && typeof node['...'] === 'string') {
        const disclosure = byDigest.get(node['...']);
        if (!disclosure) return false;
        node = disclosure.value;
      }
    } else if (isObject(node)) {
      if (segment === '_sd' || segment === '_sd_alg') return false;
      if (Object.hasOwn(node, segment)) {
        node = node[segment];
        continue;
      }
      const digests: unknown[] = Array.isArray(node._sd) ? node._sd : [];
      const disclosure = digests
        .map((digest) => (typeof digest === 'string' ? byDigest.get(digest) : undefined))
        .find((found) => found?.name === segment);
      if (!disclosure) return false;
      node = disclosure.value;
    } else return false;
  }
  return true;
}
