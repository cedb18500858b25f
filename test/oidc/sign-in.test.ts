import { AccountsService } from '../../src/accounts/accounts.service.js';
import { totpCode, totpStep } from '../../src/accounts/totp.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import { authorizationRequest, client, registerPortal, signIn, signInForTokens, stopAtPortal, type Portal } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { formOn, UserAgent, type Page } from '../support/user-agent.js';

/** Opens the sign-in page of a fresh authorization request. */
async function loginPage(ua: UserAgent, portal: Portal, parameters: Record<string, string> = {}): Promise<Page> {
  const page = await ua.open((await authorizationRequest(portal, parameters)).url.href, { stopAt: stopAtPortal(portal) });
  expect(page.html).toContain('name="password"');
  return page;
}

/** Enables TOTP for a citizen; returns its secret and the next usable time step. */
async function enableTotp(server: TestServer, citizen: TestCitizen): Promise<{ secret: string; nextStep: () => number }> {
  const accounts = server.app.get(AccountsService);
  const { secret } = await accounts.startTotpEnrolment(citizen.accountId);
  let step = totpStep(Date.now());
  await accounts.confirmTotpEnrolment(citizen.accountId, totpCode(secret, step));
  // Each code works once; the window accepts the next step too, so a test can sign in once more.
  return { secret, nextStep: () => ++step };
}

