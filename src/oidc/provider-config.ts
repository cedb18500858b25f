import { Logger } from '@nestjs/common';
import type { Configuration, ExternalSigningKey, KoaContextWithOIDC } from 'oidc-provider';
import { errors, interactionPolicy } from 'oidc-provider';
import type { AppConfig } from '../config/config.js';
import { API_SCOPES, apiResource } from '../auth/api-scopes.js';
import { ACR_VALUES, loaOf, requiredLoa } from './assurance.js';
import type { ConsentsService } from './consents.service.js';
import { isFirstParty } from '../clients/first-party-clients.js';
import { subjectFor } from './subjects.js';
import { requestIdOfContext } from './oidc-audit.js';
import type { OidcSecrets } from './oidc-secrets.js';
import { secondFactorOn, type AccountClaims } from './account-claims.js';
import { errorPage, langFromRequest, type Lang } from '../pages/index.js';
import { errorKind } from '../pages/error.js';
import { logoutPage, logoutPassingPage, logoutSuccessPage } from './pages/index.js';
import type { SignedInAs } from './pages/who.js';

export interface ProviderDependencies {
  config: AppConfig;
  adapter: Configuration['adapter'];
  signingKeys: ExternalSigningKey[];
  secrets: OidcSecrets;
  accounts: AccountClaims;
  consents: ConsentsService;
  /** A portal's name in the page's language (client_name#en …). */
  portalName: (clientId: string, lang: Lang) => Promise<string>;
}

/** Client metadata tongban adds to the standard set. */
export const EXTRA_CLIENT_METADATA = ['tongban_sector', 'tongban_minimum_loa', 'tongban_fapi'] as const;

export const CLAIMS_BY_SCOPE = {
  // acr and amr ride with openid so every ID token states how the person signed in (design §5).
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  profile: ['name'],
  id_number: ['id_number'],
  id_number_masked: ['id_number_masked'],
  enterprise: ['account_type', 'uscc', 'enterprise_name', 'act'],
  phone: ['phone_number', 'phone_number_verified'],
} as const;

