import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { errorPage } from '../pages/error.js';
import { sendPage } from '../pages/page-response.js';

/** Paths whose answers are for programs: they keep their JSON (or protocol) errors whatever the Accept header says. */
const MACHINE_PATHS = ['/api', '/pki', '/health', '/metrics', '/assets', '/.well-known'];

function isMachinePath(url: string): boolean {
  const path = url.split('?')[0];
  return MACHINE_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * Whether an error answer should be a page: a path outside the API (and the other machine
 * paths) requested by a browser, i.e. with text/html in Accept. Programs (curl, fetch, the
 * tests' HTTP clients) keep the JSON error body.
 */
export function wantsErrorPage(request: FastifyRequest): boolean {
  if (isMachinePath(request.url)) return false;
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes('text/html');
}

/** The request id the access log gave this request (X-Request-Id), the reference support asks for. */
export function requestIdOf(reply: FastifyReply): string | undefined {
  const id = reply.raw.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
}

/** Sends the styled error page for `code` (e.g. not_found), in the request's language. */
export function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, code: string): void {
  sendPage(request as HttpRequest, reply, status, (base) => errorPage({ ...base, error: code, requestId: requestIdOf(reply) }));
}
