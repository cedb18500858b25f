import '../support/silent.js';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuditModule } from '../../src/audit/audit.module.js';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import type { AppConfig } from '../../src/config/config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { KeysModule } from '../../src/keys/keys.module.js';

@Module({})
class AuditContextModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AuditContextModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot({ role: 'test', migrate: true }), KeysModule, AuditModule],
    };
  }
}

/** The audit module on the test's database and keys, without HTTP (one "replica" per call on PostgreSQL). */
export async function openAudit(config: AppConfig): Promise<INestApplicationContext & { sql: DataSource }> {
  const app = await NestFactory.createApplicationContext(AuditContextModule.forRoot(config), { logger: false, abortOnError: false });
  await app.init();
  return Object.assign(app, { sql: app.get(DataSource) });
}

/** A plausible event, numbered so a test can tell them apart. */
export function event(n: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    action: 'signin',
    actor: { kind: 'account', id: `acct-${n}` },
    outcome: 'success',
    object: `obj-${n}`,
    subject: { kind: 'account', id: `acct-${n % 7}` },
    client: 'demo-portal',
    requestId: `req-${n}`,
    details: { acr: 'loa:2', n, mfa: n % 2 === 0, note: null },
    ...extra,
  };
}
