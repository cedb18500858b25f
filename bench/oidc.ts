import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEMO_PASSWORD } from '../src/accounts/demo-accounts.js';
import { hashPassword, verifyPassword } from '../src/accounts/password-hash.js';
import { DEMO_CITIZENS } from '../src/demo/demo-data.js';
import { Browser, basicAuth, load, postForm, send, type LoadResult } from './http.js';
import { mb, record, section } from './lib.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Requests in flight, for every figure (BENCH_OIDC_CONCURRENCY). */
const CONCURRENCY = Number(process.env.BENCH_OIDC_CONCURRENCY ?? 16);
/** The service's PostgreSQL pool (BENCH_OIDC_POOL). */
const POOL = Number(process.env.BENCH_OIDC_POOL ?? 16);
const WARMUP_MS = Number(process.env.BENCH_OIDC_WARMUP_MS ?? 2000);
const DURATION_MS = Number(process.env.BENCH_OIDC_SECONDS ?? 4) * 1000;
/** When set, the service runs under `node --cpu-prof` and writes its profile into this directory (BENCH_OIDC_CPU_PROF). */
const CPU_PROF_DIR = process.env.BENCH_OIDC_CPU_PROF;

/** The demo citizens with accounts (DEMO=1): four active ones, one password. */
export const CITIZENS = DEMO_CITIZENS.filter((c) => c.status === 'active').map((c) => ({ idNumber: c.id_number, password: DEMO_PASSWORD }));
type Citizen = (typeof CITIZENS)[number];

export interface Portal {
  issuer: string;
  clientId: string;
  secret: string;
  redirectUri: string;
}

/**
 * A load's figures, with the server process's CPU time per completed call (ms) and the share of
 * the machine that processes other than the bench, the server and PostgreSQL took meanwhile.
 */
export type Measured = LoadResult & { cpuMs: number; postgresMs: number; driverMs: number; otherLoad: number };

/** Token-endpoint figures (and RSS) of one server, tongban or the bare provider. */
interface TokenFigures {
  clientCredentials: Measured;
  refresh: Measured;
  userinfo: Measured;
  introspection: Measured;
  rss: number;
}

/**
 * OIDC under load (issue 3): the real service as a child process on a scratch PostgreSQL
 * database, driven over HTTP with keep-alive and a fixed number of requests in flight, beside a
 * bare oidc-provider (in-memory adapter, one static client) loaded the same way in the same run.
 */
