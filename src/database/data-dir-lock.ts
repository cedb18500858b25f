import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LockHolder {
  pid: number;
  role: string;
  startedAt: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by another tongban process (pid ${holder.pid}, ${holder.role}, since ${holder.startedAt})`,
    );
    this.name = 'DataDirInUseError';
  }
}

export type ControlHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Unix socket paths are limited to ~107 bytes; a deep DATA_DIR falls back to a hashed name in the temp dir. */
export function controlSocketPath(dataDir: string): string {
  const inDir = join(dataDir, 'tongban.sock');
  if (Buffer.byteLength(inDir) <= 100) return inDir;
  return join(tmpdir(), `tongban-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}

/**
 * Exclusive ownership of an embedded (PGlite) data directory.
 *
 * The lock is a Unix socket bound in DATA_DIR: binding fails while another process holds it, and a
 * socket left by a crashed process refuses connections, so it is recognised as stale and replaced.
 * The same socket is the local control channel: the CLI, finding the directory taken by a running
 * service, sends its command there instead of opening the database a second time.
 */
export class DataDirLock {
  private handler?: ControlHandler;

  private constructor(
    readonly dataDir: string,
    readonly socketPath: string,
    readonly holder: LockHolder,
    private readonly server: Server,
  ) {}

  static async acquire(dataDir: string, role: string): Promise<DataDirLock> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const socketPath = controlSocketPath(dataDir);
    const holder: LockHolder = { pid: process.pid, role, startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      const server = createServer();
      const lock = new DataDirLock(dataDir, socketPath, holder, server);
      server.on('request', (req, res) => lock.handle(req, res));
      const error = await listen(server, socketPath);
      if (!error) {
        chmodSync(socketPath, 0o600);
        server.unref();
        return lock;
      }
      if (error.code !== 'EADDRINUSE') throw error;
      const other = await askHolder(socketPath);
      if (other) throw new DataDirInUseError(dataDir, other);
      unlinkSync(socketPath); // stale: its process is gone
    }
    throw new Error(`could not take the control socket ${socketPath}`);
  }

  /** Where commands arriving on the control socket go once the process is ready for them. */
  setHandler(handler: ControlHandler): void {
    this.handler = handler;
  }

  async release(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && req.url === '/holder') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.holder));
      return;
    }
    if (!this.handler) {
      res.statusCode = 503;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: 'starting', message: 'the process holding the data directory is still starting; try again' }));
      return;
    }
    this.handler(req, res);
  }
}

function listen(server: Server, path: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException) => resolve(err);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve(null);
    });
  });
}

/** Asks whoever listens on the control socket who they are; null when nobody answers. */
export function askHolder(socketPath: string, timeoutMs = 3000): Promise<LockHolder | null> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/holder', method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as LockHolder);
        } catch {
          resolve(null);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A live process that is slow to answer still holds the lock; only "nobody listening" is stale.
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve(null);
      else resolve({ pid: 0, role: 'unknown (not answering)', startedAt: 'unknown' });
    });
    req.end();
  });
}
