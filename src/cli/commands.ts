import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { AppConfig } from '../config/config.js';
import { checkCitizenId } from '../identifiers/citizen-id.js';
import { checkUscc } from '../identifiers/uscc.js';
import type { CitizenIdParsed, IdentifierResult, UsccParsed } from '../identifiers/identifier-result.js';
import { KEY_PURPOSES, type KeyRecord } from '../keys/key-types.js';
import type { RotationResult } from '../keys/keystore.service.js';
import { formatFromFileName } from '../registry/record-reader.js';
import type { ImportSummary } from '../registry/registry-import.js';
import { registerAuditCommands } from './audit-commands.js';
import { OperationError } from './operations.js';
import { Output, table } from './output.js';
import { registerOfdCommands } from './ofd-commands.js';
import { runOperation } from './run-operation.js';
import { registerLicenceCommands } from './licence-commands.js';
import { registerLicenceTypeCommands } from './licence-type-commands.js';
import { registerSealCommands } from './seal-commands.js';
import { registerTransparencyCommands } from './transparency-commands.js';
import { registerTrustCommands } from './trust-commands.js';
import { registerWalletCommands } from './wallet-commands.js';

/** Exit codes: 0 done; 1 failed; 2 bad usage; 3 import finished but rejected some rows / identifier invalid. */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3 } as const;

export interface CliContext {
  exitCode: number;
  config(): AppConfig;
}

