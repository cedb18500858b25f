import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet from 'helmet';

/**
 * Machine-to-machine answers (JSON API, PKI objects): the headers OWASP's REST security cheat
 * sheet lists for APIs. The browser-page headers (a full CSP, COOP, Origin-Agent-Cluster, …) mean
 * nothing to an API client and would add ~0.6 kB to every answer.
 */
const API_PREFIXES = ['/api/v1/', '/pki/'];
const API_HEADERS: Array<[string, string]> = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
];

/**
 * Security headers, worked out once and set on every response (oidc-provider's and the OCSP
 * responder's included: they are set on the Node response, which those write to directly).
 * Pages, the OpenID Connect endpoints and everything else get helmet's set (running helmet per
 * request rebuilt the same Content-Security-Policy string every time); form-action is left out of
 * its CSP: a sign-in form's POST ends in a redirect to the portal, which browsers would otherwise
 * block. The API gets API_HEADERS.
 */
export function securityHeadersHook() {
  const pageHeaders: Array<[string, string]> = [];
  const collector = {
    setHeader: (name: string, value: string) => void pageHeaders.push([name, value]),
    removeHeader: () => undefined,
  };
  helmet({ contentSecurityPolicy: { useDefaults: true, directives: { 'form-action': null } } })(
    {} as never,
    collector as never,
    () => undefined,
  );
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const url = request.url;
    const headers = API_PREFIXES.some((prefix) => url.startsWith(prefix)) ? API_HEADERS : pageHeaders;
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  };
}
