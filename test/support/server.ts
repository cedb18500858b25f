import './silent.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from 'node:net';
import { createApp } from '../../src/app.js';
import { createRootLogger } from '../../src/logging/logging.js';
import { isEmbedded } from '../../src/config/config.js';
import { makeTestEnv, seedEmbeddedStore, type TestEnv } from './test-env.js';

export interface TestServer {
  app: NestFastifyApplication;
  url: string;
  env: TestEnv;
  logs: string[];
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The whole service listening on a free port of 127.0.0.1, with PUBLIC_URL pointing at it, for
 * tests that talk to it like a portal would (openid-client, a browser).
 */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const env = await makeTestEnv({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    OIDC_FETCH_ALLOW_PRIVATE: '1',
    LOG_LEVEL: 'warn',
    ...overrides,
  });
  if (isEmbedded(env.config)) await seedEmbeddedStore(env.config.dataDir);
  const logs: string[] = [];
  const app = await createApp(env.config, createRootLogger(env.config.logLevel, { write: (line: string) => void logs.push(line) }));
  await app.listen(port, '127.0.0.1');
  return {
    app,
    url,
    env,
    logs,
    async close() {
      await app.close();
      await env.cleanup();
    },
  };
}
