import './silent.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { createRootLogger } from '../../src/logging/logging.js';
import { isEmbedded } from '../../src/config/config.js';
import { makeTestEnv, seedEmbeddedStore, type TestEnv } from './test-env.js';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  env: TestEnv;
  /** Every log line the service wrote, as written (after masking). */
  logs: string[];
  close(): Promise<void>;
}

/** The whole HTTP service on its own database and keys, for supertest. */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const env = await makeTestEnv({ LOG_LEVEL: 'info', ...overrides });
  if (isEmbedded(env.config)) await seedEmbeddedStore(env.config.dataDir);
  const logs: string[] = [];
  const logger = createRootLogger(env.config.logLevel, { write: (line: string) => void logs.push(line) });
  const app = await createApp(env.config, logger);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: request(app.getHttpServer()),
    env,
    logs,
    async close() {
      await app.close();
      await env.cleanup();
    },
  };
}
