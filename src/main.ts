import { ConfigError, loadConfig } from './config/config.js';
import { DataDirInUseError } from './database/data-dir-lock.js';
import { startService } from './server.js';

try {
  await startService(loadConfig());
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirInUseError) {
    process.stderr.write(`tongban: cannot start: ${err.message}\n`);
    if (err instanceof DataDirInUseError) process.stderr.write('Stop that process, or set DATA_DIR to another directory.\n');
  } else {
    process.stderr.write(`tongban: cannot start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
}
