import type { KeyObject } from 'node:crypto';
import { failed, indeterminate, passed, verdictOf, type Finding } from '../../verification/findings.js';
import { SubIndication, type Verdict } from '../../verification/report.js';
import { SdJwtFormatError } from './errors.js';
import {
  JWS_ALGORITHMS,
  keyMismatch,
  publicKeyFromJwk,
  refuseAlgorithm,
  typIs,
  verifyJws,
  type DecodedJws,
  type JwsAlgorithm,
} from './jws.js';
import {
  decodeDisclosure,
  decodeIssuerJwt,
  decodeKeyBindingJwt,
  isObject,
  processPayload,
  sdAlgOf,
  sdDigest,
  splitSdJwt,
  type DecodedDisclosure,
  type SdJwtDisclosure,
  type SplitSdJwt,
} from './parse.js';

/**
 * Verifying an SD-JWT VC or its presentation (RFC 9901 §7.1, §7.3; draft-ietf-oauth-sd-jwt-vc §3.4),
 * one finding per check of the verification report (design §9), each with the ETSI EN 319 102-1
 * sub-indication it points to. Chain building for `x5c` and the status list are the verification
 * service's (it gets `x5c` and `status` back); this never fetches anything and never throws for
 * bad input.
 *
 * - `format`: the SD-JWT's structure (RFC 9901 §4, §7.1), `typ` `dc+sd-jwt` (or the older
 *   `vc+sd-jwt`), no `crit`, a `vct`, well-formed `status`, `cnf`, `x5c`, dates, and none of
 *   iss/nbf/exp/cnf/vct/vct#integrity/aka_vcts/status disclosed — FAILED FORMAT_FAILURE.
 * - `signature`: the issuer-signed JWT with the key `publicKeyFor` gives. `alg: none` or a MAC
 *   (HS*): FAILED SIG_CRYPTO_FAILURE (there is no signature); an algorithm outside the policy
 *   (jws.ts): INDETERMINATE CRYPTO_CONSTRAINTS_FAILURE; no key: INDETERMINATE
 *   NO_SIGNING_CERTIFICATE_FOUND; a wrong signature, or a key that cannot make `alg`: FAILED SIG_CRYPTO_FAILURE.
 * - `dataHash`: every Disclosure's digest is in the credential (RFC 9901 §7.1 step 5): one that is
 *   not (changed, or from another credential) FAILED HASH_FAILURE; an `_sd_alg` other than sha-256
 *   INDETERMINATE CRYPTO_CONSTRAINTS_FAILURE.
 * - `keyBinding` (when the presentation has a KB-JWT or key binding is required): missing when
 *   required, or malformed, or `typ` not `kb+jwt`: FAILED FORMAT_FAILURE; not signed with the
 *   `cnf.jwk` key (or no such key, or alg none/HS*): FAILED SIG_CRYPTO_FAILURE; `sd_hash` not over
 *   this presentation: FAILED HASH_FAILURE; wrong `aud` or `nonce`, `iat` older than
 *   maxKbAgeSeconds or in the future: FAILED SIG_CONSTRAINTS_FAILURE (ETSI has no TOTAL_FAILED
 *   reason for a replay; the verdict is INDETERMINATE, never PASSED); a `cnf` without a JWK (an
 *   SM2 wallet's `x5t#S256`) or an algorithm outside the policy: INDETERMINATE CRYPTO_CONSTRAINTS_FAILURE.
 * - `validity`: `exp` reached: FAILED EXPIRED; `nbf` or `iat` in the future (beyond the clock
 *   tolerance): FAILED NOT_YET_VALID.
 */

