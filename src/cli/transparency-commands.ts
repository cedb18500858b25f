import { InvalidArgumentError, type Command } from 'commander';
import { EXIT, type CliContext } from './commands.js';
import { MonitorProblem, monitorIssuanceLog, type MonitorResult } from './transparency-monitor.js';

/**
 * `tongban transparency monitor --since N [--state FILE] [--url URL]` (issue 14 §3): checks the
 * public issuance log over HTTP like an outside auditor (transparency-monitor.ts) and lists what
 * was issued: one line per item, or JSON lines with --json (one per item, then a summary line).
 * Exit 1 naming the problem when a head does not verify, is inconsistent with the one seen
 * before, or the entries do not make its root.
 */
export function registerTransparencyCommands(program: Command, context: CliContext): void {
  const transparency = program.command('transparency').description('the public issuance log, checked from outside over HTTP');
  transparency
    .command('monitor')
    .description(
      'fetch the latest signed head of the issuance log, check its signature and its consistency with the head seen before, ' +
        're-read the entries from N, recompute the root from them and list what was issued',
    )
    .requiredOption('--since <n>', 'the first leaf index to read (0: the whole log)', wholeNumber)
    .option('--state <file>', 'where the last verified head is kept between runs (read, then replaced when this run verifies)')
    .option('--url <url>', 'the service (default: the configured PUBLIC_URL)')
    .action(async (opts: { since: number; state?: string; url?: string }, cmd: Command) => {
      const json = Boolean(cmd.optsWithGlobals().json);
      const url = opts.url ?? context.config().publicUrl;
      let result: MonitorResult;
      try {
        result = await monitorIssuanceLog({ url, since: opts.since, ...(opts.state ? { stateFile: opts.state } : {}) });
      } catch (err) {
        if (!(err instanceof MonitorProblem)) throw err;
        context.exitCode = EXIT.failed;
        if (json) process.stdout.write(JSON.stringify({ ok: false, problem: err.code, message: err.message }) + '\n');
        process.stderr.write(`tongban: issuance log NOT verified (${err.code}): ${err.message}\n`);
        return;
      }
      const summary = {
        ok: true,
        url: result.url,
        treeSize: result.head?.treeSize ?? 0,
        rootHash: result.head?.rootHash ?? null,
        consistency: result.consistency,
        ...(result.previous ? { previousTreeSize: result.previous.treeSize } : {}),
        since: result.since,
        listed: result.entries.length,
        ...(result.stateFile ? { state: result.stateFile } : {}),
      };
      if (json) {
        for (const entry of result.entries) process.stdout.write(JSON.stringify(entry) + '\n');
        process.stdout.write(JSON.stringify(summary) + '\n');
        return;
      }
      if (!result.head) {
        process.stdout.write(`the issuance log at ${result.url} has no signed head yet: nothing issued\n`);
        return;
      }
      const lines = [
        `issuance log verified: signed head of ${result.head.treeSize} entries (kid ${result.head.kid}, ${new Date(result.head.timestamp).toISOString()})`,
        result.previous
          ? `  consistent with the head of ${result.previous.treeSize} entries seen before`
          : '  no head seen before' +
            (result.stateFile ? ` (kept in ${result.stateFile} from now on)` : ' (give --state FILE to check consistency between runs)'),
        result.entries.length
          ? `  ${result.entries.length} entries from ${result.since} re-read, root recomputed${result.since ? ' (with the inclusion proof of the first)' : ''}:`
          : `  nothing from ${result.since}`,
        ...result.entries.map(
          (e) =>
            `  #${e.index}  ${e.issuedAt}  ${e.kind.padEnd(11)}  ${e.id}  ${e.type}  by ${e.issuer}${e.issuerCode ? ` (${e.issuerCode})` : ''}` +
            (e.holder ? `  holder ${e.holder.slice(0, 16)}…` : ''),
        ),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}

function wholeNumber(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('give a leaf index: a whole number, 0 or more');
  return Number(value);
}
