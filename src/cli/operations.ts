import type { INestApplicationContext } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { DatabaseService } from '../database/database.service.js';
import { KeyStore } from '../keys/keystore.service.js';
import { isKeyPurpose, KEY_PURPOSES, type KeyPurpose } from '../keys/key-types.js';
import { readRecords, type ImportFormat } from '../registry/record-reader.js';
import { CITIZEN_COLUMNS, ENTERPRISE_COLUMNS } from '../registry/registry-rows.js';
import { RegistryService } from '../registry/registry.service.js';
import type { ClientRegistration } from '../clients/clients.service.js';
import { AUDIT_OPERATIONS } from './audit-operations.js';
import { LICENCE_OPERATIONS } from './licence-operations.js';
import { auditOf, byOperator } from './operator-audit.js';

/**
 * The CLI's commands that touch the database or the keys, as functions of an application
 * context. The CLI runs them in a context of its own, or — when a running service holds the
 * embedded database — sends them over the control socket to run inside that service.
 */
export interface OperationIO {
  input?: Readable;
  emit(event: Record<string, unknown>): void;
}

export class OperationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

export interface Operation {
  /** Whether the operation opens the database (keys-only operations run without it). */
  database: boolean;
  /** Whether it needs the OpenID Connect module (client management). */
  oidc?: boolean;
  /** Whether it needs the licences module (issuing electronic licences; brings the PKI). */
  licences?: boolean;
  /** Whether it needs the seals module (making and revoking seals; brings the PKI). */
  seals?: boolean;
  /** Whether it needs the PKI module (trust anchors). */
  pki?: boolean;
  /** Whether it needs the licence-type catalogue alone. */
  licenceTypes?: boolean;
  run(app: INestApplicationContext, params: Record<string, unknown>, io: OperationIO): Promise<unknown>;
}

async function trustAnchorService(app: INestApplicationContext) {
  const { TrustAnchorService } = await import('../pki/trust-anchors.js');
  return app.get(TrustAnchorService);
}

/** A trust-anchor refusal keeps its code (NOT_A_CA, KEY_UNSUPPORTED, ANCHOR_EXISTS, …). */
async function trustAnchorCall<T>(call: () => Promise<T>): Promise<T> {
  const { TrustAnchorError } = await import('../pki/trust-anchors.js');
  try {
    return await call();
  } catch (err) {
    if (err instanceof TrustAnchorError) throw new OperationError(err.code, err.message);
    throw err;
  }
}

async function licenceTypesService(app: INestApplicationContext) {
  const { LicenceTypesService } = await import('../licences/types/licence-types.service.js');
  return app.get(LicenceTypesService);
}

