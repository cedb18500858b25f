import type { FastifyInstance, FastifyReply } from 'fastify';
import { OCSP_INTERNAL_ERROR, OCSP_MALFORMED_REQUEST, OCSP_MAX_REQUEST_BYTES } from './ocsp.js';

/**
 * The OCSP responder's HTTP side (RFC 6960 Appendix A):
 *   POST /pki/ocsp            body: the DER OCSPRequest (any content type, at most 16 kB)
 *   GET  /pki/ocsp/{request}  the URL-encoded base64 of the DER OCSPRequest
 * Every answer is 200 application/ocsp-response; whatever is wrong with the request — a body too
 * large, a broken percent-encoding, bytes that are not an OCSPRequest — gets the OCSP
 * malformedRequest response, because OCSP clients read OCSP answers, not JSON errors. The routes
 * live in their own Fastify scope, with a body parser and an error handler of their own.
 */
export function mountOcspRoutes(fastify: FastifyInstance, respond: (request: Buffer | undefined) => Promise<Buffer>): void {
  void fastify.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: OCSP_MAX_REQUEST_BYTES }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((_error, _request, reply) => answer(reply, Promise.resolve(OCSP_MALFORMED_REQUEST)));
    scope.post('/pki/ocsp', (request, reply) => answer(reply, respond(Buffer.isBuffer(request.body) ? request.body : undefined)));
    scope.get('/pki/ocsp/*', (request, reply) => answer(reply, respond(requestFromUrl(request.url))));
    done();
  });
}

/** Whether a URL the router could not decode is an OCSP GET (it gets malformedRequest, not a JSON 400). */
export function isOcspGetUrl(url: string): boolean {
  return url.startsWith('/pki/ocsp/');
}

/** Sends the OCSP malformedRequest answer. */
export function answerMalformedOcsp(reply: FastifyReply): Promise<FastifyReply> {
  return answer(reply, Promise.resolve(OCSP_MALFORMED_REQUEST));
}

async function answer(reply: FastifyReply, pending: Promise<Buffer>): Promise<FastifyReply> {
  const der = await pending.catch(() => OCSP_INTERNAL_ERROR);
  return reply.code(200).header('content-type', 'application/ocsp-response').header('cache-control', 'no-cache').send(der);
}

/** The DER request in the GET form's path, or undefined when it cannot be read. */
export function requestFromUrl(url: string): Buffer | undefined {
  const marker = '/pki/ocsp/';
  const at = url.indexOf(marker);
  if (at < 0) return undefined;
  let encoded = url.slice(at + marker.length).split('?')[0];
  try {
    encoded = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  // Some clients send base64url; plain base64 is the standard form.
  const base64 = encoded.replace(/-/g, '+').replace(/_/g, '/');
  if (!base64 || base64.length > OCSP_MAX_REQUEST_BYTES * 2 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  return Buffer.from(base64, 'base64');
}
