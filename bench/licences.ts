import { generateKeyPairSync, randomBytes, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { DEMO_CITIZENS } from '../src/demo/demo-data.js';
import { makeUscc } from '../src/identifiers/generate.js';
import { basicAuth, postForm, send } from './http.js';
import { format, percentile, record, section } from './lib.js';
import { Child, cli, errorsNote, freePort, measured, otherLoadNote, withScratch, type Measured } from './oidc.js';

/** Requests in flight, warm-up and measured seconds per figure over HTTP. */
const CONCURRENCY = Number(process.env.BENCH_LICENCES_CONCURRENCY ?? 8);
const WARMUP_MS = Number(process.env.BENCH_LICENCES_WARMUP_MS ?? 1500);
const DURATION_MS = Number(process.env.BENCH_LICENCES_SECONDS ?? 4) * 1000;
/** Revocations timed from the call to the list showing them, on the replica that revoked and on another. */
const REVOCATIONS = Number(process.env.BENCH_LICENCES_REVOCATIONS ?? 10);
/** When set, the service runs under `node --cpu-prof` and writes its profile into this directory. */
const CPU_PROF_DIR = process.env.BENCH_LICENCES_CPU_PROF;
/** Items per call of POST /api/v1/verify/batch (its maximum). */
const BATCH = 100;
/** Credentials issued at least (more than the issuance figure makes) so the first-sight verifications meet each once. */
const FIRST_SIGHT = Number(process.env.BENCH_LICENCES_FIRST_SIGHT ?? 2500);
/** Milliseconds the first-sight verifications are measured for (FIRST_SIGHT must outlast them). */
const FIRST_SIGHT_MS = 1000;
/** Milliseconds the raw ES256 rate is measured for, before and after the HTTP loads. */
const RAW_MS = 2000;

/** The repository (this file runs from dist/bench). */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOLDER = DEMO_CITIZENS.find((c) => c.status === 'active' && c.name === '张三') ?? DEMO_CITIZENS[1];
const CLAIMS = {
  name: HOLDER.name,
  id_number: HOLDER.id_number,
  residence_address: '福建省福州市鼓楼区五四路1号',
  issuing_authority: '福州市公安局鼓楼分局',
};

/** Operations per second of a synchronous function on this thread, by the wall clock and per CPU-second, after a warm-up. */
function perSecond(fn: (i: number) => unknown, ms: number): { wall: number; cpu: number } {
  for (let i = 0; i < 200; i++) fn(i);
  let n = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let j = 0; j < 50; j++) fn(n++);
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall: (n / (now - start)) * 1000, cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

/** A status list token's entry, decoded by hand (payload, base64url, zlib, 2 bits least significant first): no signature check, for timing. */
function statusIn(token: string, idx: number): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
    status_list: { bits: number; lst: string };
  };
  const bytes = inflateSync(Buffer.from(payload.status_list.lst, 'base64url'));
  return (bytes[idx >> 2] >> ((idx & 3) * 2)) & 3;
}

/**
 * Electronic licences (issue 13 §10) against the service as a child process on a scratch
 * PostgreSQL database (DEMO=1, the verification limit off): SD-JWT VC issuance per second
 * (POST /api/v1/licences, a residence permit for a demo citizen); verifications per second over
 * HTTP, single (first sight: credentials the service never verified; then the same 100 again, their
 * signatures remembered) and in batches of 100, each with its status list check (tongban's list read
 * in-process, its signature and chain checked), beside raw ES256 verifications with node:crypto
 * in this process before and after (a credential holds one issuer signature; its status list's
 * signature is checked once per list version); status list fetches with and without If-None-Match;
 * licence files (OFD, stamped) per second when the service has the route; and the time from a
 * revocation to the status list showing it, on the replica that revoked and on a second replica
 * on the same database.
 */
