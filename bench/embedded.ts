import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../src/accounts/demo-accounts.js';
import { DEMO_CITIZENS } from '../src/demo/demo-data.js';
import { makeCitizenId } from '../src/identifiers/generate.js';
import { Browser, send } from './http.js';
import { mb, record, section } from './lib.js';
import { Child, freePort, withScratch } from './oidc.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Whole demo sign-ins after the restart (BENCH_EMBEDDED_SIGNINS), this many at a time (BENCH_EMBEDDED_CONCURRENCY). */
const SIGNINS = Number(process.env.BENCH_EMBEDDED_SIGNINS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_EMBEDDED_CONCURRENCY ?? 4);
/** Identifier look-ups per sign-in, in between. */
const LOOKUPS_PER_SIGNIN = 10;

/** All the load comes from one IP: the per-IP sign-in limit is off, as in the oidc section. */
const LOAD_ENV = { LOGIN_IP_LIMIT_PER_MINUTE: '0' };

const ACTIVE = DEMO_CITIZENS.filter((c) => c.status === 'active');

/** One start of the service, measured from spawn to its start banner. */
interface Start {
  child: Child;
  issuer: string;
  readyMs: number;
  /** VmHWM of the service process when it is ready (bytes). */
  peak: number;
  /** Of the processes the service started meanwhile (PGlite's initdb): the highest VmHWM, and how long they ran. */
  helperPeak: number;
  helperMs: number;
  /** The most resident memory the service and its child processes held at one time (sampled; at least the service's own peak; bytes). */
  treePeak: number;
}

/**
 * The embedded mode (PGlite) in memory and start time: the service as a child process, started on
 * a new data directory, stopped and started again on it, then loaded with whole demo sign-ins and
 * identifier look-ups — beside the same service, started the same ways, on a scratch PostgreSQL
 * database in the same run.
 */
