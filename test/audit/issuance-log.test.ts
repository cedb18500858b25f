import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IssuanceLog } from '../../src/audit/issuance/issuance-log.service.js';
import { ClientsService } from '../../src/clients/clients.service.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-data.js';
import { client, registerService } from '../support/oidc.js';
import { tongban } from '../support/processes.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { ACME, ZHANG, call, issuerCode, permitClaims } from '../licences/issuance-support.js';
import { Scratch } from '../pki/support.js';
import { inclusionOk, leafHashOf, rootOf, sortedJson } from './rfc9162.js';

interface Head {
  log: string;
  treeSize: number;
  rootHash: string;
  timestamp: number;
  kid: string;
  signature: string;
}

interface Entry {
  index: number;
  loggedAt: string;
  kind: 'certificate' | 'licence' | 'seal';
  id: string;
  issuer: string;
  issuerCode?: string;
  type: string;
  issuedAt: string;
  holder?: string;
  leafHash: string;
}

interface Ref {
  log: string;
  index: number;
}

const b64 = (text: string) => Buffer.from(text, 'base64');

/** The leaf as the log documents it, rebuilt here: SHA-256(0x00 ‖ sorted JSON of the entry without leafHash). */
const leafOf = (entry: Entry): Buffer => {
  const { leafHash: _served, ...content } = entry;
  return leafHashOf(Buffer.from(sortedJson(content), 'utf8'));
};

/**
 * Issue 14 §3: every certificate, seal and licence issued is a leaf of the public issuance log —
 * with no name, ID number or USCC in clear — at the index the issuance answer and the
 * verification report give; its proofs verify with the RFC 9162 verifier written in test/audit
 * (no project code); `tongban transparency monitor` run twice sees consistent heads and lists the
 * items, and refuses a head of a log altered in SQL.
 */
