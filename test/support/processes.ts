import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = `${root}bin/tongban.js`;
const SERVICE = `${root}dist/src/main.js`;

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _omit, ...base } = process.env;
  return { ...base, ...env };
}

/** Runs the built `tongban` CLI (npm test builds first) and collects its output. */
export function tongban(args: string[], env: Record<string, string>): Promise<Finished> {
  return finished(spawn(process.execPath, [CLI, ...args], { env: childEnv(env), cwd: root }));
}

function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<Finished>;
}

/** Starts `node dist/src/main.js` as a separate process and waits for its start banner. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [SERVICE], { env: childEnv({ PORT: '0', HOST: '127.0.0.1', ...env }), cwd: root });
  const done = finished(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start:\n${output}`)), 60_000);
    const look = () => {
      const match = /running at (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', look);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`the service exited:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return done;
    },
  };
}

export { finished as waitForExit };
