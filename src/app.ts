import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module.js';
import { ErrorBodyFilter } from './common/error-body.filter.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import { MetricsService } from './health/metrics.service.js';
import { createRootLogger } from './logging/logging.js';

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
  app.use(app.get(MetricsService).middleware());
  app.use(helmet({ contentSecurityPolicy: { useDefaults: true, directives: { 'form-action': ["'self'"] } } }));
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
