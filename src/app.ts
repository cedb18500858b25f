import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { json } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module.js';
import { ErrorBodyFilter } from './common/error-body.filter.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import { MetricsService } from './health/metrics.service.js';
import { createRootLogger } from './logging/logging.js';
import { OidcProviderService } from './oidc/oidc-provider.service.js';

/** Builds the HTTP application (not yet listening): used by main.ts and by the tests. */
export async function createApp(config: AppConfig, logger: PinoLogger = createRootLogger(config.logLevel)): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bufferLogs: true,
    bodyParser: false,
    forceCloseConnections: true,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.set('etag', false); // API answers are not cached by clients; hashing every body costs time
  app.use(app.get(MetricsService).middleware());
  // form-action is left out of the CSP: a sign-in form's POST ends in a redirect to the portal,
  // which browsers would otherwise block.
  app.use(helmet({ contentSecurityPolicy: { useDefaults: true, directives: { 'form-action': null } } }));
  app.use(cookieParser());
  // oidc-provider reads its own request bodies, so it goes before the body parsers.
  app.use(app.get(OidcProviderService).middleware());
  app.use('/api/v1/registry', json({ limit: '20mb' }));
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorBodyFilter());

  const openApi = new DocumentBuilder()
    .setTitle('tongban')
    .setDescription('Unified identity and electronic-certificate authority: identifiers, registry, OIDC, PKI, licences, seals, verification')
    .setVersion('0.1.0')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