describe(`sign-in pages on ${backend}`, () => {
  let server: TestServer;
  let portal: Portal;
  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    portal = await registerPortal(server, { client_name: '示范门户' });
  });
  afterAll(() => server.close());

  it('serves an accessible login form in zh-CN, and in English on request', async () => {
    const ua = new UserAgent(server.url);
    const page = await loginPage(ua, portal);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.html).toMatch(/<html lang="zh-CN">/);
    expect(page.html).toMatch(/<label for="id_number"/);
    expect(page.html).toMatch(/<input[^>]*id="id_number"[^>]*name="id_number"|<input[^>]*name="id_number"[^>]*id="id_number"/);
    expect(page.html).toContain('示范门户');
    // Nothing from elsewhere: the one script is tongban's own show-password enhancement.
    expect(page.html).not.toMatch(
      /<script(?! src="\/assets\/password-toggle\.js\?v=[\w-]+" defer><\/script>)|<link(?! rel="icon" href="\/favicon.svg")|src="https?:/,
    );
    const english = await ua.open(`${page.url}?lang=en`);
    expect(english.html).toMatch(/<html lang="en">/);
    expect(ua.cookie('tongban_lang')).toBe('en');
  });

  it('names the portal in the page’s language on the sign-in, consent and error pages (client_name#en)', async () => {
    const bilingual = await registerPortal(server, { client_name: '双语示范网站', 'client_name#en': 'Bilingual demo site' });
    const citizen = await newCitizen(server.app);
    for (const [lang, name, other] of [
      ['zh-CN', '双语示范网站', 'Bilingual demo site'],
      ['en', 'Bilingual demo site', '双语示范网站'],
    ] as const) {
      const ua = new UserAgent(server.url);
      const login = await ua.open(`${(await loginPage(ua, bilingual)).url}?lang=${lang}`);
      expect(login.html).toContain(name);
      expect(login.html).not.toContain(other);
      const consent = await ua.fill(
        login,
        '/login',
        { id_number: citizen.idNumber, password: citizen.password },
        { stopAt: stopAtPortal(bilingual) },
      );
      expect(consent.html).toContain('/confirm"');
      expect(consent.html).toContain(name);
      expect(consent.html).not.toContain(other);
    }
  });

  it('says only that the ID number or password is wrong', async () => {
    const citizen = await newCitizen(server.app);
    const ua = new UserAgent(server.url);
    const wrong = await ua.fill(await loginPage(ua, portal), '/login', { id_number: citizen.idNumber, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toMatch(/role="alert"[^>]*><p>身份证号或密码不正确/);
    // The number typed goes back into its field (the answer to the citizen's own POST), and nowhere else.
    expect(wrong.html.split(citizen.idNumber)).toHaveLength(2);
    expect(wrong.html).toMatch(new RegExp(`<input[^>]*name="id_number"[^>]*value="${citizen.idNumber}"`));
    const unknown = makeCitizenId({ region: '650102', sequence: 999 });
    const nobody = await ua.fill(await loginPage(ua, portal), '/login', { id_number: unknown, password: 'whatever-1' });
    expect(nobody.status).toBe(401);
    // The same page, attempts left included, but for the number typed.
    expect(stripUid(nobody.html).replace(unknown, 'ID')).toBe(stripUid(wrong.html).replace(citizen.idNumber, 'ID'));
  });

  it('locks an ID number for 15 minutes after 5 failures, whether or not an account exists', async () => {
    const citizen = await newCitizen(server.app);
    const unknown = makeCitizenId({ region: '650102', birthDate: '1977-07-07', sequence: 123 });
    for (const idNumber of [citizen.idNumber, unknown]) {
      const ua = new UserAgent(server.url);
      const statuses: number[] = [];
      let page!: Page;
      for (let attempt = 0; attempt < 5; attempt++) {
        page = await ua.fill(await loginPage(ua, portal), '/login', { id_number: idNumber, password: `wrong-${attempt}` });
        statuses.push(page.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 423]);
      expect(page.html).toMatch(/15\s*分钟/);
      expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    const ua = new UserAgent(server.url);
    const right = await ua.fill(
      await loginPage(ua, portal),
      '/login',
      { id_number: citizen.idNumber, password: citizen.password },
      { stopAt: stopAtPortal(portal) },
    );
    expect(right.status).toBe(423);
  });

  it('refuses a form without its CSRF token, and signs nobody in', async () => {
    const citizen = await newCitizen(server.app);
    const ua = new UserAgent(server.url);
    const page = await loginPage(ua, portal);
    const { action } = formOn(page, '/login');
    const refused = await ua.submit(
      new URL(action, page.url).href,
      { id_number: citizen.idNumber, password: citizen.password },
      { stopAt: stopAtPortal(portal) },
    );
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('name="password"');
    const forged = await ua.submit(
      new URL(action, page.url).href,
      { csrf: 'forged', id_number: citizen.idNumber, password: citizen.password },
      { stopAt: stopAtPortal(portal) },
    );
    expect(forged.status).toBe(403);
    const silent = await ua.open((await authorizationRequest(portal, { prompt: 'none' })).url.href, { stopAt: stopAtPortal(portal) });
    expect(new URL(silent.url).searchParams.get('error')).toBe('login_required');
  });

  it('asks for a one-time code when a portal asks for loa:2, and says so in the ID token', async () => {
    const citizen = await newCitizen(server.app);
    const totp = await enableTotp(server, citizen);
    const ua = new UserAgent(server.url);
    const request = await authorizationRequest(portal, { acr_values: 'urn:tongban:loa:2' });
    let page = await ua.open(request.url.href, { stopAt: stopAtPortal(portal) });
    page = await ua.fill(page, '/login', { id_number: citizen.idNumber, password: citizen.password }, { stopAt: stopAtPortal(portal) });
    expect(page.html).toContain('name="code"');
    const wrong = await ua.fill(page, '/otp', { code: '000000' }, { stopAt: stopAtPortal(portal) });
    expect(wrong.status).toBe(401);
    page = await ua.fill(wrong, '/otp', { code: totpCode(totp.secret, totp.nextStep()) }, { stopAt: stopAtPortal(portal) });
    if (page.url.includes('/interaction/')) page = await ua.fill(page, '/confirm', { remember: '1' }, { stopAt: stopAtPortal(portal) });
    const tokens = await client.authorizationCodeGrant(portal.config, new URL(page.url), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()).toMatchObject({ acr: 'urn:tongban:loa:2', amr: ['pwd', 'otp'] });
  });

  it('steps an existing loa:1 session up with the code alone, for a client that requires loa:2', async () => {
    const citizen = await newCitizen(server.app);
    const strict = await registerPortal(server, { minimum_loa: 2 });
    const ua = new UserAgent(server.url);
    // A loa:1 session from before two-step sign-in was turned on (once on, every password sign-in asks for the code).
    await signInForTokens(ua, portal, {}, citizen);
    const totp = await enableTotp(server, citizen);
    const request = await authorizationRequest(strict);
    let page = await ua.open(request.url.href, { stopAt: stopAtPortal(strict) });
    expect(page.html).not.toContain('name="password"');
    expect(page.html).toContain('name="code"');
    page = await ua.fill(page, '/otp', { code: totpCode(totp.secret, totp.nextStep()) }, { stopAt: stopAtPortal(strict) });
    if (page.url.includes('/interaction/')) page = await ua.fill(page, '/confirm', {}, { stopAt: stopAtPortal(strict) });
    const tokens = await client.authorizationCodeGrant(strict.config, new URL(page.url), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()!.acr).toBe('urn:tongban:loa:2');
  });

  it('tells the portal when loa:2 is asked of an account without a second factor', async () => {
    const citizen = await newCitizen(server.app);
    const ua = new UserAgent(server.url);
    const page = await ua.fill(
      await loginPage(ua, portal, { acr_values: 'urn:tongban:loa:2' }),
      '/login',
      { id_number: citizen.idNumber, password: citizen.password },
      { stopAt: stopAtPortal(portal) },
    );
    expect(new URL(page.url).searchParams.get('error')).toBe('unmet_authentication_requirements');
  });

  it('remembers consent per portal unless unticked, and the citizen can withdraw it', async () => {
    const citizen = await newCitizen(server.app);
    const remembered = await registerPortal(server);
    const once = await registerPortal(server);
    await signIn(new UserAgent(server.url), remembered, await authorizationRequest(remembered), citizen, { remember: true });
    await signIn(new UserAgent(server.url), once, await authorizationRequest(once), citizen, { remember: false });

    const consentShown = async (p: Portal) => {
      const ua = new UserAgent(server.url);
      const page = await ua.fill(
        await loginPage(ua, p),
        '/login',
        { id_number: citizen.idNumber, password: citizen.password },
        { stopAt: stopAtPortal(p) },
      );
      return page.url.includes('/interaction/') && page.html.includes('/confirm"');
    };
    expect(await consentShown(remembered)).toBe(false);
    expect(await consentShown(once)).toBe(true);

    // Withdraw on the account page: the portal's tokens die and it must ask again.
    const ua = new UserAgent(server.url);
    const tokens = await signInForTokens(ua, remembered, { scope: 'openid offline_access', prompt: 'consent' }, citizen);
    const account = await ua.open('/account');
    expect(account.html).toContain(remembered.clientId);
    const after = await ua.fill(account, `/account/consents/${remembered.clientId}/withdraw`, {});
    expect(after.url).toMatch(/\/account\?done=consent_withdrawn$/);
    await expect(client.refreshTokenGrant(remembered.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await consentShown(remembered)).toBe(true);
  });

  it('lets a signed-in citizen change the password on the account page', async () => {
    const citizen = await newCitizen(server.app);
    const ua = new UserAgent(server.url);
    let page = await ua.open('/account');
    expect(page.html).toContain('name="password"'); // signs in first, as the first-party account client
    page = await ua.fill(page, '/login', { id_number: citizen.idNumber, password: citizen.password });
    expect(page.url).toBe(`${server.url}/account`);
    expect(page.html).toContain(citizen.name);
    const wrong = await ua.fill(page, '/account/password', {
      current_password: 'nope-nope-nope',
      new_password: 'Brand-New-Secret-42',
      new_password_confirm: 'Brand-New-Secret-42',
    });
    expect(wrong.status).toBe(403);
    const weak = await ua.fill(page, '/account/password', {
      current_password: citizen.password,
      new_password: 'password',
      new_password_confirm: 'password',
    });
    expect(weak.status).toBe(400);
    const changed = await ua.fill(page, '/account/password', {
      current_password: citizen.password,
      new_password: 'Brand-New-Secret-42',
      new_password_confirm: 'Brand-New-Secret-42',
    });
    expect(changed.url).toMatch(/done=password_changed$/);
    const missingCsrf = await ua.submit(`${server.url}/account/password`, {
      current_password: 'Brand-New-Secret-42',
      new_password: 'Another-New-Secret-43',
      new_password_confirm: 'Another-New-Secret-43',
    });
    expect(missingCsrf.status).toBe(403);

    const fresh = new UserAgent(server.url);
    const old = await fresh.fill(
      await loginPage(fresh, portal),
      '/login',
      { id_number: citizen.idNumber, password: citizen.password },
      { stopAt: stopAtPortal(portal) },
    );
    expect(old.status).toBe(401);
    await signIn(fresh, portal, await authorizationRequest(portal), { ...citizen, password: 'Brand-New-Secret-42' });
  });

  it('enrols TOTP from the account page with a QR code and the secret', async () => {
    const citizen = await newCitizen(server.app);
    const ua = new UserAgent(server.url);
    let page = await ua.fill(await ua.open('/account'), '/login', { id_number: citizen.idNumber, password: citizen.password });
    page = await ua.fill(page, '/account/totp/start', {});
    expect(page.html).toMatch(/<svg[\s\S]*<\/svg>/);
    const secret = /([A-Z2-7]{4}(?: [A-Z2-7]{1,4}){7,})/.exec(page.html)?.[1]?.replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const wrong = await ua.fill(page, '/account/totp/confirm', { code: '000000' });
    expect(wrong.status).toBe(400);
    page = await ua.fill(page, '/account/totp/confirm', { code: totpCode(secret!, totpStep(Date.now())) });
    expect(page.status).toBe(200);
    expect(page.html).toContain('两步验证已开启');
    expect(page.html.match(/<li><code>[0-9a-z]{5}-[0-9a-z]{5}<\/code><\/li>/g)).toHaveLength(10); // the recovery codes, this once
    expect((await server.app.get(AccountsService).findById(citizen.accountId))?.totpEnabled).toBe(true);
  });

  it('registers a citizen whose ID number and name match the registry', async () => {
    const citizen = await newCitizen(server.app, { account: false });
    const ua = new UserAgent(server.url);
    const form = await ua.open('/register');
    expect(form.html).toContain('name="password_confirm"');
    const mismatch = await ua.fill(form, '/register', {
      id_number: citizen.idNumber,
      name: '别人',
      password: 'Good-Password-2026',
      password_confirm: 'Good-Password-2026',
      accept_terms: 'yes',
    });
    expect(mismatch.status).toBe(422);
    const done = await ua.fill(form, '/register', {
      id_number: citizen.idNumber,
      name: citizen.name,
      password: 'Good-Password-2026',
      password_confirm: 'Good-Password-2026',
      accept_terms: 'yes',
    });
    expect(done.url).toContain('/register/done'); // 注册成功, then on to the account page
    expect(done.html).toContain('注册成功');
    expect(await server.app.get(AccountsService).findByIdNumber(citizen.idNumber)).not.toBeNull();
    const noCsrf = await new UserAgent(server.url).submit(`${server.url}/register`, {
      id_number: citizen.idNumber,
      name: citizen.name,
      password: 'x',
      password_confirm: 'x',
    });
    expect(noCsrf.status).toBe(403);
  });
});

describe(`an expired sign-in request on ${backend}`, () => {
  let server: TestServer;
  // Long enough for the sign-in page to load on a busy CI machine (at 1 s it sometimes expired first).
  beforeAll(async () => (server = await startTestServer({ DEMO: '1', OIDC_INTERACTION_TTL_SECONDS: '4' })));
  afterAll(() => server.close());

  it('is answered with an error page, not a sign-in', async () => {
    const portal = await registerPortal(server);
    const citizen = await newCitizen(server.app);
    const ua = new UserAgent(server.url);
    const page = await loginPage(ua, portal);
    await new Promise((resolve) => setTimeout(resolve, 4200));
    const late = await ua.fill(
      page,
      '/login',
      { id_number: citizen.idNumber, password: citizen.password },
      { stopAt: stopAtPortal(portal) },
    );
    expect(late.status).toBe(400);
    // In plain words, never the code.
    expect(late.html).toContain('登录请求已过期');
    expect(late.html).not.toContain('interaction_expired');
    expect(late.html).not.toContain('name="password"');
  });
});

function stripUid(html: string): string {
  return html
    .replace(/\/interaction\/[\w-]+/g, '/interaction/UID')
    .replace(/\/register\?return=[\w-]+/g, '/register?return=UID')
    .replace(/name="csrf" value="[^"]*"/g, '');
}
