import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRYPTO_OID } from '../src/crypto/oids.js';
import { sm2PrivateKeyPem } from '../src/crypto/sm2-key-encoding.js';
import { Sm2PrivateKey, Sm2PublicKey } from '../src/crypto/sm2-keys.js';
import { SM2_DEFAULT_USER_ID, sm2Sign, sm2Signer, sm2Verify } from '../src/crypto/sm2.js';
import { sampleOfd } from '../src/ofd/index.js';
import { checkMakerSignature, decodeSeal, makeSealV4 } from '../src/seals/index.js';
import { initWallet } from '../src/wallet/index.js';
import { DEMO_ENTERPRISES } from '../src/demo/demo-data.js';
import { basicAuth, postForm, send } from './http.js';
import { format, record, section } from './lib.js';
import { cli, errorsNote, measured, otherLoadNote, withScratch, type Measured } from './oidc.js';

/** Milliseconds measured per figure (BENCH_SEALS_MS); `openssl speed` runs as many seconds for sign and again for verify. */
const DURATION_MS = Number(process.env.BENCH_SEALS_MS ?? 2000);
/** Verification over HTTP: requests in flight, warm-up and measured seconds per figure. */
const HTTP_CONCURRENCY = Number(process.env.BENCH_SEALS_CONCURRENCY ?? 8);
const HTTP_WARMUP_MS = Number(process.env.BENCH_SEALS_WARMUP_MS ?? 1500);
const HTTP_DURATION_MS = Number(process.env.BENCH_SEALS_SECONDS ?? 4) * 1000;
/** Items per call of POST /api/v1/verify/batch (its maximum). */
const BATCH = 100;
/** When set, the service runs under `node --cpu-prof` and writes its profile into this directory. */
const CPU_PROF_DIR = process.env.BENCH_SEALS_CPU_PROF;
const ENTERPRISE = DEMO_ENTERPRISES.find((e) => e.uscc === '91350100MA2YTB8K4L') ?? DEMO_ENTERPRISES.find((e) => e.status === 'active')!;

/**
 * Operations per CPU-second of a synchronous function (this process's user + system time), after a
 * short warm-up; also per wall-clock second. `openssl speed` divides by its CPU user time too, so
 * the ratios hold on a machine that other work shares (wall-clock rates there are not comparable).
 */
function perSecond(fn: (i: number) => unknown, ms = DURATION_MS): { cpu: number; wall: number } {
  for (let i = 0; i < 20; i++) fn(i);
  let n = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let j = 0; j < 10; j++) fn(n++);
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { cpu: n / ((cpu.user + cpu.system) / 1e6), wall: (n / (now - start)) * 1000 };
}

/** perSecond for an async operation, one at a time. */
async function perSecondAsync(fn: () => Promise<unknown>, ms = DURATION_MS / 2): Promise<{ cpu: number; wall: number }> {
  for (let i = 0; i < 5; i++) await fn();
  let n = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < ms) {
    await fn();
    n++;
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { cpu: n / ((cpu.user + cpu.system) / 1e6), wall: (n / wallMs) * 1000 };
}

const wallNote = (rate: { wall: number }) => `${Math.round(rate.wall).toLocaleString('en-US')}/s by the wall clock`;

/** `openssl speed sm2`: OpenSSL's own SM2 sign and verify rates on one thread (the C ceiling), or undefined without openssl. */
function opensslSpeedSm2(seconds: number): { sign: number; verify: number; version: string } | undefined {
  const run = spawnSync('openssl', ['speed', '-seconds', String(seconds), 'sm2'], { encoding: 'utf8', timeout: (4 * seconds + 30) * 1000 });
  // "256 bits SM2 (CurveSM2)   0.0003s   0.0003s   3344.2   3421.4"
  const match = /SM2 \(CurveSM2\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)/.exec(run.stdout ?? '');
  if (run.status !== 0 || !match) return undefined;
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim();
  return { sign: Number(match[1]), verify: Number(match[2]), version };
}

