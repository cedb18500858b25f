import { AccountsService } from '../../src/accounts/accounts.service.js';
import { totpCode, totpStep } from '../../src/accounts/totp.js';
import type { AuditEntry } from '../../src/audit/audit-event.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { ConsentsService } from '../../src/oidc/consents.service.js';
import { newCitizen } from '../support/citizens.js';
import {
  authorizationRequest,
  client,
  registerPortal,
  registerService,
  signInForTokens,
  stopAtPortal,
  ZHANG,
  type Portal,
} from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { UserAgent } from '../support/user-agent.js';
import { allEntries, anyEntryContains, entriesWhere } from './events-support.js';

const REQUEST_ID = /^[\w.-]{1,64}$/;

describe(`audit entries of sign-in, consent and tokens (issue 14) on ${backend}`, () => {
  let server: TestServer;
  let portal: Portal;
  let zhangAccount: string;

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    portal = await registerPortal(server, { scope: 'openid profile id_number offline_access' });
    zhangAccount = (await server.app.get(AccountsService).findByIdNumber(ZHANG.idNumber))!.id;
  });
  afterAll(() => server.close());

  const of =
    (action: AuditEntry['action'], clientId = portal.clientId) =>
    (entry: AuditEntry) =>
      entry.action === action && entry.client === clientId;

  it('records the sign-in (acr, amr, portal, account), the consent, the code grant, the ID number released and the refresh', async () => {
    const tokens = await signInForTokens(new UserAgent(server.url), portal, {
      scope: 'openid profile id_number offline_access',
      prompt: 'consent',
    });
    const [signin] = await entriesWhere(server.app, (e) => of('signin')(e) && e.outcome === 'success');
    expect(signin).toMatchObject({
      actor: { kind: 'account', id: zhangAccount },
      subject: { kind: 'account', id: zhangAccount },
      client: portal.clientId,
      details: { acr: 'urn:tongban:loa:1', amr: 'pwd' },
    });
    expect(signin.requestId).toMatch(REQUEST_ID);

    const [consent] = await entriesWhere(server.app, of('consent.grant'));
    expect(consent).toMatchObject({
      actor: { kind: 'account', id: zhangAccount },
      subject: { kind: 'account', id: zhangAccount },
      outcome: 'success',
      details: { remembered: true },
    });
    expect(String(consent.details?.scope)).toContain('id_number');

    const [grant] = await entriesWhere(server.app, (e) => of('token.grant')(e) && e.details?.grant_type === 'authorization_code');
    expect(grant).toMatchObject({
      actor: { kind: 'client', id: portal.clientId },
      subject: { kind: 'account', id: zhangAccount },
      outcome: 'success',
    });
    expect(grant.requestId).toMatch(REQUEST_ID);

    const released = await entriesWhere(server.app, of('claim.id_number.release'));
    expect(released[0]).toMatchObject({
      actor: { kind: 'client', id: portal.clientId },
      subject: { kind: 'account', id: zhangAccount },
      details: { use: 'id_token' },
    });

    const refreshed = await client.refreshTokenGrant(portal.config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();
    const [refresh] = await entriesWhere(server.app, (e) => of('token.grant')(e) && e.details?.grant_type === 'refresh_token');
    expect(refresh).toMatchObject({ actor: { kind: 'client', id: portal.clientId }, subject: { kind: 'account', id: zhangAccount } });

    // userinfo releases the number again (each release is an entry).
    await client.fetchUserInfo(portal.config, refreshed.access_token, tokens.claims()!.sub);
    expect(await entriesWhere(server.app, (e) => of('claim.id_number.release')(e) && e.details?.use === 'userinfo')).toHaveLength(1);
    // A reused refresh token is refused, and that is recorded too.
    await expect(client.refreshTokenGrant(portal.config, tokens.refresh_token!)).rejects.toThrow();
    const [refused] = await entriesWhere(server.app, (e) => of('token.grant')(e) && e.outcome === 'refused');
    expect(refused.details).toMatchObject({ grant_type: 'refresh_token', error: 'invalid_grant' });
  });

  it('records a client-credentials grant with the client as actor and nobody as subject', async () => {
    const service = await registerService(server, 'verify');
    await client.clientCredentialsGrant(service.config, { scope: 'verify' });
    const [grant] = await entriesWhere(server.app, of('token.grant', service.clientId));
    expect(grant).toMatchObject({
      actor: { kind: 'client', id: service.clientId },
      outcome: 'success',
      details: { grant_type: 'client_credentials' },
    });
    expect(grant.subject).toBeUndefined();
  });

  it('records failed sign-ins: a wrong password under the account, an unknown ID number under its blind index only', async () => {
    const ua = new UserAgent(server.url);
    const request = await authorizationRequest(portal);
    const page = await ua.open(request.url.href, { stopAt: stopAtPortal(portal) });
    const wrong = await ua.fill(
      page,
      '/login',
      { id_number: ZHANG.idNumber, password: 'not-the-password-1' },
      { stopAt: stopAtPortal(portal) },
    );
    expect(wrong.status).toBe(401);
    const [failure] = await entriesWhere(server.app, (e) => of('signin')(e) && e.outcome === 'failure' && e.subject?.kind === 'account');
    expect(failure).toMatchObject({ subject: { kind: 'account', id: zhangAccount }, details: { reason: 'invalid' } });
    expect(failure.requestId).toMatch(REQUEST_ID);

    const unknown = makeCitizenId({ region: '110105', birthDate: '1970-01-01', sequence: 777 });
    await ua.fill(wrong, '/login', { id_number: unknown, password: 'whatever-it-is-1' }, { stopAt: stopAtPortal(portal) });
    const index = await server.app.get(AuditService).citizenSubject(unknown);
    const [stranger] = await entriesWhere(
      server.app,
      (e) => of('signin')(e) && e.subject?.kind === 'citizen-index' && e.subject.index === (index as { index: string }).index,
    );
    expect(stranger).toMatchObject({ outcome: 'failure', actor: { kind: 'system', id: 'anonymous' } });
    expect(await anyEntryContains(server.app, unknown)).toBe(false);
  });

  it('records two-step sign-in: enrolment, a wrong code, removal; consent withdrawn', async () => {
    const citizen = await newCitizen(server.app);
    const accounts = server.app.get(AccountsService);
    const { secret } = await accounts.startTotpEnrolment(citizen.accountId);
    const step = totpStep(Date.now());
    await accounts.confirmTotpEnrolment(citizen.accountId, totpCode(secret, step));
    const mine = (action: AuditEntry['action']) => (e: AuditEntry) =>
      e.action === action && e.subject?.kind === 'account' && e.subject.id === citizen.accountId;
    expect((await entriesWhere(server.app, mine('second-factor.enrol')))[0]).toMatchObject({
      actor: { kind: 'account', id: citizen.accountId },
      details: { method: 'totp' },
    });

    const ua = new UserAgent(server.url);
    const request = await authorizationRequest(portal);
    const first = await ua.open(request.url.href, { stopAt: stopAtPortal(portal) });
    const otp = await ua.fill(
      first,
      '/login',
      { id_number: citizen.idNumber, password: citizen.password },
      { stopAt: stopAtPortal(portal) },
    );
    const wrongCode = totpCode(secret, step + 40);
    await ua.fill(otp, '/otp', { code: wrongCode }, { stopAt: stopAtPortal(portal) });
    expect((await entriesWhere(server.app, mine('signin.second-factor')))[0]).toMatchObject({
      outcome: 'failure',
      client: portal.clientId,
      details: { method: 'otp', failures: 1 },
    });

    await accounts.disableTotp(citizen.accountId, totpCode(secret, step + 1));
    expect(await entriesWhere(server.app, mine('second-factor.remove'))).toHaveLength(1);

    // A consent remembered at sign-in, then withdrawn.
    await server.app.get(ConsentsService).remember(citizen.accountId, portal.clientId, 'openid profile', []);
    expect(await server.app.get(ConsentsService).withdraw(citizen.accountId, portal.clientId)).toBe(true);
    expect((await entriesWhere(server.app, mine('consent.withdraw')))[0]).toMatchObject({
      client: portal.clientId,
      actor: { kind: 'account', id: citizen.accountId },
      details: { remembered: true },
    });
    expect(await anyEntryContains(server.app, citizen.idNumber)).toBe(false);
  });

  it('records a sign-out from every portal', async () => {
    const ua = new UserAgent(server.url);
    const tokens = await signInForTokens(ua, portal);
    const confirm = await ua.open(client.buildEndSessionUrl(portal.config, { id_token_hint: tokens.id_token! }).href);
    expect(confirm.status).toBe(200);
    const done = await ua.fill(confirm, '/session/end/confirm', { logout: 'yes' });
    expect(new URL(done.url).pathname).toBe('/session/end/success');
    const [signout] = await entriesWhere(
      server.app,
      (e) => e.action === 'signout' && e.subject?.kind === 'account' && e.subject.id === zhangAccount,
    );
    expect(signout).toMatchObject({ actor: { kind: 'account', id: zhangAccount }, outcome: 'success', details: { everywhere: true } });
    expect(signout.requestId).toMatch(REQUEST_ID);
  });

  it('never stores a full ID number in any entry', async () => {
    const entries = await allEntries(server.app);
    expect(entries.length).toBeGreaterThan(5);
    expect(entries.some((e) => e.raw.includes(ZHANG.idNumber))).toBe(false);
  });
});
