import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { MAX_SAMPLE_PAGES, SAMPLE_STAMP_AREA, sampleOfd } from '../ofd/index.js';
import { WalletError, writeDocumentFile } from '../wallet/index.js';
import type { CliContext } from './commands.js';
import { OperationError } from './operations.js';
import { Output } from './output.js';

/**
 * `tongban ofd …`: OFD documents (GB/T 33190) on the holder's side. `ofd sample` writes a document
 * to try stamping on (a new user has no OFD at hand; the writer is src/ofd's createOfd). Needs no
 * service, database or configuration.
 */
export function registerOfdCommands(program: Command, _context: CliContext): void {
  const out = (cmd: Command) => new Output(Boolean(cmd.optsWithGlobals().json));
  const ofd = program.command('ofd').description('OFD documents (GB/T 33190)');

  ofd
    .command('sample')
    .description('write a sample OFD document (A4, Chinese and English text) to stamp with `tongban wallet stamp`')
    .requiredOption('--out <file>', 'the OFD file to write, e.g. sample.ofd')
    .option('--pages <n>', `how many pages (1 to ${MAX_SAMPLE_PAGES})`, pageCount, 1)
    .option('--title <title>', 'the title on the first page and in the document information', '通办示范文件')
    .option('--force', 'overwrite the file if it exists')
    .action((opts: { out: string; pages: number; title: string; force?: boolean }, cmd: Command) => {
      if (!opts.force && existsSync(opts.out)) throw new OperationError('FILE_EXISTS', `${opts.out} exists; use --force to overwrite it`);
      const document = sampleOfd({ pages: opts.pages, title: opts.title });
      try {
        writeDocumentFile(opts.out, document, { force: Boolean(opts.force) });
      } catch (err) {
        if (err instanceof WalletError) throw new OperationError(err.code, err.message);
        throw err;
      }
      const { page, x, y, width, height } = SAMPLE_STAMP_AREA;
      out(cmd).result({ file: opts.out, pages: opts.pages, bytes: document.length, stampArea: SAMPLE_STAMP_AREA }, () => [
        `wrote ${opts.out}: a sample OFD document of ${opts.pages} A4 page${opts.pages === 1 ? '' : 's'} (${document.length} bytes)`,
        `room for a ${width} × ${height} mm seal on page ${page} at x ${x}, y ${y} mm; stamp it with`,
        `  tongban wallet stamp ${opts.out} --seal <seal ID> --page ${page} --x ${x} --y ${y}`,
      ]);
    });
}

function pageCount(value: string): number {
  const n = Number(value);
  if (!/^\d{1,4}$/.test(value) || n < 1 || n > MAX_SAMPLE_PAGES)
    throw new InvalidArgumentError(`give a whole number from 1 to ${MAX_SAMPLE_PAGES}`);
  return n;
}
