import { CommanderError } from 'commander';
import { ConfigError, loadConfig, type AppConfig } from '../config/config.js';
import { DataDirInUseError } from '../database/data-dir-lock.js';
import { ImportFormatError } from '../registry/record-reader.js';
import { KeyStoreError } from '../keys/key-types.js';
import { buildProgram, EXIT, UsageError, type CliContext } from './commands.js';
import { OperationError } from './operations.js';
import { describeError } from './control-server.js';
import { Output } from './output.js';

/** Runs the CLI with argv (without node and script) and returns the exit code (-1: keep running, e.g. serve). */
export async function runCli(argv: string[]): Promise<number> {
  let config: AppConfig | undefined;
  const context: CliContext = {
    exitCode: EXIT.ok,
    config: () => (config ??= loadConfig()),
  };
  const program = buildProgram(context);
  const output = new Output(argv.includes('--json'));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return context.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      output.error('USAGE', err.message);
      return EXIT.usage;
    }
    if (err instanceof ConfigError) output.error('CONFIG', err.message);
    else if (err instanceof OperationError || err instanceof ImportFormatError || err instanceof KeyStoreError)
      output.error(err.code, err.message);
    else if (err instanceof DataDirInUseError) output.error('DATA_DIR_IN_USE', err.message);
    else {
      const { code, message } = describeError(err);
      output.error(code, message);
    }
    return EXIT.failed;
  }
}
