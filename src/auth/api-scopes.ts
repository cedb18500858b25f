/**
 * Scopes of tongban's own API (the resource `PUBLIC_URL/api`), granted to service clients through
 * the client-credentials grant and checked by the API guard. `tokens:introspect` marks a resource
 * server allowed to introspect tokens issued to other clients. `account` is the citizen's own
 * API (e.g. granting enterprise agents), in tokens of first-party clients whose `sub` is the
 * account itself. `licences` is a holder's own licences (`/api/v1/me/licences`: the list with the
 * credentials, the files, 亮证 shares), in the tokens of a holder's app — a client with public
 * subjects, whose `sub` names the citizen's account or the enterprise session.
 */
export const API_SCOPES = [
  'registry:write',
  'clients:write',
  'verify',
  'licence:issue',
  'seal:make',
  'tokens:introspect',
  'account',
  'licences',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export function apiResource(publicUrl: string): string {
  return `${publicUrl}/api`;
}
