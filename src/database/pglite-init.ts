import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

/**
 * PostgreSQL settings of the embedded store, given to initdb (so postgresql.conf carries them) and
 * on every start (so that a store made before them gets them too: the command line wins).
 *
 * PGlite's WebAssembly heap only grows, and what PostgreSQL touches in it stays resident for the
 * life of the process. It touches all of shared_buffers at start: initdb's 128 MB made a restart
 * of the service 422-440 MB; 16 MB makes it 300-310 MB. One session on a store of this size needs
 * no more: a buffer miss is a read from the OS page cache.
 */
export const PGLITE_SETTINGS = ['shared_buffers=16MB'];

export interface PgliteInitResult {
  /** Wall time of the child process, in milliseconds. */
  ms: number;
  /** The child's peak resident set (VmHWM), in kB, when it could read it. */
  peakKb?: number;
}

/**
 * Runs initdb for a new embedded store in a short-lived child process, so that its memory is the
 * child's and goes back to the system when it exits, before this process opens the store.
 *
 * PGlite's initdb runs a second PostgreSQL instance whose 128 MB heap it copies (and writes back
 * before every postgres call it makes: both copies resident in full), and initdb's own 64 MB
 * module; run in the service, that memory stayed with it: a first start peaked at 966-973 MB
 * (VmHWM) against 422-440 MB for a restart. With the child, the service's first start peaks at
 * 318-359 MB, and the child, which loads nothing but PGlite, at about 430 MB for 2.5-4 s. The first
 * start takes about as long as before (6.2-6.6 s to ready against 5.3-8.0 s, 2-core machine).
 *
 * The child writes into a sibling directory that is renamed to `dir` once its PostgreSQL has shut
 * down cleanly, so an interrupted first start leaves nothing that looks like a store; migrations
 * then run in this process as on any start. The caller holds the data-directory lock throughout.
 * Returns null when there is nothing to do: `dir` holds a store already, or something else that is
 * not empty (left to PGlite in this process, as before).
 */
export async function initialisePgliteInChild(dir: string): Promise<PgliteInitResult | null> {
  if (existsSync(join(dir, 'PG_VERSION'))) return null;
  if (existsSync(dir) && readdirSync(dir).length > 0) return null;
  const parent = dirname(dir);
  const prefix = `${basename(dir)}.init-`;
  // Left by a first start that was interrupted: nobody else can be initialising (we hold the lock).
  for (const name of readdirSync(parent)) if (name.startsWith(prefix)) rmSync(join(parent, name), { recursive: true, force: true });
  const work = join(parent, `${prefix}${process.pid}`);
  const started = performance.now();
  try {
    const peakKb = await runChild(work);
    renameSync(work, dir);
    return { ms: performance.now() - started, peakKb };
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

const require = createRequire(import.meta.url);

/**
 * The child's program (CommonJS, so that it runs from the compiled service and from the tests'
 * TypeScript sources alike).
 *
 * For a NodeFS store, PGlite has initdb build the data directory in the memory of its initdb
 * instance and then copies it over as a tar (about 190 MB more at the child's peak); a MemoryFS
 * store it hands to that instance directly. So the store here is a MemoryFS whose data directory
 * is mounted from disk, as NodeFS mounts it, and initdb writes the files where they belong. Should
 * a later PGlite build it elsewhere, the PG_VERSION check fails the start instead of going on.
 */
const CHILD = `
// initdb's code runs once: V8's baseline compiler alone makes it about twice as fast and leaves out
// the optimising compiler's memory. Set here rather than on the command line, where a flag that a
// later Node no longer knows would stop the child; here it is ignored.
require('node:v8').setFlagsFromString('--no-wasm-tier-up');
require('node:v8').setFlagsFromString('--no-wasm-dynamic-tiering');
const [pgliteMain, dir, settingsJson] = process.argv.slice(1);
const { PGlite, MemoryFS } = require(pgliteMain);
const { mkdirSync, readFileSync, existsSync } = require('node:fs');
const { join, resolve } = require('node:path');
class DiskBackedMemoryFS extends MemoryFS {
  constructor(root) {
    super();
    this.root = resolve(root);
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }
  async init(pg, opts) {
    this.pg = pg;
    const mount = (mod) => {
      mod.FS.mkdirTree(PGlite.paths.PGDATA);
      mod.FS.mount(mod.FS.filesystems.NODEFS, { root: this.root }, PGlite.paths.PGDATA);
    };
    return { emscriptenOpts: { ...opts, preRun: [...(opts.preRun || []), mount] } };
  }
}
(async () => {
  const settings = JSON.parse(settingsJson).flatMap((s) => ['-c', s]);
  const db = await PGlite.create({ fs: new DiskBackedMemoryFS(dir), initDbStartParams: settings, startParams: [...PGlite.defaultStartParams, ...settings] });
  await db.close();
  if (!existsSync(join(dir, 'PG_VERSION'))) throw new Error('initdb left no PG_VERSION in ' + dir);
  const peak = /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  process.stdout.write(JSON.stringify({ peakKb: peak ? Number(peak[1]) : undefined }));
})().catch((err) => {
  process.stderr.write(String((err && err.stack) || err));
  process.exitCode = 1;
});
`;

function runChild(work: string): Promise<number | undefined> {
  const args = ['-e', CHILD, require.resolve('@electric-sql/pglite'), work, JSON.stringify(PGLITE_SETTINGS)];
  return new Promise((resolve, reject) => {
    // NODE_OPTIONS is the parent's (a test runner's flags, a --require): not for this child.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0)
        return reject(new Error(`initdb of the embedded database failed (${signal ?? `exit ${code}`}): ${err.trim() || out.trim()}`));
      try {
        resolve((JSON.parse(out) as { peakKb?: number }).peakKb);
      } catch {
        resolve(undefined);
      }
    });
  });
}
