import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { WalletError } from './errors.js';

/** Creates a directory (and missing parents) readable by its owner only. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Writes a file with mode 0600 atomically: a temporary file beside it, then a rename — or, with
 * `exclusive`, a hard link that fails if the file exists (so two writers cannot both win).
 */
export function writePrivateFile(path: string, content: string | Buffer, options: { exclusive?: boolean } = {}): void {
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(temporary, 0o600);
    if (options.exclusive) {
      linkSync(temporary, path);
      unlinkSync(temporary);
    } else {
      renameSync(temporary, path);
    }
  } catch (err) {
    if (existsSync(temporary)) unlinkSync(temporary);
    throw err;
  }
}

/**
 * Writes a file the holder takes elsewhere (a PKCS#12 export): 0600, atomically; FILE_EXISTS when
 * the path is taken, unless `force` (then the file is replaced, never written through).
 */
export function writeExportFile(path: string, content: Buffer, options: { force?: boolean } = {}): void {
  const exists = () => new WalletError('FILE_EXISTS', `${path} exists; use --force to overwrite it`);
  if (!options.force && existsSync(path)) throw exists();
  try {
    writePrivateFile(path, content, { exclusive: !options.force });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists();
    throw new WalletError('FILE_UNWRITABLE', `cannot write ${path} (${code ?? 'error'})`);
  }
}

/**
 * Writes a document the holder hands on (a stamped OFD, a detached signature): atomically, with
 * the usual permissions (0666 less the umask); FILE_EXISTS when the path is taken, unless `force`
 * (then the file is replaced by a rename, never written through).
 */
export function writeDocumentFile(path: string, content: Buffer, options: { force?: boolean } = {}): void {
  const exists = () => new WalletError('FILE_EXISTS', `${path} exists; use --force to overwrite it`);
  if (!options.force && existsSync(path)) throw exists();
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, content, { flag: 'wx' });
    if (options.force) renameSync(temporary, path);
    else {
      linkSync(temporary, path);
      unlinkSync(temporary);
    }
  } catch (err) {
    if (existsSync(temporary)) unlinkSync(temporary);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists();
    throw new WalletError('FILE_UNWRITABLE', `cannot write ${path} (${code ?? 'error'})`);
  }
}

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    throw new WalletError('CORRUPT_WALLET', `cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new WalletError('CORRUPT_WALLET', `${what} is not JSON`);
  }
}
