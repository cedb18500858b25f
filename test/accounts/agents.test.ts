import { DataSource } from 'typeorm';
import { EnterpriseAgentsService } from '../../src/accounts/enterprise-agents.service.js';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { makeCitizenId, makeUscc } from '../../src/identifiers/generate.js';
import { maskCitizenId } from '../../src/identifiers/citizen-id.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import { CHEN, LI, ZHANG, authorizationRequest, client, registerService, signIn, type Credentials, type Portal } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';

const ACTIVE = DEMO_ENTERPRISES[0].uscc; // legal representative 陈伟 (CHEN)
const SUSPENDED = DEMO_ENTERPRISES[1].uscc; // legal representative 李娜 (LI)
const UNKNOWN = makeUscc({ organisationBody: 'MA7KQ3XW' });
const inDays = (days: number) => new Date(Date.now() + days * 86400_000).toISOString();

/** What these tests read in the API's answers: a grant, the list of grants, or an error (an empty answer reads as {}). */
interface Answer {
  id: string;
  role: string;
  status: string;
  expires_at: string;
  agents: Array<{ id: string; role: string; status: string }>;
  error: string;
  details: Array<{ field: string }>;
}

describe(`enterprise agents on ${backend}`, () => {
  let server: TestServer;
  let account: Portal;
  let agents: EnterpriseAgentsService;
  let chen: string;
  let zhang: string;
  let chenAccountId: string;

  /** A citizen access token for tongban's API (scope account), as the account console gets one. */
  async function citizenToken(who: Credentials, scope = 'openid account'): Promise<string> {
    const request = await authorizationRequest(account, { scope, resource: `${server.url}/api` });
    const callback = await signIn(new UserAgent(server.url), account, request, who);
    const tokens = await client.authorizationCodeGrant(
      account.config,
      callback,
      { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
      { resource: `${server.url}/api` },
    );
    return tokens.access_token;
  }

  async function call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: Answer; text: string }> {
    const response = await fetch(`${server.url}/api/v1/enterprises/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: (text ? JSON.parse(text) : {}) as Answer };
  }

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    agents = server.app.get(EnterpriseAgentsService);
    const config = await client.discovery(new URL(server.url), 'tongban-account', undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    account = { clientId: 'tongban-account', secret: '', redirectUri: `${server.url}/account/callback`, config };
    chen = await citizenToken(CHEN);
    zhang = await citizenToken(ZHANG);
    chenAccountId = JSON.parse(Buffer.from(chen.split('.')[1], 'base64url').toString()).sub;
  });
  afterAll(() => server?.close());

  it('the legal representative grants an agent → 201; the agent is then authorised with that role', async () => {
    const agent = await newCitizen(server.app);
    expect(await agents.authorisationFor(ACTIVE, agent.accountId)).toBeNull();
    const expiresAt = inDays(30);
    const granted = await call('POST', `${ACTIVE}/agents`, chen, { id_number: agent.idNumber, role: 'operator', expires_at: expiresAt });
    expect(granted.status).toBe(201);
    expect(granted.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      role: 'operator',
      status: 'active',
      expires_at: expiresAt,
      granted_at: expect.any(String),
      agent: { name: agent.name, id_number_masked: maskCitizenId(agent.idNumber) },
    });
    expect(granted.text).not.toContain(agent.idNumber);
    expect(await agents.authorisationFor(ACTIVE, agent.accountId)).toEqual({ role: 'operator' });

    // A second grant to the same person changes the standing one instead of adding another.
    const changed = await call('POST', `${ACTIVE}/agents`, chen, {
      id_number: agent.idNumber,
      role: 'administrator',
      expires_at: inDays(60),
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: granted.body.id, role: 'administrator' });
    expect(await agents.authorisationFor(ACTIVE, agent.accountId)).toEqual({ role: 'administrator' });
    const listed = await call('GET', `${ACTIVE}/agents`, chen);
    expect(listed.body.agents.filter((a: { id: string }) => a.id === granted.body.id)).toHaveLength(1);
  });

  it('authorisationFor: the legal representative from the register; nobody for an inactive enterprise or a stranger', async () => {
    expect(await agents.authorisationFor(ACTIVE, chenAccountId)).toEqual({ role: 'legal_representative' });
    expect(await agents.authorisationFor(ACTIVE.toLowerCase(), chenAccountId)).toEqual({ role: 'legal_representative' });
    const zhangId = JSON.parse(Buffer.from(zhang.split('.')[1], 'base64url').toString()).sub;
    expect(await agents.authorisationFor(ACTIVE, zhangId)).toBeNull();
    const li = await citizenToken(LI);
    const liId = JSON.parse(Buffer.from(li.split('.')[1], 'base64url').toString()).sub;
    expect(await agents.authorisationFor(SUSPENDED, liId)).toBeNull();
    expect(await agents.authorisationFor(UNKNOWN, chenAccountId)).toBeNull();
    expect(await agents.authorisationFor(ACTIVE, 'not-a-uuid')).toBeNull();
  });

  it('someone other than the legal representative → 403; an unknown enterprise → 404; a suspended one → 409', async () => {
    const agent = await newCitizen(server.app);
    const body = { id_number: agent.idNumber, role: 'operator', expires_at: inDays(30) };
    const byZhang = await call('POST', `${ACTIVE}/agents`, zhang, body);
    expect(byZhang.status).toBe(403);
    expect(byZhang.body.error).toBe('not_legal_representative');
    expect((await call('GET', `${ACTIVE}/agents`, zhang)).body.error).toBe('not_legal_representative');
    expect((await call('POST', `${UNKNOWN}/agents`, chen, body)).body).toMatchObject({ error: 'enterprise_not_found' });
    expect((await call('GET', `${UNKNOWN}/agents`, chen)).status).toBe(404);
    const li = await citizenToken(LI);
    const suspended = await call('POST', `${SUSPENDED}/agents`, li, body);
    expect([suspended.status, suspended.body.error]).toEqual([409, 'enterprise_not_active']);
    const self = await call('POST', `${ACTIVE}/agents`, chen, { ...body, id_number: CHEN.idNumber });
    expect([self.status, self.body.error]).toEqual([409, 'agent_is_legal_representative']);
    expect(await agents.authorisationFor(ACTIVE, agent.accountId)).toBeNull();
  });

  it('granting to a citizen without an account → 422 agent_has_no_account', async () => {
    const unregistered = await newCitizen(server.app, { account: false });
    const result = await call('POST', `${ACTIVE}/agents`, chen, {
      id_number: unregistered.idNumber,
      role: 'operator',
      expires_at: inDays(30),
    });
    expect(result.status).toBe(422);
    expect(result.body.error).toBe('agent_has_no_account');
    expect(result.text).not.toContain(unregistered.idNumber);
    const notInRegistry = await call('POST', `${ACTIVE}/agents`, chen, {
      id_number: makeCitizenId({ region: '650102', sequence: 999 }),
      role: 'operator',
      expires_at: inDays(30),
    });
    expect(notInRegistry.body.error).toBe('agent_has_no_account');
  });

  it('the list shows masked ID numbers and names only', async () => {
    const people: TestCitizen[] = [await newCitizen(server.app), await newCitizen(server.app)];
    for (const person of people) {
      expect(
        (await call('POST', `${ACTIVE}/agents`, chen, { id_number: person.idNumber, role: 'administrator', expires_at: inDays(90) }))
          .status,
      ).toBe(201);
    }
    const listed = await call('GET', `${ACTIVE}/agents`, chen);
    expect(listed.status).toBe(200);
    for (const person of people) {
      expect(listed.body.agents).toContainEqual(
        expect.objectContaining({
          role: 'administrator',
          status: 'active',
          agent: { name: person.name, id_number_masked: maskCitizenId(person.idNumber) },
        }),
      );
      expect(listed.text).not.toContain(person.idNumber);
    }
    for (const entry of listed.body.agents)
      expect(Object.keys(entry).sort()).toEqual(['agent', 'expires_at', 'granted_at', 'id', 'role', 'status']);
    expect(listed.text).not.toMatch(/\d{17}[\dX]/);
  });

  it('withdraw → 204, after which authorisationFor is null and the grant is gone from the list; twice → 404', async () => {
    const agent = await newCitizen(server.app);
    const granted = await call('POST', `${ACTIVE}/agents`, chen, { id_number: agent.idNumber, role: 'operator', expires_at: inDays(10) });
    expect(await agents.authorisationFor(ACTIVE, agent.accountId)).toEqual({ role: 'operator' });
    expect((await call('DELETE', `${ACTIVE}/agents/${granted.body.id}`, zhang)).status).toBe(403);
    const withdrawn = await call('DELETE', `${ACTIVE}/agents/${granted.body.id}`, chen);
    expect(withdrawn.status).toBe(204);
    expect(withdrawn.text).toBe('');
    expect(await agents.authorisationFor(ACTIVE, agent.accountId)).toBeNull();
    expect((await call('GET', `${ACTIVE}/agents`, chen)).body.agents.map((a: { id: string }) => a.id)).not.toContain(granted.body.id);
    const again = await call('DELETE', `${ACTIVE}/agents/${granted.body.id}`, chen);
    expect([again.status, again.body.error]).toEqual([404, 'agent_not_found']);
    // A new grant after a withdrawal is a new grant.
    const regranted = await call('POST', `${ACTIVE}/agents`, chen, { id_number: agent.idNumber, role: 'operator', expires_at: inDays(10) });
    expect(regranted.status).toBe(201);
    expect(regranted.body.id).not.toBe(granted.body.id);
  });

  it('an expired grant authorises nobody; the list marks it expired; a new grant renews it', async () => {
    const agent = await newCitizen(server.app);
    const granted = await call('POST', `${ACTIVE}/agents`, chen, {
      id_number: agent.idNumber,
      role: 'administrator',
      expires_at: inDays(5),
    });
    await server.app
      .get(DataSource)
      .query(`UPDATE accounts_enterprise_agents SET expires_at = now() - interval '1 minute' WHERE id = $1`, [granted.body.id]);
    expect(await agents.authorisationFor(ACTIVE, agent.accountId)).toBeNull();
    const listed = await call('GET', `${ACTIVE}/agents`, chen);
    expect(listed.body.agents.find((a: { id: string }) => a.id === granted.body.id)).toMatchObject({ status: 'expired' });
    const renewed = await call('POST', `${ACTIVE}/agents`, chen, { id_number: agent.idNumber, role: 'operator', expires_at: inDays(5) });
    expect([renewed.status, renewed.body.id]).toEqual([200, granted.body.id]);
    expect(await agents.authorisationFor(ACTIVE, agent.accountId)).toEqual({ role: 'operator' });
  });

  it("a token without the scope account, a service client's token or no token at all cannot call it", async () => {
    const noScope = await citizenToken(CHEN, 'openid');
    const withoutScope = await call('GET', `${ACTIVE}/agents`, noScope);
    expect([withoutScope.status, withoutScope.body.error]).toEqual([403, 'insufficient_scope']);

    const service = await registerService(server, 'registry:write');
    const serviceToken = (await client.clientCredentialsGrant(service.config, { scope: 'registry:write' })).access_token;
    expect((await call('GET', `${ACTIVE}/agents`, serviceToken)).body.error).toBe('insufficient_scope');
    // Even a service client allowed the scope `account` speaks for no citizen.
    const impostor = await registerService(server, 'account');
    const impostorToken = (await client.clientCredentialsGrant(impostor.config, { scope: 'account' })).access_token;
    const asService = await call('POST', `${ACTIVE}/agents`, impostorToken, {
      id_number: ZHANG.idNumber,
      role: 'operator',
      expires_at: inDays(5),
    });
    expect([asService.status, asService.body.error]).toEqual([403, 'citizen_token_required']);
    expect((await call('GET', `${ACTIVE}/agents`, '')).status).toBe(401);
  });

  it('malformed USCC, ID number, role or date → 400 validation_failed, without echoing the ID number', async () => {
    const agent = await newCitizen(server.app);
    const good = { id_number: agent.idNumber, role: 'operator', expires_at: inDays(30) };
    const badId = `${agent.idNumber.slice(0, 17)}${agent.idNumber.endsWith('0') ? '1' : '0'}`;
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', `${ACTIVE.slice(0, 17)}${ACTIVE.endsWith('0') ? '1' : '0'}/agents`, good, 'uscc'],
      ['GET', 'not-a-uscc/agents', undefined, 'uscc'],
      ['POST', `${ACTIVE}/agents`, { ...good, id_number: badId }, 'id_number'],
      ['POST', `${ACTIVE}/agents`, { ...good, role: 'owner' }, 'role'],
      ['POST', `${ACTIVE}/agents`, { ...good, expires_at: 'next year' }, 'expires_at'],
      ['POST', `${ACTIVE}/agents`, { ...good, expires_at: inDays(-1) }, 'expires_at'],
      ['POST', `${ACTIVE}/agents`, { ...good, expires_at: inDays(3 * 366) }, 'expires_at'],
      ['POST', `${ACTIVE}/agents`, { ...good, expires_at: '2030-02-30' }, 'expires_at'],
      ['POST', `${ACTIVE}/agents`, { ...good, expires_at: '2027-06-30T12:00:00' }, 'expires_at'],
      ['POST', `${ACTIVE}/agents`, { ...good, extra: 1 }, 'extra'],
      ['DELETE', `${ACTIVE}/agents/not-a-uuid`, undefined, 'id'],
    ];
    for (const [method, path, body, field] of cases) {
      const result = await call(method, path, chen, body);
      expect([method, path, field, result.status, result.body.error]).toEqual([method, path, field, 400, 'validation_failed']);
      expect(result.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(result.text).not.toContain(agent.idNumber);
      expect(result.text).not.toContain(badId);
    }
    // A date alone means through that day in China.
    const dated = await call('POST', `${ACTIVE}/agents`, chen, { ...good, expires_at: inDays(40).slice(0, 10) });
    expect(dated.status).toBe(201);
    expect(dated.body.expires_at).toBe(new Date(Date.parse(`${inDays(40).slice(0, 10)}T00:00:00+08:00`) + 86400_000).toISOString());
  });
});
