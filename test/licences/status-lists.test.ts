import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { STATUS_LIST_CAPACITY, STATUS_LIST_SIZE } from '../../src/licences/status/index.js';
import { createRootLogger } from '../../src/logging/logging.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { mustOpenssl, Scratch } from '../pki/support.js';
import { citizenRecords } from '../support/records.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';
import { backend, createScratchDatabase, makeTestEnv, type TestEnv } from '../support/test-env.js';
import {
  authority,
  call,
  decodeStatusList,
  permitClaims,
  rootPem,
  statusAt,
  ZHANG,
  type Authority,
  type IssuedLicenceBody,
} from './issuance-support.js';

async function registerZhang(app: NestFastifyApplication): Promise<void> {
  await app.get(RegistryService).importCitizens(citizenRecords(`id_number,name,status\n${ZHANG.id_number},${ZHANG.name},active\n`));
}

/**
 * The Token Status Lists (issue 13 §4, draft-ietf-oauth-status-list): the served token decoded
 * here by hand (jose, zlib, the bits) with its x5c chain checked by openssl; caching headers and
 * If-None-Match; indices drawn at random per issuer and shard; and two replicas on one
 * PostgreSQL database, where a revocation on one shows in the other's list within 5 s.
 */
describe(`status lists on ${backend}`, () => {
  let server: TestServer;
  let root: string;
  let issuer: Authority;
  const scratch = new Scratch();

  const issue = async (who: Authority = issuer) => {
    const answer = await call<IssuedLicenceBody>(server, 'POST', '/api/v1/licences', {
      body: { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims: permitClaims(ZHANG) },
      token: who.token,
    });
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const path = (uri: string) => new URL(uri).pathname;

  beforeAll(async () => {
    // No demo data (its accounts cost password hashing at start): 张三 alone, in the register.
    server = await startTestServer();
    await registerZhang(server.app);
    root = await rootPem(server);
    issuer = await authority(server, ['residence-permit']);
  });
  afterAll(async () => {
    scratch.cleanup();
    await server.close();
  });

  it("serves application/statuslist+jwt signed by the status key, its x5c chain to tongban's root (checked by openssl), with sub, iss, iat, exp, ttl and the 2-bit list", async () => {
    const licence = await issue();
    const answer = await call<string>(server, 'GET', path(licence.statusList.uri));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/statuslist+jwt');
    expect(answer.headers.get('cache-control')).toBe('public, max-age=60');
    expect(answer.headers.get('etag')).toMatch(/^W\/"[A-Za-z0-9_-]{32}"$/);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');

    const list = await decodeStatusList(answer.body, root);
    expect(list.header).toMatchObject({ alg: 'ES256', typ: 'statuslist+jwt', kid: server.app.get(KeyStore).current('status').kid });
    expect(list.header.kid).not.toBe(server.app.get(KeyStore).current('licence').kid);
    expect(list.leaf.subject).toContain('CN=tongban Status List Signer');
    const now = Math.floor(Date.now() / 1000);
    expect(list.claims).toMatchObject({ sub: licence.statusList.uri, iss: server.url, ttl: 60, status_list: { bits: 2 } });
    expect(Math.abs(list.claims.iat - now)).toBeLessThan(60);
    expect(list.claims.exp - now).toBeGreaterThan(6 * 3600);
    expect(list.claims.exp - now).toBeLessThanOrEqual(24 * 3600);
    expect(list.size).toBe(STATUS_LIST_SIZE);
    expect(list.status(licence.statusList.idx)).toBe(0);

    // openssl, independently: the leaf against the root, the issuing CA as the intermediate.
    const pem = (der: string) => `-----BEGIN CERTIFICATE-----\n${der.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    scratch.write('status-leaf.pem', pem(list.header.x5c[0]));
    scratch.write('status-issuing.pem', pem(list.header.x5c[1]));
    scratch.write('root.pem', root);
    const verified = mustOpenssl([
      'verify',
      '-CAfile',
      scratch.path('root.pem'),
      '-untrusted',
      scratch.path('status-issuing.pem'),
      scratch.path('status-leaf.pem'),
    ]);
    expect(verified).toContain('OK');

    // Accept: application/json → the same token inside an object.
    const json = await call<{ token: string; uri: string; bits: number; size: number; ttl: number }>(
      server,
      'GET',
      path(licence.statusList.uri),
      {
        headers: { accept: 'application/json' },
      },
    );
    expect(json.body).toMatchObject({ uri: licence.statusList.uri, bits: 2, size: STATUS_LIST_SIZE, ttl: 60 });
    expect((await decodeStatusList(json.body.token, root)).claims.sub).toBe(licence.statusList.uri);
  });

  it('If-None-Match answers 304 while the list is unchanged; a change is a new ETag at once on this replica', async () => {
    const licence = await issue();
    const uri = path(licence.statusList.uri);
    const first = await call(server, 'GET', uri);
    const etag = first.headers.get('etag')!;
    const unchanged = await call(server, 'GET', uri, { headers: { 'if-none-match': etag } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBe('');
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(unchanged.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await call(server, 'GET', uri, { headers: { 'if-none-match': `"other", ${etag.slice(2)}` } })).status).toBe(304);
    expect((await call(server, 'GET', uri, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);

    const revoked = await call(server, 'POST', `/api/v1/licences/${licence.id}/revoke`, { body: { reason: 'test' }, token: issuer.token });
    expect(revoked.status).toBe(200);
    const after = await call<string>(server, 'GET', uri, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect((await decodeStatusList(after.body, root)).status(licence.statusList.idx)).toBe(1);
  });

  it('unknown lists are 404, malformed numbers 400', async () => {
    expect(await call(server, 'GET', '/api/v1/status-lists/99999')).toMatchObject({
      status: 404,
      body: { error: 'status_list_not_found' },
    });
    for (const n of ['0', 'abc', '1e3', '-1'])
      expect(await call(server, 'GET', `/api/v1/status-lists/${n}`)).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
  });

  it('indices are drawn at random within a shard, unique, one list per issuer; the list holds exactly the changed entries', async () => {
    const mine = await authority(server, ['residence-permit']);
    const licences = [];
    for (let i = 0; i < 16; i++) licences.push(await issue(mine));
    const lists = new Set(licences.map((l) => l.statusList.uri));
    expect(lists.size).toBe(1);
    const indices = licences.map((l) => l.statusList.idx);
    expect(new Set(indices).size).toBe(indices.length);
    expect(Math.min(...indices)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...indices)).toBeLessThan(STATUS_LIST_SIZE);
    // Not sequential: spread over the list (16 draws from 131,072 land within 1,000 of each other with negligible chance).
    expect(Math.max(...indices) - Math.min(...indices)).toBeGreaterThan(1000);
    const sorted = [...indices].sort((a, b) => a - b);
    expect(sorted.slice(1).some((idx, i) => idx - sorted[i] > 1)).toBe(true);
    // Another issuer has its own list.
    expect((await issue()).statusList.uri).not.toBe([...lists][0]);

    await call(server, 'POST', `/api/v1/licences/${licences[3].id}/revoke`, { body: { reason: 'x' }, token: mine.token });
    await call(server, 'POST', `/api/v1/licences/${licences[7].id}/suspend`, { body: { reason: 'y' }, token: mine.token });
    const response = await fetch(licences[0].statusList.uri);
    const decoded = await decodeStatusList(await response.text(), root);
    const set: Array<[number, number]> = [];
    for (let idx = 0; idx < decoded.size; idx++) if (decoded.status(idx)) set.push([idx, decoded.status(idx)]);
    expect(set.sort((a, b) => a[0] - b[0])).toEqual(
      [
        [licences[3].statusList.idx, 1],
        [licences[7].statusList.idx, 2],
      ].sort((a, b) => a[0] - b[0]),
    );
  });

  it('a shard at capacity: the next licence opens the issuer’s next shard, a new list', async () => {
    const mine = await authority(server, ['residence-permit']);
    const first = await issue(mine);
    const db = server.app.get(DataSource);
    await db.query(`UPDATE licence_status_lists SET allocated = capacity WHERE issuer_code = $1`, [mine.code]);
    const next = await issue(mine);
    expect(next.statusList.uri).not.toBe(first.statusList.uri);
    const shards = await db.query<Array<{ shard: number; capacity: number; size: number }>>(
      `SELECT shard, capacity, size FROM licence_status_lists WHERE issuer_code = $1 ORDER BY shard`,
      [mine.code],
    );
    expect(shards).toEqual([
      { shard: 0, capacity: STATUS_LIST_CAPACITY, size: STATUS_LIST_SIZE },
      { shard: 1, capacity: STATUS_LIST_CAPACITY, size: STATUS_LIST_SIZE },
    ]);
    expect(await statusAt(server, next.statusList.uri, next.statusList.idx, root)).toBe(0);
  });
});

/** Two replicas in this process, on one PostgreSQL database (the server of DATABASE_URL, or the local one) and one KEYS_DIR. */
describe('status lists on two replicas sharing PostgreSQL', () => {
  const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let keysDir: string;
  let dropDatabase: (() => Promise<void>) | undefined;
  const replicas: Array<{ app: NestFastifyApplication; env: TestEnv; url: string }> = [];

  beforeAll(async () => {
    const database = await createScratchDatabase(SERVER_URL);
    dropDatabase = database.drop;
    keysDir = mkdtempSync(join(tmpdir(), 'tongban-status-replicas-'));
    const ports = [await freePort(), await freePort()];
    const issuerUrl = `http://localhost:${ports[0]}`;
    for (const port of ports) {
      const env = await makeTestEnv({
        DATABASE_URL: database.url,
        KEYS_DIR: keysDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: issuerUrl,
        OIDC_FETCH_ALLOW_PRIVATE: '1',
        LOG_LEVEL: 'warn',
      });
      const app = await createApp(env.config, createRootLogger(env.config.logLevel, { write: () => {} }));
      await app.listen(port, '127.0.0.1');
      if (!replicas.length) await registerZhang(app);
      replicas.push({ app, env, url: `http://localhost:${port}` });
    }
  }, 120_000);
  afterAll(async () => {
    for (const replica of replicas) {
      await replica.app.close();
      await replica.env.cleanup();
    }
    await dropDatabase?.();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  it('a revocation made on replica A is in replica B’s status list within 5 s (B had the list cached)', async () => {
    const [A, B] = replicas;
    const asServer = (replica: (typeof replicas)[number]) => ({ ...replica, logs: [], close: async () => {} }) as unknown as TestServer;
    const a = asServer(A);
    const b = asServer(B);
    const who = await authority(a, ['residence-permit']);
    const issued = await call<IssuedLicenceBody>(a, 'POST', '/api/v1/licences', {
      body: { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims: permitClaims(ZHANG) },
      token: who.token,
    });
    expect(issued.status).toBe(201);
    const { idx, uri } = issued.body.statusList;
    const root = await rootPem(b);
    // B builds and keeps the list.
    expect(await statusAt(b, uri, idx, root)).toBe(0);
    const beforeB = (await call(b, 'GET', new URL(uri).pathname)).headers.get('etag');

    const revoked = await call(a, 'POST', `/api/v1/licences/${issued.body.id}/revoke`, { body: { reason: 'replicas' }, token: who.token });
    expect(revoked.status).toBe(200);
    const at = Date.now();
    let seen = -1;
    while (Date.now() - at < 5000) {
      if ((await statusAt(b, uri, idx, root)) === 1) {
        seen = Date.now() - at;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toBeGreaterThanOrEqual(0);
    expect(seen).toBeLessThan(5000);
    // Both replicas now serve the same content under the same ETag.
    const [etagA, etagB] = await Promise.all(
      [A, B].map(async (r) => (await call(asServer(r), 'GET', new URL(uri).pathname)).headers.get('etag')),
    );
    expect(etagB).not.toBe(beforeB);
    expect(etagA).toBe(etagB);
  });
});
