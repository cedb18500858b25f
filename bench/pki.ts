import 'reflect-metadata';
import { id_pkix_ocsp_nonce } from '@peculiar/asn1-ocsp';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { generateKeyPairSync, randomBytes, sign, verify, webcrypto } from 'node:crypto';
import { availableParallelism, cpus } from 'node:os';
import * as pkijs from 'pkijs';
import { DEMO_ENTERPRISES } from '../src/demo/demo-data.js';
import { basicAuth, loadEach, postForm, send } from './http.js';
import { format, mb, rate, record, section } from './lib.js';
import { cli, errorsNote, measured, otherLoadNote, withCpuAccounting, withScratch, type Measured } from './oidc.js';

/** Requests in flight for every figure (BENCH_PKI_CONCURRENCY). */
const CONCURRENCY = Number(process.env.BENCH_PKI_CONCURRENCY ?? 16);
const WARMUP_MS = Number(process.env.BENCH_PKI_WARMUP_MS ?? 1500);
const DURATION_MS = Number(process.env.BENCH_PKI_SECONDS ?? 4) * 1000;
/** Distinct P-256 CSRs made before the issuance load: one per request, warm-up included (BENCH_PKI_CSRS). */
const CSRS = Number(process.env.BENCH_PKI_CSRS ?? 4000);
/** Distinct issued certificates the OCSP and verification loads cycle through (BENCH_PKI_POOL). */
const POOL = Number(process.env.BENCH_PKI_POOL ?? 2000);
/** Items per call of POST /api/v1/verify/batch (its maximum). */
const BATCH = 100;
/** When set, the service runs under `node --cpu-prof` and writes its profile into this directory. */
const CPU_PROF_DIR = process.env.BENCH_PKI_CPU_PROF;

const ENTERPRISE = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
const P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

interface Issued {
  serial: string;
  /** The leaf, PEM. */
  certificate: string;
  /** The issuing CA, then the root (PEM). */
  chain: string[];
}

/** An OCSP request for one certificate: as sent without a nonce, and a template whose nonce bytes are replaced per request. */
interface OcspProbe {
  serial: string;
  plain: Buffer;
  withNonce: Buffer;
  nonceAt: number;
}

const NONCE_BYTES = 16;

/**
 * The CA under load: the real service as a child process on a scratch PostgreSQL
 * database — certificates issued from CSRs through the business-licence endpoint, OCSP answers
 * (POST, with and without a nonce) and certificate verification (single and batch) — beside the
 * raw node:crypto ECDSA P-256 sign and verify rates of one thread of this process, in the same run.
 */
