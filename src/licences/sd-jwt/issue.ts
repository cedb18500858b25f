import { randomInt } from 'node:crypto';
import { isJwsAlgorithm, signCompactJws, type JwsAlgorithm, type JwsSign } from './jws.js';
import { decoyDigest, encodeDisclosure, newSalt, SD_ALG, sdDigest, setOwn } from './parse.js';

/**
 * Issuing an SD-JWT VC (RFC 9901, draft-ietf-oauth-sd-jwt-vc): the issuer-signed JWT with every
 * claim of the holder selectively disclosable, and its Disclosures.
 *
 * What is selectively disclosable, and how:
 * - every claim given in `claims`, each on its own (an object property Disclosure);
 * - an object claim recursively: the object is a Disclosure whose value has its own `_sd`, each of
 *   its properties a Disclosure (RFC 9901 §4.2.6 "recursive disclosures"), so a holder can show
 *   `address.city` without `address.street`, and without disclosing the object a verifier does not
 *   even learn that it exists;
 * - an array claim likewise: the array is a Disclosure, each element an array-element Disclosure
 *   (`{"...": digest}`, §4.2.4.2) in its place, objects inside elements recursively — a holder
 *   shows some of a licence's business scopes and not others;
 * - an empty object or array is disclosed as it is (there is nothing in it to hide).
 * Never disclosable, always in the clear: `iss`, `iat`, `nbf`, `exp`, `vct`, `status`, `cnf`, `sub`
 * (draft-ietf-oauth-sd-jwt-vc §3.2.2.2 forbids disclosures of iss, nbf, exp, cnf, vct, status;
 * tongban keeps iat and sub clear too, for the check page and the verifier's report). The claims
 * may not use those names, the other registered JWT claims (aud, jti), vct#integrity, aka_vcts,
 * nor, at any depth, `_sd`, `_sd_alg` or `...`.
 *
 * Decoys (§4.2.5): each `_sd` array gets 1 to 3 decoy digests (random), so the number of claims
 * does not show. Arrays get none: an element's position then stays its position in the claims
 * given, which is what presentation paths (`/scopes/1`) and the holder's UI count by.
 * Order: each `_sd` array sorted (§4.2.4.1: independent of the claims' order), the Disclosures
 * shuffled. Salts: 128 bits from the CSPRNG (§9.3), base64url.
 */

/** The claims tongban keeps in the clear (see above). */
export interface NonDisclosableClaims {
  readonly iss: string;
  readonly iat: number;
  readonly exp: number;
  readonly nbf?: number;
  /** The licence type's URI. */
  readonly vct: string;
  /** Where the credential's status is (draft-ietf-oauth-status-list §6.1). */
  readonly status: { readonly status_list: { readonly idx: number; readonly uri: string } };
  /** The holder's key (RFC 7800), e.g. `{ jwk }`: a KB-JWT must be signed with it. */
  readonly cnf?: Readonly<Record<string, unknown>>;
  readonly sub?: string;
}

export interface SdJwtVcHeader {
  /** The issuer's signing key (the KeyStore's kid). */
  readonly kid: string;
  /** The issuer's certificate and its chain to the root, each standard base64 DER (RFC 7515 §4.1.6). */
  readonly x5c?: readonly string[];
  /** ES256 unless told otherwise. */
  readonly alg?: JwsAlgorithm;
}

export interface IssueSdJwtVcInput {
  readonly header: SdJwtVcHeader;
  /** The holder's claims: every one selectively disclosable (see above). JSON values only. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly nonDisclosable: NonDisclosableClaims;
  readonly sign: JwsSign;
  /** Salt length in bytes; at least 16 (128 bits), the default. */
  readonly saltBytes?: number;
  /** How many decoy digests each `_sd` array gets, at random between the two (inclusive); default 1 to 3. */
  readonly decoys?: { readonly min: number; readonly max: number };
}

/** The SD-JWT VC's `typ` (draft-ietf-oauth-sd-jwt-vc §3.2.1). */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';

/** Names a claim may not have: the clear ones, the other registered JWT claims, and SD-JWT's own. */
const TOP_LEVEL_RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'vct', 'vct#integrity', 'aka_vcts', 'status', 'cnf']);
const RESERVED_ANYWHERE = new Set(['_sd', '_sd_alg', '...']);

/**
 * Issues an SD-JWT VC: `<issuer-signed JWT>~<Disclosure>~…~`. Throws TypeError for claims or
 * clear claims that are not what the specifications allow (a programming error of the caller).
 */
