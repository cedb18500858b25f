import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { digest as sdJwtDigest, ES256, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import {
  createHash,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  webcrypto,
  X509Certificate,
  type JsonWebKey,
} from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import {
  decodeDisclosure,
  encodeDisclosure,
  issueSdJwtVc,
  JwsSigningError,
  parseSdJwt,
  presentSdJwt,
  SdJwtFormatError,
  SdJwtPresentationError,
  sdDigest,
  signCompactJws,
  verifySdJwtVc,
  type IssueSdJwtVcInput,
  type JwsSign,
  type NonDisclosableClaims,
  type SdJwtFormatErrorCode,
  type VerifySdJwtVcOptions,
} from '../../src/licences/sd-jwt/index.js';
import { StatusList, StatusType, signStatusListJwt } from '../../src/licences/status-list/index.js';
import { SubIndication } from '../../src/verification/report.js';

/**
 * The SD-JWT VC library (src/licences/sd-jwt): what it issues is checked by the ecosystem's
 * verifier (@sd-jwt/sd-jwt-vc 0.19, with its status list check) and by a verifier written here
 * with jose and node:crypto only; what the ecosystem issues and presents, and RFC 9901's own
 * examples, pass its verifier; every refusal the specifications ask for is shown.
 */

x509.cryptoProvider.set(webcrypto as Crypto);

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const AT = new Date(NOW * 1000);
const ISSUER_KID = 'licence-es256-1';
const STATUS_URI = 'https://tongban.example/api/v1/status-lists/1';

/** An ES256 signing callback as tongban's KeyStore gives one: r||s, and the kid when asked. */
function es256(privateKey: KeyObject, kid?: string): JwsSign {
  return (data) => {
    const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return kid === undefined ? signature : { kid, signature };
  };
}

const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jsonOf = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const partsOf = (compact: string) => {
  const parts = compact.split('~');
  return { jwt: parts[0], disclosures: parts.slice(1, -1), kb: parts[parts.length - 1] };
};

let issuerPrivate: KeyObject;
let issuerPublic: KeyObject;
let issuerJwk: JsonWebKey;
let x5c: string[];
let holderPrivate: KeyObject;
let holderJwk: JsonWebKey;
let statusPrivate: KeyObject;
let statusJwk: JsonWebKey;
let otherPrivate: KeyObject;

const CLAIMS = {
  name: '张三',
  id_number_masked: '110105********1239',
  birth_date: '1990-03-07',
  address: { province: '北京市', district: '朝阳区', street: '建国路 88 号' },
  permit_types: ['居住', '就业', '就学'],
  household: [{ relation: '配偶', name: '李四' }],
  verified: true,
  years: 3,
  note: null,
  extras: {},
};

function clearClaims(overrides: Partial<NonDisclosableClaims> = {}): NonDisclosableClaims {
  return {
    iss: 'https://tongban.example',
    sub: 'c4b7e3d2-residence',
    iat: NOW - 3600,
    exp: NOW + 365 * 86400,
    vct: 'https://tongban.example/licence-types/residence-permit',
    status: { status_list: { idx: 7, uri: STATUS_URI } },
    cnf: { jwk: holderJwk },
    ...overrides,
  };
}

function issue(overrides: Partial<IssueSdJwtVcInput> = {}): Promise<string> {
  return issueSdJwtVc({
    header: { kid: ISSUER_KID, x5c },
    claims: CLAIMS,
    nonDisclosable: clearClaims(),
    sign: es256(issuerPrivate, ISSUER_KID),
    ...overrides,
  });
}

function verifyOptions(overrides: Partial<VerifySdJwtVcOptions> = {}): VerifySdJwtVcOptions {
  return { publicKeyFor: () => issuerPublic, now: AT, ...overrides };
}

/** A KB-JWT input signed with the holder's key. */
function keyBinding(overrides: Partial<{ aud: string; nonce: string; iat: number; sign: JwsSign }> = {}) {
  return { aud: 'https://portal.example', nonce: 'n-0S6_WzA2Mj', iat: NOW - 5, sign: es256(holderPrivate), ...overrides };
}

/** Signs any header and payload with the issuer's key: credentials the library would never make. */
async function craft(
  payload: object,
  disclosures: string[],
  header: object = { alg: 'ES256', typ: 'dc+sd-jwt', kid: ISSUER_KID },
): Promise<string> {
  const jwt = await signCompactJws(header as { alg: 'ES256' }, payload, es256(issuerPrivate));
  return `${jwt}~${disclosures.map((disclosure) => `${disclosure}~`).join('')}`;
}

const CLEAR_PAYLOAD = () => ({
  iss: 'https://tongban.example',
  iat: NOW - 60,
  exp: NOW + 3600,
  vct: 'https://tongban.example/licence-types/x',
});

/**
 * The verifier written for this test with jose and node:crypto only: checks the issuer's
 * signature (jose), recomputes each Disclosure's digest and rebuilds the claims (RFC 9901 §7.1),
 * insists every Disclosure is used, and checks a KB-JWT against cnf.jwk (jose) and its sd_hash.
 */
async function independentVerify(compact: string, issuerKey: KeyObject, expect_?: { aud: string; nonce: string }) {
  const { jwt, disclosures, kb } = partsOf(compact);
  const { payload, protectedHeader } = await compactVerify(jwt, issuerKey, { algorithms: ['ES256'] });
  if (protectedHeader.typ !== 'dc+sd-jwt') throw new Error(`typ ${protectedHeader.typ}`);
  const body = JSON.parse(new TextDecoder().decode(payload));
  if (body._sd_alg !== 'sha-256') throw new Error('_sd_alg');
  const byDigest = new Map<string, unknown[]>();
  for (const disclosure of disclosures)
    byDigest.set(createHash('sha256').update(disclosure, 'ascii').digest('base64url'), jsonOf(disclosure));
  const used = new Set<string>();
  const rebuild = (value: unknown): unknown => {
    if (Array.isArray(value))
      return value.flatMap((element: unknown) => {
        const ref = element !== null && typeof element === 'object' ? (element as { '...'?: unknown })['...'] : undefined;
        if (typeof ref === 'string') {
          const found = byDigest.get(ref);
          if (!found) return [];
          used.add(ref);
          if (found.length !== 2) throw new Error('array element disclosure of 3');
          return [rebuild(found[1])];
        }
        return [rebuild(element)];
      });
    if (value !== null && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, inner] of Object.entries(object)) if (name !== '_sd' && name !== '_sd_alg') out[name] = rebuild(inner);
      for (const digest of (object._sd ?? []) as string[]) {
        const found = byDigest.get(digest);
        if (!found) continue;
        used.add(digest);
        const name = found[1] as string;
        if (found.length !== 3 || name in out) throw new Error('bad object disclosure');
        out[name] = rebuild(found[2]);
      }
      return out;
    }
    return value;
  };
  const claims = rebuild(body) as Record<string, unknown> & { cnf: { jwk: JsonWebKey } };
  if (used.size !== disclosures.length) throw new Error('a disclosure is not referenced');
  if (kb !== '') {
    const holderKey = await importJWK(body.cnf.jwk, 'ES256');
    const checked = await compactVerify(kb, holderKey, { algorithms: ['ES256'] });
    if (checked.protectedHeader.typ !== 'kb+jwt') throw new Error('kb typ');
    const kbPayload = JSON.parse(new TextDecoder().decode(checked.payload));
    const sdJwt = compact.slice(0, compact.length - kb.length);
    if (kbPayload.sd_hash !== createHash('sha256').update(sdJwt, 'ascii').digest('base64url')) throw new Error('sd_hash');
    if (expect_ && (kbPayload.aud !== expect_.aud || kbPayload.nonce !== expect_.nonce)) throw new Error('aud/nonce');
  }
  return claims;
}

/** The ecosystem verifier: @sd-jwt/sd-jwt-vc with @sd-jwt/crypto-nodejs, status lists fetched from `statusJwt`. */
async function ecosystem(statusJwt?: () => Promise<string>) {
  return new SDJwtVcInstance({
    hasher: sdJwtDigest,
    verifier: await ES256.getVerifier(issuerJwk),
    kbVerifier: async (data, signature, payload) => (await ES256.getVerifier((payload.cnf as { jwk: object }).jwk))(data, signature),
    statusVerifier: await ES256.getVerifier(statusJwk),
    statusListFetcher: async (uri) => {
      if (uri !== STATUS_URI || !statusJwt) throw new Error(`no status list at ${uri}`);
      return statusJwt();
    },
  });
}

