import type { KeyObject } from 'node:crypto';
import {
  decodeCompactJws,
  JWS_ALGORITHMS,
  JwsFormatError,
  keyMismatch,
  refuseAlgorithm,
  signCompactJws,
  typIs,
  verifyJws,
  type DecodedJws,
  type JwsAlgorithm,
  type JwsSign,
} from '../sd-jwt/jws.js';
import { StatusList, StatusListError } from './status-list.js';

/**
 * The Status List Token in JWT form (draft-ietf-oauth-status-list §5.1): header `typ`
 * `statuslist+jwt`; payload `sub` (the list's URI, equal to the referenced token's
 * `status.status_list.uri`), `iat`, `exp`, `ttl` (seconds a consumer may cache it), `status_list`
 * `{ bits, lst }`. Served as `application/statuslist+jwt` (§8.1).
 */

export const STATUS_LIST_JWT_TYP = 'statuslist+jwt';
export const STATUS_LIST_MEDIA_TYPE = 'application/statuslist+jwt';

export interface SignStatusListJwtInput {
  readonly list: StatusList;
  /** The list's URI: the token's `sub`, what referenced tokens' `status.status_list.uri` says. */
  readonly uri: string;
  readonly iat: number;
  readonly exp: number;
  /** Seconds a consumer may cache the token before fetching it again (§5.1, §13.7). */
  readonly ttl: number;
  readonly kid: string;
  /** The signer's certificate and chain, standard base64 DER. */
  readonly x5c?: readonly string[];
  /** Optional: the issuer, when the referenced tokens' `iss` should be repeated. */
  readonly iss?: string;
  readonly sign: JwsSign;
  readonly alg?: JwsAlgorithm;
}

/** Signs a Status List Token (compact JWS) through the callback (the KeyStore's `status` key). */
export async function signStatusListJwt(input: SignStatusListJwtInput): Promise<string> {
  const { uri, iat, exp, ttl } = input;
  if (!(input.list instanceof StatusList)) throw new TypeError('list must be a StatusList');
  if (typeof uri !== 'string' || uri === '') throw new TypeError('uri must be a non-empty string');
  if (!Number.isSafeInteger(iat) || iat < 0) throw new TypeError('iat must be whole seconds since the epoch');
  if (!Number.isSafeInteger(exp) || exp <= iat) throw new TypeError('exp must be whole seconds after iat');
  if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new TypeError('ttl must be a positive number of seconds');
  if (typeof input.kid !== 'string' || input.kid === '') throw new TypeError('kid must be a non-empty string');
  const header = { alg: input.alg ?? 'ES256', typ: STATUS_LIST_JWT_TYP, kid: input.kid, ...(input.x5c ? { x5c: [...input.x5c] } : {}) };
  const payload = { ...(input.iss ? { iss: input.iss } : {}), sub: uri, iat, exp, ttl, status_list: input.list.encode() };
  return signCompactJws(header, payload, input.sign);
}

export interface ReadStatusListJwtOptions {
  /** The signer's public key for this header, or undefined when there is none. */
  readonly publicKeyFor: (header: Readonly<Record<string, unknown>>) => KeyObject | undefined | Promise<KeyObject | undefined>;
  /** The validation time; now when not given. */
  readonly now?: Date;
  /** The URI the referenced token gave: the token's `sub` must be it (§8.3 step 4a). */
  readonly uri?: string;
  /** How far in the future `iat` may be; 60 s by default. */
  readonly clockToleranceSeconds?: number;
  readonly algorithms?: readonly JwsAlgorithm[];
  /** The most bytes the list may inflate to. */
  readonly maxBytes?: number;
}

export interface StatusListToken {
  readonly header: Readonly<Record<string, unknown>>;
  readonly sub: string;
  readonly iat: number;
  readonly exp?: number;
  readonly ttl?: number;
  readonly iss?: string;
  readonly list: StatusList;
}

/**
 * Reads and verifies a Status List Token (§8.3): `typ` statuslist+jwt, a signature (no `none`,
 * no MAC: tongban's lists are signed) with the key `publicKeyFor` gives, `sub`, `iat`,
 * `status_list` present, not expired, `sub` the expected URI; then inflates the list. Throws
 * StatusListError (the verification service answers INDETERMINATE/TRY_LATER, never PASSED).
 */
export async function readStatusListJwt(token: string, options: ReadStatusListJwtOptions): Promise<StatusListToken> {
  let jws: DecodedJws;
  try {
    if (typeof token !== 'string') throw new JwsFormatError('MALFORMED_JWS', 'a status list token is a string');
    jws = decodeCompactJws(token.trim(), 'the status list token');
  } catch (error) {
    if (error instanceof JwsFormatError) throw new StatusListError('MALFORMED_JWT', error.message);
    throw error;
  }
  const { header, payload } = jws;
  if (!typIs(header.typ, STATUS_LIST_JWT_TYP))
    throw new StatusListError('WRONG_TYP', `typ ${JSON.stringify(header.typ)} is not statuslist+jwt`);
  if (Object.hasOwn(header, 'crit')) throw new StatusListError('MALFORMED_JWT', 'the header has crit parameters');
  const refused = refuseAlgorithm(header.alg, options.algorithms ?? JWS_ALGORITHMS);
  if (refused) throw new StatusListError('ALG_REFUSED', refused.message);
  const alg = header.alg as JwsAlgorithm;
  const key = await options.publicKeyFor(header);
  if (!key)
    throw new StatusListError(
      'NO_KEY',
      `no public key for the status list's key ${typeof header.kid === 'string' ? header.kid : '(no kid)'}`,
    );
  const mismatch = keyMismatch(alg, key);
  if (mismatch) throw new StatusListError('BAD_SIGNATURE', mismatch);
  if (!verifyJws(alg, key, jws.signingInput, jws.signature))
    throw new StatusListError('BAD_SIGNATURE', `the status list token's ${alg} signature does not verify`);

  const { sub, iat, exp, ttl, iss } = payload;
  if (typeof sub !== 'string' || sub === '') throw new StatusListError('MISSING_CLAIM', 'the status list token has no sub');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new StatusListError('MISSING_CLAIM', 'the status list token has no iat');
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp)))
    throw new StatusListError('MISSING_CLAIM', 'exp is not a NumericDate');
  if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl > 0)))
    throw new StatusListError('MISSING_CLAIM', 'ttl is not a positive number');
  if (iss !== undefined && typeof iss !== 'string') throw new StatusListError('MISSING_CLAIM', 'iss is not a string');
  const statusList = payload.status_list;
  if (statusList === null || typeof statusList !== 'object' || Array.isArray(statusList))
    throw new StatusListError('MISSING_CLAIM', 'the status list token has no status_list');
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (exp !== undefined && now >= exp)
    throw new StatusListError('EXPIRED', `the status list token expired at ${new Date(exp * 1000).toISOString()}`);
  if (iat > now + (options.clockToleranceSeconds ?? 60))
    throw new StatusListError('NOT_YET_VALID', `the status list token is issued in the future (${new Date(iat * 1000).toISOString()})`);
  if (options.uri !== undefined && sub !== options.uri)
    throw new StatusListError('WRONG_SUBJECT', `the status list token is ${sub}, not ${options.uri}`);
  const list = StatusList.decode(
    statusList as { bits: unknown; lst: unknown },
    options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes },
  );
  return {
    header,
    sub,
    iat,
    ...(exp === undefined ? {} : { exp }),
    ...(ttl === undefined ? {} : { ttl }),
    ...(iss === undefined ? {} : { iss }),
    list,
  };
}
