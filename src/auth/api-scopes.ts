/**
 * Scopes of tongban's own API (the resource `PUBLIC_URL/api`), granted to service clients through
 * the client-credentials grant and checked by the API guard.
 */
export const API_SCOPES = ['registry:write', 'clients:write', 'verify', 'licence:issue', 'seal:make'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export function apiResource(publicUrl: string): string {
  return `${publicUrl}/api`;
}