export interface VerifySdJwtVcOptions {
  /**
   * The issuer's public key for this header (its `kid`, or the leaf of its `x5c` once the caller
   * has built and checked the chain), or undefined when there is none. Called only for an
   * accepted `alg`. What it throws is thrown.
   */
  readonly publicKeyFor: (header: Readonly<Record<string, unknown>>) => KeyObject | undefined | Promise<KeyObject | undefined>;
  /** The validation time; now when not given. */
  readonly now?: Date;
  /** The KB-JWT's expected `aud`. */
  readonly audience?: string;
  /** The KB-JWT's expected `nonce`. */
  readonly nonce?: string;
  /** Whether a KB-JWT must be there; by default, when an audience or nonce is given (the verifier's policy, never the presentation's). */
  readonly requireKeyBinding?: boolean;
  /** How old a KB-JWT's `iat` may be; 300 s by default. */
  readonly maxKbAgeSeconds?: number;
  /** How far in the future an `iat` or `nbf` may be (clock skew); 60 s by default. `exp` gets none. */
  readonly clockToleranceSeconds?: number;
  /** The algorithms accepted for the issuer's and the holder's signatures; by default JWS_ALGORITHMS. */
  readonly algorithms?: readonly JwsAlgorithm[];
}

export interface SdJwtVcChecks {
  readonly format: Finding;
  readonly signature: Finding;
  readonly dataHash: Finding;
  /** Present when the presentation has a KB-JWT or key binding was required. */
  readonly keyBinding?: Finding;
  readonly validity: Finding;
}

export interface SdJwtVcVerification {
  /** The findings, in the report's order: format, signature, dataHash, keyBinding, validity. */
  readonly checks: SdJwtVcChecks;
  /** The most telling of the findings (verification/findings.ts verdictOf); the service adds chain and revocation to them. */
  readonly verdict: Verdict;
  /** The issuer-signed JWT's header, when it could be read: `kid`, `x5c`, `alg`, `typ`. */
  readonly header?: Readonly<Record<string, unknown>>;
  /** The header's certificate chain (base64 DER, leaf first) for the caller's PKI to build and check. */
  readonly x5c?: readonly string[];
  /** The issuer-signed payload as it is (digests and all), when it could be read. */
  readonly payload?: Readonly<Record<string, unknown>>;
  /** The processed payload — the disclosed claims and the clear ones — only when format, signature and dataHash PASSED. */
  readonly claims?: Record<string, unknown>;
  /** The Disclosures presented, placed (same condition as `claims`). */
  readonly disclosures?: readonly SdJwtDisclosure[];
  /** `status.status_list`, for the revocation check, when well-formed. */
  readonly status?: { readonly idx: number; readonly uri: string };
  /** The KB-JWT's header and payload, when it could be read. */
  readonly keyBindingJwt?: { readonly header: Readonly<Record<string, unknown>>; readonly payload: Readonly<Record<string, unknown>> };
}

/** The `typ` values accepted: the current one and the one the draft used until November 2024. */
export const SD_JWT_VC_TYPES = ['dc+sd-jwt', 'vc+sd-jwt'] as const;

/** Claims draft-ietf-oauth-sd-jwt-vc §3.2.2.2 forbids in Disclosures (with what is inside them). */
const NEVER_DISCLOSED = new Set(['iss', 'nbf', 'exp', 'cnf', 'vct', 'vct#integrity', 'aka_vcts', 'status']);

const NOT_CHECKED = (why: string) => indeterminate(SubIndication.FORMAT_FAILURE, `not checked: ${why}`);