beforeAll(async () => {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Test licence issuer',
    notBefore: new Date((NOW - 86400) * 1000),
    notAfter: new Date((NOW + 10 * 365 * 86400) * 1000),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  issuerPrivate = KeyObject.from(keys.privateKey);
  issuerPublic = KeyObject.from(keys.publicKey);
  issuerJwk = issuerPublic.export({ format: 'jwk' });
  x5c = [Buffer.from(certificate.rawData).toString('base64')];
  const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  holderPrivate = holder.privateKey;
  holderJwk = holder.publicKey.export({ format: 'jwk' });
  const status = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  statusPrivate = status.privateKey;
  statusJwk = status.publicKey.export({ format: 'jwk' });
  otherPrivate = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
});
const RFC_A1 = [
  'eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImV4YW1wbGUrc2Qtand0In0.eyJfc2QiOiBbIkM5aW5wNllvUmFFWFI0Mjd6WUpQN1FyazFXSF84Ym',
  'R3T0FfWVVyVW5HUVUiLCAiS3VldDF5QWEwSElRdlluT1ZkNTloY1ZpTzlVZzZKMmtTZnFZUkJlb3d2RSIsICJNTWxkT0ZGekIyZDB1bWxtcFRJ',
  'YUdlcmhXZFVfUHBZZkx2S2hoX2ZfOWFZIiwgIlg2WkFZT0lJMnZQTjQwVjd4RXhad1Z3ejd5Um1MTmNWd3Q1REw4Ukx2NGciLCAiWTM0em1Jbz',
  'BRTExPdGRNcFhHd2pCZ0x2cjE3eUVoaFlUMEZHb2ZSLWFJRSIsICJmeUdwMFdUd3dQdjJKRFFsbjFsU2lhZW9iWnNNV0ExMGJRNTk4OS05RFRz',
  'IiwgIm9tbUZBaWNWVDhMR0hDQjB1eXd4N2ZZdW8zTUhZS08xNWN6LVJaRVlNNVEiLCAiczBCS1lzTFd4UVFlVTh0VmxsdE03TUtzSVJUckVJYT',
  'FQa0ptcXhCQmY1VSJdLCAiaXNzIjogImh0dHBzOi8vaXNzdWVyLmV4YW1wbGUuY29tIiwgImlhdCI6IDE2ODMwMDAwMDAsICJleHAiOiAxODgz',
  'MDAwMDAwLCAiYWRkcmVzcyI6IHsiX3NkIjogWyI2YVVoelloWjdTSjFrVm1hZ1FBTzN1MkVUTjJDQzFhSGhlWnBLbmFGMF9FIiwgIkF6TGxGb2',
  'JrSjJ4aWF1cFJFUHlvSnotOS1OU2xkQjZDZ2pyN2ZVeW9IemciLCAiUHp6Y1Z1MHFiTXVCR1NqdWxmZXd6a2VzRDl6dXRPRXhuNUVXTndrclEt',
  'ayIsICJiMkRrdzBqY0lGOXJHZzhfUEY4WmN2bmNXN3p3Wmo1cnlCV3ZYZnJwemVrIiwgImNQWUpISVo4VnUtZjlDQ3lWdWIyVWZnRWs4anZ2WG',
  'V6d0sxcF9KbmVlWFEiLCAiZ2xUM2hyU1U3ZlNXZ3dGNVVEWm1Xd0JUdzMyZ25VbGRJaGk4aEdWQ2FWNCIsICJydkpkNmlxNlQ1ZWptc0JNb0d3',
  'dU5YaDlxQUFGQVRBY2k0MG9pZEVlVnNBIiwgInVOSG9XWWhYc1poVkpDTkUyRHF5LXpxdDd0NjlnSkt5NVFhRnY3R3JNWDQiXX0sICJfc2RfYW',
  'xnIjogInNoYS0yNTYifQ.JwMde4aGprmyUSPPl4SB5Woe7cBBzxEYyIUiMApNTMZuYjdKjoJ09F1V5KQ0Q0d6AzvMCuZBEQSxuhJwQVZRMg~Wy',
  'JHMDJOU3JRZmpGWFE3SW8wOXN5YWpBIiwgInJlZ2lvbiIsICJcdTZlMmZcdTUzM2EiXQ~WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgImNvd',
  'W50cnkiLCAiSlAiXQ~',
].join('');

const RFC_A3 = [
  'eyJhbGciOiAiRVMyNTYiLCAidHlwIjogInZjK3NkLWp3dCJ9.eyJfc2QiOiBbIjBIWm1uU0lQejMzN2tTV2U3QzM0bC0tODhnekppLWVCSjJWe',
  'l9ISndBVGciLCAiOVpicGxDN1RkRVc3cWFsNkJCWmxNdHFKZG1lRU9pWGV2ZEpsb1hWSmRSUSIsICJJMDBmY0ZVb0RYQ3VjcDV5eTJ1anFQc3N',
  'EVkdhV05pVWxpTnpfYXdEMGdjIiwgIklFQllTSkdOaFhJbHJRbzU4eWtYbTJaeDN5bGw5WmxUdFRvUG8xN1FRaVkiLCAiTGFpNklVNmQ3R1FhZ',
  '1hSN0F2R1RyblhnU2xkM3o4RUlnX2Z2M2ZPWjFXZyIsICJodkRYaHdtR2NKUXNCQ0EyT3RqdUxBY3dBTXBEc2FVMG5rb3ZjS09xV05FIiwgIml',
  'rdXVyOFE0azhxM1ZjeUE3ZEMtbU5qWkJrUmVEVFUtQ0c0bmlURTdPVFUiLCAicXZ6TkxqMnZoOW80U0VYT2ZNaVlEdXZUeWtkc1dDTmcwd1Rkb',
  'HIwQUVJTSIsICJ3elcxNWJoQ2t2a3N4VnZ1SjhSRjN4aThpNjRsbjFqb183NkJDMm9hMXVnIiwgInpPZUJYaHh2SVM0WnptUWNMbHhLdUVBT0d',
  'HQnlqT3FhMXoySW9WeF9ZRFEiXSwgImlzcyI6ICJodHRwczovL2lzc3Vlci5leGFtcGxlLmNvbSIsICJpYXQiOiAxNjgzMDAwMDAwLCAiZXhwI',
  'jogMTg4MzAwMDAwMCwgInZjdCI6ICJodHRwczovL2JtaS5idW5kLmV4YW1wbGUvY3JlZGVudGlhbC9waWQvMS4wIiwgImFnZV9lcXVhbF9vcl9',
  'vdmVyIjogeyJfc2QiOiBbIkZjOElfMDdMT2NnUHdyREpLUXlJR085N3dWc09wbE1Makh2UkM0UjQtV2ciLCAiWEx0TGphZFVXYzl6Tl85aE1KU',
  'm9xeTQ2VXNDS2IxSXNoWnV1cVVGS1NDQSIsICJhb0NDenNDN3A0cWhaSUFoX2lkUkNTQ2E2NDF1eWNuYzh6UGZOV3o4bngwIiwgImYxLVAwQTJ',
  'kS1dhdnYxdUZuTVgyQTctRVh4dmhveHY1YUhodUVJTi1XNjQiLCAiazVoeTJyMDE4dnJzSmpvLVZqZDZnNnl0N0Fhb25Lb25uaXVKOXplbDNqb',
  'yIsICJxcDdaX0t5MVlpcDBzWWdETzN6VnVnMk1GdVBOakh4a3NCRG5KWjRhSS1jIl19LCAiX3NkX2FsZyI6ICJzaGEtMjU2IiwgImNuZiI6IHs',
  'iandrIjogeyJrdHkiOiAiRUMiLCAiY3J2IjogIlAtMjU2IiwgIngiOiAiVENBRVIxOVp2dTNPSEY0ajRXNHZmU1ZvSElQMUlMaWxEbHM3dkNlR',
  '2VtYyIsICJ5IjogIlp4amlXV2JaTVFHSFZXS1ZRNGhiU0lpcnNWZnVlY0NFNnQ0alQ5RjJIWlEifX19.Iwo8rkeneT9yPjiorofVRWvpVqVc9x',
  'iLCNAY-TLEuEAuslt8Ids1-1JNUln7FMICScXnakTscACf7o_DqDjl1w~WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiL',
  'CAiRXJpa2EiXQ~WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIk11c3Rlcm1hbm4iXQ~WyI2SWo3dE0tYTVpVlBHY',
  'm9TNXRtdlZBIiwgImJpcnRoZGF0ZSIsICIxOTYzLTA4LTEyIl0~WyJlSThaV205UW5LUHBOUGVOZW5IZGhRIiwgInNvdXJjZV9kb2N1bWVudF9',
  '0eXBlIiwgImlkX2NhcmQiXQ~WyJRZ19PNjR6cUF4ZTQxMmExMDhpcm9BIiwgInN0cmVldF9hZGRyZXNzIiwgIkhlaWRlc3RyYVx1MDBkZmUgMT',
  'ciXQ~WyJBSngtMDk1VlBycFR0TjRRTU9xUk9BIiwgImxvY2FsaXR5IiwgIktcdTAwZjZsbiJd~WyJQYzMzSk0yTGNoY1VfbEhnZ3ZfdWZRIiwg',
  'InBvc3RhbF9jb2RlIiwgIjUxMTQ3Il0~WyJHMDJOU3JRZmpGWFE3SW8wOXN5YWpBIiwgImNvdW50cnkiLCAiREUiXQ~WyJsa2x4RjVqTVlsR1R',
  'QVW92TU5JdkNBIiwgImFkZHJlc3MiLCB7Il9zZCI6IFsiWEZjN3pYUG03enpWZE15d20yRXVCZmxrYTVISHF2ZjhVcF9zek5HcXZpZyIsICJiZ',
  'DFFVnpnTm9wVWs0RVczX2VRMm4zX05VNGl1WE9IdjlYYkdITjNnMVRFIiwgImZfRlFZZ3ZRV3Z5VnFObklYc0FSbE55ZTdZR3A4RTc3Z1JBamF',
  'xLXd2bnciLCAidjRra2JfcFAxamx2VWJTanR5YzVicWNXeUEtaThYTHZoVllZN1pUMHRiMCJdfV0~WyJuUHVvUW5rUkZxM0JJZUFtN0FuWEZBI',
  'iwgIm5hdGlvbmFsaXRpZXMiLCBbIkRFIl1d~WyI1YlBzMUlxdVpOYTBoa2FGenp6Wk53IiwgImdlbmRlciIsICJmZW1hbGUiXQ~WyI1YTJXMF9',
  'OcmxFWnpmcW1rXzdQcS13IiwgImJpcnRoX2ZhbWlseV9uYW1lIiwgIkdhYmxlciJd~WyJ5MXNWVTV3ZGZKYWhWZGd3UGdTN1JRIiwgImxvY2Fs',
  'aXR5IiwgIkJlcmxpbiJd~WyJIYlE0WDhzclZXM1FEeG5JSmRxeU9BIiwgInBsYWNlX29mX2JpcnRoIiwgeyJfc2QiOiBbIldwaEhvSUR5b1diQ',
  'XBEQzR6YnV3UjQweGwweExoRENfY3Y0dHNTNzFyRUEiXSwgImNvdW50cnkiOiAiREUifV0~WyJDOUdTb3VqdmlKcXVFZ1lmb2pDYjFBIiwgImF',
  'sc29fa25vd25fYXMiLCAiU2Nod2VzdGVyIEFnbmVzIl0~WyJreDVrRjE3Vi14MEptd1V4OXZndnR3IiwgIjEyIiwgdHJ1ZV0~WyJIM28xdXN3U',
  'Dc2MEZpMnllR2RWQ0VRIiwgIjE0IiwgdHJ1ZV0~WyJPQktsVFZsdkxnLUFkd3FZR2JQOFpBIiwgIjE2IiwgdHJ1ZV0~WyJNMEpiNTd0NDF1YnJ',
  'rU3V5ckRUM3hBIiwgIjE4IiwgdHJ1ZV0~WyJEc210S05ncFY0ZEFIcGpyY2Fvc0F3IiwgIjIxIiwgdHJ1ZV0~WyJlSzVvNXBIZmd1cFBwbHRqM',
  'XFoQUp3IiwgIjY1IiwgZmFsc2Vd~',
].join('');

