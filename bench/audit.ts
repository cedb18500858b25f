import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { verifyStoredLog } from '../src/audit/audit-archive.js';
import type { AuditEvent } from '../src/audit/audit-event.js';
import { AuditModule } from '../src/audit/audit.module.js';
import { AuditService } from '../src/audit/audit.service.js';
import { committedSize, writeCompletedSubtrees } from '../src/audit/audit-tree.js';
import { TransparencyService } from '../src/audit/transparency.service.js';
import { TreeHeadSigner } from '../src/audit/tree-head-signer.js';
import { loadConfig } from '../src/config/config.js';
import { ConfigModule } from '../src/config/config.module.js';
import { DatabaseModule } from '../src/database/database.module.js';
import { KeyStore } from '../src/keys/keystore.service.js';
import { KeysModule } from '../src/keys/keys.module.js';
import { basicAuth, postForm, send } from './http.js';
import { format, record, section } from './lib.js';
import { addBenchPortal, CITIZENS, cli, errorsNote, measured, otherLoadNote, signIn, withScratch, type Measured } from './oidc.js';

/**
 * The audit log (issue 14 §7), in this process on a scratch PostgreSQL database:
 *   - entries appended per second through AuditService (batched: one transaction and one
 *     multi-row INSERT per batch, seqs from audit_log_state), with BENCH_AUDIT_IN_FLIGHT appends
 *     always waiting, beside a bare multi-row INSERT of the same rows into a table with the same
 *     columns, constraints and indexes (500 a statement, autocommit, seqs and leaf hashes made up,
 *     no seq lock, no hashing) measured in the same run;
 *   - `tongban audit verify` entries per second (verifyStoredLog, the function the command runs)
 *     over those entries, with a signed head over them;
 *   - inclusion proofs per second at BENCH_AUDIT_PROOF_SIZE entries (10^7; 0 skips it): the rows
 *     are made by generate_series in SQL with arbitrary leaf hashes (a proof reads only hashes),
 *     the subtree hashes computed from them as the tree-head signer does, then
 *     TransparencyService.inclusion at random indices (no HTTP).
 *   - certificate verifications per second over HTTP (POST /api/v1/verify/certificate, the issuing
 *     CA's certificate with the root: each one an audit entry, recorded off the answer's path) on
 *     the service as a child process with the audit as shipped, beside the same load on a service
 *     started with AUDIT_WRITES=off (bench-only), in the same run (off, on, on, off: the means);
 *     target at least 0.9×; and rotating refreshes per second (each a token.grant entry) on the same
 *     services, compared the same way.
 *   BENCH_AUDIT_SECONDS (3) measured per figure; BENCH_AUDIT_IN_FLIGHT (4000).
 */

const SECONDS = Number(process.env.BENCH_AUDIT_SECONDS ?? 3);
const IN_FLIGHT = Number(process.env.BENCH_AUDIT_IN_FLIGHT ?? 4000);
const PROOF_SIZE = Number(process.env.BENCH_AUDIT_PROOF_SIZE ?? 10_000_000);
/** Refresh-token chains (one per request in flight), each from one sign-in of a demo citizen. */
const REFRESH_CHAINS = 8;

@Module({})
class BenchAuditModule {
  static forRoot(env: Record<string, string>): DynamicModule {
    return {
      module: BenchAuditModule,
      imports: [ConfigModule.forRoot(loadConfig(env)), DatabaseModule.forRoot({ role: 'bench', migrate: true }), KeysModule, AuditModule],
    };
  }
}

function event(n: number): AuditEvent {
  return {
    action: 'token.grant',
    actor: { kind: 'client', id: `portal-${n % 16}` },
    outcome: 'success',
    object: `grant-${n}`,
    subject: { kind: 'account', id: `0b7c2f5e-${String(n % 100_000).padStart(8, '0')}` },
    client: `portal-${n % 16}`,
    requestId: `req-${n}`,
    details: { grant: 'refresh_token', acr: 'urn:tongban:loa:2' },
  };
}

