import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { checkLicenceId } from '../../src/identifiers/licence-id.js';
import { DEMO_LICENCE_AUTHORITY } from '../../src/demo/demo-licences.js';
import { Scratch } from '../pki/support.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import {
  ACME,
  authority,
  call,
  chainToRoot,
  ecosystemVerifier,
  foodPermitClaims,
  LIU_DECEASED,
  openCredential,
  permitClaims,
  rootPem,
  SUSPENDED_ENTERPRISE,
  ZHANG,
  type Authority,
  type IssuedLicenceBody,
} from './issuance-support.js';

/**
 * POST /api/v1/licences (issue 13 §3) through HTTP with real client-credentials tokens: what the
 * credential holds, checked by @sd-jwt/sd-jwt-vc 0.19 (its status list fetched over HTTP) and by
 * hand; every refusal; idempotency; nothing half-written; the business licence's credential.
 */
describe(`licence issuance on ${backend}`, () => {
  let server: TestServer;
  let db: DataSource;
  let root: string;
  let residence: Authority;
  let food: Authority;
  const scratch = new Scratch();

  const issue = (who: Authority, body: unknown, headers: Record<string, string> = {}) =>
    call<IssuedLicenceBody & { error?: string; details?: unknown; message?: string }>(server, 'POST', '/api/v1/licences', {
      body,
      token: who.token,
      headers,
    });
  /** What a failed issuance must not leave: licence rows and entries claimed in status lists. */
  const written = async () =>
    (
      await db.query<Array<{ licences: number; allocated: number }>>(
        `SELECT (SELECT count(*) FROM licences)::int AS licences, (SELECT coalesce(sum(allocated), 0) FROM licence_status_lists)::int AS allocated`,
      )
    )[0];

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    db = server.app.get(DataSource);
    root = await rootPem(server);
    [residence, food] = await Promise.all([
      authority(server, ['residence-permit']),
      authority(server, ['food-business-permit', 'business-licence']),
    ]);
  });
  afterAll(async () => {
    scratch.cleanup();
    await server.close();
  });

  it("issues a residence permit to 张三: the licence identifier, the SD-JWT VC's header and clear claims, every claim disclosable, verified by @sd-jwt/sd-jwt-vc with its status list fetched over HTTP", async () => {
    const claims = permitClaims(ZHANG, { sex: 'male', birth_date: '1990-03-07' });
    const answer = await issue(residence, { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims });
    expect(answer.status).toBe(201);
    const body = answer.body;
    expect(answer.headers.get('location')).toBe(`/api/v1/licences/${body.id}`);
    expect(body).toMatchObject({
      status: 'valid',
      type: 'residence-permit',
      holder: { kind: 'citizen', name: ZHANG.name, idNumberMasked: `${ZHANG.id_number.slice(0, 6)}********${ZHANG.id_number.slice(14)}` },
      issuer: { clientId: residence.clientId, code: residence.code },
      statusList: { uri: expect.stringMatching(new RegExp(`^${server.url}/api/v1/status-lists/\\d+$`)) },
    });
    expect(JSON.stringify(body.holder)).not.toContain(ZHANG.id_number);
    // The identifier: the type's code, the issuer's code, a serial, version 001, a check character that checks.
    const id = checkLicenceId(body.id);
    expect(id).toMatchObject({ valid: true, parsed: { typeCode: '11100000000013127D901', issuerCode: residence.code, version: 1 } });
    // Validity: now to now + 365 days (the type's default).
    const from = Date.parse(body.validFrom);
    expect(Math.abs(from - Date.now())).toBeLessThan(60_000);
    expect(Date.parse(body.validUntil) - from).toBe(365 * 86_400_000);

    const { header, payload, disclosures } = openCredential(body.credential);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'dc+sd-jwt' });
    // x5c: the licence key's certificate, the issuing CA, the root — checked link by link.
    expect(header.x5c).toHaveLength(3);
    const leaf = chainToRoot(header.x5c, root);
    expect(leaf.subject).toContain('Licence Issuer');
    expect(payload).toMatchObject({
      iss: server.url,
      vct: `${server.url}/licence-types/residence-permit`,
      nbf: from / 1000,
      exp: Date.parse(body.validUntil) / 1000,
      status: { status_list: { idx: body.statusList.idx, uri: body.statusList.uri } },
      _sd_alg: 'sha-256',
    });
    expect(payload.iat).toBeGreaterThanOrEqual(from / 1000);
    // No sub, no cnf for a citizen; nothing of the claims in the clear.
    expect(payload).not.toHaveProperty('sub');
    expect(payload).not.toHaveProperty('cnf');
    for (const name of Object.keys(claims)) expect(payload).not.toHaveProperty(name);
    expect(Object.fromEntries(disclosures.map((d) => [d[1], d[2]]))).toEqual(claims);
    expect((payload._sd as string[]).length).toBeGreaterThan(Object.keys(claims).length); // decoys

    const verified = await ecosystemVerifier(root).verify(body.credential);
    expect(verified.payload).toMatchObject({ ...claims, vct: payload.vct, iss: server.url });

    // Stored: no clear ID number anywhere in the row, nor in the logs.
    const rows = await db.query<Array<Record<string, unknown>>>(`SELECT * FROM licences WHERE id = $1`, [body.id]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(ZHANG.id_number);
    expect(rows[0]).toMatchObject({ holder_kind: 'citizen', holder_name: ZHANG.name, status: 'valid', status_idx: body.statusList.idx });
    expect(server.logs.join('\n')).not.toContain(ZHANG.id_number);
  });

  it("binds an enterprise's licence to its wallet key: cnf is the JWK of its newest licence certificate (x5t#S256 alone for SM2), sub its USCC", async () => {
    const regulator = await authority(server, ['business-licence']);
    const certificate = async (key: 'ec-p256' | 'sm2') => {
      const csr = scratch.csr(`acme-${key}-${Math.random().toString(36).slice(2)}`, key, '/CN=x');
      const answer = await call<{ certificate: string }>(server, 'POST', `/api/v1/enterprises/${ACME.uscc}/licence`, {
        body: { csr },
        token: regulator.token,
      });
      expect(answer.status).toBe(201);
      return new X509Certificate(answer.body.certificate);
    };
    const p256 = await certificate('ec-p256');
    const first = await issue(food, {
      type: 'food-business-permit',
      holder: { uscc: ACME.uscc.toLowerCase() },
      claims: foodPermitClaims(ACME),
    });
    expect(first.status).toBe(201);
    expect(first.body.holder).toEqual({ kind: 'enterprise', name: ACME.name, uscc: ACME.uscc });
    const thumbprint = (c: X509Certificate) => createHash('sha256').update(c.raw).digest('base64url');
    expect(openCredential(first.body.credential).payload).toMatchObject({
      sub: ACME.uscc,
      cnf: { jwk: p256.publicKey.export({ format: 'jwk' }), 'x5t#S256': thumbprint(p256) },
    });

    const sm2 = await certificate('sm2');
    const second = await issue(food, { type: 'food-business-permit', holder: { uscc: ACME.uscc }, claims: foodPermitClaims(ACME) });
    expect(openCredential(second.body.credential).payload.cnf).toEqual({ 'x5t#S256': thumbprint(sm2) });
  });

  it('the electronic business licence route also answers the business-licence credential, bound to the new certificate (when the client may issue that type)', async () => {
    const csr = scratch.csr(`acme-bl-${Math.random().toString(36).slice(2)}`, 'ec-p256', '/CN=x');
    const answer = await call<{ certificate: string; credential: { id: string; credential: string }; serial: string; licence: string }>(
      server,
      'POST',
      `/api/v1/enterprises/${ACME.uscc}/licence`,
      { body: { csr }, token: food.token },
    );
    expect(answer.status).toBe(201);
    // Today's fields are all there; the credential is added (and the certificate's leaf in the public issuance log).
    expect(Object.keys(answer.body).sort()).toEqual([
      'certificate',
      'chain',
      'credential',
      'enterprise',
      'licence',
      'serial',
      'transparency',
    ]);
    const certificate = new X509Certificate(answer.body.certificate);
    const { payload } = openCredential(answer.body.credential.credential);
    expect(payload).toMatchObject({
      vct: `${server.url}/licence-types/business-licence`,
      sub: ACME.uscc,
      nbf: Date.parse(certificate.validFrom) / 1000,
      exp: Date.parse(certificate.validTo) / 1000,
      cnf: { jwk: certificate.publicKey.export({ format: 'jwk' }) },
    });
    const verified = await ecosystemVerifier(root).verify(answer.body.credential.credential);
    expect(verified.payload).toMatchObject({
      uscc: ACME.uscc,
      name: ACME.name,
      type: ACME.type,
      established: ACME.established,
      address: ACME.address,
    });
    expect(checkLicenceId(answer.body.credential.id)).toMatchObject({
      valid: true,
      parsed: { typeCode: '11100000MB0143028R001', issuerCode: food.code },
    });
    // A client that is no issuing authority of the type gets the certificate alone, as before.
    const plain = await authority(server, null);
    const before = await call<Record<string, unknown>>(server, 'POST', `/api/v1/enterprises/${ACME.uscc}/licence`, {
      body: { csr: scratch.csr(`acme-bl2-${Math.random().toString(36).slice(2)}`, 'ec-p256', '/CN=x') },
      token: plain.token,
    });
    expect(before.status).toBe(201);
    expect(before.body).not.toHaveProperty('credential');
  });

  it('refuses what it cannot issue, and a failed issuance leaves no licence row and no status list entry', async () => {
    const start = await written();
    const permit = (holder: unknown, claims: unknown = permitClaims(ZHANG), who = residence) =>
      issue(who, { type: 'residence-permit', holder, claims });

    const unknown = await issue(residence, { type: 'fishing-licence', holder: { idNumber: ZHANG.id_number }, claims: {} });
    expect(unknown).toMatchObject({ status: 400, body: { error: 'unknown_licence_type' } });
    const mismatch = await permit({ uscc: ACME.uscc });
    expect(mismatch).toMatchObject({ status: 400, body: { error: 'holder_kind_mismatch' } });
    const both = await permit({ uscc: ACME.uscc, idNumber: ZHANG.id_number });
    expect(both).toMatchObject({ status: 400, body: { error: 'validation_failed', details: [{ field: 'holder' }] } });
    const badId = await permit({ idNumber: '110105199003071230' });
    expect(badId).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(JSON.stringify(badId.body)).not.toContain('110105199003071230');

    // The schema's errors, each with its claim.
    const invalid = await permit({ idNumber: ZHANG.id_number }, { name: ZHANG.name, id_number: ZHANG.id_number, sex: 'x', colour: 'red' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('invalid_claims');
    expect(invalid.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/colour', keyword: 'additionalProperties' }),
        expect.objectContaining({ path: '/issuing_authority', keyword: 'required' }),
        expect.objectContaining({ path: '/residence_address', keyword: 'required' }),
        expect.objectContaining({ path: '/sex', keyword: 'enum' }),
      ]),
    );
    // An ID number claim that is not the holder's.
    const other = await permit({ idNumber: ZHANG.id_number }, permitClaims({ ...ZHANG, id_number: LIU_DECEASED.id_number }));
    expect(other).toMatchObject({ status: 400, body: { error: 'invalid_claims', details: [{ path: '/id_number', keyword: 'holder' }] } });
    expect(JSON.stringify(other.body)).not.toContain(LIU_DECEASED.id_number);

    // Holders the register does not have, or not active.
    const nobody = makeCitizenId({ region: '350102', birthDate: '2001-02-03', sequence: 45 });
    const missing = await permit({ idNumber: nobody }, permitClaims({ name: '无名', id_number: nobody }));
    expect(missing).toMatchObject({ status: 404, body: { error: 'holder_not_found' } });
    const dead = await permit({ idNumber: LIU_DECEASED.id_number }, permitClaims(LIU_DECEASED));
    expect(dead).toMatchObject({ status: 409, body: { error: 'holder_not_active' } });
    const suspended = await issue(food, {
      type: 'food-business-permit',
      holder: { uscc: SUSPENDED_ENTERPRISE.uscc },
      claims: foodPermitClaims(SUSPENDED_ENTERPRISE),
    });
    expect(suspended).toMatchObject({ status: 409, body: { error: 'holder_not_active' } });

    // Validity.
    const past = await issue(residence, {
      type: 'residence-permit',
      holder: { idNumber: ZHANG.id_number },
      claims: permitClaims(ZHANG),
      validUntil: '2020-01-01T00:00:00+08:00',
    });
    expect(past).toMatchObject({ status: 400, body: { error: 'invalid_validity' } });
    const noOffset = await issue(residence, {
      type: 'residence-permit',
      holder: { idNumber: ZHANG.id_number },
      claims: permitClaims(ZHANG),
      validUntil: 'soon',
    });
    expect(noOffset).toMatchObject({ status: 400, body: { error: 'validation_failed' } });

    // Clients: not allowed the type (403), no issuer code at all (403), no token (401).
    const notAllowed = await issue(food, { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims: permitClaims(ZHANG) });
    expect(notAllowed).toMatchObject({
      status: 403,
      body: { error: 'licence_type_not_allowed', details: { allowed: ['food-business-permit', 'business-licence'] } },
    });
    const plain = await authority(server, null);
    expect(await permit({ idNumber: ZHANG.id_number }, permitClaims(ZHANG), plain)).toMatchObject({
      status: 403,
      body: { error: 'not_an_issuing_authority' },
    });
    const anonymous = await call(server, 'POST', '/api/v1/licences', { body: { type: 'residence-permit' } });
    expect(anonymous.status).toBe(401);

    expect(await written()).toEqual(start);
  });

  it('Idempotency-Key: a retry answers the same licence, another request under the key is 422, and concurrent requests with one key make one licence', async () => {
    const body = { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims: permitClaims(ZHANG) };
    const first = await issue(residence, body, { 'idempotency-key': 'retry-1' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The same request, its keys in another order: the same licence.
    const reordered = { claims: { ...body.claims }, holder: body.holder, type: body.type };
    const again = await issue(residence, reordered, { 'idempotency-key': '"retry-1"' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);

    const start = await written();
    const reused = await issue(residence, { ...body, claims: permitClaims(ZHANG, { sex: 'male' }) }, { 'idempotency-key': 'retry-1' });
    expect(reused).toMatchObject({ status: 422, body: { error: 'idempotency_key_reused' } });
    // Another client's key space is its own.
    const otherClient = await authority(server, ['residence-permit']);
    const theirs = await issue(otherClient, body, { 'idempotency-key': 'retry-1' });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(first.body.id);
    expect((await written()).licences).toBe(start.licences + 1);

    const concurrent = await Promise.all(Array.from({ length: 6 }, () => issue(residence, body, { 'idempotency-key': 'race-1' })));
    expect(concurrent.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(concurrent.map((a) => a.body.id)).size).toBe(1);
    expect(concurrent.filter((a) => a.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    const rows = await db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM licences WHERE idempotency_key = 'race-1'`);
    expect(rows[0].n).toBe(1);
    expect(await written()).toEqual({ licences: start.licences + 2, allocated: start.allocated + 2 });

    expect(await issue(residence, body, { 'idempotency-key': 'two words' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_idempotency_key' },
    });
  });

  it('DEMO=1: the demo authority and the residence permit it issued to 张三 (once, whatever the restarts)', async () => {
    const rows = await db.query<Array<{ id: string; type: string; issuer_client: string; holder_name: string }>>(
      `SELECT id, type, issuer_client, holder_name FROM licences WHERE issuer_client = $1`,
      [DEMO_LICENCE_AUTHORITY.clientId],
    );
    expect(rows).toEqual([expect.objectContaining({ type: 'residence-permit', holder_name: ZHANG.name })]);
    expect(checkLicenceId(rows[0].id)).toMatchObject({ valid: true, parsed: { issuerCode: DEMO_LICENCE_AUTHORITY.issuerCode } });
    // Its issuer's own token reads it.
    const config = await import('../support/oidc.js');
    const discovered = await config.client.discovery(
      new URL(server.url),
      DEMO_LICENCE_AUTHORITY.clientId,
      undefined,
      config.client.ClientSecretBasic(DEMO_LICENCE_AUTHORITY.secret),
      { execute: [config.client.allowInsecureRequests] },
    );
    const { access_token } = await config.client.clientCredentialsGrant(discovered, { scope: 'licence:issue' });
    const read = await call<IssuedLicenceBody>(server, 'GET', `/api/v1/licences/${rows[0].id}`, { token: access_token });
    expect(read).toMatchObject({ status: 200, body: { id: rows[0].id, status: 'valid', holder: { kind: 'citizen', name: ZHANG.name } } });
  });
});
