import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, createPrivateKey, generateKeyPairSync, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeLicenceId } from '../../src/identifiers/licence-id.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { LicencesService } from '../../src/licences/issuance/licences.service.js';
import {
  decodeDisclosure,
  encodeDisclosure,
  issueSdJwtVc,
  presentSdJwt,
  signCompactJws,
  type JwsSign,
} from '../../src/licences/sd-jwt/index.js';
import type { NonDisclosableClaims } from '../../src/licences/sd-jwt/index.js';
import { signStatusListJwt, StatusList, StatusType } from '../../src/licences/status-list/index.js';
import { StatusListsService } from '../../src/licences/status/status-lists.service.js';
import { LicenceTypesService } from '../../src/licences/types/licence-types.service.js';
import { PkiService } from '../../src/pki/pki.service.js';
import { TrustAnchorService } from '../../src/pki/trust-anchors.js';
import { fetchStatusListToken, isPublicAddress, LicenceVerifier } from '../../src/verification/licence-verifier.js';
import {
  ACME,
  authority,
  call,
  foodPermitClaims,
  permitClaims,
  ZHANG,
  type Authority,
  type IssuedLicenceBody,
} from '../licences/issuance-support.js';
import { mustOpenssl, Scratch } from '../pki/support.js';
import { opensslIssue, opensslRoot, type OpensslCa } from './openssl-ca.js';
import { backend } from '../support/test-env.js';
import { check, startVerifier, statuses, verdict, type Report, type Verifier } from './support.js';

/**
 * POST /api/v1/verify/licence (issue 13 §8) through HTTP with real client-credentials tokens:
 * licences issued through POST /api/v1/licences and changed through their lifecycle, verified as
 * credentials, presentations and by identifier, and in /verify/batch; credentials made by hand
 * (with tongban's licence key, another CA's key, an enterprise's key) for every refusal, each with
 * its sub-indication; the status list read in-process and another issuer's fetched only safely.
 */

interface LicenceReport extends Report {
  licence?: {
    id?: string;
    type?: string;
    typeName?: { zh: string; en: string };
    vct?: string;
    issuedAt?: string;
    validFrom?: string;
    validUntil?: string;
    status?: string;
    statusList?: { idx: number; uri: string };
    disclosed?: Record<string, unknown>;
  };
}

const NOW = () => Math.floor(Date.now() / 1000);
const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const es256 =
  (key: KeyObject): JwsSign =>
  (bytes) =>
    cryptoSign('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' });
const derOf = (pem: string) => new X509Certificate(pem).raw.toString('base64');

