import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyStore } from '../keys/keystore.service.js';
import { OperationError, type Operation } from './operations.js';

/**
 * `tongban audit verify` and `audit export` against the database (or inside the service holding
 * the embedded one, over its control socket). An export streams its lines as events.
 */

async function archive() {
  return import('../audit/audit-archive.js');
}

async function context(app: INestApplicationContext) {
  const keys = app.get(KeyStore);
  await keys.reloadIfChanged();
  return { dataSource: app.get(DataSource), jwks: await keys.jwks('audit') };
}

export const AUDIT_OPERATIONS: Record<string, Operation> = {
  'audit.verify': {
    database: true,
    async run(app) {
      const { dataSource, jwks } = await context(app);
      return (await archive()).verifyStoredLog(dataSource, jwks);
    },
  },
  'audit.export': {
    database: true,
    async run(app, params, io) {
      const since = new Date(typeof params.since === 'string' ? params.since : '');
      if (Number.isNaN(since.getTime())) throw new OperationError('BAD_DATE', 'since must be a date');
      const { dataSource, jwks } = await context(app);
      return (await archive()).exportLog(dataSource, jwks, since, (text) => io.emit({ type: 'lines', text }));
    },
  },
};
