import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeCitizenId, makeUscc } from '../../src/identifiers/generate.js';
import { LicencesService } from '../../src/licences/issuance/licences.service.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { ENTERPRISE_HEADER } from '../pki/support.js';
import { citizenRecords, enterpriseRecords } from '../support/records.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import {
  authority,
  call,
  ecosystemVerifier,
  foodPermitClaims,
  permitClaims,
  rootPem,
  statusAt,
  ZHANG,
  type Authority,
  type IssuedLicenceBody,
} from './issuance-support.js';

const REPRESENTATIVE = makeCitizenId({ region: '350102', birthDate: '1975-04-04', sequence: 31 });

/**
 * The lifecycle (issue 13 §4): suspend, reinstate and revoke by the issuing authority only, the
 * transitions allowed, expiry; the register's cancellations, suspensions and deaths followed; each
 * change seen by @sd-jwt/sd-jwt-vc through the status list it fetches, and in the list decoded by hand.
 */
describe(`licence lifecycle on ${backend}`, () => {
  let server: TestServer;
  let root: string;
  let issuer: Authority;
  let other: Authority;

  const issuePermit = async (extra: Record<string, unknown> = {}) => {
    const answer = await call<IssuedLicenceBody>(server, 'POST', '/api/v1/licences', {
      body: { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims: permitClaims(ZHANG), ...extra },
      token: issuer.token,
    });
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const change = (
    licence: string,
    action: 'suspend' | 'reinstate' | 'revoke',
    who: Authority = issuer,
    reason = `${action} for the test`,
  ) =>
    call<IssuedLicenceBody & { error?: string; details?: unknown }>(server, 'POST', `/api/v1/licences/${licence}/${action}`, {
      body: { reason },
      token: who.token,
    });
  const read = (licence: string, who: Authority = issuer) =>
    call<IssuedLicenceBody & { error?: string }>(server, 'GET', `/api/v1/licences/${licence}`, { token: who.token });
  const accepted = async (credential: string) =>
    ecosystemVerifier(root)
      .verify(credential)
      .then(
        () => true,
        (err: Error) => {
          if (!/Status is not valid/.test(err.message)) throw err;
          return false;
        },
      );

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    root = await rootPem(server);
    [issuer, other] = await Promise.all([
      authority(server, ['residence-permit', 'food-business-permit']),
      authority(server, ['residence-permit', 'food-business-permit']),
    ]);
  });
  afterAll(() => server.close());

  it('suspend → reinstate → revoke by its issuer: the answer, GET, the status list and the ecosystem verifier follow each step; a revocation is final', async () => {
    const licence = await issuePermit();
    const { idx, uri } = licence.statusList;
    expect(await accepted(licence.credential)).toBe(true);
    expect(await statusAt(server, uri, idx, root)).toBe(0);

    const suspended = await change(licence.id, 'suspend', issuer, '持证人信息待核实');
    expect(suspended).toMatchObject({ status: 200, body: { id: licence.id, status: 'suspended', statusReason: '持证人信息待核实' } });
    expect(Date.parse(suspended.body.statusChangedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect((await read(licence.id)).body).toMatchObject({ status: 'suspended', statusReason: '持证人信息待核实' });
    expect(await statusAt(server, uri, idx, root)).toBe(2);
    expect(await accepted(licence.credential)).toBe(false);
    expect(await change(licence.id, 'suspend')).toMatchObject({
      status: 409,
      body: { error: 'invalid_transition', details: { status: 'suspended' } },
    });

    expect(await change(licence.id, 'reinstate', issuer, '核实完毕')).toMatchObject({
      status: 200,
      body: { status: 'valid', statusReason: '核实完毕' },
    });
    expect(await statusAt(server, uri, idx, root)).toBe(0);
    expect(await accepted(licence.credential)).toBe(true);
    expect(await change(licence.id, 'reinstate')).toMatchObject({
      status: 409,
      body: { error: 'invalid_transition', details: { status: 'valid' } },
    });

    expect(await change(licence.id, 'revoke', issuer, '持证人已迁出本市')).toMatchObject({ status: 200, body: { status: 'revoked' } });
    expect(await statusAt(server, uri, idx, root)).toBe(1);
    expect(await accepted(licence.credential)).toBe(false);
    for (const action of ['revoke', 'reinstate', 'suspend'] as const)
      expect(await change(licence.id, action)).toMatchObject({
        status: 409,
        body: { error: 'invalid_transition', details: { status: 'revoked' } },
      });
    // A suspended licence can be revoked too.
    const second = await issuePermit();
    await change(second.id, 'suspend');
    expect(await change(second.id, 'revoke')).toMatchObject({ status: 200, body: { status: 'revoked' } });
  });

  it("only its issuer reads or changes a licence (403 for another authority, 404 for an identifier tongban never issued, 400 for one that isn't one)", async () => {
    const licence = await issuePermit();
    expect(await read(licence.id, other)).toMatchObject({ status: 403, body: { error: 'not_licence_issuer' } });
    for (const action of ['suspend', 'reinstate', 'revoke'] as const)
      expect(await change(licence.id, action, other)).toMatchObject({ status: 403, body: { error: 'not_licence_issuer' } });
    expect((await read(licence.id)).body.status).toBe('valid');
    // The identifier in lower case is the same licence.
    expect((await read(licence.id.toLowerCase())).body.id).toBe(licence.id);
    const unknown = licence.id.replace(/\.\d+\.001\.[0-9A-Z]$/, '.999999.001.0');
    expect((await read(unknown)).status).toBe(400); // wrong check character
    const never = `${licence.id.split('.').slice(0, 7).join('.')}.999999.001`;
    const { mod37_36CheckCharacter } = await import('../../src/identifiers/licence-id.js');
    const fields = never.split('.').slice(5).join('');
    expect(await read(`${never}.${mod37_36CheckCharacter(fields)}`)).toMatchObject({ status: 404, body: { error: 'licence_not_found' } });
    expect(await change(licence.id, 'revoke', issuer, '')).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect((await call(server, 'POST', `/api/v1/licences/${licence.id}/revoke`, { body: { reason: 'x' } })).status).toBe(401);
  });

  it('expires: past validUntil its status is expired (the credential exp says so to verifiers)', async () => {
    const licence = await issuePermit({ validUntil: new Date(Date.now() + 2000).toISOString() });
    expect(licence.status).toBe('valid');
    // Past exp by more than a second: verifiers compare whole seconds.
    await new Promise((resolve) => setTimeout(resolve, Date.parse(licence.validUntil) + 1100 - Date.now()));
    expect((await read(licence.id)).body.status).toBe('expired');
    expect(await server.app.get(LicencesService).statusOf(licence.id)).toMatchObject({ status: 'expired', storedStatus: 'valid' });
    await expect(ecosystemVerifier(root).verify(licence.credential)).rejects.toThrow(/expired/i);
    // Its status still changes (verifiers see the status list beside exp).
    expect(await change(licence.id, 'suspend')).toMatchObject({ status: 200 });
  });

  it('follows the enterprise register: suspended → its licences suspended, active again → reinstated (not those its issuer suspended), cancelled → revoked', async () => {
    const uscc = makeUscc({ authority: '9', entityType: '1', region: '350100', organisationBody: 'MA7LFE12' });
    const registry = server.app.get(RegistryService);
    const setStatus = (status: string) =>
      registry.importEnterprises(
        enterpriseRecords(
          `${ENTERPRISE_HEADER}\n${uscc},福州生命周期餐饮有限公司,有限责任公司,${REPRESENTATIVE},福州,2019-01-01,${status}\n`,
        ),
      );
    await registry.importCitizens(citizenRecords(`id_number,name,status\n${REPRESENTATIVE},林立,active\n`));
    await setStatus('active');
    const enterprise = { uscc, name: '福州生命周期餐饮有限公司' };
    const issueFood = async () => {
      const answer = await call<IssuedLicenceBody>(server, 'POST', '/api/v1/licences', {
        body: { type: 'food-business-permit', holder: { uscc }, claims: foodPermitClaims(enterprise) },
        token: issuer.token,
      });
      expect(answer.status).toBe(201);
      return answer.body;
    };
    const byRegister = await issueFood();
    const byIssuer = await issueFood();
    await change(byIssuer.id, 'suspend', issuer, '整改期间暂停');

    await setStatus('suspended');
    expect((await read(byRegister.id)).body).toMatchObject({
      status: 'suspended',
      statusReason: 'the enterprise is suspended in the register',
    });
    expect(await statusAt(server, byRegister.statusList.uri, byRegister.statusList.idx, root)).toBe(2);
    // While the enterprise is suspended its issuer cannot reinstate what the register suspended.
    expect(await change(byRegister.id, 'reinstate')).toMatchObject({ status: 409, body: { error: 'holder_not_active' } });

    await setStatus('active');
    expect((await read(byRegister.id)).body.status).toBe('valid');
    expect(await statusAt(server, byRegister.statusList.uri, byRegister.statusList.idx, root)).toBe(0);
    expect((await read(byIssuer.id)).body).toMatchObject({ status: 'suspended', statusReason: '整改期间暂停' });

    await setStatus('cancelled');
    for (const licence of [byRegister, byIssuer]) {
      expect((await read(licence.id)).body).toMatchObject({ status: 'revoked', statusReason: expect.stringContaining('cancelled') });
      expect(await statusAt(server, licence.statusList.uri, licence.statusList.idx, root)).toBe(1);
      expect(await accepted(licence.credential)).toBe(false);
    }
    await setStatus('active'); // a revocation stays
    expect((await read(byRegister.id)).body.status).toBe('revoked');
  });

  it("a citizen's death recorded in the population register revokes their licences", async () => {
    const idNumber = makeCitizenId({ region: '350102', birthDate: '1950-06-06', sequence: 77 });
    const registry = server.app.get(RegistryService);
    await registry.importCitizens(citizenRecords(`id_number,name,status\n${idNumber},郑老,active\n`));
    const answer = await call<IssuedLicenceBody>(server, 'POST', '/api/v1/licences', {
      body: { type: 'residence-permit', holder: { idNumber }, claims: permitClaims({ id_number: idNumber, name: '郑老' }) },
      token: issuer.token,
    });
    expect(answer.status).toBe(201);
    const service = server.app.get(LicencesService);
    expect((await service.listForHolder({ idNumber })).map((l) => l.id)).toEqual([answer.body.id]);

    await registry.importCitizens(citizenRecords(`id_number,name,status\n${idNumber},郑老,deceased\n`));
    expect((await read(answer.body.id)).body).toMatchObject({ status: 'revoked', statusReason: 'the holder died (population register)' });
    expect(await statusAt(server, answer.body.statusList.uri, answer.body.statusList.idx, root)).toBe(1);
    // The public view masks the name and says no more.
    expect(await service.publicView(answer.body.id)).toEqual({
      id: answer.body.id,
      type: { id: 'residence-permit', name: { zh: '居住证', en: 'Residence permit' } },
      issuer: { code: issuer.code, name: issuer.clientId, nameEn: null },
      status: 'revoked',
      validFrom: new Date(answer.body.validFrom),
      validUntil: new Date(answer.body.validUntil),
      holder: { kind: 'citizen', name: '郑*' },
    });
    expect(await service.publicView('1.2.156.3005.2.11100000000013127D901.11350100MB0D345794.0.001.0')).toBeUndefined();
    // The public check page GET /v/{id} reads it through LicenceLookup: the masked name, never the full one.
    const page = await fetch(`${server.url}/v/${answer.body.id}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(answer.body.id);
    expect(html).toContain('郑*');
    expect(html).not.toContain('郑老');
  });
});
