import { LICENCE_ID_EXAMPLE } from '../../src/licences/issuance/licences.dto.js';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import {
  authorizationRequest,
  CHEN,
  client,
  registerPortal,
  registerService,
  signIn,
  type Credentials,
  type Portal,
} from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';

/** The demo enterprise whose legal representative is 陈伟 (CHEN). */
const ENTERPRISE = DEMO_ENTERPRISES[0];

/** What these tests read in the API's answers. */
interface Entry {
  seq: number;
  time: string;
  kind: string;
  action: string;
  outcome: string;
  summary: { zh: string; en: string };
  note?: { zh: string; en: string };
  portal?: { clientId: string; name: { zh: string; en: string } };
  level?: { acr: string; loa: number };
  enterprise?: { uscc: string; name: string | null };
  agent?: { name: string | null };
  licenceId?: string;
}
interface Answer {
  entries: Entry[];
  nextBefore?: number;
  error: string;
  details: Array<{ field: string; problems: string[] }>;
}

/**
 * GET /api/v1/me/access-log (issue 14 §4): a citizen's own token (scope `account`) reads the
 * entries concerning them, newest first, in pages, each in plain words with the portal's name and
 * a sign-in's level; the legal representative sees their enterprise's too, with who acted for it;
 * nobody sees another person's. The entries are appended straight through AuditService, beside
 * the ones the sign-ins made for the tokens record themselves.
 */