describe(`the public issuance log on ${backend}`, () => {
  let server: TestServer;
  let dir: string;
  const scratch = new Scratch();
  const tokens = { regulator: '', maker: '', verifier: '', permits: '' };
  let permitsClient = '';
  const items: Record<'certificate' | 'seal' | 'licence', { id: string; ref: Ref; pem?: string; seal?: string }> = {} as never;
  const legalRepresentative = DEMO_CITIZENS[0];

  const head = async (): Promise<Head> => {
    await server.app.get(IssuanceLog).signer.sign();
    return (await call<Head>(server, 'GET', '/api/v1/transparency/issuance/tree-head')).body;
  };
  const entry = async (index: number): Promise<Entry> => {
    const answer = await call<{ entries: Entry[] }>(server, 'GET', `/api/v1/transparency/issuance/entries?start=${index}&end=${index + 1}`);
    expect(answer.status).toBe(200);
    return answer.body.entries[0];
  };
  const issueLicence = async (): Promise<{ id: string; transparency: Ref }> => {
    const answer = await call<{ id: string; transparency: Ref }>(server, 'POST', '/api/v1/licences', {
      token: tokens.permits,
      body: { type: 'residence-permit', holder: { idNumber: ZHANG.id_number }, claims: permitClaims(ZHANG) },
    });
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const monitor = (args: string[]) => tongban(['transparency', 'monitor', '--url', server.url, ...args], {});

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    dir = mkdtempSync(join(tmpdir(), 'tongban-issuance-log-'));
    for (const [name, scope] of [
      ['regulator', 'licence:issue'],
      ['maker', 'seal:make'],
      ['verifier', 'verify'],
    ] as const) {
      const service = await registerService(server, scope);
      tokens[name] = (await client.clientCredentialsGrant(service.config, { scope })).access_token;
    }
    permitsClient = `permits-${Math.random().toString(36).slice(2, 8)}`;
    const { client_secret } = await server.app.get(ClientsService).register({
      client_id: permitsClient,
      client_name: '福州市公安局',
      scope: 'licence:issue',
      licence_types: ['residence-permit'],
      issuer_code: issuerCode(),
    });
    const config = await client.discovery(new URL(server.url), permitsClient, undefined, client.ClientSecretBasic(client_secret), {
      execute: [client.allowInsecureRequests],
    });
    tokens.permits = (await client.clientCredentialsGrant(config, { scope: 'licence:issue' })).access_token;
  }, 120_000);
  afterAll(async () => {
    scratch.cleanup();
    rmSync(dir, { recursive: true, force: true });
    await server?.close();
  });

  it('a certificate, a seal and a licence each get a leaf with no personal data, at the index their answers give', async () => {
    const certificate = await call<{ serial: string; certificate: string; transparency: Ref }>(
      server,
      'POST',
      `/api/v1/enterprises/${ACME.uscc}/licence`,
      { token: tokens.regulator, body: { csr: scratch.csr('issuance-log', 'ec-p256') } },
    );
    expect(certificate.status).toBe(201);
    expect(certificate.body.transparency).toEqual({ log: 'issuance', index: expect.any(Number) as number });
    items.certificate = { id: certificate.body.serial, ref: certificate.body.transparency, pem: certificate.body.certificate };

    const seal = await call<{ id: string; seal: string; transparency: Ref }>(server, 'POST', '/api/v1/seals', {
      token: tokens.maker,
      body: {
        holder: { uscc: ACME.uscc },
        type: 1,
        name: ACME.name,
        signerCertificates: [certificate.body.certificate],
        validEnd: new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10),
      },
    });
    expect(seal.status).toBe(201);
    expect(seal.body.transparency).toEqual({ log: 'issuance', index: expect.any(Number) as number });
    items.seal = { id: seal.body.id, ref: seal.body.transparency, seal: seal.body.seal };

    const licence = await issueLicence();
    expect(licence.transparency).toEqual({ log: 'issuance', index: expect.any(Number) as number });
    items.licence = { id: licence.id, ref: licence.transparency };

    const signed = await head();
    expect(signed.log).toBe('issuance');
    const jwks = (await call<{ keys: (JsonWebKey & { kid: string })[] }>(server, 'GET', '/api/v1/transparency/keys')).body;
    const jwk = jwks.keys.find((k) => k.kid === signed.kid)!;
    const signedBytes = Buffer.from(
      sortedJson({ log: signed.log, treeSize: signed.treeSize, rootHash: signed.rootHash, timestamp: signed.timestamp }),
    );
    expect(
      verify(
        'sha256',
        signedBytes,
        { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
        b64(signed.signature),
      ),
    ).toBe(true);

    const entries = {
      certificate: await entry(items.certificate.ref.index),
      seal: await entry(items.seal.ref.index),
      licence: await entry(items.licence.ref.index),
    };
    expect(entries.certificate).toMatchObject({ kind: 'certificate', id: items.certificate.id, type: 'enterprise-licence' });
    expect(entries.certificate.issuer).toMatch(/^tongban .*CA/);
    expect(entries.seal).toMatchObject({ kind: 'seal', id: items.seal.id, type: '1' });
    expect(entries.licence).toMatchObject({ kind: 'licence', id: items.licence.id, type: 'residence-permit', issuer: permitsClient });
    expect(entries.licence.issuerCode).toMatch(/^1[0-9A-Z]{17}$/);
    for (const [kind, e] of Object.entries(entries)) {
      expect(e.index).toBe(items[kind as keyof typeof items].ref.index);
      expect(Date.parse(e.issuedAt)).toBeGreaterThan(Date.now() - 600_000);
      expect(e.loggedAt >= e.issuedAt).toBe(true);
      // No personal data: no name, no ID number, no USCC of the holder in clear; the holder a keyed hash.
      const text = JSON.stringify(e);
      for (const secret of [ZHANG.name, ZHANG.id_number, ACME.uscc, ACME.name, legalRepresentative.id_number, legalRepresentative.name])
        expect(text).not.toContain(secret);
      expect(e.holder).toMatch(/^[0-9a-f]{64}$/);
      // The leaf is the documented hash of the entry, and it is in the signed tree.
      expect(leafOf(e).equals(b64(e.leafHash))).toBe(true);
      const proof = await call<{ leafHash: string; proof: string[] }>(
        server,
        'GET',
        `/api/v1/transparency/issuance/proofs/inclusion?index=${e.index}&treeSize=${signed.treeSize}`,
      );
      expect(proof.status).toBe(200);
      expect(b64(proof.body.leafHash).equals(leafOf(e))).toBe(true);
      expect(inclusionOk(e.index, signed.treeSize, leafOf(e), proof.body.proof.map(b64), b64(signed.rootHash))).toBe(true);
      expect(
        inclusionOk(e.index, signed.treeSize, leafHashOf(Buffer.from('forged')), proof.body.proof.map(b64), b64(signed.rootHash)),
      ).toBe(false);
    }
    // One enterprise, one holder hash, in this log only; a citizen another.
    expect(entries.seal.holder).toBe(entries.certificate.holder);
    expect(entries.licence.holder).not.toBe(entries.certificate.holder);

    // The whole log hashes to the signed root (the CA's own certificates, logged at start, included).
    const all = await call<{ entries: Entry[] }>(server, 'GET', `/api/v1/transparency/issuance/entries?start=0&end=${signed.treeSize}`);
    expect(all.body.entries.map((e) => e.index)).toEqual([...Array(signed.treeSize).keys()]);
    expect(rootOf(all.body.entries.map(leafOf)).equals(b64(signed.rootHash))).toBe(true);
    expect(all.body.entries.filter((e) => e.kind === 'certificate' && e.holder === undefined).length).toBeGreaterThan(0);
  });

  it('verification reports of the certificate, the seal and the licence carry their leaf', async () => {
    const verified = async (path: string, body: unknown) => {
      const answer = await call<{ indication: string; transparency?: Ref }>(server, 'POST', `/api/v1/verify/${path}`, {
        token: tokens.verifier,
        body,
      });
      expect(answer.status).toBe(200);
      return answer.body;
    };
    expect((await verified('certificate', { pem: items.certificate.pem })).transparency).toEqual(items.certificate.ref);
    expect((await verified('seal', { seal: items.seal.seal })).transparency).toEqual(items.seal.ref);
    expect((await verified('licence', { id: items.licence.id })).transparency).toEqual(items.licence.ref);
  });

  it('an item stored without its leaf (a crash between the two) is appended when the log reconciles, once', async () => {
    const sql = server.app.get(DataSource);
    const esID = `${items.seal.id.slice(0, 6)}99999999`;
    // A copy of the seal under another esID, as if a replica stored it and died before logging it.
    await sql.query(
      `INSERT INTO seals (es_id, uscc, type, name, algorithm, maker_kid, valid_start, valid_end, signer_serials, picture_drawn, der, sha256, made_by, created_at)
       SELECT $1, uscc, type, name, algorithm, maker_kid, valid_start, valid_end, signer_serials, picture_drawn, der,
              decode(md5($1) || md5($1 || 'x'), 'hex'), made_by, created_at FROM seals WHERE es_id = $2`,
      [esID, items.seal.id],
    );
    const log = server.app.get(IssuanceLog);
    expect(await log.indexOf('seal', esID)).toBeUndefined();
    const size = await log.size();
    expect(await log.reconcile()).toBe(1);
    expect(await log.indexOf('seal', esID)).toEqual({ log: 'issuance', index: size });
    expect(await log.reconcile()).toBe(0);
    expect(await log.logged('seal', esID)).toEqual({ log: 'issuance', index: size });
    expect(await log.size()).toBe(size + 1);
    expect(await entry(size)).toMatchObject({ kind: 'seal', id: esID, type: '1', holder: (await entry(items.seal.ref.index)).holder });
  });

  it('entries are read in ranges of at most 1,000, end exclusive; anything else is 400 invalid_range', async () => {
    const { treeSize } = await head();
    const bad = async (query: string, error: string) => {
      const answer = await call<{ error: string; message: string }>(server, 'GET', `/api/v1/transparency/issuance/entries?${query}`);
      expect([answer.status, answer.body.error]).toEqual([400, error]);
      expect(answer.body.message).toEqual(expect.any(String));
    };
    await bad('start=3&end=3', 'invalid_range');
    await bad('start=0&end=1001', 'invalid_range');
    await bad(`start=${treeSize + 5}&end=${treeSize + 6}`, 'invalid_range');
    await bad('start=-1&end=3', 'validation_failed');
    await bad('start=a&end=3', 'validation_failed');
    await bad('end=3', 'validation_failed');
    const past = await call<{ entries: Entry[] }>(
      server,
      'GET',
      `/api/v1/transparency/issuance/entries?start=${treeSize - 1}&end=${treeSize + 50}`,
    );
    expect(past.body.entries.map((e) => e.index)).toEqual([treeSize - 1]);
    const proof = await call<{ error: string }>(
      server,
      'GET',
      `/api/v1/transparency/issuance/proofs/consistency?first=2&second=${treeSize + 1}`,
    );
    expect([proof.status, proof.body.error]).toEqual([400, 'invalid_range']);
  });

  it('tongban transparency monitor run twice sees consistent heads and lists what was issued', async () => {
    const state = join(dir, 'monitor.json');
    const first = await head();
    const run1 = await monitor(['--json', '--since', '0', '--state', state]);
    expect([run1.code, run1.stderr]).toEqual([0, '']);
    const lines1 = run1.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Entry & Record<string, unknown>);
    const summary1 = lines1.pop()!;
    expect(summary1).toMatchObject({ ok: true, treeSize: first.treeSize, consistency: 'first-run', since: 0, listed: first.treeSize });
    expect(lines1.map((e) => e.index)).toEqual([...Array(first.treeSize).keys()]);
    for (const kind of ['certificate', 'seal', 'licence'] as const)
      expect(lines1.find((e) => e.index === items[kind].ref.index)).toMatchObject({ kind, id: items[kind].id });
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ head: { treeSize: first.treeSize, rootHash: first.rootHash } });

    // Something new is issued; the second run reads from where the first ended (the older leaves through a proof).
    const another = await issueLicence();
    const second = await head();
    expect(second.treeSize).toBeGreaterThan(first.treeSize);
    const run2 = await monitor(['--json', '--since', String(first.treeSize), '--state', state]);
    expect([run2.code, run2.stderr]).toEqual([0, '']);
    const lines2 = run2.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Entry & Record<string, unknown>);
    const summary2 = lines2.pop()!;
    expect(summary2).toMatchObject({ ok: true, treeSize: second.treeSize, consistency: 'extended', previousTreeSize: first.treeSize });
    expect(lines2).toEqual([expect.objectContaining({ kind: 'licence', id: another.id, index: another.transparency.index })]);

    // Readable, from the middle, with nothing new: the same head, consistent.
    const run3 = await monitor(['--since', String(items.seal.ref.index), '--state', state]);
    expect([run3.code, run3.stderr]).toEqual([0, '']);
    expect(run3.stdout).toMatch(new RegExp(`^issuance log verified: signed head of ${second.treeSize} entries`));
    expect(run3.stdout).toContain(`consistent with the head of ${second.treeSize} entries seen before`);
    expect(run3.stdout).toContain(items.seal.id);
    expect(run3.stdout).toContain(another.id);
    expect(run3.stdout).not.toContain(items.certificate.id);
  }, 120_000);

  it('the monitor refuses a head of a log altered in SQL, and entries that do not make the signed root', async () => {
    const sql = server.app.get(DataSource);
    const alter = async (statement: string, parameters: unknown[]) => {
      await sql.query(`ALTER TABLE issuance_entries DISABLE TRIGGER issuance_entries_append_only`);
      try {
        await sql.query(statement, parameters);
      } finally {
        await sql.query(`ALTER TABLE issuance_entries ENABLE TRIGGER issuance_entries_append_only`);
      }
    };
    const state = join(dir, 'altered.json');
    const before = await head();
    expect((await monitor(['--since', String(before.treeSize), '--state', state])).code).toBe(0);

    // The licence's entry rewritten with a matching leaf (as if to hide who issued it), then a new head over the altered log.
    const original = await entry(items.licence.ref.index);
    const rewritten = { ...original, issuer: 'someone-else' };
    await alter(`UPDATE issuance_entries SET issuer = $1, leaf_hash = decode($2, 'hex') WHERE seq = $3`, [
      rewritten.issuer,
      leafOf(rewritten).toString('hex'),
      original.index,
    ]);
    await issueLicence();
    const after = await head();
    const refused = await monitor(['--since', String(before.treeSize), '--state', state]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NOT verified (INCONSISTENT)');
    expect(refused.stderr).toContain(
      `the head of ${after.treeSize} entries is not consistent with the head of ${before.treeSize} seen before`,
    );
    // The state still holds the last head that verified.
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ head: { treeSize: before.treeSize } });

    // An entry changed without its leaf: whoever reads it finds it does not make the signed root.
    await alter(`UPDATE issuance_entries SET type = 'food-business-permit' WHERE seq = $1`, [items.licence.ref.index]);
    const mismatch = await monitor(['--json', '--since', '0']);
    expect(mismatch.code).toBe(1);
    expect(JSON.parse(mismatch.stdout)).toMatchObject({ ok: false, problem: 'ENTRIES_MISMATCH' });
    expect(mismatch.stderr).toContain(`entry ${items.licence.ref.index} does not hash to the leaf`);
  }, 120_000);
});