export function buildProgram(context: CliContext): Command {
  const program = new Command('tongban')
    .description('tongban: unified identity and electronic-certificate authority — operator and holder CLI')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--json', 'print results as JSON')
    .showHelpAfterError()
    .exitOverride();
  const out = (cmd: Command) => new Output(Boolean(cmd.optsWithGlobals().json));

  program
    .command('serve')
    .description('start the service (the same as npm start)')
    .action(async () => {
      const { startService } = await import('../server.js');
      await startService(context.config());
      context.exitCode = -1; // keep running
    });

  const db = program.command('db').description('database schema');
  db.command('migrate')
    .description('apply pending migrations')
    .action(async (_opts, cmd: Command) => {
      const result = (await runOperation(context.config(), 'db.migrate', {})) as { kind: string; applied: string[] };
      out(cmd).result(result, () => [
        result.applied.length ? `applied: ${result.applied.join(', ')}` : `the ${result.kind} schema is up to date`,
      ]);
    });
  db.command('status')
    .description('show pending migrations')
    .action(async (_opts, cmd: Command) => {
      const result = (await runOperation(context.config(), 'db.status', {})) as { kind: string; pending: string[] };
      out(cmd).result(result, () => [
        result.pending.length ? `pending: ${result.pending.join(', ')}` : `the ${result.kind} schema is up to date`,
      ]);
    });

  const keys = program.command('keys').description('the key store (KEYS_DIR)');
  keys
    .command('init')
    .description('create a current key for every purpose that has none')
    .action(async (_opts, cmd: Command) => {
      const result = (await runOperation(context.config(), 'keys.init', {})) as { created: KeyRecord[]; existing: KeyRecord[] };
      out(cmd).result(result, () => [
        result.created.length ? `created ${result.created.length} key(s):` : 'every purpose already has a current key',
        ...keyTable(result.created),
      ]);
    });
  keys
    .command('list')
    .description('list keys: kid, purpose, algorithm, state (never private material)')
    .action(async (_opts, cmd: Command) => {
      const result = (await runOperation(context.config(), 'keys.list', {})) as { keys: KeyRecord[] };
      out(cmd).result(result, () => (result.keys.length ? keyTable(result.keys) : ['no keys: run `tongban keys init`']));
    });
  keys
    .command('rotate')
    .description('add a next key, promote it to current and retire the old one (retired keys still verify/decrypt)')
    .addOption(new Option('--purpose <purpose>', 'key purpose').choices([...KEY_PURPOSES]).makeOptionMandatory())
    .option('--prepare', 'only add (publish) the next key; a later rotate promotes it')
    .action(async (opts: { purpose: string; prepare?: boolean }, cmd: Command) => {
      const result = (await runOperation(context.config(), 'keys.rotate', {
        purpose: opts.purpose,
        prepare: Boolean(opts.prepare),
      })) as RotationResult & {
        reencrypted?: Record<string, number>;
      };
      out(cmd).result(result, () => [
        ...result.created.map((k) => `added next   ${k.kid}`),
        ...result.promoted.map((k) => `promoted     ${k.kid}`),
        ...result.retired.map((k) => `retired      ${k.kid}`),
        ...Object.entries(result.reencrypted ?? {}).map(([name, rows]) => `re-encrypted ${rows} ${name} row(s)`),
      ]);
    });

  const clients = program.command('clients').description('OIDC clients: portals (authorization code) and services (client credentials)');
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  clients
    .command('add')
    .description('register a client; a generated secret is printed once')
    .requiredOption('--client-id <id>', 'client_id')
    .option('--name <name>', 'display name shown on the consent page')
    .option('--name-en <name>', 'its display name on pages shown in English (client_name#en)')
    .option('--client-secret <secret>', 'client_secret_basic secret (default: generated)')
    .option('--jwks-uri <url>', 'private_key_jwt: where the client publishes its keys')
    .option('--jwks <json|@file>', "private_key_jwt: the client's public JWK set")
    .option('--redirect-uri <uri>', 'redirect URI (repeatable); makes it a portal client', collect)
    .option('--post-logout-redirect-uri <uri>', 'post-logout redirect URI (repeatable)', collect)
    .option('--backchannel-logout-uri <uri>', 'back-channel logout endpoint')
    .option('--scope <scopes>', 'allowed scopes, e.g. "openid profile id_number" or "registry:write verify" (repeatable)', collect)
    .option(
      '--grant-type <type>',
      'authorization_code, refresh_token or client_credentials (repeatable)',
      (value: string, previous: string[] = []) => {
        if (!GRANT_TYPES.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${GRANT_TYPES.join(', ')}.`);
        return [...previous, value];
      },
    )
    .option('--sector <sector>', 'pairwise sector: portals of one sector see the same subject identifier')
    .option('--fapi', 'FAPI 2.0 profile (PAR, DPoP, private_key_jwt)')
    .addOption(new Option('--minimum-loa <level>', 'lowest level of assurance this client accepts').choices(['1', '2', '3']))
    .option('--public-subject', 'the same `sub` as every other public client (default: pairwise for portals)')
    .option(
      '--licence-types <ids>',
      'an issuing authority (scope licence:issue): the licence types it may issue, comma-separated (see licence-types list)',
      (value: string) =>
        value
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
    )
    .option('--issuer-code <uscc>', 'an issuing authority: its USCC, the issuer code in the licence identifiers it issues')
    .action(async (opts: Record<string, string | string[] | boolean | undefined>, cmd: Command) => {
      const registration = {
        client_id: opts.clientId as string,
        client_name: opts.name as string | undefined,
        'client_name#en': opts.nameEn as string | undefined,
        client_secret: opts.clientSecret as string | undefined,
        jwks_uri: opts.jwksUri as string | undefined,
        jwks: opts.jwks ? readJson(opts.jwks as string) : undefined,
        redirect_uris: opts.redirectUri as string[] | undefined,
        post_logout_redirect_uris: opts.postLogoutRedirectUri as string[] | undefined,
        backchannel_logout_uri: opts.backchannelLogoutUri as string | undefined,
        scope: opts.scope ? (opts.scope as string[]).join(' ') : undefined,
        grant_types: opts.grantType as string[] | undefined,
        sector: opts.sector as string | undefined,
        fapi: Boolean(opts.fapi),
        minimum_loa: opts.minimumLoa ? Number(opts.minimumLoa) : undefined,
        ...(opts.publicSubject ? { subject_type: 'public' } : {}),
        licence_types: opts.licenceTypes as string[] | undefined,
        issuer_code: opts.issuerCode as string | undefined,
      };
      // Through JSON and back: the options not given (undefined) are left out, as the API would see them.
      const params = JSON.parse(JSON.stringify(registration)) as Record<string, unknown>;
      const result = (await runOperation(context.config(), 'clients.add', params)) as {
        client: Record<string, unknown>;
        client_secret?: string;
      };
      out(cmd).result(result, () => [
        `registered ${result.client.client_id as string} (${(result.client.grant_types as string[]).join(', ')}; ${result.client.token_endpoint_auth_method as string})`,
        ...(result.client.tongban_issuer_code
          ? [
              `issuing authority ${result.client.tongban_issuer_code as string} of: ${((result.client.tongban_licence_types as string[]) ?? []).join(', ') || '(no licence types yet)'}`,
            ]
          : []),
        ...(result.client_secret ? [`client_secret: ${result.client_secret}   (shown once: store it now)`] : []),
      ]);
    });
  clients
    .command('list')
    .description('list clients (never their secrets)')
    .action(async (_opts, cmd: Command) => {
      const result = (await runOperation(context.config(), 'clients.list', {})) as { clients: Array<Record<string, unknown>> };
      out(cmd).result(result, () =>
        table([
          ['CLIENT_ID', 'NAME', 'GRANTS', 'AUTH', 'SCOPE'],
          ...result.clients.map((c) => [
            text(c.client_id),
            text(c.client_name),
            ((c.grant_types as string[]) ?? []).join(','),
            text(c.token_endpoint_auth_method),
            text(c.scope),
          ]),
        ]),
      );
    });
  clients
    .command('remove')
    .description('remove a client and revoke everything issued to it')
    .argument('<client-id>')
    .action(async (clientId: string, _opts, cmd: Command) => {
      const result = await runOperation(context.config(), 'clients.remove', { clientId });
      out(cmd).result(result, () => [`removed ${clientId}`]);
    });

  registerLicenceCommands(program, context);

  const registry = program.command('registry').description('population and enterprise register mirrors');
  registry
    .command('import')
    .description('import a CSV (header row) or JSON-lines file; idempotent; per-row errors with line numbers')
    .option('--citizens <file>', 'citizens: id_number, name, status')
    .option('--enterprises <file>', 'enterprises: uscc, name, type, legal_representative_id_number, address, established, status')
    .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'jsonl']))
    .option('--max-errors <n>', 'list at most this many rejected rows', (v) => Number.parseInt(v, 10), 1000)
    .action(async (opts: { citizens?: string; enterprises?: string; format?: 'csv' | 'jsonl'; maxErrors: number }, cmd: Command) => {
      const output = out(cmd);
      if (Boolean(opts.citizens) === Boolean(opts.enterprises))
        throw new UsageError('give exactly one of --citizens FILE or --enterprises FILE');
      const file = (opts.citizens ?? opts.enterprises)!;
      const format = opts.format ?? formatFromFileName(file);
      if (!format) throw new UsageError(`cannot tell the format of ${file} from its name: add --format csv or --format jsonl`);
      try {
        if (!statSync(file).isFile()) throw new Error();
      } catch {
        throw new OperationError('NO_FILE', `cannot read ${file}`);
      }
      const errors: Array<{ line: number; problems: Array<{ field: string; code: string; message: string }> }> = [];
      let unlisted = 0;
      const summary = (await runOperation(
        context.config(),
        'registry.import',
        { register: opts.citizens ? 'citizens' : 'enterprises', format },
        {
          input: () => createReadStream(file),
          onPlace: (place, pid) =>
            place === 'service' && output.note(`(the service, pid ${pid}, holds the embedded database: importing through it)`),
          onEvent: (event) => {
            if (event.type === 'warning') output.note(`warning: ${event.message as string}`);
            if (event.type !== 'row') return;
            const { type: _type, ...row } = event as unknown as (typeof errors)[number] & { type: string };
            if (errors.length >= opts.maxErrors) return void unlisted++;
            errors.push(row);
            output.note(
              `line ${row.line}: ${row.problems.map((p) => `${p.field ? p.field + ' ' : ''}${p.code}: ${p.message}`).join('; ')}`,
            );
          },
        },
      )) as ImportSummary;
      output.result({ summary, errors, unlistedErrors: unlisted }, () => [
        `${summary.kind}: read ${summary.read}, inserted ${summary.inserted}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${summary.rejected} (${(summary.durationMs / 1000).toFixed(1)} s)`,
        ...(unlisted ? [`(${unlisted} more rejected rows not listed; raise --max-errors)`] : []),
      ]);
      if (summary.rejected) context.exitCode = EXIT.partial;
    });

  const id = program.command('id').description('identifiers');
  id.command('check')
    .description('validate a citizen ID number or a USCC')
    .argument('<value>')
    .addOption(new Option('--type <type>', 'what the value is (default: guessed)').choices(['citizen-id', 'uscc']))
    .action((value: string, opts: { type?: 'citizen-id' | 'uscc' }, cmd: Command) => {
      const { type, result } = checkIdentifier(value, opts.type);
      out(cmd).result({ type, ...result }, () => describeIdentifier(type, result));
      if (!result.valid) context.exitCode = EXIT.partial;
    });

  registerWalletCommands(program, context);
  registerSealCommands(program, context);
  registerTrustCommands(program, context);
  registerAuditCommands(program, context);
  registerTransparencyCommands(program, context);
  registerLicenceTypeCommands(program, context);
  registerOfdCommands(program, context);
  return program;
}

export class UsageError extends Error {}

const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'];

function readJson(value: string): unknown {
  const text = value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--jwks is not JSON (give the JWK set inline or as @file)`);
  }
}

/** The version in package.json, found upwards from this file (src/cli when run from source, dist/src/cli when built). */
function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name: string; version: string };
      if (pkg.name === 'tongban') return pkg.version;
    } catch {
      // not here
    }
  }
  return 'unknown';
}

