import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

export interface PortalDefinition {
  /** URL segment: /demo/<slug> */
  slug: string;
  clientId: string;
  title: { 'zh-CN': string; en: string };
  sector: string;
  colour: string;
}

export interface PortalSession {
  id: string;
  /** Set once signed in. */
  user?: {
    sub: string;
    name?: string;
    idNumberMasked?: string;
    acr?: string;
    amr?: string[];
    sid?: string;
    idToken: string;
    /** When signed in for an enterprise (loa:3). */
    enterprise?: { uscc: string; name: string; act: { name?: string; role?: string; sub?: string } };
  };
  /** Pending authorization request. */
  pending?: { state: string; nonce: string; verifier: string };
  /** prompt=none has been tried in this browser session, so a failure is not retried in a loop. */
  triedSilent?: boolean;
}

/**
 * A small relying party, as a real government portal would be built: openid-client against
 * tongban's discovery document, code flow with PKCE, userinfo, RP-initiated logout and a
 * back-channel logout endpoint. Its sessions live in memory — it stands for a separate
 * application, not for tongban.
 */
export class DemoPortal {
  private configuration?: Promise<oidc.Configuration>;
  private readonly sessions = new Map<string, PortalSession>();

  constructor(
    readonly definition: PortalDefinition,
    private readonly issuer: string,
    private readonly clientSecret: string,
  ) {}

  get base(): string {
    return `/demo/${this.definition.slug}`;
  }

  get redirectUri(): string {
    return `${this.issuer}${this.base}/callback`;
  }

  /** Discovery happens on first use: at start-up the server is not listening yet. */
  config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(new URL(this.issuer), this.definition.clientId, undefined, oidc.ClientSecretBasic(this.clientSecret), {
        execute: this.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      })
      .catch((err) => {
        this.configuration = undefined;
        throw err;
      });
    return this.configuration;
  }

  session(id: string | undefined): PortalSession {
    const existing = id ? this.sessions.get(id) : undefined;
    if (existing) return existing;
    const created: PortalSession = { id: randomBytes(24).toString('base64url') };
    if (this.sessions.size > 10_000) this.sessions.clear();
    this.sessions.set(created.id, created);
    return created;
  }

  async authorizationUrl(session: PortalSession, options: { silent?: boolean; acr?: string; enterprise?: boolean } = {}): Promise<string> {
    const config = await this.config();
    const verifier = oidc.randomPKCECodeVerifier();
    session.pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier };
    const parameters: Record<string, string> = {
      redirect_uri: this.redirectUri,
      scope: options.enterprise ? 'openid profile enterprise' : 'openid profile id_number_masked',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: session.pending.state,
      nonce: session.pending.nonce,
    };
    if (options.silent) parameters.prompt = 'none';
    if (options.acr) parameters.acr_values = options.acr;
    return oidc.buildAuthorizationUrl(config, parameters).href;
  }

  /** Finishes the code flow; returns the OP's error code (e.g. login_required) instead of throwing for those. */
  async callback(session: PortalSession, currentUrl: URL): Promise<{ error?: string }> {
    const pending = session.pending;
    session.pending = undefined;
    const error = currentUrl.searchParams.get('error');
    if (error) return { error };
    if (!pending) return { error: 'no_pending_request' };
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
    });
    const claims = tokens.claims()!;
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    // The enterprise scope's claims come together; an enterprise session needs them as text.
    const { uscc, enterprise_name: enterpriseName } = userinfo;
    const enterprise = userinfo.account_type === 'enterprise' && typeof uscc === 'string' && typeof enterpriseName === 'string';
    session.user = {
      sub: claims.sub,
      name: userinfo.name,
      idNumberMasked: userinfo.id_number_masked as string | undefined,
      acr: claims.acr as string | undefined,
      amr: claims.amr as string[] | undefined,
      sid: claims.sid as string | undefined,
      idToken: tokens.id_token!,
      ...(enterprise
        ? { enterprise: { uscc, name: enterpriseName, act: userinfo.act as { name?: string; role?: string; sub?: string } } }
        : {}),
    };
    return {};
  }

  async logoutUrl(session: PortalSession): Promise<string> {
    const idToken = session.user?.idToken;
    session.user = undefined;
    const config = await this.config();
    return oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: `${this.issuer}${this.base}`,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).href;
  }

  /** OIDC Back-Channel Logout 1.0 §2.6: validate the logout token, then end the sessions it names. */
  async backchannelLogout(logoutToken: string): Promise<number> {
    const config = await this.config();
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(logoutToken, jwks, {
      issuer: config.serverMetadata().issuer,
      audience: this.definition.clientId,
      typ: 'logout+jwt',
      maxTokenAge: 120,
    });
    const events = payload.events as Record<string, unknown> | undefined;
    if (!events || !('http://schemas.openid.net/event/backchannel-logout' in events) || 'nonce' in payload)
      throw new Error('not a logout token');
    let ended = 0;
    for (const session of this.sessions.values()) {
      if (!session.user) continue;
      if ((payload.sid && session.user.sid === payload.sid) || (!payload.sid && payload.sub === session.user.sub)) {
        session.user = undefined;
        ended++;
      }
    }
    return ended;
  }
}