export async function benchEmbedded(serverUrl: string): Promise<void> {
  section(
    'Embedded mode (PGlite) beside PostgreSQL: memory and start time, service as a child process (DEMO=1, LOGIN_IP_LIMIT_PER_MINUTE=0)',
  );
  process.stdout.write(
    `  first start: a new DATA_DIR (initdb, migrations, keys, CA certificates, demo data) or a new database; restart: the same again\n` +
      `  load after the restart: ${SIGNINS} whole demo sign-ins (portal → authorize → login → consent → portal; ${CONCURRENCY} at a time) and ${SIGNINS * LOOKUPS_PER_SIGNIN} identifier look-ups\n`,
  );
  const started = performance.now();
  await withScratch(serverUrl, 'embedded', async (scratch) => {
    // Embedded first, while the machine is fresh; the same service on PostgreSQL right after.
    // A restart keeps its environment: PUBLIC_URL (and so the port) is in the demo portals' registrations.
    const port = await freePort();
    const embeddedEnv = {
      DATA_DIR: join(scratch.dir, 'embedded', 'data'),
      KEYS_DIR: join(scratch.dir, 'embedded', 'keys'),
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DEMO: '1',
      KEYS_AUTO_INIT: '1',
      LOG_LEVEL: 'warn',
      ...LOAD_ENV,
    };
    const spawnWith =
      (env: Record<string, string>): Spawner =>
      async (onSpawn) => {
        const child = Child.spawn('tongban', [join(root, 'dist/src/main.js')], env);
        scratch.children.push(child);
        onSpawn(child);
        await child.ready(/tongban is running at/);
        return { child, issuer: env.PUBLIC_URL };
      };
    const embeddedFirst = await measureStart(spawnWith(embeddedEnv));
    await embeddedFirst.child.stop();
    const embedded = await measureStart(spawnWith(embeddedEnv));
    const embeddedLoad = await loadWith(embedded);
    await embedded.child.stop();

    let postgresEnv: Record<string, string> = {};
    const postgresFirst = await measureStart(async (onSpawn) => {
      const { service, env, issuer } = await scratch.startService(LOAD_ENV, [], onSpawn);
      postgresEnv = env;
      return { child: service, issuer };
    });
    await postgresFirst.child.stop();
    const postgres = await measureStart(spawnWith(postgresEnv));
    const postgresLoad = await loadWith(postgres);
    await postgres.child.stop();

    const on = (value: number) => ({ name: 'PostgreSQL', value });
    record({
      section: 'embedded',
      name: 'first start: peak RSS (VmHWM)',
      value: mb(embeddedFirst.peak),
      unit: 'MB',
      baseline: on(mb(postgresFirst.peak)),
      target: '< 400',
    });
    record({
      section: 'embedded',
      name: 'first start: time to ready',
      value: embeddedFirst.readyMs / 1000,
      unit: 's',
      baseline: on(postgresFirst.readyMs / 1000),
    });
    if (embeddedFirst.helperPeak)
      record({
        section: 'embedded',
        name: "  initdb's child process: peak RSS",
        value: mb(embeddedFirst.helperPeak),
        unit: 'MB',
        note: `for ${(embeddedFirst.helperMs / 1000).toFixed(1)} s, before the service opens the store`,
      });
    record({
      section: 'embedded',
      name: '  service + child processes: most RSS at once',
      value: mb(embeddedFirst.treePeak),
      unit: 'MB',
      baseline: on(mb(postgresFirst.treePeak)),
      note: 'sampled every 20 ms',
    });
    record({
      section: 'embedded',
      name: 'restart: peak RSS (VmHWM)',
      value: mb(embedded.peak),
      unit: 'MB',
      baseline: on(mb(postgres.peak)),
      target: '< 400',
    });
    record({
      section: 'embedded',
      name: 'restart: time to ready',
      value: embedded.readyMs / 1000,
      unit: 's',
      baseline: on(postgres.readyMs / 1000),
    });
    record({
      section: 'embedded',
      name: `RSS after the load (${SIGNINS} sign-ins)`,
      value: mb(embeddedLoad.rss),
      unit: 'MB',
      baseline: on(mb(postgresLoad.rss)),
    });
    record({
      section: 'embedded',
      name: 'peak RSS after the load (VmHWM)',
      value: mb(embeddedLoad.peak),
      unit: 'MB',
      baseline: on(mb(postgresLoad.peak)),
      note: `${embeddedLoad.perSecond.toFixed(1)} vs ${postgresLoad.perSecond.toFixed(1)} sign-ins/s`,
    });
    process.stdout.write(`  (section wall time ${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  });
}

type Spawner = (onSpawn: (child: Child) => void) => Promise<{ child: Child; issuer: string }>;

/** Starts the service (the spawner resolves once it is ready), sampling its process tree from spawn to ready. */
async function measureStart(spawnService: Spawner): Promise<Start> {
  const sampler = new TreeSampler();
  let child: Child | undefined;
  let begin = 0;
  const timer = setInterval(() => sampler.sample(child?.pid), 20);
  try {
    const spawned = await spawnService((spawnedChild) => {
      child = spawnedChild;
      begin = performance.now();
    });
    const readyMs = performance.now() - begin;
    sampler.sample(spawned.child.pid);
    const health = await send(`${spawned.issuer}/health/ready`);
    if (health.status !== 200) throw new Error(`/health/ready answered ${health.status}: ${health.text().slice(0, 200)}`);
    const peak = spawned.child.peakRss();
    return {
      child: spawned.child,
      issuer: spawned.issuer,
      readyMs,
      peak,
      helperPeak: sampler.helperPeak,
      helperMs: sampler.helperMs,
      treePeak: Math.max(sampler.treePeak, peak),
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The service's process tree, read from /proc: the largest sum of resident sets, and the peak and
 * lifetime of its child processes (PGlite's initdb runs in one on a first start).
 */
class TreeSampler {
  treePeak = 0;
  helperPeak = 0;
  private readonly helpers = new Map<number, { first: number; last: number }>();

  get helperMs(): number {
    let ms = 0;
    for (const { first, last } of this.helpers.values()) ms += last - first;
    return ms;
  }

  sample(pid: number | undefined): void {
    if (!pid) return;
    let total = status(pid)?.rss ?? 0;
    for (const child of children(pid)) {
      const s = status(child);
      if (!s) continue;
      total += s.rss;
      this.helperPeak = Math.max(this.helperPeak, s.hwm);
      const now = performance.now();
      const seen = this.helpers.get(child);
      if (seen) seen.last = now;
      else this.helpers.set(child, { first: now, last: now });
    }
    this.treePeak = Math.max(this.treePeak, total);
  }
}

function status(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Whole demo sign-ins at a demo portal, with identifier look-ups in between; then the service's RSS. */
async function loadWith(start: Start): Promise<{ rss: number; peak: number; perSecond: number }> {
  let next = 0;
  const begin = performance.now();
  const worker = async () => {
    for (let i = next++; i < SIGNINS; i = next++) {
      await signIn(start.issuer, ACTIVE[i % ACTIVE.length]);
      for (let j = 0; j < LOOKUPS_PER_SIGNIN; j++) {
        const id = makeCitizenId({ region: '110105', birthDate: '1990-03-07', sequence: (i * LOOKUPS_PER_SIGNIN + j) % 999 });
        const answer = await send(`${start.issuer}/api/v1/identifiers/citizen-id/${id}`);
        if (answer.status !== 200) throw new Error(`identifier look-up: ${answer.status} ${answer.text().slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const perSecond = SIGNINS / ((performance.now() - begin) / 1000);
  return { rss: status(start.child.pid!)?.rss ?? 0, peak: start.child.peakRss(), perSecond };
}

/** A whole sign-in in a fresh browser at demo portal A: its login link, the password, consent when asked, back at the portal. */
async function signIn(issuer: string, who: (typeof ACTIVE)[number]): Promise<void> {
  const browser = new Browser(() => false);
  let page = await browser.open(`${issuer}/demo/portal-a/login`);
  if (page.url.includes('/interaction/') && page.html.includes('name="password"'))
    page = await browser.fill(page, '/login', { id_number: who.id_number, password: DEMO_PASSWORD });
  if (page.url.includes('/interaction/') && page.html.includes('/confirm"')) page = await browser.fill(page, '/confirm', { remember: '1' });
  if (page.status !== 200 || new URL(page.url).pathname !== '/demo/portal-a' || !page.html.includes(who.name)) {
    throw new Error(`the demo sign-in did not end signed in at the portal: ${page.url} (${page.status}) ${page.html.slice(0, 300)}`);
  }
}