function keyTable(keys: KeyRecord[]): string[] {
  return table([
    ['KID', 'PURPOSE', 'ALG', 'STATE', 'CREATED'],
    ...keys.map((k) => [k.kid, k.purpose, k.alg, k.state, k.createdAt.slice(0, 19).replace('T', ' ')]),
  ]);
}

type IdentifierCheck =
  { type: 'citizen-id'; result: IdentifierResult<CitizenIdParsed> } | { type: 'uscc'; result: IdentifierResult<UsccParsed> };

function checkIdentifier(value: string, type?: 'citizen-id' | 'uscc'): IdentifierCheck {
  if (type === 'citizen-id') return { type, result: checkCitizenId(value) };
  if (type === 'uscc') return { type, result: checkUscc(value) };
  const asCitizen = checkCitizenId(value);
  const asUscc = checkUscc(value);
  if (asCitizen.valid || (!asUscc.valid && /^\d{15}$|^\d{17}[\dXx]$/.test(value))) return { type: 'citizen-id', result: asCitizen };
  return { type: 'uscc', result: asUscc };
}

function describeIdentifier(type: IdentifierCheck['type'], result: IdentifierCheck['result']): string[] {
  const label = type === 'citizen-id' ? 'citizen ID number' : 'unified social credit code';
  const lines = [result.valid ? `valid ${label}: ${result.canonical}` : `not a valid ${label}`];
  for (const error of result.errors ?? []) lines.push(`  error    ${error.code}: ${error.message}`);
  for (const warning of result.warnings ?? []) lines.push(`  warning  ${warning.code}: ${warning.message}`);
  if (result.parsed) {
    const parsed: Record<string, string | { code: string; name: string | null }> = { ...result.parsed };
    for (const [key, value] of Object.entries(parsed)) {
      lines.push(`  ${key.padEnd(16)} ${typeof value === 'object' ? `${value.code} ${value.name ?? ''}`.trim() : value}`);
    }
  }
  return lines;
}

/** A text field of a result for a table cell; anything else (absent, or not text) is an empty cell. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