/** The whole input (a definition file), at most `limit` bytes. */
async function readInput(io: OperationIO, limit: number): Promise<string> {
  if (!io.input) throw new OperationError('NO_INPUT', 'no file given');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.input) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += bytes.length;
    if (size > limit)
      throw new OperationError('BAD_DEFINITION', `the file is larger than ${limit / 1024} KiB: not a licence type definition`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Loaded on demand: oidc-provider is heavy and warns about the Node version when imported. */
async function clientsService(app: INestApplicationContext) {
  const { ClientsService } = await import('../clients/clients.service.js');
  return app.get(ClientsService);
}

/**
 * A text parameter, `fallback` when absent. The parameters may come over the control socket as
 * any JSON: anything but text is refused rather than read as "[object Object]".
 */
function stringParam(params: Record<string, unknown>, name: string, fallback = ''): string {
  const value = params[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new OperationError('BAD_PARAMS', `${name} must be text`);
  return value;
}

function purposeParam(params: Record<string, unknown>): KeyPurpose {
  const purpose = stringParam(params, 'purpose');
  if (!isKeyPurpose(purpose)) throw new OperationError('UNKNOWN_PURPOSE', `--purpose must be one of ${KEY_PURPOSES.join(', ')}`);
  return purpose;
}

export const OPERATIONS: Record<string, Operation> = {
  'db.status': {
    database: true,
    async run(app) {
      const db = app.get(DatabaseService);
      return { kind: db.kind, pending: await db.pendingMigrations() };
    },
  },
  'db.migrate': {
    database: true,
    async run(app) {
      const db = app.get(DatabaseService);
      return { kind: db.kind, applied: await db.migrate() };
    },
  },
  'keys.list': {
    database: false,
    async run(app) {
      const keys = app.get(KeyStore);
      await keys.reloadIfChanged();
      return { keys: keys.list() };
    },
  },
  'keys.init': {
    database: false,
    async run(app) {
      const keys = app.get(KeyStore);
      const result = await keys.init();
      // The CA's certificates live beside the keys and need no database (src/pki/ca.ts); the X.509
      // code is loaded only here.
      const { ensureCaCertificates } = await import('../pki/ca.js');
      const { created: certificates } = await ensureCaCertificates(keys, app.get<AppConfig>(APP_CONFIG));
      await auditKeys(app, 'key.init', result.created);
      return { ...result, certificates };
    },
  },
  'keys.rotate': {
    // The database for the audit log (every rotation is an entry); rotating `data` also
    // re-encrypts stored ID numbers (operationNeedsOidc).
    database: true,
    async run(app, params) {
      const purpose = purposeParam(params);
      const keys = app.get(KeyStore);
      const rotation = await keys.rotate(purpose, { prepareOnly: params.prepare === true });
      await auditKeys(app, 'key.rotate', [...rotation.created, ...rotation.promoted], { purpose, prepare: params.prepare === true });
      if (purpose !== 'data' || params.prepare === true) return rotation;
      return { ...rotation, reencrypted: await keys.rekeyData() };
    },
  },
  'clients.add': {
    database: true,
    oidc: true,
    async run(app, params) {
      return (await clientsService(app)).register(params as unknown as ClientRegistration, byOperator());
    },
  },
  'clients.list': {
    database: true,
    oidc: true,
    async run(app) {
      return { clients: await (await clientsService(app)).list() };
    },
  },
  'clients.remove': {
    database: true,
    oidc: true,
    async run(app, params) {
      await (await clientsService(app)).remove(stringParam(params, 'clientId'), byOperator());
      return { removed: params.clientId };
    },
  },
  'licence.issue': {
    database: true,
    licences: true,
    async run(app, params) {
      const { BusinessLicenceService } = await import('../licences/business-licence.service.js');
      return app
        .get(BusinessLicenceService)
        .issue(stringParam(params, 'uscc').toUpperCase(), stringParam(params, 'csr'), undefined, byOperator());
    },
  },
  'licence.revoke': {
    database: true,
    licences: true,
    async run(app, params) {
      const { PkiService } = await import('../pki/pki.service.js');
      // The PKI checks the reason and the serial and answers with stable error codes.
      const reason = stringParam(params, 'reason', 'unspecified') as 'unspecified';
      return app.get(PkiService).revoke(stringParam(params, 'serial'), reason, undefined, byOperator());
    },
  },
  'seal.make': {
    database: true,
    seals: true,
    async run(app, params) {
      const [{ SealsService }, { sealView }, { parseSealTime }] = await Promise.all([
        import('../seals/seals.service.js'),
        import('../seals/seals.dto.js'),
        import('../seals/seal-times.js'),
      ]);
      const time = (name: 'validStart' | 'validEnd', edge: 'start' | 'end') => {
        const text = stringParam(params, name);
        const parsed = text ? parseSealTime(text, edge) : undefined;
        if (parsed === null)
          throw new OperationError('BAD_DATE', `${name} must be a date (YYYY-MM-DD, China time) or a date-time with an offset`);
        return parsed ? { [name]: parsed } : {};
      };
      const certificates = params.signerCertificates;
      if (!Array.isArray(certificates) || !certificates.every((c): c is string => typeof c === 'string'))
        throw new OperationError('BAD_PARAMS', 'signerCertificates must be a list of PEM certificates');
      const picture = stringParam(params, 'picture');
      const size = (name: 'widthMm' | 'heightMm') => (typeof params[name] === 'number' ? { [name]: params[name] } : {});
      const made = await app.get(SealsService).make(
        {
          uscc: stringParam(params, 'uscc'),
          type: Number(params.type),
          name: stringParam(params, 'name'),
          signerCertificates: certificates,
          ...(picture
            ? { picture: { type: 'PNG' as const, data: Buffer.from(picture, 'base64'), ...size('widthMm'), ...size('heightMm') } }
            : {}),
          ...time('validStart', 'start'),
          ...time('validEnd', 'end'),
          algorithm: stringParam(params, 'algorithm', 'sm2') as 'sm2' | 'p256',
        },
        { madeBy: 'cli', by: byOperator() },
      );
      return sealView(made.seal, { withDer: true });
    },
  },
  'seal.list': {
    database: true,
    seals: true,
    async run(app, params) {
      const { SealsService } = await import('../seals/seals.service.js');
      const { sealView } = await import('../seals/seals.dto.js');
      const seals = await app.get(SealsService).listForEnterprise(stringParam(params, 'uscc'));
      return { seals: seals.map((seal) => sealView(seal, { withDer: false })) };
    },
  },
  'seal.revoke': {
    database: true,
    seals: true,
    async run(app, params) {
      const { SealsService } = await import('../seals/seals.service.js');
      const { sealView } = await import('../seals/seals.dto.js');
      const seal = await app
        .get(SealsService)
        .revoke(stringParam(params, 'id'), stringParam(params, 'reason', 'unspecified'), 'cli', byOperator());
      return sealView(seal, { withDer: false });
    },
  },
  'trust.add': {
    database: true,
    pki: true,
    async run(app, params) {
      const anchors = await trustAnchorService(app);
      const der = stringParam(params, 'der');
      const certificate = der ? Buffer.from(der, 'base64') : stringParam(params, 'pem');
      const name = stringParam(params, 'name');
      const added = await trustAnchorCall(() => anchors.add(certificate, { ...(name ? { name } : {}), by: 'cli' }));
      const audit = await auditOf(app);
      await audit?.append({
        action: 'trust.add',
        ...byOperator(),
        object: added.id,
        outcome: 'success',
        details: { keyType: added.keyType },
      });
      return added;
    },
  },
  'trust.list': {
    database: true,
    pki: true,
    async run(app) {
      const anchors = await trustAnchorService(app);
      return { anchors: await anchors.list() };
    },
  },
  'trust.remove': {
    database: true,
    pki: true,
    async run(app, params) {
      const anchors = await trustAnchorService(app);
      const removed = await trustAnchorCall(() => anchors.remove(stringParam(params, 'id'), 'cli'));
      const audit = await auditOf(app);
      await audit?.append({ action: 'trust.remove', ...byOperator(), object: removed.id, outcome: 'success' });
      return removed;
    },
  },
  'licence-types.add': {
    database: true,
    licenceTypes: true,
    async run(app, _params, io) {
      const text = await readInput(io, 256 * 1024);
      let definition: unknown;
      try {
        definition = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch (err) {
        throw new OperationError('BAD_JSON', `the licence type definition is not JSON: ${(err as Error).message}`);
      }
      return (await licenceTypesService(app)).add(definition, 'cli');
    },
  },
  'licence-types.list': {
    database: true,
    licenceTypes: true,
    async run(app) {
      return { licenceTypes: await (await licenceTypesService(app)).list() };
    },
  },
  'licence-types.show': {
    database: true,
    licenceTypes: true,
    async run(app, params) {
      return (await licenceTypesService(app)).get(stringParam(params, 'id'));
    },
  },
  ...LICENCE_OPERATIONS,
  ...AUDIT_OPERATIONS,
  'registry.import': {
    database: true,
    async run(app, params, io) {
      const register = params.register;
      if (register !== 'citizens' && register !== 'enterprises')
        throw new OperationError('BAD_REGISTER', 'register must be citizens or enterprises');
      const format = params.format as ImportFormat;
      if (format !== 'csv' && format !== 'jsonl') throw new OperationError('BAD_FORMAT', 'format must be csv or jsonl');
      if (!io.input) throw new OperationError('NO_INPUT', 'no file to import');
      const columns = register === 'citizens' ? CITIZEN_COLUMNS : ENTERPRISE_COLUMNS;
      const records = readRecords(io.input, format, {
        requiredColumns: columns.required,
        knownColumns: [...columns.required, ...columns.optional],
        onUnknownColumns: (unknown) =>
          io.emit({ type: 'warning', code: 'UNKNOWN_COLUMNS', message: `ignoring column(s) ${unknown.join(', ')}` }),
      });
      const registry = app.get(RegistryService);
      const onRow = (report: { line: number; problems: unknown[] }) => io.emit({ type: 'row', ...report });
      const options = { onRow, by: byOperator() };
      return register === 'citizens' ? registry.importCitizens(records, options) : registry.importEnterprises(records, options);
    },
  },
};

/**
 * Keys made or promoted, one entry each (by kid and purpose), when the context has the audit log.
 * `keys rotate` always opens the database for it; `keys init` runs on the keys alone (it comes
 * before the database on a new installation), so its keys are recorded only when a running service
 * runs it.
 */
async function auditKeys(
  app: INestApplicationContext,
  action: 'key.init' | 'key.rotate',
  keys: Array<{ kid: string; purpose: string; alg?: string }>,
  details: Record<string, string | boolean> = {},
): Promise<void> {
  const audit = await auditOf(app);
  if (!audit) return;
  await Promise.all(
    keys.map((key) =>
      audit.append({
        action,
        ...byOperator(),
        object: key.kid,
        outcome: 'success',
        details: { ...details, purpose: key.purpose, alg: key.alg ?? null },
      }),
    ),
  );
}

/**
 * Re-encrypting after a `data` rotation needs every module that stores data under that key
 * (registry, accounts, client secrets), so it loads the OIDC module, which brings the others.
 */
export function operationNeedsOidc(name: string, params: Record<string, unknown>): boolean {
  if (name === 'keys.rotate') return params.purpose === 'data' && params.prepare !== true;
  return OPERATIONS[name]?.oidc ?? false;
}

/** Enterprise imports change enterprises' status, which the PKI and the seals follow (revocation, hold). */
export function operationNeedsPki(name: string, params: Record<string, unknown>): boolean {
  if (OPERATIONS[name]?.pki) return true;
  return name === 'registry.import' && params.register === 'enterprises';
}

/**
 * The licences module follows the register too: an import that cancels an enterprise or records a
 * citizen's death revokes their licences, here as in the service.
 */
export function operationNeedsLicences(name: string): boolean {
  return (OPERATIONS[name]?.licences ?? false) || name === 'registry.import';
}

export function operationNeedsDatabase(name: string): boolean {
  return OPERATIONS[name]?.database ?? false;
}
