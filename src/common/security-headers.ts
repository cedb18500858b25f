import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet from 'helmet';

/**
 * helmet's headers, worked out once and set on every response (oidc-provider's and the OCSP
 * responder's included: they are set on the Node response, which those write to directly).
 * Running helmet per request rebuilt the same Content-Security-Policy string every time.
 * form-action is left out of the CSP: a sign-in form's POST ends in a redirect to the portal,
 * which browsers would otherwise block.
 */
export function securityHeadersHook() {
  const headers: Array<[string, string]> = [];
  const collector = {
    setHeader: (name: string, value: string) => void headers.push([name, value]),
    removeHeader: () => undefined,
  };
  helmet({ contentSecurityPolicy: { useDefaults: true, directives: { 'form-action': null } } })(
    {} as never,
    collector as never,
    () => undefined,
  );
  return (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  };
}
