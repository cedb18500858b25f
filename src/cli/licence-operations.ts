import type { INestApplicationContext } from '@nestjs/common';
import { OperationError, type Operation, type OperationIO } from './operations.js';
import { byOperator } from './operator-audit.js';

/**
 * The CLI's electronic-licence operations (issue 13 §3, §4), run in a context with the licences
 * module (or inside the running service, over its control socket): issuing an SD-JWT VC for an
 * issuing authority, reading one, a holder's list, and the lifecycle as the operator.
 */

/** A claims file larger than this is not one. */
export const MAX_CLAIMS_FILE = 256 * 1024;

async function licences(app: INestApplicationContext) {
  const { LicencesService } = await import('../licences/issuance/licences.service.js');
  return app.get(LicencesService);
}

async function view(licence: Parameters<typeof import('../licences/issuance/licences.dto.js').licenceView>[0]) {
  const { licenceView } = await import('../licences/issuance/licences.dto.js');
  return licenceView(licence);
}

function text(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new OperationError('BAD_PARAMS', `${name} must be text`);
  return value;
}

/** The claims file (the operation's input): a JSON object. */
async function readClaims(io: OperationIO): Promise<Record<string, unknown>> {
  if (!io.input) throw new OperationError('NO_INPUT', 'no claims file given');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.input) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += bytes.length;
    if (size > MAX_CLAIMS_FILE) throw new OperationError('BAD_CLAIMS', `the claims file is larger than ${MAX_CLAIMS_FILE / 1024} KiB`);
    chunks.push(bytes);
  }
  let claims: unknown;
  try {
    claims = JSON.parse(
      Buffer.concat(chunks)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    );
  } catch (err) {
    throw new OperationError('BAD_JSON', `the claims file is not JSON: ${(err as Error).message}`);
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims))
    throw new OperationError('BAD_CLAIMS', 'the claims file must hold a JSON object of claims');
  return claims as Record<string, unknown>;
}

function date(params: Record<string, unknown>, name: string): Date | undefined {
  const value = text(params, name);
  if (!value) return undefined;
  // A date alone is that day from midnight in China (UTC+8), as the other commands read dates.
  const parsed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
  if (Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value))
    throw new OperationError('BAD_DATE', `${name} must be a date (YYYY-MM-DD, China time) or a date-time with an offset`);
  return parsed;
}

/** The issuing authority the operator acts for: named, or the only one allowed the type. */
async function issuerFor(app: INestApplicationContext, params: Record<string, unknown>, type: string): Promise<string> {
  const named = text(params, 'issuer');
  if (named) return named;
  const { ClientStore } = await import('../clients/client-store.js');
  const authorities = await app.get(ClientStore).issuingAuthorities(type);
  if (authorities.length === 1) return authorities[0].clientId;
  throw new OperationError(
    'NO_ISSUER',
    authorities.length
      ? `several issuing authorities may issue ${type} (${authorities.map((a) => a.clientId).join(', ')}): name one with --issuer`
      : `no issuing authority may issue ${type}: add one with \`tongban clients add --scope licence:issue --licence-types ${type} --issuer-code USCC\``,
  );
}

const lifecycle = (action: 'suspend' | 'reinstate' | 'revoke'): Operation => ({
  database: true,
  licences: true,
  async run(app, params) {
    const service = await licences(app);
    const reason = text(params, 'reason');
    if (!reason) throw new OperationError('BAD_PARAMS', '--reason is required');
    return view(await service[action](text(params, 'id'), reason, { operator: 'cli' }, byOperator()));
  },
});

export const LICENCE_OPERATIONS: Record<string, Operation> = {
  'licences.issue': {
    database: true,
    licences: true,
    async run(app, params, io) {
      const type = text(params, 'type');
      const holder = text(params, 'holder');
      const kind = text(params, 'holderKind');
      if (!type || !holder || (kind !== 'citizen' && kind !== 'enterprise'))
        throw new OperationError('BAD_PARAMS', 'type, holder and holderKind are required');
      const claims = await readClaims(io);
      const validFrom = date(params, 'validFrom');
      const validUntil = date(params, 'validUntil');
      const idempotencyKey = text(params, 'idempotencyKey');
      const { createHash } = await import('node:crypto');
      const issued = await (
        await licences(app)
      ).issue(
        {
          type,
          holder: kind === 'citizen' ? { idNumber: holder } : { uscc: holder.toUpperCase() },
          claims,
          ...(validFrom ? { validFrom } : {}),
          ...(validUntil ? { validUntil } : {}),
        },
        {
          issuer: await issuerFor(app, params, type),
          by: byOperator(),
          ...(idempotencyKey
            ? {
                idempotencyKey,
                requestHash: createHash('sha256')
                  .update(JSON.stringify([type, kind, holder.toUpperCase(), claims, params.validFrom ?? null, params.validUntil ?? null]))
                  .digest(),
              }
            : {}),
        },
      );
      return { ...(await view(issued.licence)), replayed: issued.replayed };
    },
  },
  'licences.show': {
    database: true,
    licences: true,
    async run(app, params) {
      return view(await (await licences(app)).get(text(params, 'id')));
    },
  },
  'licences.list': {
    database: true,
    licences: true,
    async run(app, params) {
      const holder = text(params, 'holder');
      const found = await (
        await licences(app)
      ).listForHolder(text(params, 'holderKind') === 'citizen' ? { idNumber: holder } : { uscc: holder.toUpperCase() });
      const views = [];
      for (const licence of found) {
        const { credential: _credential, ...rest } = await view(licence);
        views.push(rest);
      }
      return { licences: views };
    },
  },
  'licences.suspend': lifecycle('suspend'),
  'licences.reinstate': lifecycle('reinstate'),
  'licences.revoke': lifecycle('revoke'),
};
