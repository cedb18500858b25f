import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from './app.js';
import { serveOperations } from './cli/control-server.js';
import { isEmbedded, type AppConfig } from './config/config.js';
import { DatabaseService } from './database/database.service.js';
import { DemoService } from './demo/demo.service.js';
import { KeyStore } from './keys/keystore.service.js';

/** Starts the service: HTTP on PORT, the control socket for the CLI, graceful shutdown on SIGTERM/SIGINT. */
export async function startService(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createApp(config);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // In-flight requests get SHUTDOWN_TIMEOUT_SECONDS to finish; then the process goes anyway.
      setTimeout(() => process.exit(1), config.shutdownTimeoutSeconds * 1000).unref();
    });
  }
  await app.listen(config.port, config.host);
  const database = app.get(DatabaseService);
  if (database.lock) serveOperations(app, database.lock);
  process.stdout.write(banner(app, config).join('\n') + '\n');
  return app;
}

function banner(app: NestFastifyApplication, config: AppConfig): string[] {
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const database = isEmbedded(config)
    ? `embedded PostgreSQL (PGlite) in ${config.dataDir}/pg`
    : `PostgreSQL at ${redact(config.databaseUrl!)}`;
  const lines = [
    '',
    `tongban is running at http://localhost:${port}  (issuer ${config.publicUrl})`,
    `  database   ${database}`,
    `  keys       ${app.get(KeyStore).list().length} keys in ${config.keysDir}`,
    `  API docs   http://localhost:${port}/api/docs     health: /health/ready   metrics: /metrics`,
    `  try        curl http://localhost:${port}/api/v1/identifiers/citizen-id/11010519491231002X`,
    `  CLI        npx tongban --help   (works while the service runs, in another terminal)`,
  ];
  if (config.demo) lines.push('', ...app.get(DemoService).describe(config.publicUrl));
  return [...lines, ''];
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}