/** oidc-provider's configuration (design §5). Everything stateful goes through `adapter`. */
export function buildProviderConfiguration(deps: ProviderDependencies): Configuration {
  const { config, secrets, accounts, consents, portalName } = deps;
  const api = apiResource(config.publicUrl);

  const policy = interactionPolicy.base();
  // A session whose account no longer resolves (a citizen marked deceased, an enterprise session
  // whose licence was revoked or whose agent was withdrawn) signs in again.
  policy
    .get('login')!
    .checks.add(
      new interactionPolicy.Check('account_gone', 'the signed-in account is no longer valid', (ctx) =>
        ctx.oidc.session?.accountId && !ctx.oidc.account
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT,
      ),
    );
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('loa_step_up', 'a higher level of assurance is required', (ctx) => {
      const { oidc } = ctx;
      if (!oidc.session?.accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      const needed = requiredLoa(oidc.params?.acr_values, oidc.client?.['tongban_minimum_loa']);
      const have = loaOf(oidc.result?.login?.acr ?? oidc.session.acr);
      if (have < needed) return interactionPolicy.Check.REQUEST_PROMPT;
      // Two-step sign-in once on is asked for everywhere: a session opened with the password alone
      // (before the citizen turned it on) gets the code asked for before it reaches another portal.
      const amr = oidc.result?.login?.amr ?? oidc.session.amr ?? [];
      return secondFactorOn(oidc.account) && !amr.includes('otp')
        ? interactionPolicy.Check.REQUEST_PROMPT
        : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );

  return {
    adapter: deps.adapter,
    clients: [],
    jwks: { keys: deps.signingKeys },
    findAccount: (ctx, sub) => accounts.find(sub, ctx.oidc.client, requestIdOfContext(ctx)),
    claims: { sid: null, ...CLAIMS_BY_SCOPE },
    scopes: ['openid', 'offline_access', ...Object.keys(CLAIMS_BY_SCOPE), ...API_SCOPES],
    acrValues: ACR_VALUES,
    // Code flow only (design §5); `none` is for the first-party account console, a public client with PKCE.
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt', 'none'],
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: (_ctx, accountId, client) => subjectFor(secrets.pairwiseSalt, subjectClient(client), accountId),
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
    },
    extraClientMetadata: {
      properties: [...EXTRA_CLIENT_METADATA],
      validator(_ctx, key, value) {
        if (value === undefined) return;
        if (key === 'tongban_sector' && (typeof value !== 'string' || !/^[\w.:-]{1,100}$/.test(value))) {
          throw new errors.InvalidClientMetadata('tongban_sector must be 1-100 characters of letters, digits, . : _ -');
        }
        if (key === 'tongban_minimum_loa' && ![1, 2, 3].includes(value as number))
          throw new errors.InvalidClientMetadata('tongban_minimum_loa must be 1, 2 or 3');
        if (key === 'tongban_fapi' && value !== '2.0') throw new errors.InvalidClientMetadata('tongban_fapi must be "2.0"');
      },
    },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    conformIdTokenClaims: true,
    // A session cookie lasts as long as the browser session (not persisted); the server-side
    // session ends after OIDC_SESSION_TTL_SECONDS at the latest.
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
      AuthorizationCode: 60,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
      IdToken: 600,
      Interaction: config.oidcInteractionTtlSeconds,
      Session: config.oidcSessionTtlSeconds,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
    },
    cookies: {
      keys: secrets.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy },
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      if (grantId) {
        const grant = await oidc.provider.Grant.find(grantId);
        if (grant) return grant;
      }
      const accountId = oidc.session?.accountId;
      if (!accountId) return undefined;
      if (isFirstParty(oidc.client!.clientId)) {
        const grant = new oidc.provider.Grant({ accountId, clientId: oidc.client!.clientId });
        grant.addOIDCScope('openid');
        grant.addResourceScope(api, 'account');
        await grant.save();
        return grant;
      }
      // A consent the citizen asked us to remember: a new session at this portal needs no prompt.
      const remembered = await consents.find(accountId, oidc.client!.clientId);
      if (!remembered) return undefined;
      const grant = new oidc.provider.Grant({ accountId, clientId: oidc.client!.clientId });
      grant.addOIDCScope(remembered.scope);
      if (remembered.claims.length) grant.addOIDCClaims(remembered.claims);
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // A client may introspect its own tokens; a resource server registered with the
      // tokens:introspect scope may introspect any. Revocation is for a token's own client only.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) =>
          token.clientId === client.clientId || (client.scope ?? '').split(' ').includes('tokens:introspect'),
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
      dPoP: { enabled: true, nonceSecret: secrets.dpopNonceSecret },
      fapi: { enabled: true, profile: (_ctx, client) => (client?.['tongban_fapi'] === '2.0' ? '2.0' : undefined) },
      externalSigningSupport: { enabled: true, ack: 'experimental-01' },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          const session = ctx.oidc.session!;
          const client = ctx.oidc.client;
          const siteIds = Object.keys(session.authorizations ?? {});
          // Whichever the choice, the browser comes to tongban's signed-out page first (it says
          // what happened); the portal's post_logout_redirect_uri (and, added by the provider,
          // its state) becomes that page's way back. The provider checked the URI against the
          // portal's registration before calling this; the page checks it again.
          const state = session.state as { postLogoutRedirectUri?: string };
          const success = new URL(ctx.oidc.urlFor('end_session_success'));
          if (client) success.searchParams.set('client_id', client.clientId);
          if (state.postLogoutRedirectUri) success.searchParams.set('return', state.postLogoutRedirectUri);
          if (siteIds.length) success.searchParams.set('sites', siteIds.slice(0, MAX_SITES).join(' '));
          state.postLogoutRedirectUri = success.href;
          const base = pageBase(ctx);
          const [who, sites, clientName] = await Promise.all([
            signedInAs(accounts, session.accountId),
            siteNames(ctx, siteIds, base.lang, portalName),
            client ? portalName(client.clientId, base.lang) : undefined,
          ]);
          ctx.type = 'html';
          ctx.body = logoutPage({ ...base, form, clientName, who, sites });
        },
        postLogoutSuccessSource: async (ctx) => {
          // What the page says is read from the browser's session now, so it is true on a reload too.
          const session = await ctx.oidc.provider.Session.get(ctx);
          const client = ctx.oidc.client;
          const query = ctx.query as Record<string, unknown>;
          let returnUrl: string | undefined;
          if (client && typeof query.return === 'string' && client.postLogoutRedirectUriAllowed(query.return)) {
            const url = new URL(query.return);
            if (typeof query.state === 'string') url.searchParams.set('state', query.state);
            returnUrl = url.href;
          }
          const page = pageBase(ctx);
          const clientName = client ? await portalName(client.clientId, page.lang) : undefined;
          const base = { ...page, clientName, returnUrl };
          ctx.type = 'html';
          if (!session.accountId) {
            const ids = typeof query.sites === 'string' ? query.sites.split(' ').slice(0, MAX_SITES) : [];
            ctx.body = logoutSuccessPage({
              ...base,
              outcome: 'signed_out',
              signedOutSites: await siteNames(ctx, ids, page.lang, portalName),
            });
            return;
          }
          const still = Object.keys(session.authorizations ?? {});
          const left = client !== undefined && !still.includes(client.clientId);
          ctx.body = logoutSuccessPage({
            ...base,
            outcome: left ? 'left_portal' : 'still_signed_in',
            who: await signedInAs(accounts, session.accountId),
            stillSignedInSites: await siteNames(ctx, still, page.lang, portalName),
          });
        },
      },
      resourceIndicators: {
        enabled: true,
        // Service clients asking for a token without naming a resource get one for tongban's API.
        defaultResource: (ctx, _client, oneOf) => {
          if (oneOf) return oneOf;
          return ctx.oidc.params?.grant_type === 'client_credentials' ? api : undefined;
        },
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== api) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPES.join(' '),
            audience: api,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    enabledJWA: {
      clientAuthSigningAlgValues: ['ES256', 'PS256', 'RS256', 'EdDSA'],
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      dPoPSigningAlgValues: ['ES256', 'PS256', 'RS256', 'EdDSA'],
      requestObjectSigningAlgValues: ['ES256', 'PS256', 'RS256', 'EdDSA'],
    },
    // Development and tests run portals on loopback addresses, which oidc-provider refuses to
    // call by default (SSRF protection). OIDC_FETCH_ALLOW_PRIVATE lifts that, nothing else.
    fetch: config.oidcFetchAllowPrivate
      ? (url, options) => globalThis.fetch(url, { ...options, dispatcher: undefined } as RequestInit)
      : (url, options) => globalThis.fetch(url, options),
    // Every error oidc-provider shows in the browser: plain words chosen by the code (never the
    // code itself), a way back to the portal when it is known, the request id as the reference;
    // the log line ties that reference to the code and the provider's description.
    renderError: async (ctx, out) => {
      const client = ctx.oidc?.client;
      const base = pageBase(ctx);
      const requestId = ctx.res.getHeader('x-request-id');
      const reference = typeof requestId === 'string' ? requestId : undefined;
      errorLogger.log(`error page for ${out.error} (${out.error_description ?? ''}), reference ${reference ?? '-'}`);
      // A sign-out request the provider refused is not a sign-in: its own words (the session is untouched).
      const signOut = ctx.oidc?.route?.startsWith('end_session') && errorKind(String(out.error)) === 'bad_request';
      ctx.type = 'html';
      ctx.body = errorPage({
        ...base,
        error: signOut ? 'logout_failed' : String(out.error),
        requestId: reference,
        portal: client ? { name: await portalName(client.clientId, base.lang), url: client.clientUri } : undefined,
      });
    },
  };
}