export async function issueSdJwtVc(input: IssueSdJwtVcInput): Promise<string> {
  const { header, claims, nonDisclosable: clear } = input;
  const alg = header.alg ?? 'ES256';
  checkHeader(header);
  checkClear(clear);
  if (!isPlainObject(claims)) throw new TypeError('claims must be a plain object');
  for (const name of Object.keys(claims)) {
    if (TOP_LEVEL_RESERVED.has(name) || RESERVED_ANYWHERE.has(name))
      throw new TypeError(`claim ${JSON.stringify(name)} is reserved: it cannot be a selectively disclosable claim`);
  }
  const saltBytes = input.saltBytes ?? 16;
  if (!Number.isSafeInteger(saltBytes) || saltBytes < 16 || saltBytes > 64) throw new TypeError('saltBytes must be 16 to 64');
  const decoys = input.decoys ?? { min: 1, max: 3 };
  if (
    !Number.isSafeInteger(decoys.min) ||
    !Number.isSafeInteger(decoys.max) ||
    decoys.min < 0 ||
    decoys.max < decoys.min ||
    decoys.max > 32
  )
    throw new TypeError('decoys must be 0 <= min <= max <= 32');

  const disclosures: string[] = [];
  const disclose = (name: string | undefined, value: unknown): string => {
    const encoded = encodeDisclosure(newSalt(saltBytes), name, value);
    disclosures.push(encoded);
    return sdDigest(encoded);
  };
  const sdArray = (digests: string[]): string[] => {
    const count = decoys.min === decoys.max ? decoys.min : randomInt(decoys.min, decoys.max + 1);
    for (let i = 0; i < count; i++) digests.push(decoyDigest());
    return digests.sort();
  };
  /** A value as the issuer-signed JWT carries it: objects and arrays with their contents concealed. */
  const conceal = (value: unknown, path: string): unknown => {
    if (Array.isArray(value))
      return value.map((element: unknown, index) => ({ '...': disclose(undefined, conceal(element, `${path}/${index}`)) }));
    if (isPlainObject(value)) {
      const entries = Object.entries(value);
      if (!entries.length) return {};
      const digests = entries.map(([name, inner]) => {
        if (RESERVED_ANYWHERE.has(name)) throw new TypeError(`${path}: ${JSON.stringify(name)} is reserved by SD-JWT`);
        return disclose(name, conceal(inner, `${path}/${name}`));
      });
      return { _sd: sdArray(digests) };
    }
    checkJsonScalar(value, path);
    return value;
  };

  const topDigests = Object.entries(claims).map(([name, value]) => disclose(name, conceal(value, `/${name}`)));
  const payload: Record<string, unknown> = {};
  setOwn(payload, 'iss', clear.iss);
  if (clear.sub !== undefined) setOwn(payload, 'sub', clear.sub);
  setOwn(payload, 'iat', clear.iat);
  if (clear.nbf !== undefined) setOwn(payload, 'nbf', clear.nbf);
  setOwn(payload, 'exp', clear.exp);
  setOwn(payload, 'vct', clear.vct);
  setOwn(payload, 'status', { status_list: { idx: clear.status.status_list.idx, uri: clear.status.status_list.uri } });
  if (clear.cnf !== undefined) setOwn(payload, 'cnf', clear.cnf);
  // An SD-JWT VC without selectively disclosable claims has no _sd (draft-ietf-oauth-sd-jwt-vc §3.2.2.4).
  if (topDigests.length) {
    setOwn(payload, '_sd', sdArray(topDigests));
    setOwn(payload, '_sd_alg', SD_ALG);
  }
  const jwsHeader = { alg, typ: SD_JWT_VC_TYP, kid: header.kid, ...(header.x5c ? { x5c: [...header.x5c] } : {}) };
  const jwt = await signCompactJws(jwsHeader, payload, input.sign);
  return `${jwt}~${shuffle(disclosures)
    .map((disclosure) => `${disclosure}~`)
    .join('')}`;
}

function checkHeader(header: SdJwtVcHeader): void {
  if (typeof header.kid !== 'string' || header.kid === '') throw new TypeError('header.kid must be a non-empty string');
  if (header.alg !== undefined && !isJwsAlgorithm(header.alg)) throw new TypeError(`header.alg ${String(header.alg)} is not supported`);
  if (header.x5c !== undefined) {
    if (!Array.isArray(header.x5c) || !header.x5c.length) throw new TypeError('header.x5c must be a non-empty array');
    for (const certificate of header.x5c)
      if (typeof certificate !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(certificate))
        throw new TypeError('header.x5c holds standard base64 DER certificates (not PEM, not base64url)');
  }
}

function checkClear(clear: NonDisclosableClaims): void {
  const nonEmpty = (value: unknown, name: string) => {
    if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  };
  const time = (value: unknown, name: string) => {
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw new TypeError(`${name} must be whole seconds since the epoch`);
  };
  nonEmpty(clear.iss, 'iss');
  nonEmpty(clear.vct, 'vct');
  time(clear.iat, 'iat');
  time(clear.exp, 'exp');
  if (clear.nbf !== undefined) time(clear.nbf, 'nbf');
  if (clear.exp <= clear.iat) throw new TypeError('exp must be after iat');
  if (clear.nbf !== undefined && clear.exp <= clear.nbf) throw new TypeError('exp must be after nbf');
  if (clear.sub !== undefined) nonEmpty(clear.sub, 'sub');
  const list = (clear.status as { status_list?: { idx?: unknown; uri?: unknown } } | undefined)?.status_list;
  if (!list || !Number.isSafeInteger(list.idx) || (list.idx as number) < 0)
    throw new TypeError('status.status_list.idx must be a non-negative integer');
  nonEmpty(list.uri, 'status.status_list.uri');
  if (clear.cnf !== undefined && !isPlainObject(clear.cnf)) throw new TypeError('cnf must be an object');
}

function checkJsonScalar(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number' && Number.isFinite(value)) return;
  throw new TypeError(`${path}: ${value === undefined ? 'undefined' : typeof value} is not a JSON value`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Fisher–Yates with the CSPRNG: the Disclosures' order tells nothing of the claims'. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