/** An SM2 maker certificate made by openssl for the key (self-signed, SM2 with SM3). */
function makerCertificate(key: Sm2PrivateKey): Buffer | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-seals-'));
  try {
    const keyPath = join(dir, 'maker.pem');
    const certPath = join(dir, 'maker.der');
    writeFileSync(keyPath, sm2PrivateKeyPem(key));
    const args = [
      'req',
      '-new',
      '-x509',
      '-key',
      keyPath,
      '-sm3',
      '-sigopt',
      `distid:${SM2_DEFAULT_USER_ID}`,
      '-subj',
      '/CN=bench seal maker',
      '-days',
      '30',
    ];
    const run = spawnSync('openssl', [...args, '-outform', 'DER', '-out', certPath]);
    return run.status === 0 ? readFileSync(certPath) : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * SM2 as the seals use it — sm-crypto-v2's curve arithmetic, SM3 and Z native, the default user ID,
 * DER signatures — beside `openssl speed sm2` run in the same bench; SM3 throughput beside SHA-256;
 * and a whole seal read and its maker's signature checked, beside the raw verification it contains.
 */
export async function benchSeals(serverUrl: string): Promise<void> {
  section('Seals: SM2/SM3 and GB/T 38540 (single core, in process; per CPU-second, as openssl speed counts)');
  const seconds = Math.max(1, Math.round(DURATION_MS / 1000));
  const key = Sm2PrivateKey.generate();
  const messages = Array.from({ length: 64 }, () => randomBytes(256));
  const signatures = messages.map((message) => sm2Sign(message, key));
  const point = key.publicKey.point;

  // OpenSSL before and after the JavaScript figures, the baseline their mean: the machine's speed drifts.
  const before = opensslSpeedSm2(seconds);
  const sign = perSecond((i) => sm2Sign(messages[i % 64], key));
  const firstSight = perSecond((i) => sm2Verify(messages[i % 64], signatures[i % 64], Sm2PublicKey.fromPoint(point)));
  const rawVerify = perSecond((i) => sm2Verify(messages[i % 64], signatures[i % 64], key.publicKey));
  const after = opensslSpeedSm2(seconds);
  const openssl = before && after && { sign: (before.sign + after.sign) / 2, verify: (before.verify + after.verify) / 2 };
  if (before && after)
    process.stdout.write(
      `  ${before.version}: openssl speed sm2 at the start / end of these figures: ` +
        `sign ${Math.round(before.sign)} / ${Math.round(after.sign)}, verify ${Math.round(before.verify)} / ${Math.round(after.verify)} per CPU-second (baseline: the mean)\n`,
    );
  else process.stdout.write('  openssl speed sm2 could not run: figures without their OpenSSL baseline\n');
  const opensslSign = openssl && { name: 'openssl speed sm2 sign', value: openssl.sign };
  const opensslVerify = openssl && { name: 'openssl speed sm2 verify', value: openssl.verify };
  record({
    section: 'seals',
    name: 'SM2 sign (sm-crypto-v2, SM3 + user ID)',
    value: sign.cpu,
    unit: 'signs/s',
    baseline: opensslSign,
    note: wallNote(sign),
  });
  record({
    section: 'seals',
    name: 'SM2 verify, a key seen for the first time',
    value: firstSight.cpu,
    unit: 'verifies/s',
    baseline: opensslVerify,
    note: `key read from its point each time, no precomputation; ${wallNote(firstSight)}`,
  });
  record({
    section: 'seals',
    name: 'SM2 verify, the same key again',
    value: rawVerify.cpu,
    unit: 'verifies/s',
    baseline: opensslVerify,
    note: `precomputed multiples of the key (4-bit window); ${wallNote(rawVerify)}`,
  });

  const block = randomBytes(1 << 20);
  const sha256 = perSecond(() => createHash('sha256').update(block).digest(), DURATION_MS / 2);
  record({
    section: 'seals',
    name: 'SM3 (node:crypto, native), 1 MiB blocks',
    value: perSecond(() => createHash('sm3').update(block).digest(), DURATION_MS / 2).cpu,
    unit: 'MiB/s',
    baseline: { name: 'SHA-256 native', value: sha256.cpu },
  });

  const cert = makerCertificate(key);
  if (!cert) {
    process.stdout.write('  openssl could not make a maker certificate: no seal figures\n');
    return;
  }
  const seal = await makeSealV4(
    {
      eSealInfo: {
        header: { id: 'ES', version: 4, vid: 'tongban' },
        esID: 'TB-BENCH-0001',
        property: {
          type: 1,
          name: '基准测试有限公司',
          certList: { kind: 'certs', certs: [cert] },
          createDate: new Date('2026-01-01T00:00:00Z'),
          validStart: new Date('2026-01-01T00:00:00Z'),
          validEnd: new Date('2029-01-01T00:00:00Z'),
        },
        // Real seals carry a picture of about 16 KB (the fixtures' are 15.7 KB): it is hashed on every check.
        picture: { type: 'PNG', data: randomBytes(16 * 1024), width: 40, height: 40 },
      },
      cert,
      signAlgID: CRYPTO_OID.sm2WithSm3,
    },
    sm2Signer(key),
  );
  const sealRate = perSecond(() => {
    if (checkMakerSignature(decodeSeal(seal.der)).status !== 'PASSED') throw new Error('the bench seal does not verify');
  });
  record({
    section: 'seals',
    name: `seal decode + maker verify (${(seal.der.length / 1024).toFixed(1)} KB seal)`,
    value: sealRate.cpu,
    unit: 'seals/s',
    baseline: { name: 'SM2 verify, the same key again', value: rawVerify.cpu },
    note: `maker certificate parsed each time, its key's precomputation kept by SPKI; ${wallNote(sealRate)}`,
  });
  record({
    section: 'seals',
    name: 'seal decode alone',
    value: perSecond(() => decodeSeal(seal.der), DURATION_MS / 2).cpu,
    unit: 'seals/s',
  });

  await benchVerificationOverHttp(serverUrl, key, messages, signatures);
}

/**
 * Verification over HTTP: the service as a child process on a scratch PostgreSQL database (DEMO=1,
 * the per-client limit off), a seal tongban made for the demo enterprise (SM2, with its SM2
 * licence certificate from an SM2 wallet) and a 2-page OFD stamped by that wallet — seal
 * verifications per second (single calls and batches of 100), document verifications per second,
 * beside the raw SM2 verifications of the same library measured in this process just before (and
 * after) them: a seal holds one (the maker's signature), a stamped document two (the signer's and
 * the maker's). Every answer is checked TOTAL_PASSED.
 */
async function benchVerificationOverHttp(serverUrl: string, key: Sm2PrivateKey, messages: Buffer[], signatures: Buffer[]): Promise<void> {
  process.stdout.write(
    `  verification over HTTP: the service as a child process on PostgreSQL (DEMO=1, VERIFY_RATE_LIMIT_PER_MINUTE=0), ${HTTP_CONCURRENCY} requests in flight, ` +
      `${HTTP_WARMUP_MS / 1000} s warm-up and ${HTTP_DURATION_MS / 1000} s measured per figure\n`,
  );
  const rawVerify = () => perSecond((i) => sm2Verify(messages[i % 64], signatures[i % 64], key.publicKey));
  await withScratch(serverUrl, 'seals', async (scratch) => {
    const nodeArgs = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
    const { service, env, issuer } = await scratch.startService({ VERIFY_RATE_LIMIT_PER_MINUTE: '0' }, nodeArgs);
    const secretOf = async (clientId: string, scope: string) =>
      ((await cli(['clients', 'add', '--client-id', clientId, '--name', clientId, '--scope', scope], env)) as { client_secret: string })
        .client_secret;
    const token = async (clientId: string, scope: string) => {
      const body = await postForm(
        `${issuer}/token`,
        { grant_type: 'client_credentials', scope },
        basicAuth(clientId, await secretOf(clientId, scope)),
      );
      if (typeof body.access_token !== 'string') throw new Error(`no ${scope} token: ${JSON.stringify(body)}`);
      return `Bearer ${body.access_token}`;
    };
    const [registrar, maker, verifier] = [
      await token('bench-registrar', 'licence:issue'),
      await token('bench-seal-maker', 'seal:make'),
      await token('bench-verifier', 'verify'),
    ];
    const postJson = async (path: string, authorization: string, body: string, status = 200) => {
      const answer = await send(`${issuer}${path}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body,
      });
      const text = answer.text();
      if (answer.status !== status) throw new Error(`POST ${path}: ${answer.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as Record<string, unknown>;
    };

    // Not measured: the enterprise's SM2 wallet, its licence, a seal listing it, a stamped 2-page document.
    const wallet = await initWallet(join(scratch.dir, 'wallet'), 'bench wallet passphrase', { alg: 'SM2SM3' });
    const issued = await postJson(
      `/api/v1/enterprises/${ENTERPRISE.uscc}/licence`,
      registrar,
      JSON.stringify({ csr: await wallet.createCsr({ uscc: ENTERPRISE.uscc }) }),
      201,
    );
    await wallet.storeLicence(ENTERPRISE.uscc, issued as unknown as Parameters<typeof wallet.storeLicence>[1]);
    const made = await postJson(
      '/api/v1/seals',
      maker,
      JSON.stringify({
        holder: { uscc: ENTERPRISE.uscc },
        type: 1,
        name: ENTERPRISE.name,
        signerCertificates: [issued.certificate],
        validEnd: new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10),
      }),
      201,
    );
    const sealDer = Buffer.from(made.seal as string, 'base64');
    const stamped = await wallet.stampOfd(sampleOfd({ pages: 2 }), { seal: sealDer, page: 1, x: 128, y: 206 });
    const sealBody = JSON.stringify({ seal: sealDer.toString('base64') });
    const documentBody = JSON.stringify({ document: stamped.toString('base64') });
    const batchBody = JSON.stringify({ items: Array.from({ length: BATCH }, () => ({ kind: 'seal', seal: sealDer.toString('base64') })) });
    const passed = (report: unknown, what: string) => {
      const r = report as { indication?: string; subIndication?: string };
      if (r.indication !== 'TOTAL_PASSED')
        throw new Error(`${what}: ${r.indication} ${r.subIndication ?? ''} ${JSON.stringify(report).slice(0, 400)}`);
    };
    passed(await postJson('/api/v1/verify/seal', verifier, sealBody), 'the bench seal');
    const firstDocument = (await postJson('/api/v1/verify/document', verifier, documentBody)) as { signatures: unknown[] };
    if (firstDocument.signatures.length !== 1) throw new Error('the bench document should hold one stamp');
    passed(firstDocument.signatures[0], 'the bench document');

    const rawBefore = rawVerify();
    const options = { concurrency: HTTP_CONCURRENCY, warmupMs: HTTP_WARMUP_MS, durationMs: HTTP_DURATION_MS };
    const single = await measured(service, async () => passed(await postJson('/api/v1/verify/seal', verifier, sealBody), 'seal'), options);
    const batch = await measured(
      service,
      async () => {
        const { reports } = (await postJson('/api/v1/verify/batch', verifier, batchBody)) as { reports: unknown[] };
        if (reports.length !== BATCH) throw new Error(`batch: ${reports.length} reports for ${BATCH} items`);
        reports.forEach((report) => passed(report, 'batch item'));
      },
      { ...options, concurrency: Math.max(1, Math.ceil(HTTP_CONCURRENCY / 4)) },
    );
    const documents = await measured(
      service,
      async () => {
        const { signatures } = (await postJson('/api/v1/verify/document', verifier, documentBody)) as { signatures: unknown[] };
        passed(signatures[0], 'document');
      },
      options,
    );
    // The floor under the seal figure: the same route and body size, bytes that are not a seal (a
    // FORMAT_FAILURE report at once): what HTTP, the token, the body and the report cost alone.
    const junkBody = JSON.stringify({ seal: Buffer.alloc(sealDer.length, 0x5a).toString('base64') });
    const floor = await measured(
      service,
      async () => {
        const report = (await postJson('/api/v1/verify/seal', verifier, junkBody)) as { subIndication?: string };
        if (report.subIndication !== 'FORMAT_FAILURE') throw new Error(`the junk seal: ${JSON.stringify(report).slice(0, 200)}`);
      },
      options,
    );
    const rawAfter = rawVerify();
    const raw = { wall: (rawBefore.wall + rawAfter.wall) / 2, cpu: (rawBefore.cpu + rawAfter.cpu) / 2 };
    process.stdout.write(
      `  raw SM2 verify (the same key again) in this process: ${format(rawBefore.wall)}/s before and ${format(rawAfter.wall)}/s after the HTTP loads by the wall clock ` +
        `(${format(rawBefore.cpu)} / ${format(rawAfter.cpu)} per CPU-second); the ratios below use the mean\n`,
    );
    const target = 0.5 * raw.wall;
    const cpuNote = (m: Measured, per: string, verifies: number) =>
      `service CPU ${m.cpuMs.toFixed(2)} ms per ${per} (${format(1000 / m.cpuMs)}/service CPU-second: ${(1000 / m.cpuMs / (raw.cpu / verifies)).toFixed(2)}× raw per CPU-second), ` +
      `PostgreSQL ${m.postgresMs.toFixed(2)} ms, load driver ${m.driverMs.toFixed(2)} ms${otherLoadNote(m)}`;
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
    record({
      section: 'seals',
      name: 'HTTP: seal verifications/s (POST /verify/seal)',
      value: single.perSecond,
      unit: 'seals/s',
      baseline: { name: 'raw SM2 verify (1 per seal)', value: raw.wall },
      target: `≥ 0.5× raw = ${format(target)}`,
      note: `${verdict(single.perSecond >= target)}; p50 ${single.p50.toFixed(1)} ms, p99 ${single.p99.toFixed(1)} ms; ${errorsNote(single) ?? ''}${cpuNote(single, 'seal', 1)}`,
    });
    record({
      section: 'seals',
      name: `HTTP: seals/s in batches of ${BATCH} (POST /verify/batch)`,
      value: batch.perSecond * BATCH,
      unit: 'seals/s',
      baseline: { name: 'raw SM2 verify (1 per seal)', value: raw.wall },
      target: `≥ 0.5× raw = ${format(target)}`,
      note: `${verdict(batch.perSecond * BATCH >= target)}; p50 ${batch.p50.toFixed(0)} ms per batch; ${errorsNote(batch) ?? ''}${cpuNote(batch, 'batch', BATCH)}`,
    });
    record({
      section: 'seals',
      name: 'HTTP: document verifications/s (2-page OFD, 1 stamp)',
      value: documents.perSecond,
      unit: 'documents/s',
      baseline: { name: 'raw SM2 verify ÷ 2 (2 per stamp)', value: raw.wall / 2 },
      note: `${(stamped.length / 1024).toFixed(1)} KB document; p50 ${documents.p50.toFixed(1)} ms, p99 ${documents.p99.toFixed(1)} ms; ${errorsNote(documents) ?? ''}${cpuNote(documents, 'document', 2)}`,
    });
    record({
      section: 'seals',
      name: `HTTP floor: ${(sealDer.length / 1024).toFixed(0)} KB of bytes that are no seal (FORMAT_FAILURE)`,
      value: floor.perSecond,
      unit: 'calls/s',
      note: `the same route and body size without a seal to check: ${cpuNote(floor, 'call', 1)}`,
    });
    record({ section: 'seals', name: 'HTTP: service peak RSS (VmHWM)', value: service.peakRss() / 1024 / 1024, unit: 'MB' });
    if (CPU_PROF_DIR) process.stdout.write(`  CPU profile of the service in ${CPU_PROF_DIR}\n`);

    // The holder's side: the wallet library stamping with the seal just made (its SM2 licence key,
    // opened once), beside the raw SM2 signature each stamp contains. Every stamp is checked to
    // differ from the document it was given (a stamp was added), not verified: verification is above.
    const unsigned = sampleOfd({ pages: 2 });
    const file = randomBytes(64 * 1024);
    const rawSign = perSecond((i) => sm2Sign(messages[i % 64], key), DURATION_MS / 2);
    const ofdStamps = await perSecondAsync(async () => {
      if ((await wallet.stampOfd(unsigned, { seal: sealDer, page: 1, x: 128, y: 206 })).length <= unsigned.length)
        throw new Error('no stamp');
    });
    const fileStamps = await perSecondAsync(async () => {
      if ((await wallet.stampFile(file, { seal: sealDer })).length === 0) throw new Error('no signature');
    });
    record({
      section: 'seals',
      name: `wallet: OFD stamps/s (${(unsigned.length / 1024).toFixed(1)} KB 2-page OFD)`,
      value: ofdStamps.cpu,
      unit: 'stamps/s',
      baseline: { name: 'raw SM2 sign (1 per stamp)', value: rawSign.cpu },
      note: `per CPU-second of this process; ${wallNote(ofdStamps)}`,
    });
    record({
      section: 'seals',
      name: 'wallet: detached stamps/s (a 64 KB file, FILE.sig)',
      value: fileStamps.cpu,
      unit: 'stamps/s',
      baseline: { name: 'raw SM2 sign (1 per stamp)', value: rawSign.cpu },
      note: `per CPU-second of this process; ${wallNote(fileStamps)}`,
    });
  });
}
