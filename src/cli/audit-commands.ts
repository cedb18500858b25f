import { closeSync, openSync, writeSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { ExportSummary, VerifyReport } from '../audit/audit-archive.js';
import { EXIT, type CliContext } from './commands.js';
import { OperationError } from './operations.js';
import { Output } from './output.js';
import { runOperation } from './run-operation.js';

/**
 * `tongban audit verify [--file F]` and `tongban audit export --since DATE [--out F]` (issue 14):
 * check the audit log against its signed tree heads, where it is stored or in an export, and
 * write an export to archive elsewhere.
 */
export function registerAuditCommands(program: Command, context: CliContext): void {
  const out = (cmd: Command) => new Output(Boolean(cmd.optsWithGlobals().json));
  const audit = program.command('audit').description('the audit log: verify it against its signed tree heads, export it');

  audit
    .command('verify')
    .description(
      'recompute every entry’s leaf and the tree, check every signed tree head; name the first entry changed, removed or reordered',
    )
    .option('--file <file>', 'verify an export (tongban audit export) instead of the database: no database or service needed')
    .action(async (opts: { file?: string }, cmd: Command) => {
      let result: VerifyReport & { file?: string };
      if (opts.file) {
        const { verifyExportFile, ArchiveError } = await import('../audit/audit-archive.js');
        try {
          result = { ...(await verifyExportFile(opts.file)), file: opts.file };
        } catch (err) {
          if (err instanceof ArchiveError) throw new OperationError('BAD_EXPORT', err.message);
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new OperationError('NO_FILE', `cannot read ${opts.file}`);
          throw err;
        }
      } else result = (await runOperation(context.config(), 'audit.verify', {})) as VerifyReport;
      const output = out(cmd);
      if (result.problem) {
        context.exitCode = EXIT.failed;
        output.result(result, () => [`audit log NOT verified: ${result.problem!.message}`]);
        return;
      }
      output.result(result, () => [
        `audit log verified${opts.file ? ` (${opts.file})` : ''}: ${result.entries} entries` +
          (result.firstSeq ? ` from ${result.firstSeq}` : '') +
          `, ${result.headsChecked} of ${result.heads} signed tree heads recomputed (every signature checked)`,
        result.unsigned
          ? `  ${result.unsigned} newest entries are covered by no signed tree head yet`
          : '  every entry is covered by a signed tree head',
        `  ${result.seconds.toFixed(2)} s, ${result.entriesPerSecond} entries/s`,
      ]);
    });

  audit
    .command('export')
    .description(
      'write entries appended since DATE, every signed tree head and the public keys as JSON lines (verify them with audit verify --file)',
    )
    .requiredOption('--since <date>', 'YYYY-MM-DD (from 00:00 China time) or a date-time with an offset', sinceDate)
    .option('--out <file>', 'write here instead of standard output (refuses to overwrite)')
    .action(async (opts: { since: string; out?: string }, cmd: Command) => {
      let fd = 1;
      if (opts.out) {
        try {
          fd = openSync(opts.out, 'wx');
        } catch (err) {
          const exists = (err as NodeJS.ErrnoException).code === 'EEXIST';
          throw new OperationError(exists ? 'FILE_EXISTS' : 'FILE_UNWRITABLE', exists ? `${opts.out} exists` : `cannot write ${opts.out}`);
        }
      }
      let summary: ExportSummary;
      try {
        summary = (await runOperation(
          context.config(),
          'audit.export',
          { since: opts.since },
          { onEvent: (event) => event.type === 'lines' && typeof event.text === 'string' && writeSync(fd, event.text) },
        )) as ExportSummary;
      } finally {
        if (fd !== 1) closeSync(fd);
      }
      // The lines went to stdout when there is no --out: the summary goes to stderr then.
      const line = `exported ${summary.entries} entries (${summary.firstSeq} to ${summary.treeSize - 1}) and ${summary.heads} signed tree heads`;
      if (opts.out) out(cmd).result(summary, () => [`${line} to ${opts.out}`]);
      else process.stderr.write(`tongban: ${line}\n`);
    });
}

function sinceDate(value: string): string {
  const text = /^\d{4}-\d\d-\d\d$/.test(value) ? `${value}T00:00:00+08:00` : value;
  const time = Date.parse(text);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(time))
    throw new InvalidArgumentError('give a date, YYYY-MM-DD, or a date-time with an offset');
  return new Date(time).toISOString();
}
