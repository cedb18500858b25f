import type Provider from 'oidc-provider';

/**
 * "不是您？" (not you?) on the consent page: the person signed in in this browser is not the one
 * at the keyboard. Their session ends first — exactly as oidc-provider's own "sign out
 * everywhere" ends it (end_session confirm with logout=yes): every portal of the session is told
 * by back-channel logout, each grant that does not outlive logout is revoked with its tokens, and
 * the session is destroyed — so nothing of theirs stays usable in this browser even if nobody
 * signs in afterwards. Then the portal's authorization request starts again with prompt=login,
 * and whoever signs in continues to the same portal.
 */
export async function endSession(
  provider: Provider,
  sessionUid: string,
  onError: (message: string) => void,
  /** Ends the session only when this says so (e.g. it is the asking person's own). */
  owned: (accountId: string | undefined) => boolean = () => true,
): Promise<PortalLogout[] | undefined> {
  const session = await provider.Session.findByUid(sessionUid);
  if (!session || !owned(session.accountId)) return undefined;
  const { accountId } = session;
  const outcome: PortalLogout[] = [];
  for (const [clientId, authorization] of Object.entries(session.authorizations ?? {})) {
    const client = await provider.Client.find(clientId).catch(() => undefined);
    const backchannel = client as unknown as
      { backchannelLogoutUri?: string; backchannelLogout?(sub: string, sid?: string): Promise<void> } | undefined;
    let told: PortalLogout['backchannel'] = 'none';
    if (accountId && backchannel?.backchannelLogoutUri && backchannel.backchannelLogout) {
      told = await backchannel.backchannelLogout(accountId, session.sidFor(clientId)).then(
        () => 'told' as const,
        (err: unknown) => {
          onError(`back-channel logout of ${clientId} failed: ${err instanceof Error ? err.message : String(err)}`);
          return 'failed' as const;
        },
      );
    }
    const grantId = authorization.grantId;
    if (grantId && !authorization.persistsLogout) {
      await Promise.all([
        provider.AccessToken.revokeByGrantId(grantId),
        provider.RefreshToken.revokeByGrantId(grantId),
        provider.AuthorizationCode.revokeByGrantId(grantId),
      ]);
      await (await provider.Grant.find(grantId))?.destroy();
    }
    outcome.push({ clientId, backchannel: told });
  }
  await session.destroy();
  return outcome;
}

/** What ending a session did for each portal signed in through it. */
export interface PortalLogout {
  clientId: string;
  /** told: its back-channel logout endpoint answered; failed: it did not; none: it registered none. */
  backchannel: 'told' | 'failed' | 'none';
}

/** Parameters of the original request that must not be sent again: they named the old session, or were one-time. */
const NOT_REPEATED = new Set(['prompt', 'login_hint', 'id_token_hint', 'request', 'request_uri']);

/**
 * The portal's authorization request again, from the parameters oidc-provider kept in the
 * interaction, with prompt=login: a fresh sign-in for the same portal, state and PKCE challenge
 * (so the portal's callback accepts the answer). Undefined for a portal that must send its
 * requests by PAR (FAPI 2.0): those cannot be repeated without the portal.
 */
export function restartWithLogin(
  params: Record<string, unknown>,
  client: { requirePushedAuthorizationRequests?: boolean; [key: string]: unknown } | undefined,
): string | undefined {
  if (!client || client.requirePushedAuthorizationRequests || client['tongban_fapi'] === '2.0') return undefined;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (NOT_REPEATED.has(name) || value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') query.append(name, String(item));
    }
  }
  query.set('prompt', 'login');
  return `/auth?${query.toString()}`;
}