const RFC_A4 = [
  'eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImV4YW1wbGUrc2Qtand0In0.eyJAY29udGV4dCI6IFsiaHR0cHM6Ly93d3cudzMub3JnLzIwMTgvY3',
  'JlZGVudGlhbHMvdjEiLCAiaHR0cHM6Ly93M2lkLm9yZy92YWNjaW5hdGlvbi92MSJdLCAidHlwZSI6IFsiVmVyaWZpYWJsZUNyZWRlbnRpYWwi',
  'LCAiVmFjY2luYXRpb25DZXJ0aWZpY2F0ZSJdLCAiaXNzdWVyIjogImh0dHBzOi8vZXhhbXBsZS5jb20vaXNzdWVyIiwgImlzc3VhbmNlRGF0ZS',
  'I6ICIyMDIzLTAyLTA5VDExOjAxOjU5WiIsICJleHBpcmF0aW9uRGF0ZSI6ICIyMDI4LTAyLTA4VDExOjAxOjU5WiIsICJuYW1lIjogIkNPVklE',
  'LTE5IFZhY2NpbmF0aW9uIENlcnRpZmljYXRlIiwgImRlc2NyaXB0aW9uIjogIkNPVklELTE5IFZhY2NpbmF0aW9uIENlcnRpZmljYXRlIiwgIm',
  'NyZWRlbnRpYWxTdWJqZWN0IjogeyJfc2QiOiBbIjFWX0stOGxEUThpRlhCRlhiWlk5ZWhxUjRIYWJXQ2k1VDB5Ykl6WlBld3ciLCAiSnpqTGd0',
  'UDI5ZFAtQjN0ZDEyUDY3NGdGbUsyenk4MUhNdEJnZjZDSk5XZyIsICJSMmZHYmZBMDdaX1lsa3FtTlp5bWExeHl5eDFYc3RJaVM2QjFZYmwySl',
  'o0IiwgIlRDbXpybDdLMmdldl9kdTdwY01JeXpSTEhwLVllZy1GbF9jeHRyVXZQeGciLCAiVjdrSkJMSzc4VG1WRE9tcmZKN1p1VVBIdUtfMmNj',
  'N3laUmE0cVYxdHh3TSIsICJiMGVVc3ZHUC1PRERkRm9ZNE5semxYYzN0RHNsV0p0Q0pGNzVOdzhPal9nIiwgInpKS19lU01YandNOGRYbU1aTG',
  '5JOEZHTTA4ekozX3ViR2VFTUotNVRCeTAiXSwgInZhY2NpbmUiOiB7Il9zZCI6IFsiMWNGNWhMd2toTU5JYXFmV0pyWEk3Tk1XZWRMLTlmNlky',
  'UEE1MnlQalNaSSIsICJIaXk2V1d1ZUxENWJuMTYyOTh0UHY3R1hobWxkTURPVG5CaS1DWmJwaE5vIiwgIkxiMDI3cTY5MWpYWGwtakM3M3ZpOG',
  'ViT2o5c214M0MtX29nN2dBNFRCUUUiXSwgInR5cGUiOiAiVmFjY2luZSJ9LCAicmVjaXBpZW50IjogeyJfc2QiOiBbIjFsU1FCTlkyNHEwVGg2',
  'T0d6dGhxLTctNGw2Y0FheHJZWE9HWnBlV19sbkEiLCAiM256THE4MU0yb04wNndkdjFzaEh2T0VKVnhaNUtMbWREa0hFREpBQldFSSIsICJQbj',
  'FzV2kwNkc0TEpybm4tX1JUMFJiTV9IVGR4blBKUXVYMmZ6V3ZfSk9VIiwgImxGOXV6ZHN3N0hwbEdMYzcxNFRyNFdPN01HSnphN3R0N1FGbGVD',
  'WDRJdHciXSwgInR5cGUiOiAiVmFjY2luZVJlY2lwaWVudCJ9LCAidHlwZSI6ICJWYWNjaW5hdGlvbkV2ZW50In0sICJfc2RfYWxnIjogInNoYS',
  '0yNTYiLCAiY25mIjogeyJqd2siOiB7Imt0eSI6ICJFQyIsICJjcnYiOiAiUC0yNTYiLCAieCI6ICJUQ0FFUjE5WnZ1M09IRjRqNFc0dmZTVm9I',
  'SVAxSUxpbERsczd2Q2VHZW1jIiwgInkiOiAiWnhqaVdXYlpNUUdIVldLVlE0aGJTSWlyc1ZmdWVjQ0U2dDRqVDlGMkhaUSJ9fX0.OZomvwO8iw',
  '4db89MYCeeomBVStXkT6u7G7FkicPWZnd2_hGgr0l_u1NHgPVocuOt-m32Uu6kwtPmYFxKk0AOeA~WyJQYzMzSk0yTGNoY1VfbEhnZ3ZfdWZRI',
  'iwgIm9yZGVyIiwgIjMvMyJd~WyJBSngtMDk1VlBycFR0TjRRTU9xUk9BIiwgImRhdGVPZlZhY2NpbmF0aW9uIiwgIjIwMjEtMDYtMjNUMTM6ND',
  'A6MTJaIl0~WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImF0Y0NvZGUiLCAiSjA3QlgwMyJd~WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiw',
  'gIm1lZGljaW5hbFByb2R1Y3ROYW1lIiwgIkNPVklELTE5IFZhY2NpbmUgTW9kZXJuYSJd~eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImtiK2p3',
  'dCJ9.eyJub25jZSI6ICIxMjM0NTY3ODkwIiwgImF1ZCI6ICJodHRwczovL3ZlcmlmaWVyLmV4YW1wbGUub3JnIiwgImlhdCI6IDE3NDg1MzcyN',
  'DQsICJzZF9oYXNoIjogIklvV1VIOTFsbGYzWEVybDQyYlEzc3hfNTNWMW8xdWpDejA4aERxSEs3RGsifQ.n0vzyIwCFMDVauEaeJIWEKZZchxX',
  'MpXTQewHgAkARbOSZxB09IbXXtHfpoGqO_BtNFN2lShJEIQBGyc-XpHigA',
].join('');

