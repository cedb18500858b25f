import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module.js';
import { ErrorBodyFilter, fastifyError } from './common/error-body.filter.js';
import { apiDocumentConfig } from './common/openapi.js';
import { securityHeadersHook } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import { MetricsService } from './health/metrics.service.js';
import { accessLogHook, createRootLogger } from './logging/logging.js';
import { NestPinoLogger } from './logging/nest-logger.js';
import { OidcProviderService } from './oidc/oidc-provider.service.js';
import { answerMalformedOcsp, isOcspGetUrl } from './pki/ocsp-http.js';
import { VERIFY_BODY_LIMITS } from './verification/verify-requests.js';

/** Request bodies: 1 MB for JSON, 64 kB for forms, 20 MB for registry imports (a JSON array of rows), 15–16 MiB for documents to verify. */
const JSON_LIMIT = 1024 * 1024;
const FORM_LIMIT = 64 * 1024;
const REGISTRY_IMPORT_LIMIT = 20 * 1024 * 1024;

/**
 * Builds the HTTP application (not yet listening): used by main.ts and by the tests.
 * Nest runs on Fastify: on this 2-core machine a Nest route on Fastify answers about 2.5× the
 * calls per second of the same route on Express (docs/decisions.md, "HTTP server").
 */
export async function createApp(
  config: AppConfig,
  logger: PinoLogger = createRootLogger(config.logLevel, undefined, config.logFormat),
): Promise<NestFastifyApplication> {
  const securityHeaders = securityHeadersHook();
  const adapter = new FastifyAdapter({
    // false, true, a hop count or a list of addresses/CIDRs, as proxy-addr reads them (Fastify takes a count too).
    trustProxy: config.trustProxy as boolean | string,
    bodyLimit: JSON_LIMIT,
    forceCloseConnections: true,
    // Route parameters here are identifiers, USCCs, serials and OCSP requests in the URL.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    // A URL the router cannot decode is refused before any hook runs: still with the security
    // headers, as the JSON 400 `malformed_url` (fastifyError), or as OCSP malformedRequest on the OCSP GET path.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      securityHeaders(request, reply, () => undefined);
      if (isOcspGetUrl(request.url)) return void answerMalformedOcsp(reply);
      const refused = fastifyError(error) ?? { status: 400, body: { error: 'bad_request', message: 'the request was refused' } };
      void reply.code(refused.status).send(refused.body);
    },
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1/registry/')) route.bodyLimit = REGISTRY_IMPORT_LIMIT;
    else if (Object.hasOwn(VERIFY_BODY_LIMITS, route.url)) route.bodyLimit = VERIFY_BODY_LIMITS[route.url];
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    // Nest's own lines through the root logger (masked like the rest); the request log is accessLogHook.
    logger: new NestPinoLogger(logger),
  });
  const metrics = app.get(MetricsService);
  fastify.addHook(
    'onRequest',
    accessLogHook(logger, (method, route, status, seconds) => metrics.observe(method, route, status, seconds)),
  );
  fastify.addHook('onRequest', securityHeaders);
  await app.register(fastifyCookie);
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: FORM_LIMIT });
  // oidc-provider reads its own request bodies: its paths are routes whose bodies Fastify leaves unread.
  app.get(OidcProviderService).mount(fastify);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorBodyFilter());

  const openApi = apiDocumentConfig(config.publicUrl);
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
