import { createReadStream, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { LicenceType } from '../licences/types/licence-type.js';
import type { CliContext } from './commands.js';
import { OperationError } from './operations.js';
import { Output, table } from './output.js';
import { runOperation } from './run-operation.js';

/** A definition file larger than this is not one (a claims schema is at most 64 KiB). */
export const MAX_DEFINITION_FILE = 256 * 1024;

/**
 * `tongban licence-types add FILE.json | list | show ID`: the licence-type catalogue. A type is
 * added once and never changed (licences name it); the service checks the definition and its
 * claims schema. The file travels as the operation's input, so it may be larger than a header.
 */
export function registerLicenceTypeCommands(program: Command, context: CliContext): void {
  const out = (cmd: Command) => new Output(Boolean(cmd.optsWithGlobals().json));
  const types = program
    .command('licence-types')
    .description('the licence-type catalogue (GB/T 36902): what electronic licences exist, their claims and who may issue them');

  types
    .command('add')
    .description(
      'add a licence type from a JSON file: { id, code, name: { zh, en }, description?, holderKind, validityDays, claimsSchema, claimDisplay }',
    )
    .argument('<file>', 'the definition (JSON)')
    .action(async (file: string, _opts, cmd: Command) => {
      let size: number;
      try {
        const stat = statSync(file);
        if (!stat.isFile()) throw new Error();
        size = stat.size;
      } catch {
        throw new OperationError('NO_FILE', `cannot read ${file}`);
      }
      if (size > MAX_DEFINITION_FILE)
        throw new OperationError(
          'BAD_DEFINITION',
          `${file} is larger than ${MAX_DEFINITION_FILE / 1024} KiB: not a licence type definition`,
        );
      const type = (await runOperation(context.config(), 'licence-types.add', {}, { input: () => createReadStream(file) })) as LicenceType;
      out(cmd).result(type, () => [`added licence type ${type.id} (${type.code})`, ...describe(type)]);
    });

  types
    .command('list')
    .description('the licence types, built-in and added, with the issuing authorities allowed to issue each')
    .action(async (_opts, cmd: Command) => {
      const result = (await runOperation(context.config(), 'licence-types.list', {})) as { licenceTypes: LicenceType[] };
      out(cmd).result(result, () =>
        table([
          ['ID', 'CODE', 'HOLDER', 'DAYS', 'NAME', 'ISSUERS'],
          ...result.licenceTypes.map((t) => [
            t.id,
            t.code,
            t.holderKind,
            String(t.validityDays),
            `${t.name.zh} ${t.name.en}`,
            t.issuers.map((i) => i.clientId).join(',') || '-',
          ]),
        ]),
      );
    });

  types
    .command('show')
    .description('one licence type, with its claims')
    .argument('<id>', 'the type id')
    .action(async (id: string, _opts, cmd: Command) => {
      const type = (await runOperation(context.config(), 'licence-types.show', { id })) as LicenceType;
      out(cmd).result(type, () => [`licence type ${type.id} (${type.code})`, ...describe(type)]);
    });
}

function describe(type: LicenceType): string[] {
  const required = new Set(Array.isArray(type.claimsSchema.required) ? (type.claimsSchema.required as string[]) : []);
  return [
    `  name      ${type.name.zh} / ${type.name.en}`,
    `  holder    ${type.holderKind}`,
    `  validity  ${type.validityDays} days`,
    `  vct       ${type.vct}`,
    `  issuers   ${type.issuers.map((i) => `${i.clientId} (${i.issuerCode})`).join(', ') || '(none yet: tongban clients add … --licence-types ' + type.id + ')'}`,
    '  claims',
    ...type.claimDisplay.map((c) => {
      const path = c.path.map((p) => p ?? '[]').join('.');
      return `    ${path.padEnd(24)} ${c.label.zh} / ${c.label.en}${c.path.length === 1 && required.has(String(c.path[0])) ? '  (required)' : ''}`;
    }),
  ];
}