export async function benchPki(serverUrl: string): Promise<void> {
  section(`PKI under load, service as a child process on PostgreSQL (${CONCURRENCY} requests in flight)`);
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  process.stdout.write(
    `  machine: ${availableParallelism()} cores (${cpu}); the load driver, the service and PostgreSQL share them\n` +
      `  service: DEMO=1 (licences for ${ENTERPRISE.uscc}), VERIFY_RATE_LIMIT_PER_MINUTE=0 (the per-client limit is off), default DB_POOL_SIZE\n` +
      `  each figure: ${WARMUP_MS / 1000} s warm-up, then ${DURATION_MS / 1000} s measured; OCSP and verification cycle through ${POOL} issued certificates\n`,
  );
  const started = performance.now();

  // Baselines first, on an otherwise idle machine: one thread of this process, node:crypto only.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = randomBytes(512); // about a tbsCertificate
  const signature = sign('sha256', data, privateKey);
  const rawSign = rate(() => sign('sha256', data, privateKey), 1500);
  const rawVerifyRate = () => rate(() => verify('sha256', data, publicKey, signature), 1500);
  // Measured again just before the verification loads (the service idle between loads): this
  // machine's speed drifts by tens of percent over a minute, and the ratio should compare like with like.
  let rawVerify = rawVerifyRate();
  const vsSign = { name: 'raw ECDSA P-256 sign, 1 thread', value: rawSign };
  const vsVerify = { name: 'raw ECDSA P-256 verify, 1 thread', value: rawVerify };

  // Not measured: one fresh P-256 key and CSR per issuance request (warm-up included).
  const csrStarted = performance.now();
  const csrs = await makeCsrs(CSRS);
  const csrSeconds = (performance.now() - csrStarted) / 1000;

  await withScratch(serverUrl, 'pki', async (scratch) => {
    const nodeArgs = CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : [];
    const { service, env, issuer } = await scratch.startService({ VERIFY_RATE_LIMIT_PER_MINUTE: '0' }, nodeArgs);
    const windows: string[] = [];
    const timed = async (label: string, fn: () => Promise<Measured>, warmupMs = WARMUP_MS): Promise<Measured> => {
      const from = monotonicMicros() + BigInt(warmupMs * 1000); // the measured part of the load
      const result = await fn();
      windows.push(`${label} ${from}–${monotonicMicros()}`);
      return result;
    };

    // Service clients through the real CLI, on the same database; the running service finds them there.
    const issuerClient = (await cli(
      ['clients', 'add', '--client-id', 'bench-registrar', '--name', 'bench registrar', '--scope', 'licence:issue'],
      env,
    )) as { client_secret: string };
    const verifierClient = (await cli(
      ['clients', 'add', '--client-id', 'bench-verifier', '--name', 'bench verifier', '--scope', 'verify'],
      env,
    )) as { client_secret: string };
    const token = async (clientId: string, secret: string, scope: string) => {
      const body = await postForm(`${issuer}/token`, { grant_type: 'client_credentials', scope }, basicAuth(clientId, secret));
      if (typeof body.access_token !== 'string') throw new Error(`no ${scope} token: ${JSON.stringify(body)}`);
      return `Bearer ${body.access_token}`;
    };
    const issueAuth = await token('bench-registrar', issuerClient.client_secret, 'licence:issue');
    const verifyAuth = await token('bench-verifier', verifierClient.client_secret, 'verify');

    // 1. Issuance: each request a CSR for a key never seen before.
    const licenceUrl = `${issuer}/api/v1/enterprises/${ENTERPRISE.uscc}/licence`;
    const issued: Issued[] = [];
    let nextCsr = 0;
    const issueOne = async () => {
      const csr = csrs[nextCsr++];
      if (csr === undefined) throw new Error(`the ${CSRS} CSRs are used up: raise BENCH_PKI_CSRS`);
      const response = await send(licenceUrl, {
        method: 'POST',
        headers: { authorization: issueAuth, 'content-type': 'application/json' },
        body: JSON.stringify({ csr }),
      });
      const text = response.text();
      if (response.status !== 201) throw new Error(`POST …/licence: ${response.status} ${text.slice(0, 200)}`);
      const body = JSON.parse(text) as Issued & { licence?: string };
      if (!body.certificate?.includes('BEGIN CERTIFICATE') || body.chain?.length !== 2 || !body.licence)
        throw new Error(`POST …/licence: unexpected answer ${text.slice(0, 200)}`);
      issued.push({ serial: body.serial, certificate: body.certificate, chain: body.chain });
    };
    const issuance = await timed('issuance', () => measured(service, issueOne, options()));
    // Not measured: enough certificates for the pools below, should the issuance load have made fewer.
    while (issued.length < POOL) await Promise.all(Array.from({ length: Math.min(CONCURRENCY, POOL - issued.length) }, issueOne));
    const rssAfterIssuance = service.peakRss();
    const pool = issued.slice(0, POOL);

    // 2. OCSP: DER requests (SHA-1 CertID, as openssl and browsers send them), POST.
    const probes = await Promise.all(pool.map(ocspProbe));
    const ocspUrl = `${issuer}/pki/ocsp`;
    const askOcsp = async (probe: OcspProbe, nonce?: Buffer) => {
      let body = probe.plain;
      if (nonce) {
        body = Buffer.from(probe.withNonce);
        nonce.copy(body, probe.nonceAt);
      }
      const response = await send(ocspUrl, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body });
      const der = response.body;
      if (response.status !== 200) throw new Error(`POST /pki/ocsp: ${response.status}`);
      checkOcspAnswer(der, probe.serial, nonce);
    };
    let ocspCalls = 0;
    const ocspPlain = await timed('ocsp-plain', () => measured(service, () => askOcsp(probes[ocspCalls++ % probes.length]), options()));
    let nonceCounter = 0;
    const ocspNonce = await timed('ocsp-nonce', () =>
      measured(
        service,
        () => {
          const nonce = randomBytes(NONCE_BYTES);
          nonce.writeUInt32BE(nonceCounter++ >>> 0, 0); // unique within the run, whatever the random bytes
          return askOcsp(probes[ocspCalls++ % probes.length], nonce);
        },
        options(),
      ),
    );
    const rssAfterOcsp = service.peakRss();

    // 3. Verification: the leaf and its issuing CA (PEM), as a portal would pass them on.
    const rawVerifyAgain = rawVerifyRate();
    process.stdout.write(
      `  raw ECDSA P-256 verify: ${format(rawVerify)}/s at the start, ${format(rawVerifyAgain)}/s just before the verification loads; the ratios below use the mean\n`,
    );
    rawVerify = (rawVerify + rawVerifyAgain) / 2;
    vsVerify.value = rawVerify;
    const texts = pool.map((c) => c.certificate + c.chain[0]);
    // Request bodies serialised once: the driver's CPU comes out of the same two cores.
    const verifyBodies = texts.map((pem) => JSON.stringify({ pem }));
    const verifyUrl = `${issuer}/api/v1/verify/certificate`;
    // Seen before, on the first fifth of the pool (each seen once in the warm-up): the parse and
    // the signature's outcome are cached by the certificate's bytes. This load also warms the
    // route up (JIT) for the next one.
    const seenCount = Math.max(1, Math.floor(texts.length / 5));
    let verifyCalls = 0;
    const single = await timed('verify', () =>
      measured(
        service,
        async () => {
          const i = verifyCalls++ % seenCount;
          const report = await postJson(verifyUrl, verifyAuth, verifyBodies[i]);
          checkReport(report, pool[i].serial);
        },
        options(),
      ),
    );
    // First sight of each of the others, once: parsed, its key read, its ECDSA signature checked.
    const firstSight = await timed(
      'verify-first',
      () =>
        withCpuAccounting(service, () =>
          loadEach(
            texts.length - seenCount,
            async (k) => {
              const i = seenCount + k;
              const report = await postJson(verifyUrl, verifyAuth, verifyBodies[i]);
              checkReport(report, pool[i].serial);
            },
            CONCURRENCY,
          ),
        ),
      0,
    );
    const batchUrl = `${issuer}/api/v1/verify/batch`;
    let batchStart = 0;
    const batch = await timed('verify-batch', () =>
      measured(
        service,
        async () => {
          const from = (batchStart += BATCH) % texts.length;
          const indices = Array.from({ length: BATCH }, (_, k) => (from + k) % texts.length);
          const body = (await postJson(batchUrl, verifyAuth, { items: indices.map((i) => ({ kind: 'certificate', pem: texts[i] })) })) as {
            reports?: unknown[];
          };
          if (body.reports?.length !== BATCH) throw new Error(`POST /verify/batch: ${BATCH} items, ${body.reports?.length} reports`);
          body.reports.forEach((report, k) => checkReport(report, pool[indices[k]].serial));
        },
        options(),
      ),
    );
    const rssAfterVerify = service.peakRss();

    const cpuNote = (m: Measured, per = 'call') =>
      `(CPU per ${per}: service ${m.cpuMs.toFixed(2)} ms, PostgreSQL ${m.postgresMs.toFixed(2)}, load driver ${m.driverMs.toFixed(2)})${otherLoadNote(m)}`;
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

    record({
      section: 'pki',
      name: 'certificates issued/s (CSR → licence, 201)',
      value: issuance.perSecond,
      unit: 'certs/s',
      baseline: vsSign,
      note: `${errorsNote(issuance) ?? ''}${cpuNote(issuance, 'issuance')}`,
    });
    latencyRows('issuance', issuance, rssAfterIssuance);

    record({
      section: 'pki',
      name: 'OCSP responses/s (POST, no nonce)',
      value: ocspPlain.perSecond,
      unit: 'responses/s',
      baseline: vsSign,
      target: '≥ 2,000',
      note: `${verdict(ocspPlain.perSecond >= 2000)}; answers to nonce-less requests may come from the responder's 3 s cache ${errorsNote(ocspPlain) ?? ''}${cpuNote(ocspPlain)}`,
    });
    latencyRows('OCSP, no nonce', ocspPlain);
    record({
      section: 'pki',
      name: 'OCSP responses/s (POST, unique nonce)',
      value: ocspNonce.perSecond,
      unit: 'responses/s',
      baseline: vsSign,
      target: '≥ 2,000',
      note: `${verdict(ocspNonce.perSecond >= 2000)}; every answer signed ${errorsNote(ocspNonce) ?? ''}${cpuNote(ocspNonce)}`,
    });
    latencyRows('OCSP, nonce', ocspNonce, rssAfterOcsp);

    const verifyTarget = 0.25 * rawVerify;
    record({
      section: 'pki',
      name: `verifications/s, first sight (POST /verify/certificate, ${texts.length - seenCount} certificates once each)`,
      value: firstSight.perSecond,
      unit: 'verifications/s',
      baseline: vsVerify,
      target: `≥ 0.25× raw verify = ${format(verifyTarget)}`,
      note: `${verdict(firstSight.perSecond >= verifyTarget)}; each call parses the chain and checks the leaf's ECDSA signature ${errorsNote(firstSight) ?? ''}${cpuNote(firstSight)}`,
    });
    latencyRows('verification, first sight', firstSight);
    record({
      section: 'pki',
      name: `verifications/s, seen before (POST /verify/certificate, ${seenCount} certificates over and over)`,
      value: single.perSecond,
      unit: 'verifications/s',
      baseline: vsVerify,
      target: `≥ 0.25× raw verify = ${format(verifyTarget)}`,
      note: `${verdict(single.perSecond >= verifyTarget)}; parse and signature outcome cached by the certificate's bytes, validity and revocation checked each call ${errorsNote(single) ?? ''}${cpuNote(single)}`,
    });
    latencyRows('verification, seen before', single);
    record({
      section: 'pki',
      name: `batch verification items/s (${BATCH} per call)`,
      value: batch.perSecond * BATCH,
      unit: 'items/s',
      baseline: vsVerify,
      note: `${errorsNote(batch) ?? ''}${cpuNote(batch, 'batch')}`,
    });
    latencyRows(`batch of ${BATCH}`, batch, rssAfterVerify);

    record({ section: 'pki', name: 'service peak RSS over the whole run (VmHWM)', value: mb(service.peakRss()), unit: 'MB' });
    process.stdout.write(
      `  (${CSRS} CSRs made beforehand in ${csrSeconds.toFixed(1)} s; ${issued.length} certificates issued in all; section wall time ${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
    );
    if (CPU_PROF_DIR)
      process.stdout.write(
        `  CPU profile of the service in ${CPU_PROF_DIR}; measured windows (CLOCK_MONOTONIC µs, the profile's clock): ${windows.join(', ')}\n`,
      );
  });

  function latencyRows(label: string, m: Measured, rss?: number): void {
    record({ section: 'pki', name: `  ${label}: p50 latency`, value: m.p50, unit: 'ms' });
    record({ section: 'pki', name: `  ${label}: p99 latency`, value: m.p99, unit: 'ms' });
    if (rss !== undefined) record({ section: 'pki', name: `  ${label}: peak RSS so far`, value: mb(rss), unit: 'MB' });
  }
}