export async function verifySdJwtVc(compact: string, options: VerifySdJwtVcOptions): Promise<SdJwtVcVerification> {
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.clockToleranceSeconds ?? 60;
  const accepted = options.algorithms ?? JWS_ALGORITHMS;
  const requireKeyBinding = options.requireKeyBinding ?? (options.audience !== undefined || options.nonce !== undefined);

  let split: SplitSdJwt;
  let jwt: DecodedJws;
  try {
    split = splitSdJwt(compact);
    jwt = decodeIssuerJwt(split.jwt);
  } catch (error) {
    if (!(error instanceof SdJwtFormatError)) throw error;
    const unread = NOT_CHECKED('the SD-JWT could not be read');
    const checks: SdJwtVcChecks = {
      format: failed(SubIndication.FORMAT_FAILURE, `not an SD-JWT: ${error.message}`),
      signature: unread,
      dataHash: unread,
      ...(requireKeyBinding ? { keyBinding: unread } : {}),
      validity: unread,
    };
    return { checks, verdict: verdictOf(Object.values(checks) as Finding[]) };
  }
  const { header, payload } = jwt;
  const problems: string[] = [];

  // format: the header and the clear claims
  if (!typIs(header.typ, ...SD_JWT_VC_TYPES)) problems.push(`typ ${JSON.stringify(header.typ)} is not dc+sd-jwt`);
  if (Object.hasOwn(header, 'crit')) problems.push('the header has crit parameters, none of which tongban understands');
  const x5c = readX5c(header, problems);
  if (typeof payload.vct !== 'string' || payload.vct === '') problems.push('no vct');
  if (Object.hasOwn(payload, 'iss') && typeof payload.iss !== 'string') problems.push('iss is not a string');
  const status = readStatus(payload, problems);
  if (Object.hasOwn(payload, 'cnf') && !isObject(payload.cnf)) problems.push('cnf is not an object');

  // signature
  const signature = await checkSignature(jwt, options, accepted);

  // dataHash, and the format of the Disclosures
  let dataHash: Finding;
  let processed: { claims: Record<string, unknown>; disclosures: SdJwtDisclosure[] } | undefined;
  let sdAlgOk = false;
  try {
    sdAlgOf(payload);
    sdAlgOk = true;
    const decoded: DecodedDisclosure[] = split.disclosures.map(decodeDisclosure);
    processed = processPayload(payload, decoded);
    dataHash = passed(`${decoded.length} Disclosure(s), each digest in the issuer-signed JWT (sha-256)`);
  } catch (error) {
    if (!(error instanceof SdJwtFormatError)) throw error;
    if (error.code === 'DISCLOSURE_NOT_REFERENCED') dataHash = failed(SubIndication.HASH_FAILURE, error.message);
    else if (error.code === 'UNSUPPORTED_SD_ALG') dataHash = indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE, error.message);
    else {
      problems.push(error.message);
      dataHash = NOT_CHECKED('the Disclosures could not be read');
    }
  }
  for (const disclosure of processed?.disclosures ?? [])
    if (NEVER_DISCLOSED.has(disclosure.path[0]))
      problems.push(`${disclosure.pointer} is disclosed, but an SD-JWT VC keeps ${disclosure.path[0]} in the clear`);

  // validity, on the processed payload (iat may be disclosed), else on the clear claims
  const validity = checkValidity(processed?.claims ?? payload, nowSeconds, tolerance, problems);

  // keyBinding
  let keyBinding: Finding | undefined;
  let keyBindingJwt: SdJwtVcVerification['keyBindingJwt'];
  if (split.keyBindingJwt !== undefined) {
    const checked = checkKeyBinding(split, payload, { ...options, nowSeconds, tolerance, accepted, sdAlgOk });
    keyBinding = checked.finding;
    keyBindingJwt = checked.decoded;
  } else if (requireKeyBinding)
    keyBinding = failed(SubIndication.FORMAT_FAILURE, 'key binding is required, and the presentation has no key-binding JWT');

  const format = problems.length
    ? failed(SubIndication.FORMAT_FAILURE, problems.join('; '))
    : passed(
        `SD-JWT VC (typ ${String(header.typ)}, vct ${String(payload.vct)}) with ${split.disclosures.length} Disclosure(s)${split.keyBindingJwt === undefined ? '' : ' and a key-binding JWT'}`,
      );
  const checks: SdJwtVcChecks = { format, signature, dataHash, ...(keyBinding ? { keyBinding } : {}), validity };
  const authentic = format.status === 'PASSED' && signature.status === 'PASSED' && dataHash.status === 'PASSED';
  return {
    checks,
    verdict: verdictOf(Object.values(checks) as Finding[]),
    header,
    ...(x5c ? { x5c } : {}),
    payload,
    ...(authentic && processed ? { claims: processed.claims, disclosures: processed.disclosures } : {}),
    ...(status ? { status } : {}),
    ...(keyBindingJwt ? { keyBindingJwt } : {}),
  };
}