export async function benchOidc(serverUrl: string): Promise<void> {
  section(`OIDC under load, service as a child process on PostgreSQL (${CONCURRENCY} requests in flight)`);
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  process.stdout.write(
    `  machine: ${availableParallelism()} cores (${cpu}); the load driver, the service and PostgreSQL share them\n` +
      `  service: DB_POOL_SIZE=${POOL}, LOGIN_IP_LIMIT_PER_MINUTE=0 (the per-IP sign-in limit is off: all load comes from one IP)\n` +
      `  each figure: ${WARMUP_MS / 1000} s warm-up, then ${DURATION_MS / 1000} s measured; latency = one request (a whole sign-in for sign-ins)\n`,
  );
  const started = performance.now();
  await withScratch(serverUrl, 'oidc', async (scratch) => {
    // Baseline first, on an otherwise idle machine; then the floor of a password sign-in.
    const bare = await measureBare(scratch.children);
    const argon = await argon2Floor();

    const nodeArgs = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
    const { service, env, issuer } = await scratch.startService({ LOGIN_IP_LIMIT_PER_MINUTE: '0', DB_POOL_SIZE: String(POOL) }, nodeArgs);
    const tongban = await measureTongban(issuer, env, service);

    const vs = (value: number) => ({ name: 'bare oidc-provider', value });
    // In the order measured, so that "peak RSS so far" grows down the list.
    const rows: Array<[string, string, keyof Omit<TokenFigures, 'rss'>, string | undefined, string]> = [
      ['client-credentials grants/s (JWT ES256 token)', 'client credentials', 'clientCredentials', '≥ 1,000', 'grants/s'],
      ['userinfo/s (GET /me, opaque token)', 'userinfo', 'userinfo', undefined, 'requests/s'],
      ['introspections/s (as the portal, no hint)', 'introspection', 'introspection', undefined, 'requests/s'],
      ['refreshes/s (rotating; new AT + ID token)', 'refresh', 'refresh', '≥ 500', 'refreshes/s'],
    ];
    for (const [name, label, key, target, unit] of rows) {
      const [ours, theirs] = [tongban.figures[key], bare[key]];
      const cpu = `(CPU per call: service ${ours.cpuMs.toFixed(2)} ms [bare ${theirs.cpuMs.toFixed(2)}], PostgreSQL ${ours.postgresMs.toFixed(2)}, load driver ${ours.driverMs.toFixed(2)})${otherLoadNote(ours)}${otherLoadNote(theirs).replace('other', 'during the bare run, other')}`;
      record({
        section: 'oidc',
        name,
        value: ours.perSecond,
        unit,
        baseline: vs(theirs.perSecond),
        target,
        note: `${errorsNote(ours) ?? ''}${cpu}`,
      });
      record({ section: 'oidc', name: `  ${label}: p50 latency`, value: ours.p50, unit: 'ms', baseline: vs(theirs.p50) });
      record({ section: 'oidc', name: `  ${label}: p99 latency`, value: ours.p99, unit: 'ms', baseline: vs(theirs.p99) });
      record({ section: 'oidc', name: `  ${label}: peak RSS so far`, value: mb(tongban.rssAfter[key]), unit: 'MB' });
    }
    const signIns = tongban.signIns;
    record({
      section: 'oidc',
      name: 'password sign-ins/s (authorize → code → /token)',
      value: signIns.perSecond,
      unit: 'sign-ins/s',
      baseline: { name: 'argon2id verify alone, same concurrency', value: argon.perSecond },
      target: '≥ 30',
      note: `${errorsNote(signIns) ?? ''}(fresh session each, consent remembered beforehand; CPU per sign-in: service ${signIns.cpuMs.toFixed(1)} ms, PostgreSQL ${signIns.postgresMs.toFixed(1)}, load driver ${signIns.driverMs.toFixed(1)})${otherLoadNote(signIns)}${otherLoadNote(argon).replace('other', 'during the argon2 run, other')}`,
    });
    record({
      section: 'oidc',
      name: '  sign-in: p50 latency',
      value: signIns.p50,
      unit: 'ms',
      baseline: { name: 'one argon2id verify', value: argon.p50 },
    });
    record({
      section: 'oidc',
      name: '  sign-in: p99 latency',
      value: signIns.p99,
      unit: 'ms',
      baseline: { name: 'one argon2id verify', value: argon.p99 },
    });
    record({ section: 'oidc', name: '  sign-in: peak RSS so far', value: mb(tongban.rssAfter.signIns), unit: 'MB' });
    record({
      section: 'oidc',
      name: 'service peak RSS over the whole run (VmHWM)',
      value: mb(service.peakRss()),
      unit: 'MB',
      baseline: { name: 'bare oidc-provider', value: mb(bare.rss) },
      target: '< 400',
    });
    process.stdout.write(`  (section wall time ${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  });
}

/** A section's scratch directory and database, and the child processes to stop when it ends. */
export interface Scratch {
  dir: string;
  children: Child[];
  /** Connected to BENCH_DATABASE_URL's server once startService() has run. */
  admin: pg.Client;
  database: string;
  /**
   * Creates the scratch database and starts tongban on it (temp KEYS_DIR with KEYS_AUTO_INIT=1,
   * DEMO=1, LOG_LEVEL=warn, a free port) with `env` on top; resolves once it listens. `nodeArgs`
   * go before the script (e.g. --cpu-prof); `onSpawn` sees the process as soon as it is spawned.
   */
  startService(
    env: Record<string, string>,
    nodeArgs?: string[],
    onSpawn?: (service: Child) => void,
  ): Promise<{ service: Child; env: Record<string, string>; issuer: string }>;
}

/**
 * Runs a section in a scratch directory and database that are always removed and dropped
 * afterwards, with every child process it registered stopped first — also on a failure, an exit
 * or an interrupt.
 */
export async function withScratch(serverUrl: string, name: string, fn: (scratch: Scratch) => Promise<void>): Promise<void> {
  const children: Child[] = [];
  const dir = mkdtempSync(join(tmpdir(), `tongban-bench-${name}-`));
  const database = `tongban_bench_${name}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  let created = false;
  // The finally below cleans up after a failure; these cover an exit or an interrupt mid-run.
  const killAll = () => children.forEach((c) => c.kill());
  const interrupted = (signal: NodeJS.Signals) => {
    void (async () => {
      await Promise.all(children.map((c) => c.killAndWait()));
      rmSync(dir, { recursive: true, force: true });
      if (created) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
      process.exit(signal === 'SIGINT' ? 130 : 143);
    })();
  };
  process.once('exit', killAll);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const startService: Scratch['startService'] = async (extra, nodeArgs = [], onSpawn) => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    created = true;
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: url.href,
      KEYS_DIR: join(dir, 'keys'),
      DATA_DIR: join(dir, 'data'),
      KEYS_AUTO_INIT: '1',
      DEMO: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: issuer,
      LOG_LEVEL: 'warn',
      ...extra,
    };
    const service = Child.spawn('tongban', [...nodeArgs, join(root, 'dist/src/main.js')], env);
    children.push(service);
    onSpawn?.(service);
    await service.ready(/tongban is running at/);
    return { service, env, issuer };
  };
  try {
    await fn({ dir, children, admin, database, startService });
  } finally {
    // Before the temporary directory goes: a service starting up may still be writing its keys there.
    for (const child of children) await child.stop();
    process.removeListener('exit', killAll);
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    if (created)
      await admin
        .query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
        .catch((err: Error) => process.stderr.write(`could not drop ${database}: ${err.message}\n`));
    await admin.end().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

export function errorsNote(result: LoadResult): string | undefined {
  return result.errors ? `${result.errors} errors (first: ${result.firstError?.slice(0, 120)}) ` : undefined;
}

/** load(), plus the CPU time the server process spent per completed call, and what else ran. */
export async function measured(
  server: Child | undefined,
  fn: (worker: number) => Promise<void>,
  loadOptions: { concurrency: number; warmupMs: number; durationMs: number } = options(),
): Promise<Measured> {
  return withCpuAccounting(server, () => load(fn, loadOptions));
}

/** Runs a load and adds the CPU time per call of the service, PostgreSQL and this driver. */
export async function withCpuAccounting(server: Child | undefined, run: () => Promise<LoadResult>): Promise<Measured> {
  const before = {
    server: server?.cpuSeconds() ?? 0,
    bench: process.cpuUsage(),
    machine: machineBusySeconds(),
    postgres: postgresSeconds(),
    at: performance.now(),
  };
  const result = await run();
  const serverSeconds = (server?.cpuSeconds() ?? 0) - before.server;
  const bench = process.cpuUsage(before.bench);
  const benchSeconds = (bench.user + bench.system) / 1e6;
  const pgSeconds = postgresSeconds() - before.postgres;
  const other = machineBusySeconds() - before.machine - serverSeconds - benchSeconds - pgSeconds;
  const capacity = ((performance.now() - before.at) / 1000) * availableParallelism();
  const perCall = (seconds: number) => (seconds * 1000) / result.total;
  return {
    ...result,
    cpuMs: perCall(serverSeconds),
    postgresMs: perCall(pgSeconds),
    driverMs: perCall(benchSeconds),
    otherLoad: Math.max(0, other / capacity),
  };
}

/** Busy CPU time of the whole machine (seconds), from /proc/stat. */
function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** CPU time of every PostgreSQL server process on this machine (seconds); 0 when it runs elsewhere. */
function postgresSeconds(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* exited */
    }
  }
  return ticks / 100;
}

/** A warning when something else on the machine competed with the measurement. */
export function otherLoadNote(result: Measured): string {
  return result.otherLoad > 0.05 ? ` ⚠ other processes took ${(result.otherLoad * 100).toFixed(0)}% of the machine meanwhile` : '';
}

const options = () => ({ concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS });

/** The four token-endpoint loads against any issuer, with the credentials and tokens it was given. */
async function tokenLoads(
  issuer: string,
  service: { clientId: string; secret: string },
  portal: { clientId: string; secret: string },
  chains: string[],
  accessTokens: string[],
  server: Child,
) {
  const rss = () => server.peakRss();
  const rssAfter: Record<string, number> = {};
  const serviceAuth = basicAuth(service.clientId, service.secret);
  const portalAuth = basicAuth(portal.clientId, portal.secret);

  const first = await postForm(`${issuer}/token`, { grant_type: 'client_credentials', scope: 'verify' }, serviceAuth);
  if (String(first.access_token).split('.').length !== 3)
    throw new Error(`client credentials: expected a JWT access token, got ${JSON.stringify(first)}`);
  const clientCredentials = await measured(server, async () => {
    const body = await postForm(`${issuer}/token`, { grant_type: 'client_credentials', scope: 'verify' }, serviceAuth);
    if (!body.access_token) throw new Error('no access token');
  });
  rssAfter.clientCredentials = rss();

  const userinfo = await measured(server, async (w) => {
    const response = await send(`${issuer}/me`, { headers: { authorization: `Bearer ${accessTokens[w % accessTokens.length]}` } });
    const text = response.text();
    if (response.status !== 200) throw new Error(`GET /me: ${response.status} ${text.slice(0, 200)}`);
  });
  rssAfter.userinfo = rss();

  const introspection = await measured(server, async (w) => {
    const body = await postForm(`${issuer}/token/introspection`, { token: accessTokens[w % accessTokens.length] }, portalAuth);
    if (body.active !== true) throw new Error(`introspection: ${JSON.stringify(body)}`);
  });
  rssAfter.introspection = rss();

  // Last: the bare provider's in-memory adapter is an LRU of 1,000 entries per model, which the
  // refreshes churn through (the seed access tokens of the figures above would be evicted).
  // One rotating chain per worker: each refresh consumes the token and returns the next one.
  if (chains.length < CONCURRENCY) throw new Error(`${chains.length} refresh chains for ${CONCURRENCY} workers`);
  const refresh = await measured(server, async (w) => {
    const body = await postForm(`${issuer}/token`, { grant_type: 'refresh_token', refresh_token: chains[w] }, portalAuth);
    if (typeof body.refresh_token !== 'string' || !body.access_token || !body.id_token)
      throw new Error(`refresh: ${JSON.stringify(body).slice(0, 200)}`);
    chains[w] = body.refresh_token;
  });
  rssAfter.refresh = rss();

  return { figures: { clientCredentials, refresh, userinfo, introspection }, rssAfter };
}

async function measureBare(children: Child[]): Promise<TokenFigures> {
  const port = await freePort();
  const bare = Child.spawn('bare oidc-provider', [join(root, 'dist/bench/bare-provider.js')], {
    BARE_PORT: String(port),
    BARE_TOKENS: String(CONCURRENCY),
  });
  children.push(bare);
  await bare.ready(/"ready":true/);
  const ready = JSON.parse(
    bare
      .output()
      .split('\n')
      .find((line) => line.includes('"ready":true'))!,
  ) as {
    issuer: string;
    clientId: string;
    clientSecret: string;
    refreshTokens: string[];
    accessTokens: string[];
  };
  const client = { clientId: ready.clientId, secret: ready.clientSecret };
  const { figures } = await tokenLoads(ready.issuer, client, client, ready.refreshTokens, ready.accessTokens, bare);
  const rss = bare.peakRss();
  await bare.stop();
  return { ...figures, rss };
}

/** What argon2id alone allows: the same verification a sign-in does, at the same concurrency, in this process. */
async function argon2Floor(): Promise<Measured> {
  const stored = await hashPassword(DEMO_PASSWORD);
  return measured(undefined, async () => {
    if (!(await verifyPassword(stored, DEMO_PASSWORD))) throw new Error('argon2 verification failed');
  });
}

async function measureTongban(issuer: string, env: Record<string, string>, child: Child) {
  // Clients through the real CLI, on the same database; the running service finds them there.
  const service = (await cli(['clients', 'add', '--client-id', 'bench-service', '--name', 'bench service', '--scope', 'verify'], env)) as {
    client_secret: string;
  };
  const portal = await addBenchPortal(issuer, env);

  // Seeds: one real sign-in per worker gives its refresh-token chain and an opaque access token.
  // oidc-provider grants offline_access only with prompt=consent, so each seed consents — with
  // "remember", which is what lets the measured sign-ins below skip the consent page.
  const seeds: Array<Record<string, unknown>> = [];
  for (let i = 0; i < CONCURRENCY; i += CITIZENS.length) {
    const batch = CITIZENS.slice(0, Math.min(CITIZENS.length, CONCURRENCY - i));
    seeds.push(...(await Promise.all(batch.map((who) => signIn(portal, who, 'openid profile offline_access', { prompt: 'consent' })))));
  }
  const chains = seeds.map((s) => String(s.refresh_token));
  const accessTokens = seeds.map((s) => String(s.access_token));
  if (chains.some((c) => c === 'undefined'))
    throw new Error(`a sign-in with offline_access returned no refresh token: ${JSON.stringify(seeds[0])}`);

  const { figures, rssAfter } = await tokenLoads(
    issuer,
    { clientId: 'bench-service', secret: service.client_secret },
    portal,
    chains,
    accessTokens,
    child,
  );

  let n = 0;
  const signIns = await measured(child, async () => {
    const tokens = await signIn(portal, CITIZENS[n++ % CITIZENS.length], 'openid profile');
    if (!tokens.access_token || !tokens.id_token) throw new Error('the code exchange returned no tokens');
  });
  rssAfter.signIns = child.peakRss();
  return { figures, signIns, rssAfter: rssAfter as Record<keyof Omit<TokenFigures, 'rss'> | 'signIns', number> };
}

/** The bench's portal (a confidential client that may ask for offline_access), registered through the CLI. */
export async function addBenchPortal(issuer: string, env: Record<string, string>): Promise<Portal> {
  const redirectUri = `${issuer}/bench/callback`;
  const registered = (await cli(
    [
      'clients',
      'add',
      '--client-id',
      'bench-portal',
      '--name',
      'bench portal',
      '--redirect-uri',
      redirectUri,
      '--scope',
      'openid profile offline_access',
    ],
    env,
  )) as { client_secret: string };
  return { issuer, clientId: 'bench-portal', secret: registered.client_secret, redirectUri };
}

/**
 * A whole sign-in in a fresh browser session: authorization request (PKCE) → login page → POST
 * login → (consent, only with prompt=consent) → redirect back to the portal → code exchange at /token.
 */
export async function signIn(
  portal: Portal,
  who: Citizen,
  scope: string,
  extra: { prompt?: 'consent' } = {},
): Promise<Record<string, unknown>> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const authorize = new URL('/auth', portal.issuer);
  authorize.search = new URLSearchParams({
    client_id: portal.clientId,
    redirect_uri: portal.redirectUri,
    response_type: 'code',
    scope,
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  const browser = new Browser((url) => url.href.startsWith(portal.redirectUri));
  let page = await browser.open(authorize.href);
  if (page.url.includes('/interaction/') && page.html.includes('name="password"')) {
    page = await browser.fill(page, '/login', { id_number: who.idNumber, password: who.password });
  }
  if (page.url.includes('/interaction/') && page.html.includes('/confirm"')) {
    if (extra.prompt !== 'consent') throw new Error('a consent page although the consent was remembered');
    page = await browser.fill(page, '/confirm', { remember: '1' });
  }
  if (!page.url.startsWith(portal.redirectUri))
    throw new Error(`the sign-in did not return to the portal: ${page.url} (${page.status}) ${page.html.slice(0, 300)}`);
  const callback = new URL(page.url);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) throw new Error(`bad callback ${callback.href}`);
  return postForm(
    `${portal.issuer}/token`,
    { grant_type: 'authorization_code', code, redirect_uri: portal.redirectUri, code_verifier: verifier },
    basicAuth(portal.clientId, portal.secret),
  );
}

/** A child process (the service or the bare provider), its output, and its peak RSS. */
export class Child {
  private text = '';
  private readonly exited: Promise<unknown>;

  private constructor(
    readonly name: string,
    private readonly process: ChildProcess,
  ) {
    process.stdout!.on('data', (chunk) => (this.text += chunk));
    process.stderr!.on('data', (chunk) => (this.text += chunk));
    this.exited = once(process, 'exit');
  }

  /** Spawns `node <args>`; the caller registers it for clean-up before waiting for `ready`. */
  static spawn(name: string, args: string[], env: Record<string, string>): Child {
    const { DATABASE_URL: _omit, ...base } = globalThis.process.env;
    return new Child(name, spawn(globalThis.process.execPath, args, { env: { ...base, ...env }, cwd: root }));
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Resolves once the output matches `pattern`; rejects if the process exits first or after 60 s. */
  ready(pattern: RegExp): Promise<void> {
    if (pattern.test(this.text)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start within 60 s:\n${this.text}`)), 60_000);
      const look = () => {
        if (!pattern.test(this.text)) return;
        clearTimeout(timer);
        this.process.stdout!.off('data', look);
        resolve();
      };
      this.process.stdout!.on('data', look);
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${this.process.exitCode ?? this.process.signalCode}) before it was ready:\n${this.text}`));
      });
    });
  }

  output(): string {
    return this.text;
  }

  /** VmHWM: the kernel's record of the process's peak resident set so far (bytes). */
  peakRss(): number {
    try {
      return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.process.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      return 0;
    }
  }

  /** User + system CPU time of the process so far (seconds). */
  cpuSeconds(): number {
    try {
      const fields = readFileSync(`/proc/${this.process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  }

  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }

  async killAndWait(): Promise<void> {
    this.kill();
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function cli(args: string[], env: Record<string, string>): Promise<unknown> {
  const { DATABASE_URL: _omit, ...base } = process.env;
  const child = spawn(process.execPath, [join(root, 'bin/tongban.js'), '--json', ...args], { env: { ...base, ...env }, cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`tongban ${args.join(' ')} exited ${code}: ${stderr}${stdout}`);
  return JSON.parse(stdout);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
