/**
 * The baseline of the `oidc` bench section, run as its own process (node dist/bench/bare-provider.js):
 * a bare oidc-provider with its default in-memory adapter and one static client, configured like
 * tongban where the measured endpoints are concerned — client_secret_basic, a JWT access token
 * (ES256) for the default resource of the client-credentials grant, rotating refresh tokens that
 * come with an ES256 ID token, opaque access tokens for userinfo and introspection.
 *
 * Refresh tokens and access tokens are minted directly through the provider's models (no sign-in
 * pages here) and printed, with the client's credentials, as one JSON line once it listens.
 *   BARE_PORT     port to listen on (127.0.0.1)
 *   BARE_TOKENS   how many refresh-token chains and access tokens to mint (default 32)
 */
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

const port = Number(process.env.BARE_PORT ?? 0);
const count = Number(process.env.BARE_TOKENS ?? 32);
const issuer = `http://127.0.0.1:${port}`;
const api = `${issuer}/api`;
const client = { client_id: 'bench', client_secret: 'bench-secret-bench-secret-bench-secret' };

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' };

const configuration: Configuration = {
  clients: [
    {
      ...client,
      grant_types: ['client_credentials', 'refresh_token', 'authorization_code'],
      response_types: ['code'],
      redirect_uris: [`${issuer}/callback`],
      scope: 'openid profile offline_access verify',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, name: '张三' }) }),
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], profile: ['name'] },
  scopes: ['openid', 'offline_access', 'profile', 'verify'],
  rotateRefreshToken: true,
  cookies: { keys: ['bench-cookie-key-bench-cookie-key'] },
  ttl: { AccessToken: 600, ClientCredentials: 600, IdToken: 600, RefreshToken: 14 * 24 * 3600, Grant: 14 * 24 * 3600 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, _client, oneOf) => oneOf ?? (ctx.oidc.params?.grant_type === 'client_credentials' ? api : undefined),
      useGrantedResource: () => false,
      getResourceServerInfo: () => ({
        scope: 'verify',
        audience: api,
        accessTokenTTL: 600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
};

// oidc-provider's development-only warnings (in-memory adapter, default settings) go to stderr,
// which the bench reads only when something fails.
const log = console.log;
console.log = (...args: unknown[]) => console.error(...args);
const provider = new Provider(issuer, configuration);
const handle = provider.callback();
const server = createServer((req, res) => void handle(req, res));
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

const registered = await provider.Client.find(client.client_id);
const refreshTokens: string[] = [];
const accessTokens: string[] = [];
for (let i = 0; i < count; i++) {
  const accountId = `account-${i % 4}`;
  const grant = new provider.Grant({ accountId, clientId: client.client_id });
  grant.addOIDCScope('openid profile offline_access');
  const grantId = await grant.save();
  const authTime = Math.floor(Date.now() / 1000);
  const common = { accountId, client: registered!, grantId, gty: 'authorization_code', scope: 'openid profile offline_access' };
  refreshTokens.push(await new provider.RefreshToken({ ...common, authTime, acr: 'urn:bench:loa:1', amr: ['pwd'] }).save());
  accessTokens.push(await new provider.AccessToken({ ...common, scope: 'openid profile' }).save());
}
log(JSON.stringify({ ready: true, issuer, clientId: client.client_id, clientSecret: client.client_secret, refreshTokens, accessTokens }));

process.on('SIGTERM', () => server.close(() => process.exit(0)));
