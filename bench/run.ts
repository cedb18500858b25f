import { existsSync } from 'node:fs';
import { benchAudit } from './audit.js';
import { benchEmbedded } from './embedded.js';
import { benchIdentifiers } from './identifiers.js';
import { benchLicences } from './licences.js';
import { figures } from './lib.js';
import { benchOidc } from './oidc.js';
import { benchPki } from './pki.js';
import { benchRegistry } from './registry.js';
import { benchSeals } from './seals.js';

/**
 * `npm run bench`: every figure beside a baseline measured in the same run.
 *   BENCH_DATABASE_URL   PostgreSQL server to create scratch databases on (default: the local server's Unix
 *                        socket in /var/run/postgresql when there is one, else postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_CITIZENS       registry size (default 1,000,000)
 *   BENCH_ONLY           comma-separated sections to run (identifiers, seals, registry, oidc, pki, embedded, licences, audit)
 *   BENCH_OIDC_CONCURRENCY, BENCH_OIDC_POOL, BENCH_OIDC_WARMUP_MS, BENCH_OIDC_SECONDS, BENCH_OIDC_CPU_PROF
 *                        oidc section: requests in flight (16), the service's DB_POOL_SIZE (16),
 *                        warm-up (2000 ms) and measured seconds (4) per figure, a directory for the
 *                        service's --cpu-prof profile
 *   BENCH_PKI_CONCURRENCY, BENCH_PKI_WARMUP_MS, BENCH_PKI_SECONDS, BENCH_PKI_CSRS, BENCH_PKI_POOL, BENCH_PKI_CPU_PROF
 *                        pki section: requests in flight (16), warm-up (1500 ms) and measured seconds (4) per
 *                        figure, CSRs made for the issuance load (4000), issued certificates the OCSP and
 *                        verification loads cycle through (2000), a directory for the service's --cpu-prof profile
 *   BENCH_EMBEDDED_SIGNINS, BENCH_EMBEDDED_CONCURRENCY
 *                        embedded section: whole demo sign-ins after the restart (200), and how many at a time (4)
 *   BENCH_SEALS_MS       seals section: milliseconds measured per figure (2000; `openssl speed sm2` runs as many seconds)
 *   BENCH_SEALS_CONCURRENCY, BENCH_SEALS_WARMUP_MS, BENCH_SEALS_SECONDS, BENCH_SEALS_CPU_PROF
 *                        seals section over HTTP: requests in flight (8), warm-up (1500 ms) and measured seconds (4)
 *                        per figure, a directory for the service's --cpu-prof profile
 *   BENCH_LICENCES_CONCURRENCY, BENCH_LICENCES_WARMUP_MS, BENCH_LICENCES_SECONDS, BENCH_LICENCES_REVOCATIONS, BENCH_LICENCES_CPU_PROF
 *                        licences section: requests in flight (8), warm-up (1500 ms) and measured seconds (4) per
 *                        figure, revocations timed to the status list (10), a directory for the service's --cpu-prof profile
 *   BENCH_AUDIT_SECONDS, BENCH_AUDIT_IN_FLIGHT, BENCH_AUDIT_PROOF_SIZE
 *                        audit section: measured seconds per figure (3), appends always waiting (4000), entries
 *                        the inclusion proofs are served at (10,000,000; 0 skips that figure)
 *   --json               also print every figure as one JSON document at the end
 */
// A PostgreSQL on the same host is reached through its Unix socket, as psql does: each statement
// then costs the service about half the CPU of a loopback TCP connection (docs/decisions.md).
const LOCAL_SOCKET_DIR = '/var/run/postgresql';
const serverUrl =
  process.env.BENCH_DATABASE_URL ??
  (existsSync(`${LOCAL_SOCKET_DIR}/.s.PGSQL.5432`)
    ? `postgres://postgres@${encodeURIComponent(LOCAL_SOCKET_DIR)}/postgres`
    : 'postgres://postgres@127.0.0.1:5432/postgres');
const citizens = Number(process.env.BENCH_CITIZENS ?? 1_000_000);
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string) => !only || only.includes(name);

process.stdout.write(`tongban benchmark — node ${process.version}, ${new Date().toISOString()}\n`);
process.stdout.write(`PostgreSQL: ${describeServer(serverUrl)} (BENCH_DATABASE_URL to change)\n`);
if (wanted('identifiers')) benchIdentifiers();
if (wanted('seals')) await benchSeals(serverUrl);
if (wanted('registry')) await benchRegistry(serverUrl, citizens);
if (wanted('oidc')) await benchOidc(serverUrl);
if (wanted('pki')) await benchPki(serverUrl);
if (wanted('embedded')) await benchEmbedded(serverUrl);
if (wanted('licences')) await benchLicences(serverUrl);
if (wanted('audit')) await benchAudit(serverUrl);
if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ figures }, null, 2) + '\n');

function describeServer(url: string): string {
  const { hostname, port } = new URL(url);
  const host = decodeURIComponent(hostname);
  return host.startsWith('/') ? `Unix socket in ${host}` : `TCP ${host}:${port || 5432}`;
}
