import { restartWithLogin } from '../../src/oidc/switch-account.js';

/** "不是您？": the portal's request again, with prompt=login, from what the interaction kept. */
describe('restartWithLogin', () => {
  const params = {
    client_id: 'portal-a',
    redirect_uri: 'https://a.example/cb',
    response_type: 'code',
    scope: 'openid profile',
    state: 's-1',
    nonce: 'n-1',
    code_challenge: 'c'.repeat(43),
    code_challenge_method: 'S256',
    acr_values: 'urn:tongban:loa:2',
    resource: ['https://api.example/', 'https://other.example/'],
    prompt: 'consent',
    login_hint: '110105********1239',
    id_token_hint: 'eyJ…',
    max_age: 600,
    ui_locales: undefined,
  };

  test('keeps the portal, its state, nonce and PKCE challenge; asks for a sign-in; drops hints naming the old session', () => {
    const url = new URL(restartWithLogin(params, { clientId: 'portal-a' })!, 'https://tongban.example');
    expect(url.pathname).toBe('/auth');
    const q = url.searchParams;
    expect(Object.fromEntries([...q.keys()].map((k) => [k, q.getAll(k)]))).toEqual({
      client_id: ['portal-a'],
      redirect_uri: ['https://a.example/cb'],
      response_type: ['code'],
      scope: ['openid profile'],
      state: ['s-1'],
      nonce: ['n-1'],
      code_challenge: ['c'.repeat(43)],
      code_challenge_method: ['S256'],
      acr_values: ['urn:tongban:loa:2'],
      resource: ['https://api.example/', 'https://other.example/'],
      max_age: ['600'],
      prompt: ['login'],
    });
  });

  test('a portal whose requests must come by PAR (or the FAPI 2.0 profile) cannot be restarted by tongban', () => {
    expect(restartWithLogin(params, { requirePushedAuthorizationRequests: true })).toBeUndefined();
    expect(restartWithLogin(params, { tongban_fapi: '2.0' })).toBeUndefined();
    expect(restartWithLogin(params, undefined)).toBeUndefined();
  });
});
