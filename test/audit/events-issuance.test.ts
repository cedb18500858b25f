import type { AuditEntry, AuditSubject } from '../../src/audit/audit-event.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { ClientsService } from '../../src/clients/clients.service.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import { authorizationRequest, client, registerPortal, registerService, signIn, type Portal } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';
import { freshUscc, Scratch } from '../pki/support.js';
import { call, issuerCode, permitClaims, type IssuedLicenceBody } from '../licences/issuance-support.js';
import { allEntries, entriesWhere } from './events-support.js';

const REQUEST_ID = /^[\w.-]{1,64}$/;
const ADDRESS = '福建省福州市鼓楼区五四路1号';
const REPRESENTATIVE = makeCitizenId({ region: '350102', birthDate: '1981-06-06', sequence: 23 });

/**
 * Issue 14 point 1 over the HTTP API: certificates, seals, licences and their every status change
 * (also the register's), licence files stamped, shares made, opened and ended, every verification,
 * register imports and client changes each leave an entry with the right actor, subject and client —
 * and no entry holds an ID number, a name or an address.
 */
describe(`audit entries of issuance, verification and the register (issue 14) on ${backend}`, () => {
  let server: TestServer;
  const scratch = new Scratch();
  const tokens: Record<'regulator' | 'maker' | 'verifier' | 'registrar' | 'admin', string> = {
    regulator: '',
    maker: '',
    verifier: '',
    registrar: '',
    admin: '',
  };
  const ids: Record<'regulator' | 'maker' | 'verifier' | 'registrar' | 'admin', string> = { ...tokens };
  let authority: { clientId: string; token: string };
  let citizen: TestCitizen;
  let citizenIndex: AuditSubject;
  const uscc = freshUscc();
  const enterpriseName = '福州审计测试科技有限公司';

  const enterpriseRow = (status: string) => ({
    uscc,
    name: enterpriseName,
    type: '有限责任公司',
    legal_representative_id_number: REPRESENTATIVE,
    address: ADDRESS,
    established: '2019-01-01',
    status,
  });
  const about = (action: AuditEntry['action'], object?: string) => (e: AuditEntry) =>
    e.action === action && (object === undefined || e.object === object);

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    for (const [name, scope] of [
      ['regulator', 'licence:issue'],
      ['maker', 'seal:make'],
      ['verifier', 'verify'],
      ['registrar', 'registry:write'],
      ['admin', 'clients:write'],
    ] as const) {
      const service = await registerService(server, scope);
      ids[name] = service.clientId;
      tokens[name] = (await client.clientCredentialsGrant(service.config, { scope })).access_token;
    }
    const authorityId = `authority-${Math.random().toString(36).slice(2, 8)}`;
    const { client_secret } = await server.app.get(ClientsService).register({
      client_id: authorityId,
      client_name: '福州市公安局',
      scope: 'licence:issue',
      licence_types: ['residence-permit'],
      issuer_code: issuerCode(),
    });
    const config = await client.discovery(new URL(server.url), authorityId, undefined, client.ClientSecretBasic(client_secret), {
      execute: [client.allowInsecureRequests],
    });
    authority = { clientId: authorityId, token: (await client.clientCredentialsGrant(config, { scope: 'licence:issue' })).access_token };
    citizen = await newCitizen(server.app);
    citizenIndex = await server.app.get(AuditService).citizenSubject(citizen.idNumber);
  }, 120_000);
  afterAll(async () => {
    scratch.cleanup();
    await server.close();
  });

  it('an enterprise: the import, its licence certificate, a seal, their verifications, and the register cancelling it', async () => {
    const imported = await call(server, 'POST', '/api/v1/registry/enterprises', {
      token: tokens.registrar,
      body: [enterpriseRow('active')],
    });
    expect(imported.status).toBe(200);
    const [importEntry] = await entriesWhere(server.app, (e) => about('registry.import')(e) && e.actor.id === ids.registrar);
    expect(importEntry).toMatchObject({ object: 'enterprises', outcome: 'success', details: { read: 1, inserted: 1, rejected: 0 } });
    expect(importEntry.requestId).toMatch(REQUEST_ID);

    const csr = scratch.csr(`audit-${uscc}`, 'sm2', '/CN=x');
    const licence = await call<{ serial: string; certificate: string }>(server, 'POST', `/api/v1/enterprises/${uscc}/licence`, {
      token: tokens.regulator,
      body: { csr },
    });
    expect(licence.status).toBe(201);
    const [issued] = await entriesWhere(server.app, about('certificate.issue', licence.body.serial));
    expect(issued).toMatchObject({
      actor: { kind: 'client', id: ids.regulator },
      subject: { kind: 'enterprise', uscc },
      outcome: 'success',
      details: { profile: 'enterprise-licence', key: 'SM2' },
    });
    expect(issued.requestId).toMatch(REQUEST_ID);

    const seal = await call<{ id: string; seal: string }>(server, 'POST', '/api/v1/seals', {
      token: tokens.maker,
      body: {
        holder: { uscc },
        type: 1,
        name: enterpriseName,
        signerCertificates: [licence.body.certificate],
        validEnd: new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10),
      },
    });
    expect(seal.status).toBe(201);
    const [made] = await entriesWhere(server.app, about('seal.make', seal.body.id));
    expect(made).toMatchObject({ actor: { kind: 'client', id: ids.maker }, client: ids.maker, subject: { kind: 'enterprise', uscc } });
    expect(made.requestId).toMatch(REQUEST_ID);

    const certificateReport = await call<{ indication: string }>(server, 'POST', '/api/v1/verify/certificate', {
      token: tokens.verifier,
      body: { pem: licence.body.certificate },
    });
    expect(certificateReport.body.indication).toBe('TOTAL_PASSED');
    const sealReport = await call<{ indication: string }>(server, 'POST', '/api/v1/verify/seal', {
      token: tokens.verifier,
      body: { seal: seal.body.seal },
    });
    expect(sealReport.status).toBe(200);
    const [verifiedCertificate] = await entriesWhere(server.app, (e) => about('verify', licence.body.serial)(e));
    expect(verifiedCertificate).toMatchObject({
      actor: { kind: 'client', id: ids.verifier },
      client: ids.verifier,
      subject: { kind: 'enterprise', uscc },
      details: { kind: 'certificate', indication: 'TOTAL_PASSED' },
    });
    const [verifiedSeal] = await entriesWhere(server.app, about('verify', seal.body.id));
    expect(verifiedSeal).toMatchObject({
      actor: { kind: 'client', id: ids.verifier },
      subject: { kind: 'enterprise', uscc },
      details: { kind: 'seal', indication: sealReport.body.indication },
    });

    // The register cancels the enterprise: its certificate and its seal are revoked, by the register.
    await call(server, 'POST', '/api/v1/registry/enterprises', { token: tokens.registrar, body: [enterpriseRow('cancelled')] });
    const [revoked] = await entriesWhere(server.app, about('certificate.revoke', licence.body.serial));
    expect(revoked).toMatchObject({ actor: { kind: 'system', id: 'registry' }, subject: { kind: 'enterprise', uscc } });
    const [sealRevoked] = await entriesWhere(server.app, about('seal.revoke', seal.body.id));
    expect(sealRevoked).toMatchObject({ actor: { kind: 'system', id: 'registry' }, details: { reason: 'cessationOfOperation' } });
  });

  it("a citizen's licence: issued, suspended, reinstated, its file stamped, shown and opened, verified, and revoked when the register records a death", async () => {
    const issued = await call<IssuedLicenceBody>(server, 'POST', '/api/v1/licences', {
      token: authority.token,
      body: {
        type: 'residence-permit',
        holder: { idNumber: citizen.idNumber },
        claims: permitClaims({ id_number: citizen.idNumber, name: citizen.name }),
      },
    });
    expect(issued.status).toBe(201);
    const id = issued.body.id;
    const [issue] = await entriesWhere(server.app, about('licence.issue', id));
    expect(issue).toMatchObject({
      actor: { kind: 'client', id: authority.clientId },
      client: authority.clientId,
      subject: citizenIndex,
      details: { type: 'residence-permit' },
    });
    expect(issue.requestId).toMatch(REQUEST_ID);

    for (const step of ['suspend', 'reinstate'] as const) {
      const answer = await call(server, 'POST', `/api/v1/licences/${id}/${step}`, { token: authority.token, body: { reason: '核查' } });
      expect(answer.status).toBe(200);
      const [entry] = await entriesWhere(server.app, about(`licence.${step}`, id));
      expect(entry).toMatchObject({ actor: { kind: 'client', id: authority.clientId }, subject: citizenIndex, outcome: 'success' });
      expect(entry.requestId).toMatch(REQUEST_ID);
    }

    const file = await fetch(`${server.url}/api/v1/licences/${id}/file`, { headers: { authorization: `Bearer ${authority.token}` } });
    expect(file.status).toBe(200);
    const [stamp] = await entriesWhere(server.app, (e) => e.action === 'seal.stamp' && e.details?.licence === id);
    expect(stamp).toMatchObject({ actor: { kind: 'client', id: authority.clientId }, subject: citizenIndex, client: authority.clientId });
    const [authoritySeal] = await entriesWhere(server.app, about('seal.make', stamp.object));
    expect(authoritySeal.actor).toEqual({ kind: 'system', id: 'tongban:licence-files' });

    // 亮证: the citizen signs in to a holder's app, shows the licence, someone opens it, the citizen ends it.
    const app: Portal = await registerPortal(server, { scope: 'openid licences', subject_type: 'public' });
    const resource = `${server.url}/api`;
    const request = await authorizationRequest(app, { scope: 'openid licences', resource });
    const callback = await signIn(new UserAgent(server.url), app, request, citizen);
    const holder = (
      await client.authorizationCodeGrant(
        app.config,
        callback,
        { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
        { resource },
      )
    ).access_token;
    const share = await call<{ id: string; url: string }>(server, 'POST', `/api/v1/me/licences/${id}/shares`, {
      token: holder,
      body: { disclose: ['name'], ttlSeconds: 60 },
    });
    expect(share.status).toBe(201);
    const [created] = await entriesWhere(server.app, (e) => about('licence.share.create', id)(e));
    expect(created).toMatchObject({ actor: { kind: 'account', id: citizen.accountId }, subject: citizenIndex, client: app.clientId });
    expect(created.details).toMatchObject({ share: share.body.id, disclosed: 'name' });

    const opened = await fetch(share.body.url.replace(/^https?:\/\/[^/]+/, server.url));
    expect(opened.status).toBe(200);
    const [open] = await entriesWhere(server.app, about('licence.share.open', id));
    expect(open).toMatchObject({ actor: { kind: 'system', id: 'anonymous' }, subject: citizenIndex, outcome: 'success' });
    expect(open.details).toMatchObject({ share: share.body.id, result: 'shown' });
    expect(open.requestId).toMatch(REQUEST_ID);

    const ended = await call(server, 'DELETE', `/api/v1/me/licences/${id}/shares/${share.body.id}`, { token: holder });
    expect(ended.status).toBe(200);
    expect(await entriesWhere(server.app, about('licence.share.withdraw', id))).toHaveLength(1);

    // Verified by identifier and by the credential (the ID number disclosed): the holder named by blind index both times.
    const byId = await call<{ indication: string }>(server, 'POST', '/api/v1/verify/licence', { token: tokens.verifier, body: { id } });
    expect(byId.body.indication).toBe('TOTAL_PASSED');
    const byCredential = await call<{ indication: string }>(server, 'POST', '/api/v1/verify/batch', {
      token: tokens.verifier,
      body: { items: [{ kind: 'licence', credential: issued.body.credential }] },
    });
    expect(byCredential.status).toBe(200);
    const verified = await entriesWhere(
      server.app,
      (e) => e.action === 'verify' && e.details?.kind === 'licence' && e.actor.id === ids.verifier,
      2,
    );
    expect(verified.map((e) => e.subject)).toEqual([citizenIndex, citizenIndex]);
    expect(verified[0]).toMatchObject({ object: id, details: { indication: 'TOTAL_PASSED', licenceType: 'residence-permit' } });

    // The population register records the citizen's death: the licence is revoked by the register.
    const dead = await call(server, 'POST', '/api/v1/registry/citizens', {
      token: tokens.registrar,
      body: [{ id_number: citizen.idNumber, name: citizen.name, status: 'deceased' }],
    });
    expect(dead.status).toBe(200);
    const [revoked] = await entriesWhere(server.app, about('licence.revoke', id));
    expect(revoked).toMatchObject({ actor: { kind: 'system', id: 'registry' }, subject: citizenIndex });
    const [deathImport] = await entriesWhere(
      server.app,
      (e) => about('registry.import')(e) && e.object === 'citizens' && e.actor.id === ids.registrar,
    );
    expect(deathImport.details).toMatchObject({ read: 1, updated: 1 });
  });

  it('client changes: added and removed over the API by a client with clients:write', async () => {
    const clientId = `audit-portal-${Math.random().toString(36).slice(2, 8)}`;
    const added = await call(server, 'POST', '/api/v1/clients', {
      token: tokens.admin,
      body: { client_id: clientId, redirect_uris: ['https://portal.example/cb'], scope: 'openid profile' },
    });
    expect(added.status).toBe(201);
    const removed = await call(server, 'DELETE', `/api/v1/clients/${clientId}`, { token: tokens.admin });
    expect(removed.status).toBe(204);
    const [add] = await entriesWhere(server.app, about('client.add', clientId));
    expect(add).toMatchObject({ actor: { kind: 'client', id: ids.admin }, client: clientId, details: { scope: 'openid profile' } });
    expect(add.requestId).toMatch(REQUEST_ID);
    const [remove] = await entriesWhere(server.app, about('client.remove', clientId));
    expect(remove).toMatchObject({ actor: { kind: 'client', id: ids.admin }, client: clientId });
  });

  it('no entry holds an ID number, a name or an address', async () => {
    const entries = await allEntries(server.app);
    for (const secret of [citizen.idNumber, citizen.name, REPRESENTATIVE, ADDRESS])
      expect(entries.filter((e) => e.raw.includes(secret)).map((e) => e.action)).toEqual([]);
  });
});
