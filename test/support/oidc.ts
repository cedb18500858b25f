import * as client from 'openid-client';
import { DEMO_PASSWORD } from '../../src/accounts/demo-accounts.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-data.js';
import { ClientsService, type ClientRegistration } from '../../src/clients/clients.service.js';
import type { TestServer } from './server.js';
import { type UserAgent, type Page } from './user-agent.js';

/** The demo citizens with accounts (DEMO=1 in the test server), and their password. */
export interface Credentials {
  idNumber: string;
  password: string;
}

export const ZHANG = { idNumber: DEMO_CITIZENS[1].id_number, name: DEMO_CITIZENS[1].name, password: DEMO_PASSWORD };
export const CHEN = { idNumber: DEMO_CITIZENS[0].id_number, name: DEMO_CITIZENS[0].name, password: DEMO_PASSWORD };
export const LI = { idNumber: DEMO_CITIZENS[2].id_number, name: DEMO_CITIZENS[2].name, password: DEMO_PASSWORD };

export interface Portal {
  clientId: string;
  secret: string;
  redirectUri: string;
  config: client.Configuration;
}

let counter = 0;

/** Registers a portal client (client_secret_basic) and discovers the issuer with openid-client. */
export async function registerPortal(server: TestServer, overrides: Partial<ClientRegistration> = {}): Promise<Portal> {
  const clientId = overrides.client_id ?? `portal-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
  const redirectUri = overrides.redirect_uris?.[0] ?? `${server.url}/test-callback/${clientId}`;
  const registered = await server.app.get(ClientsService).register({
    client_id: clientId,
    redirect_uris: [redirectUri],
    scope: 'openid profile offline_access',
    sector: clientId,
    ...overrides,
  });
  const secret = registered.client_secret!;
  const config = await client.discovery(new URL(server.url), clientId, undefined, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
  return { clientId, secret, redirectUri, config };
}

/** Registers a service client (client credentials) with the given API scopes. */
export async function registerService(server: TestServer, scope: string): Promise<Portal> {
  const clientId = `service-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
  const { client_secret } = await server.app.get(ClientsService).register({ client_id: clientId, scope });
  const config = await client.discovery(new URL(server.url), clientId, undefined, client.ClientSecretBasic(client_secret), {
    execute: [client.allowInsecureRequests],
  });
  return { clientId, secret: client_secret!, redirectUri: '', config };
}

export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(portal: Portal, parameters: Record<string, string> = {}): Promise<AuthorizationRequest> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(portal.config, {
    redirect_uri: portal.redirectUri,
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...parameters,
  });
  return { url, verifier, state, nonce };
}

/** Follows the browser until it reaches the portal's redirect URI (without requesting it). */
export function stopAtPortal(portal: Portal) {
  return (url: URL) => url.href.startsWith(portal.redirectUri);
}

/**
 * The whole browser side of a sign-in: opens the authorization URL, signs in if asked, consents
 * if asked, and returns the URL the OP sent the browser back to.
 */
export async function signIn(
  ua: UserAgent,
  portal: Portal,
  request: AuthorizationRequest,
  who: Credentials = ZHANG,
  options: { remember?: boolean } = {},
): Promise<URL> {
  let page: Page = await ua.open(request.url.href, { stopAt: stopAtPortal(portal) });
  if (page.url.includes('/interaction/') && page.html.includes('name="password"')) {
    page = await ua.fill(page, '/login', { id_number: who.idNumber, password: who.password }, { stopAt: stopAtPortal(portal) });
  }
  if (page.url.includes('/interaction/') && page.html.includes('/confirm"')) {
    page = await ua.fill(page, '/confirm', options.remember === false ? {} : { remember: '1' }, { stopAt: stopAtPortal(portal) });
  }
  if (!page.url.startsWith(portal.redirectUri))
    throw new Error(`the sign-in did not return to the portal: ${page.url} (${page.status})\n${page.html.slice(0, 1500)}`);
  return new URL(page.url);
}

/** Sign in and redeem the code: the tokens a portal would hold. */
export async function signInForTokens(ua: UserAgent, portal: Portal, parameters: Record<string, string> = {}, who: Credentials = ZHANG) {
  const request = await authorizationRequest(portal, parameters);
  const callback = await signIn(ua, portal, request, who);
  return client.authorizationCodeGrant(portal.config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
}

export { client };
