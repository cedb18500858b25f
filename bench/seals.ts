import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRYPTO_OID } from '../src/crypto/oids.js';
import { sm2PrivateKeyPem } from '../src/crypto/sm2-key-encoding.js';
import { Sm2PrivateKey, Sm2PublicKey } from '../src/crypto/sm2-keys.js';
import { SM2_DEFAULT_USER_ID, sm2Sign, sm2Signer, sm2Verify } from '../src/crypto/sm2.js';
import { checkMakerSignature, decodeSeal, makeSealV4 } from '../src/seals/index.js';
import { record, section } from './lib.js';

/** Milliseconds measured per figure (BENCH_SEALS_MS); `openssl speed` runs as many seconds for sign and again for verify. */
const DURATION_MS = Number(process.env.BENCH_SEALS_MS ?? 2000);

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
export async function benchSeals(): Promise<void> {
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
}