export async function benchAudit(serverUrl: string): Promise<void> {
  section('Audit log: appends, verification, inclusion proofs (in this process, PostgreSQL)');
  await withAuditDatabase(serverUrl, 'audit', async (app) => {
    const audit = app.get(AuditService);
    const sql = app.get(DataSource);

    // Appends with IN_FLIGHT always waiting: each resolves once its batch is committed.
    let n = 0;
    await keepInFlight(IN_FLIGHT, 1000, () => audit.append(event(n++)));
    const appended = await keepInFlight(IN_FLIGHT, SECONDS * 1000, () => audit.append(event(n++)));

    await sql.query(`CREATE TABLE bench_bare (LIKE audit_entries INCLUDING ALL)`);
    const rows = Array.from({ length: 500 }, (_, i) => event(i));
    const fields = rows.map((e) => [
      e.action,
      e.actor.kind,
      e.actor.id,
      e.outcome,
      e.object,
      'account',
      e.subject && e.subject.kind === 'account' ? e.subject.id : null,
      e.client,
      e.requestId,
      JSON.stringify(e.details),
    ]);
    const values = rows.map(
      (_, i) => `(${Array.from({ length: 11 }, (_, j) => `$${i * 11 + j + 1}`).join(', ')}, now(), decode(repeat('00', 32), 'hex'))`,
    );
    const bareSql = `INSERT INTO bench_bare (seq, action, actor_kind, actor_id, outcome, object, subject_kind, subject_ref, client, request_id, details, at, leaf_hash) VALUES ${values.join(', ')}`;
    const pool = (sql.driver as unknown as { master: pg.Pool }).master;
    let next = 0;
    const bare = await timed(SECONDS * 1000, async () => {
      await pool.query(
        bareSql,
        fields.flatMap((row) => [next++, ...row]),
      );
      return rows.length;
    });
    record({
      section: 'audit',
      name: 'entries appended (AuditService, batched)',
      value: appended,
      unit: '/s',
      baseline: { name: 'bare 500-row INSERT', value: bare },
      target: '≥ 20,000/s',
      note: appended >= 20_000 ? 'met' : 'MISSED',
    });

    await app.get(TreeHeadSigner).sign();
    const report = await verifyStoredLog(sql, await app.get(KeyStore).jwks('audit'));
    if (report.problem) throw new Error(`the bench's log does not verify: ${report.problem.message}`);
    record({
      section: 'audit',
      name: 'tongban audit verify',
      value: report.entriesPerSecond,
      unit: 'entries/s',
      note: `${report.entries.toLocaleString('en-US')} entries, ${report.heads} head(s)`,
    });
  });

  // Off, on, on, off (ABBA): a drift in the machine's other load over the four runs cancels out.
  const runs: { writes: 'on' | 'off'; result: Awaited<ReturnType<typeof auditedLoads>> }[] = [];
  for (const writes of ['off', 'on', 'on', 'off'] as const) runs.push({ writes, result: await auditedLoads(serverUrl, writes) });
  for (const [load, name] of [
    ['verifications', 'certificate verifications, audit on (HTTP)'],
    ['refreshes', 'refreshes (rotating), audit on (HTTP)'],
  ] as const) {
    const mean = (writes: 'on' | 'off') => {
      const mine = runs.filter((run) => run.writes === writes).map((run) => run.result[load]);
      return { ...mine[0], perSecond: mine.reduce((sum, r) => sum + r.perSecond, 0) / mine.length };
    };
    const on = mean('on');
    const off = mean('off');
    record({
      section: 'audit',
      name,
      value: on.perSecond,
      unit: '/s',
      baseline: { name: 'AUDIT_WRITES=off', value: off.perSecond },
      target: '≥ 0.9×',
      note: `${on.perSecond >= 0.9 * off.perSecond ? 'met' : 'MISSED'}; runs off, on, on, off: ${runs.map((run) => format(run.result[load].perSecond)).join(', ')} ${errorsNote(on) ?? ''}${errorsNote(off) ?? ''}${otherLoadNote(on)}`.trim(),
    });
  }

  if (PROOF_SIZE > 0) {
    await withAuditDatabase(serverUrl, 'audit_proofs', async (app) => {
      const sql = app.get(DataSource);
      const started = performance.now();
      const chunk = 1_000_000;
      for (let from = 0; from < PROOF_SIZE; from += chunk) {
        await sql.query(
          `INSERT INTO audit_entries (seq, at, action, actor_kind, actor_id, outcome, leaf_hash)
           SELECT g, now(), 'verify', 'client', 'bench', 'success', sha256(int8send(g)) FROM generate_series($1::bigint, $2::bigint) g`,
          [from, Math.min(PROOF_SIZE, from + chunk) - 1],
        );
      }
      await sql.query(`UPDATE audit_log_state SET next_seq = $1 WHERE log = 'audit'`, [PROOF_SIZE]);
      const made = (performance.now() - started) / 1000;
      const hashing = performance.now();
      await writeCompletedSubtrees(sql, 0, await committedSize(sql));
      const subtrees = (performance.now() - hashing) / 1000;
      const transparency = app.get(TransparencyService);
      let seed = 1;
      const random = () => (seed = (seed * 48271) % 2147483647) % PROOF_SIZE;
      const proofs = await keepInFlight(8, SECONDS * 1000, () => transparency.inclusion(random(), PROOF_SIZE));
      record({
        section: 'audit',
        name: `inclusion proofs at ${PROOF_SIZE.toLocaleString('en-US')} entries`,
        value: proofs,
        unit: '/s',
        note: `8 in flight, no HTTP; rows made in ${made.toFixed(0)} s by generate_series, subtree hashes in ${subtrees.toFixed(0)} s`,
      });
    });
  }
}

