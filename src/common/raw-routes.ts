import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Routes answered by a handler that speaks Node's http API itself (oidc-provider's Koa app).
 * Fastify routes them and runs its onRequest hooks (security headers, metrics, request log),
 * then leaves the request body unread and hands over the Node request and response.
 */
export function mountRawRoutes(
  fastify: FastifyInstance,
  urls: string[],
  handler: (req: IncomingMessage, res: ServerResponse, request: FastifyRequest) => void,
): void {
  void fastify.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    for (const url of urls) {
      scope.route({
        method: METHODS,
        url,
        exposeHeadRoute: false,
        handler: (request, reply) => {
          reply.hijack();
          handler(request.raw, reply.raw, request);
        },
      });
    }
    done();
  });
}