export async function benchLicences(serverUrl: string): Promise<void> {
  section('Licences: SD-JWT VC issuance and verification, status lists, licence files (the service as a child process on PostgreSQL)');
  process.stdout.write(
    `  ${CONCURRENCY} requests in flight (issuance and single verifications), ${WARMUP_MS / 1000} s warm-up and ${DURATION_MS / 1000} s measured per figure\n`,
  );
  await withScratch(serverUrl, 'licences', async (scratch) => {
    const nodeArgs = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
    const { service, env, issuer } = await scratch.startService({ VERIFY_RATE_LIMIT_PER_MINUTE: '0' }, nodeArgs);
    const token = async (clientId: string, scope: string, extra: string[] = []) => {
      const { client_secret } = (await cli(
        ['clients', 'add', '--client-id', clientId, '--name', clientId, '--scope', scope, ...extra],
        env,
      )) as {
        client_secret: string;
      };
      const body = await postForm(`${issuer}/token`, { grant_type: 'client_credentials', scope }, basicAuth(clientId, client_secret));
      if (typeof body.access_token !== 'string') throw new Error(`no ${scope} token: ${JSON.stringify(body)}`);
      return `Bearer ${body.access_token}`;
    };
    const issuerCode = makeUscc({ authority: '1', entityType: '1', region: '350100', organisationBody: 'MB0000BE' });
    const authority = await token('bench-residence-authority', 'licence:issue', [
      '--licence-types',
      'residence-permit',
      '--issuer-code',
      issuerCode,
    ]);
    const verifier = await token('bench-licence-verifier', 'verify');
    const call = async (method: string, url: string, authorization: string | undefined, body?: string, status = 200, headers = {}) => {
      const answer = await send(url.startsWith('http') ? url : `${issuer}${url}`, {
        method,
        headers: { ...(authorization ? { authorization } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body ? { body } : {}),
      });
      if (answer.status !== status) throw new Error(`${method} ${url}: ${answer.status} ${answer.text().slice(0, 300)}`);
      return answer;
    };
    const issueBody = JSON.stringify({ type: 'residence-permit', holder: { idNumber: HOLDER.id_number }, claims: CLAIMS });
    type Issued = { id: string; credential: string; statusList: { idx: number; uri: string } };
    const issued: Issued[] = [];
    const issue = async () => {
      const licence = JSON.parse((await call('POST', '/api/v1/licences', authority, issueBody, 201)).text()) as Issued;
      issued.push(licence);
      return licence;
    };
    const cpuNote = (m: Measured, per: string) =>
      `service CPU ${m.cpuMs.toFixed(2)} ms per ${per} (${format(1000 / m.cpuMs)}/service CPU-second), PostgreSQL ${m.postgresMs.toFixed(2)} ms, ` +
      `load driver ${m.driverMs.toFixed(2)} ms${otherLoadNote(m)}`;
    const options = { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS };
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

    // Raw ES256 in this process: a signature as the issuer makes one (over a signing input the size of a credential's JWT).
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const inputs = Array.from({ length: 64 }, () => randomBytes(900));
    const signatures = inputs.map((input) => cryptoSign('sha256', input, { key: keys.privateKey, dsaEncoding: 'ieee-p1363' }));
    const rawVerify = () =>
      perSecond(
        (i) => cryptoVerify('sha256', inputs[i % 64], { key: keys.publicKey, dsaEncoding: 'ieee-p1363' }, signatures[i % 64]),
        RAW_MS,
      );
    const rawSign = perSecond((i) => cryptoSign('sha256', inputs[i % 64], { key: keys.privateKey, dsaEncoding: 'ieee-p1363' }), RAW_MS);

    // ---- issuance ----
    await issue(); // the licence key's certificate and the first status list, made on first use
    const issuance = await measured(service, async () => void (await issue()), options);
    record({
      section: 'licences',
      name: 'HTTP: licences issued/s (POST /api/v1/licences)',
      value: issuance.perSecond,
      unit: 'licences/s',
      baseline: { name: 'raw ES256 sign (1 per credential)', value: rawSign.wall },
      note: `residence permit, SD-JWT VC with 4 claims disclosable; p50 ${issuance.p50.toFixed(1)} ms, p99 ${issuance.p99.toFixed(1)} ms; ${errorsNote(issuance) ?? ''}${cpuNote(issuance, 'licence')}`,
    });

    // ---- verification ----
    const credentials = issued.slice(-BATCH).map((licence) => licence.credential);
    const bodies = credentials.map((credential) => JSON.stringify({ credential }));
    const batchBody = JSON.stringify({ items: credentials.map((credential) => ({ kind: 'licence', credential })) });
    const passed = (report: unknown, what: string) => {
      const r = report as { indication?: string; subIndication?: string; checks?: Array<{ name: string; status: string }> };
      if (r.indication !== 'TOTAL_PASSED' || !r.checks?.some((c) => c.name === 'revocation' && c.status === 'PASSED'))
        throw new Error(`${what}: ${r.indication} ${r.subIndication ?? ''} ${JSON.stringify(report).slice(0, 400)}`);
    };
    passed(JSON.parse((await call('POST', '/api/v1/verify/licence', verifier, bodies[0])).text()), 'the bench credential');
    // Credentials this service has not verified yet, for the first-sight figure (its issuer signature checked by ECDSA each call).
    while (issued.length < FIRST_SIGHT + BATCH + 1) await Promise.all(Array.from({ length: CONCURRENCY }, () => issue()));
    const unseen = issued.slice(1, -BATCH).map((licence) => JSON.stringify({ credential: licence.credential }));
    const rawBefore = rawVerify();
    let fresh = 0;
    const firstSight = await measured(
      service,
      async () =>
        passed(JSON.parse((await call('POST', '/api/v1/verify/licence', verifier, unseen[fresh++ % unseen.length])).text()), 'licence'),
      { concurrency: CONCURRENCY, warmupMs: 0, durationMs: FIRST_SIGHT_MS },
    );
    const firstSightNote = fresh > unseen.length ? `, ${fresh - unseen.length} of them a second time (too few credentials)` : '';
    let next = 0;
    const single = await measured(
      service,
      async () =>
        passed(JSON.parse((await call('POST', '/api/v1/verify/licence', verifier, bodies[next++ % bodies.length])).text()), 'licence'),
      options,
    );
    const batch = await measured(
      service,
      async () => {
        const { reports } = JSON.parse((await call('POST', '/api/v1/verify/batch', verifier, batchBody)).text()) as { reports: unknown[] };
        if (reports.length !== credentials.length) throw new Error(`batch: ${reports.length} reports for ${credentials.length} items`);
        reports.forEach((report) => passed(report, 'batch item'));
      },
      { ...options, concurrency: Math.max(1, Math.ceil(CONCURRENCY / 4)) },
    );
    // The floor: the same route and body size, text that is no SD-JWT (a FORMAT_FAILURE report at once).
    const junkBody = JSON.stringify({ credential: 'x'.repeat(credentials[0].length) });
    const floor = await measured(
      service,
      async () => {
        const report = JSON.parse((await call('POST', '/api/v1/verify/licence', verifier, junkBody)).text()) as { subIndication?: string };
        if (report.subIndication !== 'FORMAT_FAILURE') throw new Error(`the junk credential: ${JSON.stringify(report).slice(0, 200)}`);
      },
      options,
    );
    const rawAfter = rawVerify();
    const raw = { wall: (rawBefore.wall + rawAfter.wall) / 2, cpu: (rawBefore.cpu + rawAfter.cpu) / 2 };
    process.stdout.write(
      `  raw ES256 verify (node:crypto, P-256, the same key) in this process: ${format(rawBefore.wall)}/s before and ${format(rawAfter.wall)}/s after the HTTP loads by the wall clock ` +
        `(${format(rawBefore.cpu)} / ${format(rawAfter.cpu)} per CPU-second); the ratios below use the mean\n`,
    );
    const target = 0.4 * raw.wall;
    const rawNote = (m: Measured, per: string, verifies: number) =>
      `${cpuNote(m, per)}; ${(1000 / m.cpuMs / (raw.cpu / verifies)).toFixed(2)}× raw per CPU-second`;
    record({
      section: 'licences',
      name: `HTTP: licence verifications/s (POST /verify/licence), the same ${BATCH} credentials again`,
      value: single.perSecond,
      unit: 'verifications/s',
      baseline: { name: 'raw ES256 verify (1 per credential)', value: raw.wall },
      target: `≥ 0.4× raw = ${format(target)}`,
      note: `${verdict(single.perSecond >= target)}; with the status list check; p50 ${single.p50.toFixed(1)} ms, p99 ${single.p99.toFixed(1)} ms; ${errorsNote(single) ?? ''}${rawNote(single, 'verification', 1)}`,
    });
    record({
      section: 'licences',
      name: 'HTTP: licence verifications/s, first sight (each credential once)',
      value: firstSight.perSecond,
      unit: 'verifications/s',
      baseline: { name: 'raw ES256 verify (1 per credential)', value: raw.wall },
      target: `≥ 0.4× raw = ${format(target)}`,
      note: `${verdict(firstSight.perSecond >= target)}; ${fresh} credentials the service had not verified before${firstSightNote}, no warm-up; p50 ${firstSight.p50.toFixed(1)} ms, p99 ${firstSight.p99.toFixed(1)} ms; ${errorsNote(firstSight) ?? ''}${rawNote(firstSight, 'verification', 1)}`,
    });
    record({
      section: 'licences',
      name: `HTTP: licences/s in batches of ${BATCH} (POST /verify/batch)`,
      value: batch.perSecond * BATCH,
      unit: 'verifications/s',
      baseline: { name: 'raw ES256 verify (1 per credential)', value: raw.wall },
      target: `≥ 0.4× raw = ${format(target)}`,
      note: `${verdict(batch.perSecond * BATCH >= target)}; p50 ${batch.p50.toFixed(0)} ms per batch; ${errorsNote(batch) ?? ''}${rawNote(batch, 'batch', BATCH)}`,
    });
    record({
      section: 'licences',
      name: `HTTP floor: ${(credentials[0].length / 1024).toFixed(1)} KB of text that is no SD-JWT`,
      value: floor.perSecond,
      unit: 'calls/s',
      note: `the same route and body size with nothing to verify (FORMAT_FAILURE): ${cpuNote(floor, 'call')}`,
    });

    // ---- status lists ----
    const listUrl = issued[0].statusList.uri.replace(/^https?:\/\/[^/]+/, issuer);
    const first = await call('GET', listUrl, undefined, undefined, 200, { accept: 'application/statuslist+jwt' });
    const etag = String(first.headers.etag);
    const listSize = first.body.length;
    const fetches = await measured(
      service,
      async () => {
        const answer = await call('GET', listUrl, undefined, undefined, 200, { accept: 'application/statuslist+jwt' });
        if (!answer.body.length) throw new Error('an empty status list');
      },
      options,
    );
    const conditional = await measured(
      service,
      async () =>
        void (await call('GET', listUrl, undefined, undefined, 304, { accept: 'application/statuslist+jwt', 'if-none-match': etag })),
      options,
    );
    record({
      section: 'licences',
      name: 'HTTP: status list fetches/s (GET /status-lists/{n})',
      value: fetches.perSecond,
      unit: 'fetches/s',
      note: `200, ${(listSize / 1024).toFixed(1)} KB token (131,072 entries); p50 ${fetches.p50.toFixed(1)} ms; ${errorsNote(fetches) ?? ''}${cpuNote(fetches, 'fetch')}`,
    });
    record({
      section: 'licences',
      name: 'HTTP: status list fetches/s with If-None-Match',
      value: conditional.perSecond,
      unit: 'fetches/s',
      baseline: { name: 'without', value: fetches.perSecond },
      note: `304, no body; p50 ${conditional.p50.toFixed(1)} ms; ${errorsNote(conditional) ?? ''}${cpuNote(conditional, 'fetch')}`,
    });

    // ---- licence files ----
    const fileUrl = `/api/v1/licences/${issued[0].id}/file`;
    const probe = await send(`${issuer}${fileUrl}`, { headers: { authorization: authority } });
    if (probe.status === 200) {
      const files = await measured(
        service,
        async () => {
          const answer = await call('GET', fileUrl, authority);
          if (answer.body.length < 1024) throw new Error('a licence file of less than 1 KB');
        },
        { ...options, concurrency: 2 },
      );
      record({
        section: 'licences',
        name: 'HTTP: licence files rendered/s (OFD, stamped)',
        value: files.perSecond,
        unit: 'files/s',
        note: `GET /api/v1/licences/{id}/file, ${(probe.body.length / 1024).toFixed(0)} KB; p50 ${files.p50.toFixed(0)} ms; ${errorsNote(files) ?? ''}${cpuNote(files, 'file')}`,
      });
    } else
      process.stdout.write(
        `  licence files: GET /api/v1/licences/{id}/file answers ${probe.status} (${probe.text().slice(0, 120)}): the route is not there yet, no figure\n`,
      );

    // ---- from a revocation to the status list showing it ----
    const replicaPort = await freePort();
    const replicaUrl = `http://127.0.0.1:${replicaPort}`;
    const replica = Child.spawn('tongban replica', [join(ROOT, 'dist/src/main.js')], {
      ...env,
      PORT: String(replicaPort),
      DATA_DIR: join(scratch.dir, 'data-replica'),
    });
    scratch.children.push(replica);
    await replica.ready(/tongban is running at/);
    const shows = async (base: string, licence: Issued) => {
      const url = licence.statusList.uri.replace(/^https?:\/\/[^/]+/, base);
      const answer = await call('GET', url, undefined, undefined, 200, { accept: 'application/statuslist+jwt' });
      return statusIn(answer.text(), licence.statusList.idx) === 1;
    };
    const delays: Record<'same' | 'other', number[]> = { same: [], other: [] };
    for (let i = 0; i < REVOCATIONS; i++) {
      const licence = await issue();
      if ((await shows(issuer, licence)) || (await shows(replicaUrl, licence))) throw new Error('a new licence is revoked already');
      const start = performance.now();
      await call('POST', `/api/v1/licences/${licence.id}/revoke`, authority, JSON.stringify({ reason: 'bench' }));
      const seen = { same: 0, other: 0 };
      while (!seen.same || !seen.other) {
        if (performance.now() - start > 30_000) throw new Error('the revocation did not show within 30 s');
        const [same, other] = await Promise.all([!seen.same && shows(issuer, licence), !seen.other && shows(replicaUrl, licence)]);
        const at = performance.now() - start;
        if (same) seen.same = at;
        if (other) seen.other = at;
        if (!seen.same || !seen.other) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      delays.same.push(seen.same);
      delays.other.push(seen.other);
    }
    for (const [which, name] of [
      ['same', 'the replica that revoked'],
      ['other', 'another replica (same database)'],
    ] as const) {
      const sorted = [...delays[which]].sort((a, b) => a - b);
      record({
        section: 'licences',
        name: `revoke → status list shows it, ${name}`,
        value: percentile(sorted, 50),
        unit: 'ms (median)',
        target: '≤ 5,000 ms',
        note: `${verdict(sorted[sorted.length - 1] <= 5000)}; max ${sorted[sorted.length - 1].toFixed(0)} ms over ${sorted.length} revocations, timed from the revoke call, the list polled every 20 ms`,
      });
    }
    record({ section: 'licences', name: 'HTTP: service peak RSS (VmHWM)', value: service.peakRss() / 1024 / 1024, unit: 'MB' });
    if (CPU_PROF_DIR) process.stdout.write(`  CPU profile of the service in ${CPU_PROF_DIR}\n`);
  });
}