/**
 * On a service started with AUDIT_WRITES on or off: certificate verifications per second over HTTP
 * (each one an audit entry), then rotating refreshes per second (each a token.grant entry) for
 * demo citizens signed in once each at a bench portal with offline_access.
 */
async function auditedLoads(serverUrl: string, auditWrites: 'on' | 'off') {
  let result: { verifications: Measured; refreshes: Measured } | undefined;
  await withScratch(serverUrl, `audit_${auditWrites}`, async (scratch) => {
    const { service, env, issuer } = await scratch.startService({
      VERIFY_RATE_LIMIT_PER_MINUTE: '0',
      LOGIN_IP_LIMIT_PER_MINUTE: '0',
      AUDIT_WRITES: auditWrites,
    });
    const client = (await cli(
      ['clients', 'add', '--client-id', 'bench-verifier', '--name', 'bench verifier', '--scope', 'verify'],
      env,
    )) as {
      client_secret: string;
    };
    const token = await postForm(
      `${issuer}/token`,
      { grant_type: 'client_credentials', scope: 'verify' },
      basicAuth('bench-verifier', client.client_secret),
    );
    if (typeof token.access_token !== 'string') throw new Error(`no verify token: ${JSON.stringify(token)}`);
    const pem = (await send(`${issuer}/pki/ca/issuing.pem`)).text() + (await send(`${issuer}/pki/ca/root.pem`)).text();
    const body = JSON.stringify({ pem });
    const headers = { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
    const verifications = await measured(
      service,
      async () => {
        const answer = await send(`${issuer}/api/v1/verify/certificate`, { method: 'POST', headers, body });
        if (answer.status !== 200) throw new Error(`POST /verify/certificate: ${answer.status} ${answer.text().slice(0, 200)}`);
      },
      { concurrency: 16, warmupMs: 1500, durationMs: SECONDS * 1000 },
    );

    const portal = await addBenchPortal(issuer, env);
    const chains: string[] = [];
    for (let i = 0; i < REFRESH_CHAINS; i++) {
      const seed = await signIn(portal, CITIZENS[i % CITIZENS.length], 'openid profile offline_access', { prompt: 'consent' });
      if (typeof seed.refresh_token !== 'string') throw new Error(`no refresh token: ${JSON.stringify(seed).slice(0, 200)}`);
      chains.push(seed.refresh_token);
    }
    const portalAuth = basicAuth(portal.clientId, portal.secret);
    const refreshes = await measured(
      service,
      async (worker) => {
        const answer = await postForm(`${issuer}/token`, { grant_type: 'refresh_token', refresh_token: chains[worker] }, portalAuth);
        if (typeof answer.refresh_token !== 'string') throw new Error(`refresh: ${JSON.stringify(answer).slice(0, 200)}`);
        chains[worker] = answer.refresh_token;
      },
      { concurrency: REFRESH_CHAINS, warmupMs: 1500, durationMs: SECONDS * 1000 },
    );
    result = { verifications, refreshes };
  });
  return result!;
}

/** Calls `fn` with `inFlight` calls always waiting, for `ms`; completions per second. */
async function keepInFlight(inFlight: number, ms: number, fn: () => Promise<unknown>): Promise<number> {
  let done = 0;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() - start < ms) {
      await fn();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (done / (performance.now() - start)) * 1000;
}

/** Runs `fn` back to back for `ms`; what it returns summed, per second. */
async function timed(ms: number, fn: () => Promise<number>): Promise<number> {
  await fn();
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) count += await fn();
  return (count / (performance.now() - start)) * 1000;
}

async function withAuditDatabase(serverUrl: string, name: string, fn: (app: INestApplicationContext) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `tongban-bench-${name}-`));
  const database = `tongban_bench_${name}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  let app: INestApplicationContext | undefined;
  try {
    const env = { DATABASE_URL: url.href, KEYS_DIR: join(dir, 'keys'), DATA_DIR: join(dir, 'data'), KEYS_AUTO_INIT: '1', DEMO: '0' };
    app = await NestFactory.createApplicationContext(BenchAuditModule.forRoot(env), { logger: ['error'], abortOnError: false });
    await app.init();
    await fn(app);
  } finally {
    await app?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