describe(`the citizen's access log API on ${backend}`, () => {
  let server: TestServer;
  let audit: AuditService;
  let accountConsole: Portal;
  let portal: Portal;
  let alice: TestCitizen;
  let bob: TestCitizen;
  let aliceToken: string;
  let bobToken: string;

  /** A citizen access token for tongban's API, as the account console gets one. */
  async function citizenToken(who: Credentials, scope = 'openid account'): Promise<string> {
    const request = await authorizationRequest(accountConsole, { scope, resource: `${server.url}/api` });
    const callback = await signIn(new UserAgent(server.url), accountConsole, request, who);
    const tokens = await client.authorizationCodeGrant(
      accountConsole.config,
      callback,
      { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
      { resource: `${server.url}/api` },
    );
    return tokens.access_token;
  }

  async function get(query: string, token?: string): Promise<{ status: number; body: Answer; headers: Headers }> {
    const response = await fetch(`${server.url}/api/v1/me/access-log${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: response.status, body: (await response.json()) as Answer, headers: response.headers };
  }

  /** Every entry of the token's log, page by page (`limit` each), checking the pages follow on. */
  async function all(token: string, limit = 100): Promise<Entry[]> {
    const entries: Entry[] = [];
    let before: number | undefined;
    for (let page = 0; page < 50; page++) {
      const answer = await get(`?limit=${limit}${before !== undefined ? `&before=${before}` : ''}`, token);
      expect(answer.status).toBe(200);
      expect(answer.body.entries.length).toBeLessThanOrEqual(limit);
      entries.push(...answer.body.entries);
      if (answer.body.nextBefore === undefined) return entries;
      expect(answer.body.nextBefore).toBe(answer.body.entries.at(-1)!.seq);
      before = answer.body.nextBefore;
    }
    throw new Error('more than 50 pages');
  }

  const append = (event: AuditEvent) => audit.append(event).then((r) => r.seq);

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    audit = server.app.get(AuditService);
    const config = await client.discovery(new URL(server.url), 'tongban-account', undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    accountConsole = { clientId: 'tongban-account', secret: '', redirectUri: `${server.url}/account/callback`, config };
    portal = await registerPortal(server, { client_name: '测试政务门户', 'client_name#en': 'Test government portal' });
    alice = await newCitizen(server.app);
    bob = await newCitizen(server.app);
    aliceToken = await citizenToken(alice);
    bobToken = await citizenToken(bob);
  }, 120_000);
  afterAll(() => server?.close());

  it("lists the citizen's entries newest first, each in words with the portal's name and a sign-in's level", async () => {
    const account = { kind: 'account', id: alice.accountId } as const;
    const signin = await append({
      action: 'signin',
      actor: account,
      subject: account,
      client: portal.clientId,
      outcome: 'success',
      details: { acr: 'urn:tongban:loa:2', amr: 'pwd otp' },
    });
    const release = await append({
      action: 'claim.id_number.release',
      actor: { kind: 'client', id: portal.clientId },
      subject: account,
      client: portal.clientId,
      outcome: 'success',
      details: { use: 'userinfo' },
    });
    // A failed sign-in with the ID number, recorded under its blind index (as for a number with no account).
    const failed = await append({
      action: 'signin',
      actor: { kind: 'system', id: 'anonymous' },
      subject: (await audit.citizenSubjects(alice.idNumber))[0],
      client: portal.clientId,
      outcome: 'failure',
      details: { reason: 'invalid' },
    });
    const operator = await append({
      action: 'operator.command',
      actor: { kind: 'operator', id: 'ops' },
      subject: account,
      outcome: 'success',
      object: 'accounts unlock',
    });
    // A portal renewing its tokens is not listed.
    const refresh = await append({
      action: 'token.grant',
      actor: { kind: 'client', id: portal.clientId },
      subject: account,
      client: portal.clientId,
      outcome: 'success',
      details: { grant_type: 'refresh_token' },
    });

    const answer = await get('', aliceToken);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const { entries } = answer.body;
    const seqs = entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(seqs).not.toContain(refresh);
    const bySeq = new Map(entries.map((e) => [e.seq, e]));
    expect(seqs.slice(0, 4)).toEqual([operator, failed, release, signin]);

    expect(bySeq.get(signin)).toEqual({
      seq: signin,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      kind: 'signin',
      action: 'signin',
      outcome: 'success',
      summary: {
        zh: expect.stringMatching(/^测试政务门户 于 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d 以“较高”级别为您登录。$/),
        en: expect.stringMatching(/^On .+, Test government portal signed you in at the higher level\.$/),
      },
      portal: { clientId: portal.clientId, name: { zh: '测试政务门户', en: 'Test government portal' } },
      level: { acr: 'urn:tongban:loa:2', loa: 2 },
    });
    expect(Date.now() - Date.parse(bySeq.get(signin)!.time)).toBeLessThan(120_000);
    expect(bySeq.get(release)).toMatchObject({ kind: 'id_number_release', summary: { zh: expect.stringContaining('获得了您的身份证号') } });
    expect(bySeq.get(failed)).toMatchObject({
      kind: 'signin',
      outcome: 'failure',
      summary: { en: expect.stringContaining('someone tried to sign in to Test government portal with your ID number') },
      note: { zh: expect.stringContaining('修改密码') },
    });
    expect(bySeq.get(failed)!.level).toBeUndefined();
    expect(bySeq.get(operator)).toMatchObject({ kind: 'operator_action', summary: { zh: expect.stringContaining('通办的工作人员') } });
    // The sign-in that got the token is there too, recorded by the provider (the account console signed Alice in).
    expect(entries.some((e) => e.kind === 'signin' && e.portal?.clientId === 'tongban-account')).toBe(true);
    // No protocol codes and never the ID number in the words.
    const text = JSON.stringify(entries.map((e) => [e.summary, e.note]));
    expect(text).not.toContain(alice.idNumber);
    expect(text).not.toMatch(/urn:|acr|amr|id_number|loa/);
  });

  it('pages: `before` is the cursor, `limit` the size; the pages follow on without a gap or a repeat', async () => {
    const account = { kind: 'account', id: alice.accountId } as const;
    const appended: number[] = [];
    for (let i = 0; i < 23; i++)
      appended.push(
        await append({
          action: 'verify',
          actor: { kind: 'client', id: portal.clientId },
          subject: account,
          client: portal.clientId,
          object: LICENCE_ID_EXAMPLE,
          outcome: 'success',
        }),
      );
    const first = await get('?limit=10', aliceToken);
    expect(first.body.entries.map((e) => e.seq)).toEqual([...appended].reverse().slice(0, 10));
    expect(first.body.nextBefore).toBe(appended[13]);
    expect(first.body.entries[0]).toMatchObject({
      kind: 'licence_verified',
      licenceId: LICENCE_ID_EXAMPLE,
      summary: { en: expect.stringContaining('checked your electronic licence') },
    });
    const second = await get(`?limit=10&before=${first.body.nextBefore}`, aliceToken);
    expect(second.body.entries.map((e) => e.seq)).toEqual([...appended].reverse().slice(10, 20));

    const everything = await all(aliceToken, 7);
    const seqs = everything.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    for (const seq of appended) expect(seqs).toContain(seq);
    // The default page is 20.
    expect((await get('', aliceToken)).body.entries).toHaveLength(20);
  });

  it("never lists another citizen's entries: each reads only their own", async () => {
    const aliceOnly = await append({
      action: 'claim.id_number.release',
      actor: { kind: 'client', id: portal.clientId },
      subject: { kind: 'account', id: alice.accountId },
      client: portal.clientId,
      outcome: 'success',
    });
    const bobOnly = await append({
      action: 'licence.share.open',
      actor: { kind: 'system', id: 'share-page' },
      subject: { kind: 'account', id: bob.accountId },
      outcome: 'success',
    });
    const bobsIndex = await append({
      action: 'signin',
      actor: { kind: 'system', id: 'anonymous' },
      subject: (await audit.citizenSubjects(bob.idNumber))[0],
      client: portal.clientId,
      outcome: 'failure',
    });
    const aliceSeqs = (await all(aliceToken)).map((e) => e.seq);
    const bobEntries = await all(bobToken);
    const bobSeqs = bobEntries.map((e) => e.seq);
    expect(aliceSeqs).toContain(aliceOnly);
    expect(aliceSeqs).not.toContain(bobOnly);
    expect(aliceSeqs).not.toContain(bobsIndex);
    expect(bobSeqs).toEqual(expect.arrayContaining([bobOnly, bobsIndex]));
    expect(bobSeqs).not.toContain(aliceOnly);
    expect(aliceSeqs.filter((seq) => bobSeqs.includes(seq))).toEqual([]);
    expect(bobEntries.find((e) => e.seq === bobOnly)).toMatchObject({ kind: 'share_opened' });
    // A query cannot name whose log to read.
    expect((await get(`?subject=${alice.accountId}`, bobToken)).status).toBe(400);
  });

  it("the legal representative sees the enterprise's entries, with who signed in for it; the agent's own log does not", async () => {
    const chenToken = await citizenToken(CHEN);
    const agent = await newCitizen(server.app);
    const agentToken = await citizenToken(agent);
    const forEnterprise = await append({
      action: 'signin',
      actor: { kind: 'account', id: agent.accountId },
      subject: { kind: 'enterprise', uscc: ENTERPRISE.uscc },
      client: portal.clientId,
      outcome: 'success',
      details: { acr: 'urn:tongban:loa:3', amr: 'swk' },
    });
    const chens = await all(chenToken);
    expect(chens.find((e) => e.seq === forEnterprise)).toMatchObject({
      kind: 'signin',
      enterprise: { uscc: ENTERPRISE.uscc, name: ENTERPRISE.name },
      agent: { name: agent.name },
      level: { loa: 3 },
      summary: {
        zh: expect.stringMatching(new RegExp(`^${agent.name} 于 .+ 代表${ENTERPRISE.name}以“高”级别登录 测试政务门户。$`)),
        en: expect.stringContaining(`${agent.name} signed in to Test government portal for ${ENTERPRISE.name} at the high level`),
      },
    });
    expect((await all(agentToken)).map((e) => e.seq)).not.toContain(forEnterprise);
    expect((await all(aliceToken)).map((e) => e.seq)).not.toContain(forEnterprise);
  });

  it('refuses `before` and `limit` that are not whole numbers in range, with the stable error body', async () => {
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=ten', 'limit'],
      ['?limit=2.5', 'limit'],
      ['?limit=', 'limit'],
      ['?before=-1', 'before'],
      ['?before=abc', 'before'],
      ['?before=1&before=2', 'before'],
      ['?before=0', 'before'],
    ] as const) {
      const answer = await get(query, aliceToken);
      expect({ query, status: answer.status, error: answer.body.error }).toEqual({ query, status: 400, error: 'validation_failed' });
      expect(answer.body.details.map((d) => d.field)).toEqual([field]);
    }
    expect((await get('?limit=100', aliceToken)).status).toBe(200);
  });

  it('needs a citizen token with the scope `account`', async () => {
    const none = await get('');
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_token');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const withoutScope = await citizenToken(alice, 'openid');
    const refused = await get('', withoutScope);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');

    const service = await registerService(server, 'verify');
    const grant = await client.clientCredentialsGrant(service.config, { scope: 'verify', resource: `${server.url}/api` });
    const servicesAnswer = await get('', grant.access_token);
    expect(servicesAnswer.status).toBe(403);
    expect(servicesAnswer.body.error).toBe('insufficient_scope');
  });
});