const errorLogger = new Logger('oidc');

/**
 * Koa middleware for the provider: a sign-out request when nobody is signed in to tongban in this
 * browser gets tongban's own page (in the page's language, passing itself on) instead of
 * oidc-provider's English "Submitting Callback" form, which is all it has for that case.
 */
export function passingLogoutPage() {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    const session = ctx.oidc?.session;
    if (ctx.oidc?.route !== 'end_session' || ctx.status !== 200 || !session || session.accountId) return;
    const xsrf = (session.state as { secret?: unknown } | undefined)?.secret;
    if (typeof xsrf !== 'string') return;
    ctx.type = 'html';
    ctx.body = logoutPassingPage({ ...pageBase(ctx), action: ctx.oidc.urlFor('end_session_confirm'), fields: { xsrf, logout: 'yes' } });
  };
}

/** At most this many portals are named on the sign-out pages (and carried in the signed-out page's URL). */
const MAX_SITES = 20;

/** Who a session belongs to, as the sign-out pages name them. */
async function signedInAs(accounts: AccountClaims, accountId: string | undefined): Promise<SignedInAs | undefined> {
  const account = accountId ? await accounts.find(accountId) : undefined;
  if (!account) return undefined;
  const claims = await account.claims('userinfo', 'openid profile id_number_masked enterprise', {}, []);
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  if (claims.account_type === 'enterprise') {
    const act = claims.act as { name?: unknown } | undefined;
    return { name: text(act?.name) ?? '', enterpriseName: text(claims.enterprise_name) };
  }
  return { name: text(claims.name) ?? '', idNumberMasked: text(claims.id_number_masked) };
}

/** The names of the portals with these client ids in the page's language (unknown ids left out). */
async function siteNames(
  ctx: KoaContextWithOIDC,
  clientIds: string[],
  lang: Lang,
  portalName: ProviderDependencies['portalName'],
): Promise<string[]> {
  const clients = await Promise.all(clientIds.map((id) => ctx.oidc.provider.Client.find(id).catch(() => undefined)));
  return Promise.all(clients.filter((client) => client !== undefined).map((client) => portalName(client.clientId, lang)));
}

function pageBase(ctx: KoaContextWithOIDC) {
  const lang = langFromRequest(ctx.query?.lang, ctx.cookies.get('tongban_lang'), ctx.get('accept-language'));
  const url = new URL(ctx.href);
  url.searchParams.set('lang', lang === 'en' ? 'zh-CN' : 'en');
  return { lang, switchLangUrl: url.pathname + url.search };
}

/** The parts of a client that decide the subjects it sees. */
export function subjectClient(client: { clientId: string; subjectType?: string; sectorIdentifier?: string; [key: string]: unknown }) {
  return {
    clientId: client.clientId,
    subjectType: client.subjectType,
    sectorIdentifier: client.sectorIdentifier,
    tongban_sector: client['tongban_sector'],
  };
}
