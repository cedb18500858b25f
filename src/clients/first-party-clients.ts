import type { ClientMetadata } from 'oidc-provider';

/** tongban's own account pages sign citizens in like any portal, as this public client. */
export const ACCOUNT_CONSOLE_CLIENT = 'tongban-account';

export function accountConsoleClient(publicUrl: string): ClientMetadata {
  return {
    client_id: ACCOUNT_CONSOLE_CLIENT,
    client_name: '通办账户中心 · tongban account',
    // The account page and the sign-in history name it in the page's language (see client-names.ts).
    'client_name#zh-CN': '通办账户中心',
    'client_name#en': 'tongban account centre',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [`${publicUrl}/account/callback`],
    post_logout_redirect_uris: [`${publicUrl}/account`],
    scope: 'openid account',
    subject_type: 'public',
  };
}

/** First-party clients need no consent: the citizen is on tongban itself. */
export function isFirstParty(clientId: string): boolean {
  return clientId === ACCOUNT_CONSOLE_CLIENT;
}