const monotonicMicros = () => process.hrtime.bigint() / 1000n;

const options = () => ({ concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS });

/** `count` PKCS#10 requests (PEM), each for a fresh P-256 key, made with @peculiar/x509 on node's WebCrypto. */
async function makeCsrs(count: number): Promise<string[]> {
  x509.cryptoProvider.set(webcrypto as Crypto);
  const one = async (i: number) => {
    const keys = await webcrypto.subtle.generateKey(P256, false, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=bench ${i}`, keys: keys, signingAlgorithm: P256 });
    return csr.toString('pem');
  };
  const csrs: string[] = [];
  for (let i = 0; i < count; i += 100)
    csrs.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, k) => one(i + k)))));
  return csrs;
}

/** The OCSP request for a certificate, built with pkijs (CertID from the issuing CA's name and key). */
async function ocspProbe(issued: Issued): Promise<OcspProbe> {
  const certificate = pkijs.Certificate.fromBER(pemBody(issued.certificate));
  const issuerCertificate = pkijs.Certificate.fromBER(pemBody(issued.chain[0]));
  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(certificate, { hashAlgorithm: 'SHA-1', issuerCertificate });
  const plain = Buffer.from(request.toSchema(true).toBER(false));
  // The same request with a nonce extension (RFC 8954): a marker to find, replaced per request.
  const marker = Buffer.alloc(NONCE_BYTES, 0xa5);
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({ extnID: id_pkix_ocsp_nonce, extnValue: new asn1js.OctetString({ valueHex: marker }).toBER(false) }),
  ];
  const withNonce = Buffer.from(request.toSchema(true).toBER(false));
  const nonceAt = withNonce.indexOf(marker);
  if (nonceAt < 0 || withNonce.indexOf(marker, nonceAt + 1) >= 0) throw new Error('cannot place the OCSP nonce');
  return { serial: issued.serial, plain, withNonce, nonceAt };
}

/**
 * Throws unless the DER is a successful basic OCSP response with one answer, for the serial, saying
 * `good` (and echoing the nonce, if one was sent). A walk over the DER by hand: parsing the whole
 * response with a schema library (the CA certificate in it included) cost the load driver three
 * times the service's CPU per call, on cores it shares with the service. The signature is not
 * checked here (the service's own tests check it with openssl).
 */
function checkOcspAnswer(der: Buffer, serial: string, nonce?: Buffer): void {
  const [status, bytes] = children(der, element(der, 0, 0x30));
  if (status?.tag !== 0x0a || status.end - status.start !== 1) throw new Error('OCSP: no responseStatus');
  if (der[status.start] !== 0) throw new Error(`OCSP: responseStatus ${der[status.start]} (not successful)`);
  const [type, octets] = children(der, only(children(der, expect(bytes, 0xa0)), 0x30));
  if (!der.subarray(expect(type, 0x06).start, type.end).equals(OCSP_BASIC_OID)) throw new Error('OCSP: not a basic response');
  const basic = der.subarray(expect(octets, 0x04).start, octets.end);
  const fields = children(basic, children(basic, element(basic, 0, 0x30))[0]);
  const at = fields[0]?.tag === 0xa0 ? 1 : 0; // version
  const [responder, producedAt, responses, extensions] = fields.slice(at);
  if ((responder?.tag !== 0xa1 && responder?.tag !== 0xa2) || producedAt?.tag !== 0x18) throw new Error('OCSP: malformed ResponseData');
  const [certId, certStatus] = children(basic, only(children(basic, expect(responses, 0x30)), 0x30));
  const serialTlv = children(basic, expect(certId, 0x30))[3];
  const answered = basic
    .subarray(expect(serialTlv, 0x02).start, serialTlv.end)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '');
  if (answered !== serial.replace(/^(00)+(?=.)/, '').toLowerCase())
    throw new Error(`OCSP: answered for ${answered}, asked about ${serial}`);
  if (certStatus?.tag !== 0x80) throw new Error(`OCSP: ${serial} is not good (${certStatus?.tag === 0xa1 ? 'revoked' : 'unknown'})`);
  if (nonce && !(extensions?.tag === 0xa1 && basic.subarray(extensions.start, extensions.end).includes(nonce)))
    throw new Error('OCSP: the nonce is not echoed');
}

/** DER of the OID id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1). */
const OCSP_BASIC_OID = Buffer.from('2b0601050507300101', 'hex');

interface Element {
  tag: number;
  /** Offsets of the contents. */
  start: number;
  end: number;
}

function element(der: Buffer, at: number, tag?: number): Element {
  if (at + 2 > der.length) throw new Error('OCSP: truncated DER');
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i];
    start += count;
  }
  if (start + length > der.length) throw new Error('OCSP: truncated DER');
  if (tag !== undefined && der[at] !== tag) throw new Error(`OCSP: expected tag 0x${tag.toString(16)}, found 0x${der[at].toString(16)}`);
  return { tag: der[at], start, end: start + length };
}

function children(der: Buffer, parent: Element): Element[] {
  const list: Element[] = [];
  for (let at = parent.start; at < parent.end; at = list[list.length - 1].end) list.push(element(der, at));
  return list;
}

function expect(item: Element | undefined, tag: number): Element {
  if (item?.tag !== tag)
    throw new Error(`OCSP: expected tag 0x${tag.toString(16)}, found ${item ? `0x${item.tag.toString(16)}` : 'nothing'}`);
  return item;
}

function only(items: Element[], tag: number): Element {
  if (items.length !== 1) throw new Error(`OCSP: expected one element, found ${items.length}`);
  return expect(items[0], tag);
}

function checkReport(report: unknown, serial: string): void {
  const r = report as { indication?: string; subIndication?: string; certificate?: { serial?: string } };
  if (r.indication !== 'TOTAL_PASSED')
    throw new Error(`verification: ${r.indication} ${r.subIndication ?? ''} ${JSON.stringify(report).slice(0, 200)}`);
  if (r.certificate?.serial?.toLowerCase() !== serial.toLowerCase())
    throw new Error(`verification: a report for ${r.certificate?.serial}, expected ${serial}`);
}

/** POSTs a JSON body (a string is sent as it is: already serialised) and returns the parsed 200 answer. */
async function postJson(url: string, authorization: string, body: unknown): Promise<unknown> {
  const response = await send(url, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = response.text();
  if (response.status !== 200) throw new Error(`POST ${new URL(url).pathname}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

function pemBody(pem: string): ArrayBuffer {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength);
}