describe(`POST /api/v1/verify/licence on ${backend}`, () => {
  let v: Verifier;
  let residence: Authority;
  let food: Authority;
  let keep: IssuedLicenceBody;
  let keys: KeyStore;
  let pki: PkiService;
  const scratch = new Scratch();
  const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  const verify = async (body: unknown): Promise<LicenceReport> => {
    const response = await v.post('licence', body);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as LicenceReport;
  };
  const issue = async (who: Authority, body: unknown): Promise<IssuedLicenceBody> => {
    const answer = await call<IssuedLicenceBody>(v.server, 'POST', '/api/v1/licences', { body, token: who.token });
    if (answer.status !== 201) throw new Error(`issuance: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const lifecycle = async (who: Authority, id: string, action: 'suspend' | 'reinstate' | 'revoke', reason: string) => {
    const answer = await call(v.server, 'POST', `/api/v1/licences/${id}/${action}`, { body: { reason }, token: who.token });
    expect(answer.status).toBe(200);
  };
  const permit = () => issue(residence, { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims: permitClaims(ZHANG) });

  /** tongban's licence key, as issuance signs with it. */
  const tongbanKey = () => {
    const kid = keys.current('licence').kid;
    return { kid, x5c: pki.x5cFor(kid), sign: ((bytes: Buffer) => keys.signWith(kid, bytes)) as JwsSign };
  };
  const clear = (overrides: Partial<NonDisclosableClaims> = {}): NonDisclosableClaims => ({
    iss: v.server.url,
    iat: NOW() - 60,
    nbf: NOW() - 60,
    exp: NOW() + 86_400,
    vct: `${v.server.url}/licence-types/residence-permit`,
    status: { status_list: { idx: keep.statusList.idx, uri: keep.statusList.uri } },
    ...overrides,
  });
  /** A residence permit for 张三 made by hand: signed with tongban's licence key and x5c unless told otherwise. */
  const handMade = async (
    options: { clear?: Partial<NonDisclosableClaims>; key?: { kid: string; x5c?: string[]; sign: JwsSign } } = {},
  ): Promise<string> => {
    const key = options.key ?? tongbanKey();
    return issueSdJwtVc({
      header: { kid: key.kid, ...(key.x5c ? { x5c: key.x5c } : {}) },
      claims: permitClaims(ZHANG),
      nonDisclosable: clear(options.clear),
      sign: key.sign,
    });
  };
  /** The credential with its issuer-signed JWT's header and payload changed, signed again (by tongban's key unless told otherwise). */
  const resign = async (
    credential: string,
    change: { header?: Record<string, unknown>; payload?: Record<string, unknown> },
    sign: JwsSign = tongbanKey().sign,
  ) => {
    const [jwt, ...rest] = credential.split('~');
    const [header, payload] = jwt.split('.');
    const signed = await signCompactJws(
      { ...json(header), ...change.header } as { alg: 'ES256' },
      { ...json(payload), ...change.payload },
      sign,
    );
    return [signed, ...rest].join('~');
  };

  beforeAll(async () => {
    v = await startVerifier({ VERIFY_RATE_LIMIT_PER_MINUTE: '100000' });
    keys = v.server.app.get(KeyStore);
    pki = v.server.app.get(PkiService);
    [residence, food] = await Promise.all([authority(v.server, ['residence-permit']), authority(v.server, ['food-business-permit'])]);
    keep = await permit();
  });
  afterAll(async () => {
    scratch.cleanup();
    await v.close();
  });

  it('an issued residence permit: TOTAL_PASSED, the checks in order, its type, holder (masked), issuer, validity and the claims disclosed', async () => {
    const report = await verify({ credential: keep.credential });
    expect(verdict(report)).toBe('TOTAL_PASSED');
    expect(statuses(report)).toEqual([
      'format:PASSED',
      'signature:PASSED',
      'chain:PASSED',
      'dataHash:PASSED',
      'validity:PASSED',
      'revocation:PASSED',
    ]);
    expect(check(report, 'chain').message).toMatch(/tongban Root CA/);
    expect(check(report, 'revocation').message).toMatch(/not revoked or suspended \(tongban’s status list \d+, index \d+/);
    const masked = `${ZHANG.id_number.slice(0, 6)}********${ZHANG.id_number.slice(14)}`;
    expect(report.subject).toEqual({
      kind: 'citizen',
      name: `${[...ZHANG.name][0]}${'*'.repeat([...ZHANG.name].length - 1)}`,
      idNumberMasked: masked,
    });
    expect(report.issuer).toMatchObject({ iss: v.server.url, organizationName: 'tongban' });
    expect(report.licence).toEqual({
      type: 'residence-permit',
      typeName: { zh: expect.any(String), en: expect.any(String) },
      vct: `${v.server.url}/licence-types/residence-permit`,
      issuedAt: expect.any(String),
      validFrom: keep.validFrom,
      validUntil: keep.validUntil,
      status: 'valid',
      statusList: keep.statusList,
      disclosed: permitClaims(ZHANG),
    });
    expect(Date.parse(report.signingTime!)).toBeLessThanOrEqual(Date.now());
  });

  it('a presentation disclosing some claims: TOTAL_PASSED, only those disclosed; by identifier: the same verdict and no claims at all', async () => {
    const shown = await presentSdJwt(keep.credential, { disclose: ['name', 'issuing_authority'] });
    const report = await verify({ credential: shown });
    expect(verdict(report)).toBe('TOTAL_PASSED');
    expect(report.licence?.disclosed).toEqual({ name: ZHANG.name, issuing_authority: permitClaims(ZHANG).issuing_authority });
    expect(report.subject).toEqual({ kind: 'citizen', name: expect.stringMatching(/^.\*+$/) });

    const byId = await verify({ id: keep.id.toLowerCase() });
    expect(verdict(byId)).toBe('TOTAL_PASSED');
    expect(statuses(byId)).toEqual([
      'format:PASSED',
      'signature:PASSED',
      'chain:PASSED',
      'dataHash:PASSED',
      'validity:PASSED',
      'revocation:PASSED',
    ]);
    expect(check(byId, 'revocation').message).toMatch(/register of licences/);
    expect(byId.licence).toMatchObject({ id: keep.id, type: 'residence-permit', status: 'valid', statusList: keep.statusList });
    expect(byId.licence).not.toHaveProperty('disclosed');
    expect(byId.subject).toMatchObject({ kind: 'citizen', idNumberMasked: keep.holder.idNumberMasked });
    expect(byId.issuer).toMatchObject({ iss: v.server.url, code: residence.code });
    expect(JSON.stringify(byId)).not.toContain(ZHANG.id_number);
  });

  it('suspended: INDETERMINATE/TRY_LATER (ETSI has no suspension; it may be reinstated), at once; reinstated: TOTAL_PASSED; revoked: TOTAL_FAILED/REVOKED, by credential and by identifier', async () => {
    const licence = await permit();
    await lifecycle(residence, licence.id, 'suspend', 'under review');
    for (const report of [await verify({ credential: licence.credential }), await verify({ id: licence.id })]) {
      expect(verdict(report)).toBe('INDETERMINATE/TRY_LATER');
      expect(check(report, 'revocation')).toMatchObject({ status: 'INDETERMINATE', message: expect.stringMatching(/suspended/) });
      expect(report.licence?.status).toBe('suspended');
    }
    expect(check(await verify({ id: licence.id }), 'revocation').message).toMatch(/by its issuing authority: under review/);

    await lifecycle(residence, licence.id, 'reinstate', 'review done');
    expect(verdict(await verify({ credential: licence.credential }))).toBe('TOTAL_PASSED');

    await lifecycle(residence, licence.id, 'revoke', 'obtained by fraud');
    const revoked = await verify({ credential: licence.credential });
    expect(verdict(revoked)).toBe('TOTAL_FAILED/REVOKED');
    expect(check(revoked, 'revocation')).toMatchObject({
      status: 'FAILED',
      message: expect.stringMatching(/^revoked \(tongban’s status list/),
    });
    expect(revoked.licence?.status).toBe('revoked');
    const byId = await verify({ id: licence.id });
    expect(verdict(byId)).toBe('TOTAL_FAILED/REVOKED');
    expect(check(byId, 'revocation').message).toMatch(/^revoked at .*: obtained by fraud$/);
    expect(byId.licence?.status).toBe('revoked');
    // The others in the same list are untouched.
    expect(verdict(await verify({ credential: keep.credential }))).toBe('TOTAL_PASSED');
  });

  it('a changed Disclosure, or one from another credential: TOTAL_FAILED/HASH_FAILURE, nothing disclosed', async () => {
    const [jwt, ...rest] = keep.credential.split('~');
    const disclosures = rest.filter(Boolean);
    const at = disclosures.findIndex((d) => decodeDisclosure(d).name === 'residence_address');
    const [salt] = JSON.parse(Buffer.from(disclosures[at], 'base64url').toString('utf8')) as [string];
    const tampered = [...disclosures];
    tampered[at] = encodeDisclosure(salt, 'residence_address', '上海市黄浦区南京东路1号');
    const changed = await verify({ credential: `${jwt}~${tampered.join('~')}~` });
    expect(verdict(changed)).toBe('TOTAL_FAILED/HASH_FAILURE');
    expect(check(changed, 'dataHash').status).toBe('FAILED');
    expect(changed.licence).not.toHaveProperty('disclosed');
    expect(JSON.stringify(changed)).not.toContain('上海市');

    const other = await permit();
    const foreign = other.credential.split('~')[1];
    const mixed = await verify({ credential: `${jwt}~${disclosures[0]}~${foreign}~` });
    expect(verdict(mixed)).toBe('TOTAL_FAILED/HASH_FAILURE');
    expect(mixed.licence).not.toHaveProperty('disclosed');
  });

  it('alg none and HS256 (with the public key as the MAC key, or any): TOTAL_FAILED/SIG_CRYPTO_FAILURE; a wrong typ: TOTAL_FAILED/FORMAT_FAILURE', async () => {
    const [jwt, ...rest] = keep.credential.split('~');
    const [header, payload] = jwt.split('.');
    const none = `${b64json({ ...json(header), alg: 'none' })}.${payload}.~${rest.join('~')}`;
    const noneReport = await verify({ credential: none });
    expect(verdict(noneReport)).toBe('TOTAL_FAILED/SIG_CRYPTO_FAILURE');
    expect(noneReport.licence).not.toHaveProperty('disclosed');

    const hsHeader = b64json({ ...json(header), alg: 'HS256' });
    const mac = createHmac('sha256', Buffer.from((json(header).x5c as string[])[0], 'base64'))
      .update(`${hsHeader}.${payload}`)
      .digest('base64url');
    const hs = await verify({ credential: `${hsHeader}.${payload}.${mac}~${rest.join('~')}` });
    expect(verdict(hs)).toBe('TOTAL_FAILED/SIG_CRYPTO_FAILURE');
    expect(check(hs, 'signature').status).toBe('FAILED');

    const wrongTyp = await verify({ credential: await resign(keep.credential, { header: { typ: 'JWT' } }) });
    expect(verdict(wrongTyp)).toBe('TOTAL_FAILED/FORMAT_FAILURE');
    expect(check(wrongTyp, 'format').message).toMatch(/typ "JWT" is not dc\+sd-jwt/);
    expect(check(wrongTyp, 'signature').status).toBe('PASSED');
  });

  it('key binding: the cnf key’s KB-JWT with the audience and nonce asked for passes; another key, another nonce or audience, or none when asked: refused', async () => {
    const credential = await handMade({ clear: { cnf: { jwk: holder.publicKey.export({ format: 'jwk' }) } } });
    const aud = 'https://portal.example.gov.cn';
    const nonce = 'n-4711-abc';
    const present = (sign: JwsSign, claims: { aud?: string; nonce?: string } = {}) =>
      presentSdJwt(credential, { disclose: ['name'], keyBinding: { aud, nonce, iat: NOW(), sign, ...claims } });

    const good = await verify({ credential: await present(es256(holder.privateKey)), audience: aud, nonce });
    expect(verdict(good)).toBe('TOTAL_PASSED');
    expect(statuses(good)).toContain('keyBinding:PASSED');
    expect(statuses(good).indexOf('keyBinding:PASSED')).toBe(4);
    expect(good.licence?.disclosed).toEqual({ name: ZHANG.name });

    const notHeld = await verify({ credential: await present(es256(stranger.privateKey)), audience: aud, nonce });
    expect(verdict(notHeld)).toBe('TOTAL_FAILED/SIG_CRYPTO_FAILURE');
    expect(check(notHeld, 'keyBinding')).toMatchObject({
      status: 'FAILED',
      message: expect.stringMatching(/not signed with the key in the credential’s cnf/),
    });
    expect(notHeld.licence).not.toHaveProperty('disclosed');

    const otherNonce = await verify({ credential: await present(es256(holder.privateKey), { nonce: 'replayed' }), audience: aud, nonce });
    expect(verdict(otherNonce)).toBe('INDETERMINATE/SIG_CONSTRAINTS_FAILURE');
    expect(check(otherNonce, 'keyBinding').message).toMatch(/nonce/);
    expect(otherNonce.licence).not.toHaveProperty('disclosed');

    const otherAudience = await verify({
      credential: await present(es256(holder.privateKey), { aud: 'https://elsewhere.example' }),
      audience: aud,
      nonce,
    });
    expect(verdict(otherAudience)).toBe('INDETERMINATE/SIG_CONSTRAINTS_FAILURE');
    expect(check(otherAudience, 'keyBinding').message).toMatch(/elsewhere/);

    const missing = await verify({ credential: await presentSdJwt(credential, { disclose: ['name'] }), nonce });
    expect(verdict(missing)).toBe('TOTAL_FAILED/FORMAT_FAILURE');
    expect(check(missing, 'keyBinding').message).toMatch(/key binding is required/);
    // Without audience or nonce, a presentation without a KB-JWT has no keyBinding check.
    expect(statuses(await verify({ credential: await presentSdJwt(credential, { disclose: ['name'] }) }))).not.toContain(
      'keyBinding:PASSED',
    );
  });

  it('expired: TOTAL_FAILED/EXPIRED; not yet valid: TOTAL_FAILED/NOT_YET_VALID — signed by tongban’s own licence key', async () => {
    const expired = await verify({ credential: await handMade({ clear: { iat: NOW() - 7200, nbf: NOW() - 7200, exp: NOW() - 60 } }) });
    expect(verdict(expired)).toBe('TOTAL_FAILED/EXPIRED');
    expect(check(expired, 'validity')).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/^expired at /) });
    expect(check(expired, 'chain').status).toBe('PASSED');

    const early = await verify({ credential: await handMade({ clear: { nbf: NOW() + 86_400, exp: NOW() + 2 * 86_400 } }) });
    expect(verdict(early)).toBe('TOTAL_FAILED/NOT_YET_VALID');
    expect(check(early, 'validity').message).toMatch(/^not valid before /);
  });

  it('an untrusted issuer (another CA’s certificate in x5c): INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND, never TOTAL_PASSED, no claims, the status list not consulted; no x5c: the same', async () => {
    const { root, leaf } = scratch.foreignCa('elsewhere');
    const key = { kid: 'elsewhere-1', x5c: [derOf(leaf), derOf(root)], sign: es256(createPrivateKey(scratch.read('elsewhere-leaf.key'))) };
    const report = await verify({ credential: await handMade({ key }) });
    expect(verdict(report)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
    expect(check(report, 'signature').status).toBe('PASSED');
    expect(check(report, 'chain')).toMatchObject({ status: 'INDETERMINATE', message: expect.stringMatching(/no path/) });
    expect(check(report, 'revocation').message).toMatch(/not checked: the credential’s issuer is not trusted/);
    expect(report.licence).not.toHaveProperty('disclosed');

    // tongban's own key named by kid, its x5c left out: the signature verifies, the chain is not shown.
    const { kid, sign } = tongbanKey();
    const bare = await verify({ credential: await handMade({ key: { kid, sign } }) });
    expect(verdict(bare)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
    expect(check(bare, 'signature').status).toBe('PASSED');
    expect(check(bare, 'chain').message).toMatch(/has no x5c/);
    // An unknown kid and no x5c: no key at all.
    const unknown = await verify({ credential: await handMade({ key: { kid: 'nobody', sign: key.sign } }) });
    expect(unknown.indication).toBe('INDETERMINATE');
    expect(check(unknown, 'signature').status).toBe('INDETERMINATE');
  });

  it('a certificate tongban issued to an enterprise (not a licence key) signing a licence: INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE', async () => {
    const csr = scratch.csr('acme-wallet');
    const issued = await pki.issueFromCsr(csr, {
      profile: 'enterprise-licence',
      subject: { uscc: ACME.uscc, organizationName: ACME.name, commonName: ACME.name },
    });
    const key = {
      kid: 'acme',
      x5c: [issued.pem, ...issued.chain].map(derOf),
      sign: es256(createPrivateKey(scratch.read('acme-wallet.key'))),
    };
    const report = await verify({ credential: await handMade({ key }) });
    expect(verdict(report)).toBe('INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE');
    expect(check(report, 'chain').message).toMatch(/not one of tongban’s licence keys/);
    expect(report.licence).not.toHaveProperty('disclosed');
  });

  it('a status list that cannot be had is INDETERMINATE/TRY_LATER, never PASSED: a list tongban does not have, another issuer’s at a private address or over http', async () => {
    for (const uri of [
      `${v.server.url}/api/v1/status-lists/999999`,
      'https://127.0.0.1/api/v1/status-lists/1',
      'http://status.example.gov.cn/lists/1',
    ]) {
      const report = await verify({ credential: await handMade({ clear: { status: { status_list: { idx: 3, uri } } } }) });
      expect(verdict(report)).toBe('INDETERMINATE/TRY_LATER');
      expect(check(report, 'revocation')).toMatchObject({ status: 'INDETERMINATE', message: expect.stringMatching(/cannot be had now/) });
    }
    // No status at all: whether it was revoked cannot be known.
    const credential = await resign(keep.credential, { payload: { status: undefined } });
    const report = await verify({ credential });
    expect(verdict(report)).toBe('INDETERMINATE/TRY_LATER');
    expect(check(report, 'revocation').message).toMatch(/names no status list/);
  });

  it('junk and malformed: text that is no SD-JWT is a 200 FORMAT_FAILURE report; a malformed body is 400 validation_failed; an unknown identifier INDETERMINATE/SIGNED_DATA_NOT_FOUND', async () => {
    for (const junk of ['hello', '~~~', 'a.b.c~', '\u0000\u00ff', 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA~', `${'x'.repeat(200_000)}~`]) {
      const report = await verify({ credential: junk });
      expect(verdict(report)).toBe('TOTAL_FAILED/FORMAT_FAILURE');
      expect(check(report, 'format').status).toBe('FAILED');
      expect(report.licence?.disclosed).toBeUndefined();
    }
    for (const body of [
      {},
      { credential: '' },
      { credential: 42 },
      { credential: keep.credential, id: keep.id },
      { id: keep.id, nonce: 'n' },
      { id: 'not an id!' },
      { credential: keep.credential, audience: '' },
      { credential: 'x'.repeat(300 * 1024) },
      '[]',
      '{"credential": ',
    ]) {
      const response = await v.post('licence', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^(validation_failed|malformed_json)$/);
    }
    const wrongCheck = keep.id.slice(0, -1) + (keep.id.endsWith('0') ? '1' : '0');
    const bad = await verify({ id: wrongCheck });
    expect(verdict(bad)).toBe('TOTAL_FAILED/FORMAT_FAILURE');
    expect(check(bad, 'format').message).toMatch(/check character/);
    const fields = keep.id.split('.');
    const other = makeLicenceId({ typeCode: fields[5], issuerCode: fields[6], serial: 'ZZ99999999', version: 1 });
    const missing = await verify({ id: other });
    expect(verdict(missing)).toBe('INDETERMINATE/SIGNED_DATA_NOT_FOUND');
    expect(check(missing, 'format').message).toMatch(/tongban issued no licence/);
  });

  it('needs a `verify` token: none 401, another scope 403', async () => {
    expect((await v.post('licence', { credential: keep.credential }, 'not-a-token')).status).toBe(401);
    expect((await v.post('licence', { credential: keep.credential }, residence.token)).status).toBe(403);
  });

  it('in /verify/batch: licence items (credential, presentation with key binding, identifier, junk) answered in order beside other kinds', async () => {
    const food1 = await issue(food, { type: 'food-business-permit', holder: { uscc: ACME.uscc }, claims: foodPermitClaims(ACME) });
    const bound = await handMade({ clear: { cnf: { jwk: holder.publicKey.export({ format: 'jwk' }) } } });
    const presentation = await presentSdJwt(bound, {
      disclose: [],
      keyBinding: { aud: 'https://portal.example', nonce: 'n1', iat: NOW(), sign: es256(holder.privateKey) },
    });
    const response = await v.post('batch', {
      items: [
        { kind: 'licence', credential: keep.credential },
        { kind: 'licence', credential: presentation, audience: 'https://portal.example', nonce: 'n1' },
        { kind: 'licence', id: food1.id },
        { kind: 'licence', credential: 'junk' },
        { kind: 'certificate', pem: 'not a pem' },
      ],
    });
    expect(response.status).toBe(200);
    const { reports } = (await response.json()) as { reports: LicenceReport[] };
    expect(reports.map(verdict)).toEqual([
      'TOTAL_PASSED',
      'TOTAL_PASSED',
      'TOTAL_PASSED',
      'TOTAL_FAILED/FORMAT_FAILURE',
      'TOTAL_FAILED/FORMAT_FAILURE',
    ]);
    expect(statuses(reports[1])).toContain('keyBinding:PASSED');
    expect(reports[1].licence?.disclosed).toEqual({});
    expect(reports[2].subject).toEqual({ kind: 'enterprise', name: ACME.name, uscc: ACME.uscc });
    expect(reports[2].licence).toMatchObject({ id: food1.id, type: 'food-business-permit' });

    for (const item of [
      { kind: 'licence' },
      { kind: 'licence', id: food1.id, credential: 'x' },
      { kind: 'seal', credential: 'x' },
      { kind: 'licence', pem: 'x' },
    ]) {
      const refused = await v.post('batch', { items: [item] });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toBe('validation_failed');
    }
  });

  it('another issuer under an operator’s trust anchor: its status list fetched (here by a stand-in) and checked to the same anchor; a list signed under another anchor, or unsigned, is TRY_LATER', async () => {
    const anchors = v.server.app.get(TrustAnchorService);
    const province = opensslRoot(scratch, 'province-ca', 'ec-p256');
    await anchors.add(province.cert, { by: 'test', name: 'province CA' });
    const bureau = opensslIssue(scratch, province, 'province-bureau', 'ec-p256');
    const other = opensslRoot(scratch, 'other-ca', 'ec-p256');
    await anchors.add(other.cert, { by: 'test', name: 'other CA' });
    const signer = (ca: OpensslCa, chain: OpensslCa[]) => ({
      x5c: chain.map((c) => derOf(c.cert)),
      key: createPrivateKey(readFileSync(ca.keyPath)),
    });
    const anchorItself = signer(province, [province]);
    const underAnchor = signer(bureau, [bureau, province]);

    const uri = 'https://licences.province.example/status/1';
    const list = new StatusList(1024, 2);
    list.set(7, StatusType.INVALID);
    list.set(8, StatusType.SUSPENDED);
    const listToken = (by: { x5c: string[]; key: KeyObject }) =>
      signStatusListJwt({ list, uri, iat: NOW() - 10, exp: NOW() + 3600, ttl: 300, kid: 'p-1', x5c: by.x5c, sign: es256(by.key) });
    const fetched: string[] = [];
    const verifier = (token: () => Promise<string>) =>
      new LicenceVerifier({
        pki,
        keys,
        licences: v.server.app.get(LicencesService),
        statusLists: v.server.app.get(StatusListsService),
        types: v.server.app.get(LicenceTypesService),
        publicUrl: v.server.url,
        fetchStatusList: async (at) => {
          fetched.push(at);
          return token();
        },
      });
    const credential = (idx: number, by = anchorItself) =>
      handMade({
        key: { kid: 'p-1', x5c: by.x5c, sign: es256(by.key) },
        clear: { iss: 'https://licences.province.example', status: { status_list: { idx, uri } } },
      });
    const revocationOf = (report: { checks: readonly { name: string; message: string }[] }) =>
      report.checks.find((c) => c.name === 'revocation')?.message;

    // Signed with the anchor's own key: the chain passes whole, the list decides.
    const good = verifier(() => listToken(anchorItself));
    const valid = await good.credential(await credential(3));
    expect(valid.indication).toBe('TOTAL_PASSED');
    expect(valid.checks.find((c) => c.name === 'chain')?.message).toMatch(/province CA/);
    expect(revocationOf(valid)).toMatch(/^not revoked or suspended \(the status list at https:\/\/licences\.province\.example/);
    expect(valid.licence?.disclosed).toEqual(permitClaims(ZHANG));
    expect((await good.credential(await credential(7))).subIndication).toBe('REVOKED');
    expect((await good.credential(await credential(8))).subIndication).toBe('TRY_LATER');
    expect(fetched).toEqual([uri]); // kept for its ttl

    // Signed by a certificate under the anchor: its own revocation is unknown to tongban (TRY_LATER), but a revoked licence is REVOKED.
    const below = verifier(() => listToken(underAnchor));
    const unknown = await below.credential(await credential(3, underAnchor));
    expect(unknown).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(unknown.checks.find((c) => c.name === 'chain')?.status).toBe('INDETERMINATE');
    expect(unknown.checks.find((c) => c.name === 'revocation')?.status).toBe('PASSED');
    expect(unknown.licence).not.toHaveProperty('disclosed');
    expect(await below.credential(await credential(7, underAnchor))).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'REVOKED',
    });

    // The list signed under another anchor, or not signed: TRY_LATER.
    const elsewhere = verifier(() => listToken(signer(other, [other])));
    const report = await elsewhere.credential(await credential(3));
    expect(report).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    expect(revocationOf(report)).toMatch(/another trust anchor/);
    const unsigned = verifier(async () => `${(await listToken(anchorItself)).split('.').slice(0, 2).join('.')}.`);
    const unsignedReport = await unsigned.credential(await credential(3));
    expect(unsignedReport.subIndication).toBe('TRY_LATER');
    expect(revocationOf(unsignedReport)).toMatch(/cannot be had now/);
  });
});

describe('fetching another issuer’s status list', () => {
  const scratch = new Scratch();
  let server: Server;
  let url: string;
  let ca: Buffer;
  let handler: (path: string) => { status: number; body: string | Buffer; delayMs?: number };

  beforeAll(async () => {
    mustOpenssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '2',
      '-keyout',
      scratch.path('tls.key'),
      '-out',
      scratch.path('tls.pem'),
    ]);
    ca = scratch.read('tls.pem');
    server = createServer({ key: scratch.read('tls.key'), cert: ca }, (req, res) => {
      const answer = handler(req.url ?? '/');
      expect(req.headers.accept).toBe('application/statuslist+jwt');
      const timer = setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/statuslist+jwt' });
        res.end(answer.body);
      }, answer.delayMs ?? 0);
      res.on('close', () => clearTimeout(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    scratch.cleanup();
  });

  it('refuses what is not https on a public address at port 443, before any connection', async () => {
    for (const [uri, why] of [
      ['http://status.example.gov.cn/1', /only https/],
      ['https://127.0.0.1/1', /not a public address/],
      ['https://[::1]/1', /not a public address/],
      ['https://10.1.2.3/1', /not a public address/],
      ['https://169.254.169.254/latest', /not a public address/],
      ['https://status.example.gov.cn:8443/1', /only port 443/],
      ['https://user:pw@status.example.gov.cn/1', /credentials/],
      ['https://localhost/1', /not public/],
      ['not a url', /not a URL/],
    ] as const)
      await expect(fetchStatusListToken(uri)).rejects.toThrow(why);
    expect(['8.8.8.8', '2400:3200::1', '114.114.114.114'].every(isPublicAddress)).toBe(true);
    expect(
      [
        '127.0.0.1',
        '10.0.0.1',
        '172.16.5.4',
        '192.168.1.1',
        '100.64.0.1',
        '::1',
        'fe80::1',
        'fd00::1',
        '::ffff:127.0.0.1',
        '0.0.0.0',
        'x',
      ].some(isPublicAddress),
    ).toBe(false);
  });

  it('reads a 200 answer (asking for application/statuslist+jwt); a non-200, an oversized or a slow answer is an error', async () => {
    const unsafeForTests = { ca };
    handler = () => ({ status: 200, body: 'eyJ0eXAiOiJzdGF0dXNsaXN0K2p3dCJ9.e30.sig' });
    expect(await fetchStatusListToken(`${url}/ok`, { unsafeForTests })).toBe('eyJ0eXAiOiJzdGF0dXNsaXN0K2p3dCJ9.e30.sig');
    handler = () => ({ status: 302, body: '' });
    await expect(fetchStatusListToken(`${url}/moved`, { unsafeForTests })).rejects.toThrow(/HTTP 302/);
    handler = () => ({ status: 200, body: Buffer.alloc(64 * 1024, 0x41) });
    await expect(fetchStatusListToken(`${url}/big`, { unsafeForTests, maxBytes: 16 * 1024 })).rejects.toThrow(/larger than/);
    handler = () => ({ status: 200, body: 'late', delayMs: 1500 });
    await expect(fetchStatusListToken(`${url}/slow`, { unsafeForTests, timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
    // Without the test switch, the same local server is never reached.
    handler = () => ({ status: 200, body: 'reached' });
    await expect(fetchStatusListToken(`${url}/ok`)).rejects.toThrow(/only port 443/);
  });
});