async function checkSignature(jwt: DecodedJws, options: VerifySdJwtVcOptions, accepted: readonly JwsAlgorithm[]): Promise<Finding> {
  const refused = refuseAlgorithm(jwt.header.alg, accepted);
  if (refused)
    return refused.kind === 'forbidden'
      ? failed(SubIndication.SIG_CRYPTO_FAILURE, `${refused.message}: refused`)
      : indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE, refused.message);
  const alg = jwt.header.alg as JwsAlgorithm;
  const key = await options.publicKeyFor(jwt.header);
  if (!key)
    return indeterminate(
      SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
      `no public key for the issuer's key ${typeof jwt.header.kid === 'string' ? jwt.header.kid : '(no kid)'}`,
    );
  const mismatch = keyMismatch(alg, key);
  if (mismatch) return failed(SubIndication.SIG_CRYPTO_FAILURE, mismatch);
  return verifyJws(alg, key, jwt.signingInput, jwt.signature)
    ? passed(`${alg} signature of the issuer-signed JWT verified`)
    : failed(SubIndication.SIG_CRYPTO_FAILURE, `the ${alg} signature of the issuer-signed JWT does not verify`);
}

function checkValidity(claims: Readonly<Record<string, unknown>>, now: number, tolerance: number, problems: string[]): Finding {
  const times: Partial<Record<'iat' | 'nbf' | 'exp', number>> = {};
  for (const name of ['iat', 'nbf', 'exp'] as const) {
    if (!Object.hasOwn(claims, name)) continue;
    const value = claims[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${name} is not a NumericDate`);
      return NOT_CHECKED(`${name} is not a NumericDate`);
    }
    times[name] = value;
  }
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  if (times.exp !== undefined && now >= times.exp) return failed(SubIndication.EXPIRED, `expired at ${at(times.exp)}`);
  if (times.nbf !== undefined && now + tolerance < times.nbf)
    return failed(SubIndication.NOT_YET_VALID, `not valid before ${at(times.nbf)}`);
  if (times.iat !== undefined && now + tolerance < times.iat)
    return failed(SubIndication.NOT_YET_VALID, `issued in the future (${at(times.iat)})`);
  const from = times.nbf ?? times.iat;
  return passed(
    `${from === undefined ? 'valid' : `valid from ${at(from)}`}${times.exp === undefined ? ', with no expiry' : ` until ${at(times.exp)}`}`,
  );
}

function checkKeyBinding(
  split: SplitSdJwt,
  payload: Readonly<Record<string, unknown>>,
  options: VerifySdJwtVcOptions & { nowSeconds: number; tolerance: number; accepted: readonly JwsAlgorithm[]; sdAlgOk: boolean },
): { finding: Finding; decoded?: { header: Readonly<Record<string, unknown>>; payload: Readonly<Record<string, unknown>> } } {
  let kb: DecodedJws;
  try {
    kb = decodeKeyBindingJwt(split.keyBindingJwt!);
  } catch (error) {
    if (!(error instanceof SdJwtFormatError)) throw error;
    return { finding: failed(SubIndication.FORMAT_FAILURE, error.message) };
  }
  const decoded = { header: kb.header, payload: kb.payload };
  const done = (finding: Finding) => ({ finding, decoded });
  if (!typIs(kb.header.typ, 'kb+jwt'))
    return done(failed(SubIndication.FORMAT_FAILURE, `the key-binding JWT's typ ${JSON.stringify(kb.header.typ)} is not kb+jwt`));
  const claims = kb.payload;
  const missing = [
    typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? undefined : 'iat',
    typeof claims.aud === 'string' ? undefined : 'aud (a string)',
    typeof claims.nonce === 'string' ? undefined : 'nonce',
    typeof claims.sd_hash === 'string' ? undefined : 'sd_hash',
  ].filter((name) => name !== undefined);
  if (missing.length) return done(failed(SubIndication.FORMAT_FAILURE, `the key-binding JWT lacks ${missing.join(', ')}`));

  const refused = refuseAlgorithm(kb.header.alg, options.accepted);
  if (refused)
    return done(
      refused.kind === 'forbidden'
        ? failed(SubIndication.SIG_CRYPTO_FAILURE, `key-binding JWT: ${refused.message}: refused`)
        : indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE, `key-binding JWT: ${refused.message}`),
    );
  const alg = kb.header.alg as JwsAlgorithm;
  const cnf = payload.cnf;
  if (!isObject(cnf))
    return done(failed(SubIndication.SIG_CRYPTO_FAILURE, 'the credential binds no key (no cnf): a key-binding JWT proves nothing'));
  if (!Object.hasOwn(cnf, 'jwk'))
    return done(
      indeterminate(
        SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
        `the credential's cnf has no jwk (${Object.keys(cnf).join(', ') || 'nothing'}): the key-binding JWT cannot be checked`,
      ),
    );
  const holderKey = publicKeyFromJwk(cnf.jwk);
  if ('problem' in holderKey)
    return done(
      holderKey.problem.startsWith('an SM2 key')
        ? indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE, `the credential's cnf.jwk is ${holderKey.problem}`)
        : failed(SubIndication.SIG_CRYPTO_FAILURE, `the credential's cnf.jwk: ${holderKey.problem}`),
    );
  const mismatch = keyMismatch(alg, holderKey.key);
  if (mismatch) return done(failed(SubIndication.SIG_CRYPTO_FAILURE, `key-binding JWT: the cnf key is not an ${alg} key (${mismatch})`));
  if (!verifyJws(alg, holderKey.key, kb.signingInput, kb.signature))
    return done(failed(SubIndication.SIG_CRYPTO_FAILURE, 'the key-binding JWT is not signed with the key in the credential’s cnf'));
  if (!options.sdAlgOk)
    return done(indeterminate(SubIndication.CRYPTO_CONSTRAINTS_FAILURE, 'sd_hash cannot be checked: _sd_alg is not supported'));
  if (claims.sd_hash !== sdDigest(split.sdJwt))
    return done(
      failed(SubIndication.HASH_FAILURE, 'the key-binding JWT’s sd_hash is not over this presentation (the JWT and Disclosures sent)'),
    );
  if (options.audience !== undefined && claims.aud !== options.audience)
    return done(
      failed(
        SubIndication.SIG_CONSTRAINTS_FAILURE,
        `the key-binding JWT is for ${JSON.stringify(claims.aud)}, not ${JSON.stringify(options.audience)}`,
      ),
    );
  if (options.nonce !== undefined && claims.nonce !== options.nonce)
    return done(failed(SubIndication.SIG_CONSTRAINTS_FAILURE, 'the key-binding JWT’s nonce is not the one this verifier gave'));
  const iat = claims.iat as number;
  const maxAge = options.maxKbAgeSeconds ?? 300;
  if (iat > options.nowSeconds + options.tolerance)
    return done(
      failed(SubIndication.SIG_CONSTRAINTS_FAILURE, `the key-binding JWT is issued in the future (${new Date(iat * 1000).toISOString()})`),
    );
  if (options.nowSeconds - iat > maxAge)
    return done(
      failed(SubIndication.SIG_CONSTRAINTS_FAILURE, `the key-binding JWT is ${options.nowSeconds - iat} s old (at most ${maxAge} s)`),
    );
  const unchecked = [options.audience === undefined ? 'aud' : undefined, options.nonce === undefined ? 'nonce' : undefined].filter(Boolean);
  return done(
    passed(
      `key-binding JWT (${alg}) signed with the cnf key, sd_hash over this presentation, ${options.nowSeconds - iat} s old${
        unchecked.length ? `; ${unchecked.join(' and ')} not checked (none expected)` : ', aud and nonce as expected'
      }`,
    ),
  );
}

function readX5c(header: Readonly<Record<string, unknown>>, problems: string[]): readonly string[] | undefined {
  if (!Object.hasOwn(header, 'x5c')) return undefined;
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || !x5c.length || !x5c.every((entry) => typeof entry === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(entry))) {
    problems.push('x5c is not a non-empty array of base64 certificates');
    return undefined;
  }
  return x5c as string[];
}

function readStatus(payload: Readonly<Record<string, unknown>>, problems: string[]): { idx: number; uri: string } | undefined {
  if (!Object.hasOwn(payload, 'status')) return undefined;
  const status = payload.status;
  if (!isObject(status)) {
    problems.push('status is not an object');
    return undefined;
  }
  if (!Object.hasOwn(status, 'status_list')) return undefined;
  const list = status.status_list;
  if (!isObject(list) || !Number.isSafeInteger(list.idx) || (list.idx as number) < 0 || typeof list.uri !== 'string' || list.uri === '') {
    problems.push('status.status_list is not { idx: a non-negative integer, uri: a string }');
    return undefined;
  }
  return { idx: list.idx as number, uri: list.uri };
}