describe('issueSdJwtVc', () => {
  it('signs an ES256 dc+sd-jwt with kid and x5c, the clear claims in the clear and every other claim behind a digest', async () => {
    const compact = await issue();
    expect(compact.endsWith('~')).toBe(true);
    const { jwt, disclosures } = partsOf(compact);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', typ: 'dc+sd-jwt', kid: ISSUER_KID, x5c });
    const payload = jsonOf(jwt.split('.')[1]);
    const clear = clearClaims();
    expect(payload).toMatchObject({
      iss: clear.iss,
      sub: clear.sub,
      iat: clear.iat,
      exp: clear.exp,
      vct: clear.vct,
      status: clear.status,
      cnf: clear.cnf,
    });
    expect(payload._sd_alg).toBe('sha-256');
    for (const name of Object.keys(CLAIMS)) expect(payload).not.toHaveProperty(name);
    // No claim value shows anywhere in the signed JWT.
    expect(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')).not.toMatch(/张三|朝阳区|居住|1990-03-07/);
    // Decoys: 1 to 3 digests besides the claims', sorted.
    const top = Object.keys(CLAIMS).length;
    expect(payload._sd.length).toBeGreaterThanOrEqual(top + 1);
    expect(payload._sd.length).toBeLessThanOrEqual(top + 3);
    expect([...payload._sd].sort()).toEqual(payload._sd);
    // Never a clear claim as a Disclosure; salts of 128 random bits, each its own.
    const decoded = disclosures.map(decodeDisclosure);
    for (const disclosure of decoded) {
      expect(['iss', 'sub', 'iat', 'exp', 'nbf', 'vct', 'status', 'cnf', '_sd', '...']).not.toContain(disclosure.name);
      expect(Buffer.from(disclosure.salt, 'base64url')).toHaveLength(16);
    }
    expect(new Set(decoded.map((disclosure) => disclosure.salt)).size).toBe(decoded.length);
  });

  it('conceals nested objects property by property and arrays element by element (recursive disclosures)', async () => {
    const parsed = parseSdJwt(await issue());
    const at = (pointer: string) => parsed.disclosures.find((disclosure) => disclosure.pointer === pointer);
    // address: a Disclosure whose value holds its own _sd (with decoys), each property a Disclosure of its own.
    const address = at('/address')!;
    expect(Object.keys(address.value as object)).toEqual(['_sd']);
    expect((address.value as { _sd: string[] })._sd.length).toBeGreaterThanOrEqual(4);
    expect(at('/address/district')).toMatchObject({ name: 'district', value: '朝阳区', parent: address.digest });
    // permit_types: each element an array-element Disclosure in its place, no decoys in arrays.
    expect((at('/permit_types')!.value as unknown[]).map((element) => Object.keys(element as object))).toEqual([['...'], ['...'], ['...']]);
    expect(at('/permit_types/1')).toMatchObject({ value: '就业' });
    expect(at('/permit_types/1')!.name).toBeUndefined();
    expect(at('/household/0/name')).toMatchObject({ value: '李四' });
    // Empty objects are disclosed as they are; scalars of every JSON type.
    expect(at('/extras')!.value).toEqual({});
    expect(parsed.claims).toMatchObject(CLAIMS);
    // 10 claims, 3 address properties, 3 permit types, 1 household element with 2 properties.
    expect(parsed.disclosures).toHaveLength(10 + 3 + 3 + 1 + 2);
  });

  it('shuffles the Disclosures: their order tells nothing of the claims’', async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const parsed = parseSdJwt(await issue());
      orders.add(parsed.disclosures.map((disclosure) => disclosure.pointer).join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it('leaves _sd out when there is nothing to disclose (draft-ietf-oauth-sd-jwt-vc §3.2.2.4)', async () => {
    const compact = await issue({ claims: {} });
    expect(compact.split('~')).toHaveLength(2);
    const payload = jsonOf(partsOf(compact).jwt.split('.')[1]);
    expect(payload).not.toHaveProperty('_sd');
    expect(payload).not.toHaveProperty('_sd_alg');
  });

  it.each([
    ['a clear claim among the disclosable ones', { claims: { vct: 'x' } }],
    ['status among the disclosable ones', { claims: { status: {} } }],
    ['cnf among the disclosable ones', { claims: { cnf: {} } }],
    ['a registered JWT claim (jti)', { claims: { jti: '1' } }],
    ['_sd as a claim', { claims: { _sd: [] } }],
    ['"..." nested', { claims: { address: { '...': 'x' } } }],
    ['_sd_alg nested', { claims: { a: [{ _sd_alg: 'x' }] } }],
    ['undefined', { claims: { a: undefined } }],
    ['a function', { claims: { a: () => 1 } }],
    ['NaN', { claims: { a: Number.NaN } }],
    ['a Date', { claims: { a: new Date() } }],
    ['a salt under 128 bits', { saltBytes: 8 }],
    ['x5c in PEM', { header: { kid: ISSUER_KID, x5c: ['-----BEGIN CERTIFICATE-----'] } }],
    ['no kid', { header: { kid: '' } }],
  ])('refuses %s (TypeError)', async (_what, overrides) => {
    await expect(issue(overrides as Partial<IssueSdJwtVcInput>)).rejects.toThrow(TypeError);
  });

  it('refuses clear claims that are not what the specifications want', async () => {
    await expect(issue({ nonDisclosable: clearClaims({ exp: NOW - 7200 }) })).rejects.toThrow(/exp must be after iat/);
    await expect(issue({ nonDisclosable: clearClaims({ status: { status_list: { idx: -1, uri: STATUS_URI } } }) })).rejects.toThrow(/idx/);
    await expect(issue({ nonDisclosable: clearClaims({ vct: '' }) })).rejects.toThrow(/vct/);
  });

  it('refuses a signing callback that returns DER, or a signature by another key than the header names', async () => {
    const der: JwsSign = (data) => sign('sha256', data, issuerPrivate);
    await expect(issue({ sign: der })).rejects.toThrow(JwsSigningError);
    await expect(issue({ sign: es256(issuerPrivate, 'licence-es256-2') })).rejects.toThrow(
      /names key licence-es256-1 but licence-es256-2 signed/,
    );
  });
});

describe('RFC 9901 examples', () => {
  it('digests the RFC’s Disclosures to the RFC’s digests (§4.2.1–§4.2.3)', () => {
    const familyName = 'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0';
    expect(sdDigest(familyName)).toBe('X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0');
    expect(decodeDisclosure(familyName)).toMatchObject({ salt: '_26bc4LT-ac6q2KI6cBW5es', name: 'family_name', value: 'Möbius' });
    const nationality = 'WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0';
    expect(sdDigest(nationality)).toBe('w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs');
    expect(decodeDisclosure(nationality)).toEqual({
      encoded: nationality,
      digest: 'w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs',
      salt: 'lklxF5jMYlGTPUovMNIvCA',
      value: 'FR',
    });
  });

  it('encodes a Disclosure as the RFC’s compact variant, and reads its other variants as the same claim', () => {
    expect(encodeDisclosure('_26bc4LT-ac6q2KI6cBW5es', 'family_name', 'Möbius')).toBe(
      'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsImZhbWlseV9uYW1lIiwiTcO2Yml1cyJd',
    );
    for (const variant of [
      'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNXHUwMGY2Yml1cyJd',
      'WwoiXzI2YmM0TFQtYWM2cTJLSTZjQlc1ZXMiLAoiZmFtaWx5X25hbWUiLAoiTcO2Yml1cyIKXQ',
    ])
      expect(decodeDisclosure(variant)).toMatchObject({ salt: '_26bc4LT-ac6q2KI6cBW5es', name: 'family_name', value: 'Möbius' });
  });

  // Appendix A's examples, signed with the key of §A.5.
  const rfcIssuer = () =>
    createPublicKey({
      format: 'jwk',
      key: { kty: 'EC', crv: 'P-256', x: 'b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ', y: 'Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8' },
    });

  it('reads A.1 (structured, with a Chinese value) and verifies its signature and digests', async () => {
    expect(parseSdJwt(RFC_A1).claims).toEqual({
      iss: 'https://issuer.example.com',
      iat: 1683000000,
      exp: 1883000000,
      address: { region: '港区', country: 'JP' },
    });
    const result = await verifySdJwtVc(RFC_A1, verifyOptions({ publicKeyFor: rfcIssuer }));
    expect(result.checks.signature.status).toBe('PASSED');
    expect(result.checks.dataHash.status).toBe('PASSED');
    // It is an example+sd-jwt, not an SD-JWT VC.
    expect(result.checks.format).toMatchObject({ status: 'FAILED', sub: SubIndication.FORMAT_FAILURE });
  });

  it('verifies A.3, an SD-JWT VC (typ vc+sd-jwt), with recursive and array disclosures', async () => {
    const result = await verifySdJwtVc(RFC_A3, verifyOptions({ publicKeyFor: rfcIssuer }));
    expect(result.verdict).toEqual({ indication: 'TOTAL_PASSED' });
    expect(result.claims).toMatchObject({
      vct: 'https://bmi.bund.example/credential/pid/1.0',
      given_name: 'Erika',
      address: { street_address: 'Heidestraße 17', locality: 'Köln', postal_code: '51147', country: 'DE' },
      nationalities: ['DE'],
      place_of_birth: { locality: 'Berlin', country: 'DE' },
      age_equal_or_over: { '12': true, '14': true, '16': true, '18': true, '21': true, '65': false },
    });
    expect(result.claims).not.toHaveProperty('_sd');
    expect(result.claims).not.toHaveProperty('_sd_alg');
  });

  it('verifies A.4’s key-binding JWT against its cnf key, aud, nonce and sd_hash', async () => {
    const result = await verifySdJwtVc(
      RFC_A4,
      verifyOptions({
        publicKeyFor: rfcIssuer,
        now: new Date(1748537300 * 1000),
        audience: 'https://verifier.example.org',
        nonce: '1234567890',
      }),
    );
    expect(result.checks.signature.status).toBe('PASSED');
    expect(result.checks.dataHash.status).toBe('PASSED');
    expect(result.checks.keyBinding).toMatchObject({ status: 'PASSED' });
    const wrongNonce = await verifySdJwtVc(
      RFC_A4,
      verifyOptions({ publicKeyFor: rfcIssuer, now: new Date(1748537300 * 1000), nonce: 'x' }),
    );
    expect(wrongNonce.checks.keyBinding).toMatchObject({ status: 'FAILED', sub: SubIndication.SIG_CONSTRAINTS_FAILURE });
  });
});

describe('what tongban issues verifies with the independent verifier (jose + node:crypto)', () => {
  it('the credential: signature, every digest, the claims rebuilt exactly', async () => {
    const compact = await issue();
    const claims = await independentVerify(compact, new X509Certificate(Buffer.from(x5c[0], 'base64')).publicKey);
    expect(claims).toEqual({ ...clearClaims(), ...CLAIMS });
  });

  it('a presentation with chosen Disclosures and a key-binding JWT', async () => {
    const presentation = await presentSdJwt(await issue(), {
      disclose: ['name', '/address/district', '/permit_types/2'],
      keyBinding: keyBinding(),
    });
    const claims = await independentVerify(presentation, issuerPublic, { aud: 'https://portal.example', nonce: 'n-0S6_WzA2Mj' });
    expect(claims).toEqual({ ...clearClaims(), name: '张三', address: { district: '朝阳区' }, permit_types: ['就学'] });
  });
});

describe('what tongban issues verifies with @sd-jwt/sd-jwt-vc 0.19', () => {
  const statusJwt = (list: StatusList) => () =>
    signStatusListJwt({
      list,
      uri: STATUS_URI,
      iat: NOW - 60,
      exp: NOW + 3600,
      ttl: 300,
      kid: 'status-1',
      sign: es256(statusPrivate, 'status-1'),
    });

  it('the credential, with its status checked through @sd-jwt/jwt-status-list against tongban’s signed list', async () => {
    const list = new StatusList(1024, 2);
    const compact = await issue();
    const verifier = await ecosystem(statusJwt(list));
    const { payload, header } = await verifier.verify(compact, { currentDate: NOW });
    expect(header).toMatchObject({ alg: 'ES256', typ: 'dc+sd-jwt', kid: ISSUER_KID });
    expect(payload).toEqual({ ...clearClaims(), ...CLAIMS });
  });

  it('refuses it once the list says revoked (INVALID) or suspended', async () => {
    const list = new StatusList(1024, 2);
    const compact = await issue();
    const verifier = await ecosystem(statusJwt(list));
    list.set(7, StatusType.INVALID);
    await expect(verifier.verify(compact, { currentDate: NOW })).rejects.toThrow(/Status is not valid/);
    list.set(7, StatusType.SUSPENDED);
    await expect(verifier.verify(compact, { currentDate: NOW })).rejects.toThrow(/Status is not valid/);
    list.set(7, StatusType.VALID);
    await expect(verifier.verify(compact, { currentDate: NOW })).resolves.toBeDefined();
  });

  it('a presentation with chosen Disclosures and a key-binding JWT (nonce, sd_hash, the cnf key)', async () => {
    const presentation = await presentSdJwt(await issue(), {
      disclose: ['/address/street', 'verified', '/household/0/relation'],
      keyBinding: keyBinding(),
    });
    const verifier = await ecosystem(statusJwt(new StatusList(1024, 2)));
    const result = await verifier.verify(presentation, { currentDate: NOW, keyBindingNonce: 'n-0S6_WzA2Mj' });
    expect(result.kb?.payload).toMatchObject({ aud: 'https://portal.example', nonce: 'n-0S6_WzA2Mj', iat: NOW - 5 });
    expect(result.payload).toEqual({
      ...clearClaims(),
      address: { street: '建国路 88 号' },
      verified: true,
      household: [{ relation: '配偶' }],
    });
    await expect(verifier.verify(presentation, { currentDate: NOW, keyBindingNonce: 'another' })).rejects.toThrow(/Nonce/);
  });

  it('and the other way: what @sd-jwt issues and presents passes tongban’s verifier', async () => {
    const library = new SDJwtVcInstance({
      hasher: sdJwtDigest,
      saltGenerator: generateSalt,
      signer: await ES256.getSigner(issuerPrivate.export({ format: 'jwk' })),
      signAlg: 'ES256',
      kbSigner: await ES256.getSigner(holderPrivate.export({ format: 'jwk' })),
      kbSignAlg: 'ES256',
    });
    const issued = await library.issue(
      { ...clearClaims(), name: '王五', address: { city: '杭州市', street: '文三路' }, scopes: ['a', 'b', 'c'] },
      { _sd: ['name', 'address', 'scopes'], address: { _sd: ['city', 'street'] }, scopes: { _sd: [0, 1, 2] } },
      { header: { kid: ISSUER_KID } },
    );
    const whole = await verifySdJwtVc(issued, verifyOptions());
    expect(whole.verdict).toEqual({ indication: 'TOTAL_PASSED' });
    expect(whole.claims).toMatchObject({ name: '王五', address: { city: '杭州市', street: '文三路' }, scopes: ['a', 'b', 'c'] });
    const presented = await library.present(
      issued,
      { address: { city: true }, scopes: { 1: true } },
      { kb: { payload: { iat: NOW - 1, aud: 'https://portal.example', nonce: 'abc' } } },
    );
    const result = await verifySdJwtVc(presented, verifyOptions({ audience: 'https://portal.example', nonce: 'abc' }));
    expect(result.verdict).toEqual({ indication: 'TOTAL_PASSED' });
    expect(result.claims).toMatchObject({ address: { city: '杭州市' }, scopes: ['b'] });
    expect(result.claims).not.toHaveProperty('name');
    // tongban's presenter takes the library's credential too.
    const ours = await presentSdJwt(issued, { disclose: ['/scopes/2'], keyBinding: keyBinding() });
    expect((await verifySdJwtVc(ours, verifyOptions({ audience: 'https://portal.example' }))).claims).toMatchObject({ scopes: ['c'] });
  });
});

describe('presentSdJwt', () => {
  it('keeps only the chosen Disclosures and the ones they sit in, in the issued order', async () => {
    const compact = await issue();
    const presentation = await presentSdJwt(compact, { disclose: ['/address/district', 'years'] });
    expect(presentation.endsWith('~')).toBe(true);
    const parsed = parseSdJwt(presentation);
    expect(parsed.disclosures.map((disclosure) => disclosure.pointer).sort()).toEqual(['/address', '/address/district', '/years']);
    expect(parsed.claims).toEqual({ ...clearClaims(), address: { district: '朝阳区' }, years: 3 });
    const issuedOrder = parseSdJwt(compact).disclosures.map((disclosure) => disclosure.encoded);
    const kept = parsed.disclosures.map((disclosure) => issuedOrder.indexOf(disclosure.encoded));
    expect([...kept].sort((a, b) => a - b)).toEqual(kept);
  });

  it('a claim by name comes whole; nothing named, nothing disclosed; clear claims are always there', async () => {
    const compact = await issue();
    expect(parseSdJwt(await presentSdJwt(compact, { disclose: ['address'] })).claims.address).toEqual(CLAIMS.address);
    expect(parseSdJwt(await presentSdJwt(compact, { disclose: ['household'] })).claims.household).toEqual(CLAIMS.household);
    const none = await presentSdJwt(compact, { disclose: ['iss', 'vct'] });
    expect(none).toBe(`${partsOf(compact).jwt}~`);
    expect(parseSdJwt(none).claims).toEqual(clearClaims());
  });

  it('reads JSON Pointers with escapes', async () => {
    const compact = await issue({ claims: { 'a/b': { 'c~d': 1, e: 2 } } });
    expect(parseSdJwt(await presentSdJwt(compact, { disclose: ['/a~1b/c~0d'] })).claims['a/b']).toEqual({ 'c~d': 1 });
    expect(parseSdJwt(await presentSdJwt(compact, { disclose: ['a/b'] })).claims['a/b']).toEqual({ 'c~d': 1, e: 2 });
  });

  it('refuses what the credential does not have, and a presentation as input', async () => {
    const compact = await issue();
    for (const claim of ['nickname', '/address/city', '/permit_types/3', '/permit_types/01', '/name/x'])
      await expect(presentSdJwt(compact, { disclose: [claim] })).rejects.toMatchObject({
        name: 'SdJwtPresentationError',
        code: 'UNKNOWN_CLAIM',
      });
    await expect(presentSdJwt(compact, { disclose: [''] })).rejects.toBeInstanceOf(SdJwtPresentationError);
    const presented = await presentSdJwt(compact, { disclose: ['name'], keyBinding: keyBinding() });
    await expect(presentSdJwt(presented, { disclose: ['name'] })).rejects.toMatchObject({ code: 'UNEXPECTED_KB_JWT' });
  });

  it('signs a kb+jwt with iat, aud, nonce and sd_hash over the presentation', async () => {
    const presentation = await presentSdJwt(await issue(), { disclose: ['name'], keyBinding: keyBinding() });
    const { kb } = partsOf(presentation);
    expect(decodeProtectedHeader(kb)).toEqual({ alg: 'ES256', typ: 'kb+jwt' });
    const sdJwt = presentation.slice(0, presentation.length - kb.length);
    expect(jsonOf(kb.split('.')[1])).toEqual({
      iat: NOW - 5,
      aud: 'https://portal.example',
      nonce: 'n-0S6_WzA2Mj',
      sd_hash: sdDigest(sdJwt),
    });
  });
});

describe('parseSdJwt refuses what RFC 9901 §7.1 refuses, with a stable code', () => {
  const d = (name: string | undefined, value: unknown, salt = 'c2FsdHNhbHRzYWx0c2FsdA') => encodeDisclosure(salt, name, value);
  const cases: Array<[string, SdJwtFormatErrorCode, () => string | Promise<string>]> = [
    ['no "~"', 'MALFORMED_SD_JWT', async () => partsOf(await issue()).jwt],
    ['an empty Disclosure', 'MALFORMED_SD_JWT', async () => (await issue()).replace('~', '~~')],
    ['whitespace', 'MALFORMED_SD_JWT', async () => (await issue()).replace('~', ' ~')],
    ['a JWT of two parts', 'MALFORMED_JWS', () => `${b64json({ alg: 'ES256' })}.${b64json({})}~`],
    ['a padded Disclosure', 'BAD_BASE64URL', async () => craft({ _sd: [] }, [`${d('a', 1)}==`])],
    ['a Disclosure in standard base64', 'BAD_BASE64URL', async () => craft({}, [Buffer.from('["+++???>>>", "a", 1]').toString('base64')])],
    ['a Disclosure that is not JSON', 'BAD_JSON', async () => craft({}, [Buffer.from('[salt, a, 1]').toString('base64url')])],
    [
      'a Disclosure that is not UTF-8',
      'BAD_JSON',
      async () => craft({}, [Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]).toString('base64url')]),
    ],
    ['a payload that is an array', 'NOT_AN_OBJECT', () => `${b64json({ alg: 'ES256' })}.${b64json([1])}.AA~`],
    ['a Disclosure of 4 elements', 'MALFORMED_DISCLOSURE', async () => craft({}, [b64json(['s', 'a', 1, 2])])],
    ['a Disclosure of 1 element', 'MALFORMED_DISCLOSURE', async () => craft({}, [b64json(['s'])])],
    ['a Disclosure that is an object', 'MALFORMED_DISCLOSURE', async () => craft({}, [b64json({ salt: 's', a: 1 })])],
    ['a numeric salt', 'MALFORMED_DISCLOSURE', async () => craft({}, [b64json([1, 'a', 1])])],
    ['a numeric claim name', 'MALFORMED_DISCLOSURE', async () => craft({}, [b64json(['s', 1, 1])])],
    ['_sd disclosed', 'RESERVED_CLAIM_NAME', async () => craft({ _sd: [sdDigest(d('_sd', []))] }, [d('_sd', [])])],
    ['"..." disclosed', 'RESERVED_CLAIM_NAME', async () => craft({ _sd: [sdDigest(d('...', 'x'))] }, [d('...', 'x')])],
    ['a Disclosure sent twice', 'DUPLICATE_DISCLOSURE', async () => craft({ _sd: [sdDigest(d('a', 1))] }, [d('a', 1), d('a', 1)])],
    ['a digest twice in _sd', 'DUPLICATE_DIGEST', async () => craft({ _sd: [sdDigest(d('a', 1)), sdDigest(d('a', 1))] }, [d('a', 1)])],
    [
      'a digest at two levels',
      'DUPLICATE_DIGEST',
      async () => craft({ _sd: [sdDigest(d('a', 1))], o: { _sd: [sdDigest(d('a', 1))] } }, [d('a', 1)]),
    ],
    ['a decoy digest repeated', 'DUPLICATE_DIGEST', async () => craft({ _sd: ['decoy'], l: [{ '...': 'decoy' }] }, [])],
    ['a Disclosure nothing references', 'DISCLOSURE_NOT_REFERENCED', async () => craft({ _sd: [] }, [d('a', 1)])],
    [
      'a Disclosure of another credential',
      'DISCLOSURE_NOT_REFERENCED',
      async () => `${await issue({ claims: { name: '张三' } })}${partsOf(await issue({ claims: { age: 30 } })).disclosures[0]}~`,
    ],
    ['a disclosed name already in the clear', 'CLAIM_NAME_COLLISION', async () => craft({ a: 0, _sd: [sdDigest(d('a', 1))] }, [d('a', 1)])],
    [
      'two Disclosures of one name',
      'CLAIM_NAME_COLLISION',
      async () =>
        craft({ _sd: [sdDigest(d('a', 1)), sdDigest(d('a', 2, 'b3RoZXJzYWx0b3RoZXJzYQ'))] }, [
          d('a', 1),
          d('a', 2, 'b3RoZXJzYWx0b3RoZXJzYQ'),
        ]),
    ],
    [
      'an array element Disclosure in _sd',
      'DISCLOSURE_KIND_MISMATCH',
      async () => craft({ _sd: [sdDigest(d(undefined, 1))] }, [d(undefined, 1)]),
    ],
    [
      'a property Disclosure in an array',
      'DISCLOSURE_KIND_MISMATCH',
      async () => craft({ l: [{ '...': sdDigest(d('a', 1)) }] }, [d('a', 1)]),
    ],
    ['_sd that is no array', 'MALFORMED_SD_CLAIM', async () => craft({ _sd: 'x' }, [])],
    ['_sd with a number', 'MALFORMED_SD_CLAIM', async () => craft({ _sd: [1] }, [])],
    ['an array digest with another key', 'MALFORMED_SD_CLAIM', async () => craft({ l: [{ '...': 'x', y: 1 }] }, [])],
    ['"..." as a claim name', 'MALFORMED_SD_CLAIM', async () => craft({ o: { '...': 'x', y: 1 } }, [])],
    ['_sd_alg nested', 'MISPLACED_SD_ALG', async () => craft({ o: { _sd_alg: 'sha-256' } }, [])],
    ['_sd_alg that is no string', 'MISPLACED_SD_ALG', async () => craft({ _sd_alg: 256 }, [])],
    ['_sd_alg sha-512', 'UNSUPPORTED_SD_ALG', async () => craft({ _sd_alg: 'sha-512' }, [])],
    ['a KB-JWT that is not a JWT', 'MALFORMED_KB_JWT', async () => `${await issue()}not-a-jwt`],
  ];
  it.each(cases)('%s: %s', async (_what, code, make) => {
    const compact = await make();
    let error: unknown;
    try {
      parseSdJwt(compact);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SdJwtFormatError);
    expect((error as SdJwtFormatError).code).toBe(code);
  });

  it('takes what it should: decoys without Disclosures, a Disclosure in a Disclosure, an SD-JWT+KB', async () => {
    const inner = d('b', 2);
    const outer = d('o', { _sd: [sdDigest(inner), 'decoy-2'] });
    const parsed = parseSdJwt(await craft({ _sd: [sdDigest(outer), 'decoy-1'], l: [{ '...': 'decoy-3' }, 5] }, [inner, outer]));
    expect(parsed.claims).toMatchObject({ o: { b: 2 }, l: [5] });
    expect(parsed.disclosures.map((disclosure) => [disclosure.pointer, disclosure.parent])).toEqual([
      ['/o/b', sdDigest(outer)],
      ['/o', undefined],
    ]);
    const presented = await presentSdJwt(await issue(), { disclose: ['name'], keyBinding: keyBinding() });
    expect(parseSdJwt(presented).keyBindingJwt?.header).toEqual({ alg: 'ES256', typ: 'kb+jwt' });
  });
});

describe('verifySdJwtVc', () => {
  it('passes a credential tongban issued: every check, the claims, x5c and the status reference for the service', async () => {
    const result = await verifySdJwtVc(await issue(), verifyOptions());
    expect(result.verdict).toEqual({ indication: 'TOTAL_PASSED' });
    for (const name of ['format', 'signature', 'dataHash', 'validity'] as const) expect(result.checks[name].status).toBe('PASSED');
    expect(result.checks.keyBinding).toBeUndefined();
    expect(result.claims).toEqual({ ...clearClaims(), ...CLAIMS });
    expect(result.x5c).toEqual(x5c);
    expect(result.status).toEqual({ idx: 7, uri: STATUS_URI });
  });

  it('verified again (the signature remembered), it still refuses another signature, payload or key', async () => {
    const compact = await issue();
    for (let i = 0; i < 2; i++) expect((await verifySdJwtVc(compact, verifyOptions())).checks.signature.status).toBe('PASSED');
    const [header, payload, rest] = compact.split('.');
    const signature = Buffer.from(rest.split('~')[0], 'base64url');
    signature[5] ^= 1;
    const otherSignature = `${header}.${payload}.${signature.toString('base64url')}~${rest.split('~').slice(1).join('~')}`;
    const otherPayload = `${header}.${b64json({ ...jsonOf(payload), iat: NOW + 1 })}.${rest}`;
    for (const tampered of [otherSignature, otherPayload])
      expect((await verifySdJwtVc(tampered, verifyOptions())).checks.signature).toMatchObject({ status: 'FAILED' });
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect((await verifySdJwtVc(compact, verifyOptions({ publicKeyFor: () => stranger }))).checks.signature).toMatchObject({
      status: 'FAILED',
    });
  });

  it('passes a presentation with a key-binding JWT for this verifier', async () => {
    const presentation = await presentSdJwt(await issue(), { disclose: ['name'], keyBinding: keyBinding() });
    const result = await verifySdJwtVc(presentation, verifyOptions({ audience: 'https://portal.example', nonce: 'n-0S6_WzA2Mj' }));
    expect(result.verdict).toEqual({ indication: 'TOTAL_PASSED' });
    expect(result.checks.keyBinding).toMatchObject({ status: 'PASSED', message: expect.stringMatching(/aud and nonce as expected/) });
    expect(result.claims).toEqual({ ...clearClaims(), name: '张三' });
    expect(result.keyBindingJwt?.payload).toMatchObject({ aud: 'https://portal.example' });
  });

  it('accepts the older typ vc+sd-jwt, and application/dc+sd-jwt', async () => {
    for (const typ of ['vc+sd-jwt', 'application/dc+sd-jwt']) {
      const compact = await craft({ ...CLEAR_PAYLOAD() }, [], { alg: 'ES256', typ, kid: ISSUER_KID });
      expect((await verifySdJwtVc(compact, verifyOptions())).verdict).toEqual({ indication: 'TOTAL_PASSED' });
    }
  });

  describe('refuses', () => {
    const expectCheck = async (
      compact: string,
      check: 'format' | 'signature' | 'dataHash' | 'keyBinding' | 'validity',
      status: 'FAILED' | 'INDETERMINATE',
      sub: SubIndication,
      options: Partial<VerifySdJwtVcOptions> = {},
    ) => {
      const result = await verifySdJwtVc(compact, verifyOptions(options));
      expect(result.checks[check]).toMatchObject({ status, sub });
      expect(result.verdict.indication).not.toBe('TOTAL_PASSED');
      return result;
    };

    it('alg none, in any case (SIG_CRYPTO_FAILURE), without asking for a key', async () => {
      for (const alg of ['none', 'NONE', 'None']) {
        const compact = `${b64json({ alg, typ: 'dc+sd-jwt' })}.${b64json(CLEAR_PAYLOAD())}.~`;
        let asked = 0;
        const publicKeyFor = () => (asked++, issuerPublic);
        const result = await expectCheck(compact, 'signature', 'FAILED', SubIndication.SIG_CRYPTO_FAILURE, { publicKeyFor });
        expect(result.verdict).toEqual({ indication: 'TOTAL_FAILED', subIndication: SubIndication.SIG_CRYPTO_FAILURE });
        expect(asked).toBe(0);
        expect(result.claims).toBeUndefined();
      }
    });

    it('an HMAC keyed with the issuer’s public key (the algorithm confusion attack), and every HS*', async () => {
      for (const [alg, hash] of [
        ['HS256', 'sha256'],
        ['HS384', 'sha384'],
        ['HS512', 'sha512'],
      ] as const) {
        const signingInput = `${b64json({ alg, typ: 'dc+sd-jwt', kid: ISSUER_KID })}.${b64json(CLEAR_PAYLOAD())}`;
        const mac = createHmac(hash, issuerPublic.export({ format: 'pem', type: 'spki' }))
          .update(signingInput)
          .digest('base64url');
        const result = await expectCheck(`${signingInput}.${mac}~`, 'signature', 'FAILED', SubIndication.SIG_CRYPTO_FAILURE);
        expect(result.checks.signature.message).toMatch(/MAC/);
      }
    });

    it('a wrong typ, or none (FORMAT_FAILURE)', async () => {
      for (const typ of ['JWT', 'example+sd-jwt', 'kb+jwt', undefined])
        await expectCheck(
          await craft(CLEAR_PAYLOAD(), [], { alg: 'ES256', kid: ISSUER_KID, ...(typ ? { typ } : {}) }),
          'format',
          'FAILED',
          SubIndication.FORMAT_FAILURE,
        );
    });

    it('a tampered Disclosure: the digest is not in the credential (HASH_FAILURE), and no claims come back', async () => {
      const compact = await issue();
      const { jwt, disclosures } = partsOf(compact);
      const target = disclosures.findIndex((disclosure) => decodeDisclosure(disclosure).name === 'name');
      const [salt] = jsonOf(disclosures[target]);
      disclosures[target] = encodeDisclosure(salt, 'name', '李鬼');
      const result = await expectCheck(
        `${jwt}~${disclosures.map((x) => `${x}~`).join('')}`,
        'dataHash',
        'FAILED',
        SubIndication.HASH_FAILURE,
      );
      expect(result.verdict).toEqual({ indication: 'TOTAL_FAILED', subIndication: SubIndication.HASH_FAILURE });
      expect(result.checks.signature.status).toBe('PASSED');
      expect(result.claims).toBeUndefined();
    });

    it('a foreign Disclosure, from another credential of the same issuer (HASH_FAILURE)', async () => {
      const other = partsOf(await issue({ claims: { name: '李鬼' } })).disclosures[0];
      const presentation = `${await presentSdJwt(await issue(), { disclose: ['years'] })}${other}~`;
      await expectCheck(presentation, 'dataHash', 'FAILED', SubIndication.HASH_FAILURE);
    });

    it('an _sd_alg other than sha-256 (CRYPTO_CONSTRAINTS_FAILURE)', async () => {
      const result = await expectCheck(
        await craft({ ...CLEAR_PAYLOAD(), _sd_alg: 'sha-512' }, []),
        'dataHash',
        'INDETERMINATE',
        SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
      );
      expect(result.verdict).toEqual({ indication: 'INDETERMINATE', subIndication: SubIndication.CRYPTO_CONSTRAINTS_FAILURE });
    });

    it('a changed payload, or another key’s signature (SIG_CRYPTO_FAILURE)', async () => {
      const { jwt } = partsOf(await issue());
      const [header, payload, signature] = jwt.split('.');
      const changed = b64json({ ...jsonOf(payload), exp: NOW + 99 * 365 * 86400 });
      await expectCheck(`${header}.${changed}.${signature}~`, 'signature', 'FAILED', SubIndication.SIG_CRYPTO_FAILURE);
      await expectCheck(await issue({ sign: es256(otherPrivate) }), 'signature', 'FAILED', SubIndication.SIG_CRYPTO_FAILURE);
    });

    it('without a key for the issuer (NO_SIGNING_CERTIFICATE_FOUND), or with a key that cannot make ES256 signatures', async () => {
      await expectCheck(await issue(), 'signature', 'INDETERMINATE', SubIndication.NO_SIGNING_CERTIFICATE_FOUND, {
        publicKeyFor: () => undefined,
      });
      const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
      await expectCheck(await issue(), 'signature', 'FAILED', SubIndication.SIG_CRYPTO_FAILURE, { publicKeyFor: () => p384 });
    });

    it('RS256 (CRYPTO_CONSTRAINTS_FAILURE), and ES384 when only ES256 is accepted; ES384 and EdDSA pass by default', async () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const rsInput = `${b64json({ alg: 'RS256', typ: 'dc+sd-jwt', kid: ISSUER_KID })}.${b64json(CLEAR_PAYLOAD())}`;
      const rs = `${rsInput}.${sign('sha256', Buffer.from(rsInput), rsa.privateKey).toString('base64url')}~`;
      await expectCheck(rs, 'signature', 'INDETERMINATE', SubIndication.CRYPTO_CONSTRAINTS_FAILURE, { publicKeyFor: () => rsa.publicKey });

      const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      const es384 = await issue({
        header: { kid: ISSUER_KID, alg: 'ES384' },
        sign: (data) => sign('sha384', data, { key: p384.privateKey, dsaEncoding: 'ieee-p1363' }),
      });
      expect((await verifySdJwtVc(es384, verifyOptions({ publicKeyFor: () => p384.publicKey }))).verdict).toEqual({
        indication: 'TOTAL_PASSED',
      });
      await expectCheck(es384, 'signature', 'INDETERMINATE', SubIndication.CRYPTO_CONSTRAINTS_FAILURE, {
        publicKeyFor: () => p384.publicKey,
        algorithms: ['ES256'],
      });

      const ed = generateKeyPairSync('ed25519');
      const eddsa = await issue({ header: { kid: ISSUER_KID, alg: 'EdDSA' }, sign: (data) => sign(null, data, ed.privateKey) });
      expect((await verifySdJwtVc(eddsa, verifyOptions({ publicKeyFor: () => ed.publicKey }))).verdict).toEqual({
        indication: 'TOTAL_PASSED',
      });
    });

    it('a crit header, a missing vct, a malformed status (FORMAT_FAILURE)', async () => {
      await expectCheck(
        await craft(CLEAR_PAYLOAD(), [], { alg: 'ES256', typ: 'dc+sd-jwt', crit: ['b64'], b64: false }),
        'format',
        'FAILED',
        SubIndication.FORMAT_FAILURE,
      );
      const { vct: _vct, ...noVct } = CLEAR_PAYLOAD();
      await expectCheck(await craft(noVct, []), 'format', 'FAILED', SubIndication.FORMAT_FAILURE);
      await expectCheck(
        await craft({ ...CLEAR_PAYLOAD(), status: { status_list: { idx: '7', uri: STATUS_URI } } }, []),
        'format',
        'FAILED',
        SubIndication.FORMAT_FAILURE,
      );
    });

    it('exp, iss, vct, status or cnf disclosed (draft-ietf-oauth-sd-jwt-vc §3.2.2.2: FORMAT_FAILURE)', async () => {
      for (const [name, value] of [
        ['exp', NOW + 10],
        ['iss', 'https://evil.example'],
        ['status', { status_list: { idx: 1, uri: STATUS_URI } }],
        ['cnf', { jwk: holderJwk }],
      ] as const) {
        const disclosure = encodeDisclosure('c2FsdHNhbHRzYWx0c2FsdA', name, value);
        const { [name as 'iss']: _dropped, ...payload } = CLEAR_PAYLOAD();
        const result = await expectCheck(
          await craft({ ...payload, _sd: [sdDigest(disclosure)], _sd_alg: 'sha-256' }, [disclosure]),
          'format',
          'FAILED',
          SubIndication.FORMAT_FAILURE,
        );
        expect(result.checks.format.message).toMatch(new RegExp(`/${name} is disclosed`));
      }
    });

    it('an expired credential (EXPIRED, from the second of exp), one not yet valid (NOT_YET_VALID)', async () => {
      const compact = await issue({ nonDisclosable: clearClaims({ iat: NOW - 100, exp: NOW }) });
      const result = await expectCheck(compact, 'validity', 'FAILED', SubIndication.EXPIRED);
      expect(result.verdict).toEqual({ indication: 'TOTAL_FAILED', subIndication: SubIndication.EXPIRED });
      // Expired, but authentic: the claims still come back for the report.
      expect(result.claims).toMatchObject({ name: '张三' });
      expect((await verifySdJwtVc(compact, verifyOptions({ now: new Date((NOW - 1) * 1000) }))).checks.validity.status).toBe('PASSED');
      const later = await issue({ nonDisclosable: clearClaims({ iat: NOW - 100, nbf: NOW + 3600, exp: NOW + 7200 }) });
      await expectCheck(later, 'validity', 'FAILED', SubIndication.NOT_YET_VALID);
      const future = await issue({ nonDisclosable: clearClaims({ iat: NOW + 3600, exp: NOW + 7200 }) });
      await expectCheck(future, 'validity', 'FAILED', SubIndication.NOT_YET_VALID);
      // Within the clock tolerance (60 s) is fine.
      expect(
        (await verifySdJwtVc(await issue({ nonDisclosable: clearClaims({ iat: NOW + 30, exp: NOW + 7200 }) }), verifyOptions())).verdict
          .indication,
      ).toBe('TOTAL_PASSED');
    });

    it('what is not an SD-JWT at all (FORMAT_FAILURE, the rest not checked), without throwing', async () => {
      for (const input of ['', 'garbage', 'a.b.c', '~', `${b64json({ alg: 'ES256' })}.${b64json('x')}.AA~`, 42 as unknown as string]) {
        const result = await verifySdJwtVc(input, verifyOptions({ nonce: 'n' }));
        expect(result.checks.format).toMatchObject({ status: 'FAILED', sub: SubIndication.FORMAT_FAILURE });
        expect(result.checks.signature.status).toBe('INDETERMINATE');
        expect(result.checks.keyBinding?.status).toBe('INDETERMINATE');
        expect(result.verdict).toEqual({ indication: 'TOTAL_FAILED', subIndication: SubIndication.FORMAT_FAILURE });
      }
    });
  });

  describe('refuses key binding', () => {
    const present = async (kb: Parameters<typeof keyBinding>[0] = {}, clear: Partial<NonDisclosableClaims> = {}) =>
      presentSdJwt(await issue({ nonDisclosable: clearClaims(clear) }), { disclose: ['name'], keyBinding: keyBinding(kb) });
    const check = async (
      presentation: string,
      options: Partial<VerifySdJwtVcOptions> = { audience: 'https://portal.example', nonce: 'n-0S6_WzA2Mj' },
    ) => (await verifySdJwtVc(presentation, verifyOptions(options))).checks.keyBinding;

    it('missing when required (FORMAT_FAILURE): asked for, or implied by an audience or nonce', async () => {
      const bare = await presentSdJwt(await issue(), { disclose: ['name'] });
      expect(await check(bare, { requireKeyBinding: true })).toMatchObject({ status: 'FAILED', sub: SubIndication.FORMAT_FAILURE });
      expect(await check(bare, { nonce: 'n-0S6_WzA2Mj' })).toMatchObject({ status: 'FAILED', sub: SubIndication.FORMAT_FAILURE });
      expect(await check(bare, {})).toBeUndefined();
    });

    it('not signed by the cnf key (SIG_CRYPTO_FAILURE)', async () => {
      expect(await check(await present({ sign: es256(otherPrivate) }))).toMatchObject({
        status: 'FAILED',
        sub: SubIndication.SIG_CRYPTO_FAILURE,
      });
    });

    it('a wrong aud or nonce (SIG_CONSTRAINTS_FAILURE: never PASSED)', async () => {
      const result = await verifySdJwtVc(
        await present({ aud: 'https://evil.example' }),
        verifyOptions({ audience: 'https://portal.example', nonce: 'n-0S6_WzA2Mj' }),
      );
      expect(result.checks.keyBinding).toMatchObject({ status: 'FAILED', sub: SubIndication.SIG_CONSTRAINTS_FAILURE });
      expect(result.verdict).toEqual({ indication: 'INDETERMINATE', subIndication: SubIndication.SIG_CONSTRAINTS_FAILURE });
      expect(await check(await present({ nonce: 'replayed' }))).toMatchObject({
        status: 'FAILED',
        sub: SubIndication.SIG_CONSTRAINTS_FAILURE,
      });
    });

    it('an sd_hash over other Disclosures: a KB-JWT moved onto another presentation (HASH_FAILURE)', async () => {
      const compact = await issue();
      const first = await presentSdJwt(compact, { disclose: ['name'], keyBinding: keyBinding() });
      const more = await presentSdJwt(compact, { disclose: ['name', 'birth_date'] });
      expect(await check(`${more}${partsOf(first).kb}`)).toMatchObject({ status: 'FAILED', sub: SubIndication.HASH_FAILURE });
    });

    it('a stale KB-JWT, or one from the future (SIG_CONSTRAINTS_FAILURE)', async () => {
      expect(await check(await present({ iat: NOW - 301 }))).toMatchObject({
        status: 'FAILED',
        sub: SubIndication.SIG_CONSTRAINTS_FAILURE,
      });
      expect(await check(await present({ iat: NOW - 299 }))).toMatchObject({ status: 'PASSED' });
      expect(await check(await present({ iat: NOW - 20 }), { maxKbAgeSeconds: 10 })).toMatchObject({
        status: 'FAILED',
        sub: SubIndication.SIG_CONSTRAINTS_FAILURE,
      });
      expect(await check(await present({ iat: NOW + 600 }))).toMatchObject({
        status: 'FAILED',
        sub: SubIndication.SIG_CONSTRAINTS_FAILURE,
      });
    });

    it('a KB-JWT that is not a kb+jwt, or has alg none (FORMAT_FAILURE, SIG_CRYPTO_FAILURE)', async () => {
      const sdJwt = await presentSdJwt(await issue(), { disclose: ['name'] });
      const kbPayload = { iat: NOW, aud: 'https://portal.example', nonce: 'n-0S6_WzA2Mj', sd_hash: sdDigest(sdJwt) };
      const jwtTyped = await signCompactJws({ alg: 'ES256', typ: 'JWT' } as { alg: 'ES256' }, kbPayload, es256(holderPrivate));
      expect(await check(`${sdJwt}${jwtTyped}`)).toMatchObject({ status: 'FAILED', sub: SubIndication.FORMAT_FAILURE });
      const unsigned = `${b64json({ alg: 'none', typ: 'kb+jwt' })}.${b64json(kbPayload)}.`;
      expect(await check(`${sdJwt}${unsigned}`)).toMatchObject({ status: 'FAILED', sub: SubIndication.SIG_CRYPTO_FAILURE });
      const { sd_hash: _missing, ...noHash } = kbPayload;
      const incomplete = await signCompactJws({ alg: 'ES256', typ: 'kb+jwt' } as { alg: 'ES256' }, noHash, es256(holderPrivate));
      expect(await check(`${sdJwt}${incomplete}`)).toMatchObject({ status: 'FAILED', sub: SubIndication.FORMAT_FAILURE });
    });

    it('a credential without cnf (SIG_CRYPTO_FAILURE), one bound by certificate only or to an SM2 key (CRYPTO_CONSTRAINTS_FAILURE)', async () => {
      const compactWithout = await issueSdJwtVc({
        header: { kid: ISSUER_KID },
        claims: { name: '张三' },
        nonDisclosable: { ...clearClaims(), cnf: undefined },
        sign: es256(issuerPrivate),
      });
      const withoutCnf = await presentSdJwt(compactWithout, { disclose: ['name'], keyBinding: keyBinding() });
      expect(await check(withoutCnf)).toMatchObject({ status: 'FAILED', sub: SubIndication.SIG_CRYPTO_FAILURE });
      const thumbprintOnly = await present({}, { cnf: { 'x5t#S256': 'bWFkZS11cA' } });
      expect(await check(thumbprintOnly)).toMatchObject({ status: 'INDETERMINATE', sub: SubIndication.CRYPTO_CONSTRAINTS_FAILURE });
      const sm2 = await present({}, { cnf: { jwk: { ...holderJwk, crv: 'SM2' } } });
      expect(await check(sm2)).toMatchObject({ status: 'INDETERMINATE', sub: SubIndication.CRYPTO_CONSTRAINTS_FAILURE });
      const privateJwk = await present({}, { cnf: { jwk: holderPrivate.export({ format: 'jwk' }) } });
      expect(await check(privateJwk)).toMatchObject({ status: 'FAILED', sub: SubIndication.SIG_CRYPTO_FAILURE });
    });
  });
});
