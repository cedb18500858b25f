import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCitizenId, makeUscc } from '../../src/identifiers/generate.js';
import { controlSocketPath } from '../../src/database/data-dir-lock.js';
import { migrations } from '../../migrations/index.js';
import { startServiceProcess, tongban } from '../support/processes.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

const CITIZENS_CSV = [
  'id_number,name,status',
  `${makeCitizenId({ sequence: 11 })},陈伟,active`,
  `${makeCitizenId({ sequence: 12 })},李娜,active`,
  `${makeCitizenId({ sequence: 13 }).slice(0, 17)}0,坏行,active`,
].join('\n');

describe('tongban CLI: commands without a database', () => {
  let t: TestEnv;
  beforeAll(async () => (t = await makeTestEnv({ DATABASE_URL: '' })));
  afterAll(() => t.cleanup());

  it('id check: valid → 0, invalid → 3, --json prints the result', async () => {
    const valid = await tongban(['id', 'check', '11010519491231002X'], t.env);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('valid citizen ID number: 11010519491231002X');
    const invalid = await tongban(['id', 'check', '110105194912310021'], t.env);
    expect(invalid.code).toBe(3);
    expect(invalid.stdout).toContain('CHECKSUM');
    const json = await tongban(['--json', 'id', 'check', '91350100M000100Y43'], t.env);
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'uscc', valid: true, parsed: { organisationCode: 'M000100Y4' } });
  });

  it('bad usage exits 2 with a message', async () => {
    const unknown = await tongban(['frobnicate'], t.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command/);
    const purpose = await tongban(['keys', 'rotate', '--purpose', 'nope'], t.env);
    expect(purpose.code).toBe(2);
    expect(purpose.stderr).toMatch(/Allowed choices are oidc, root-ca/);
  });

  it('a bad configuration value stops the command with a message naming the variable', async () => {
    const result = await tongban(['keys', 'list'], { ...t.env, LOG_LEVEL: 'loud' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LOG_LEVEL must be one of');
  });

  it('keys init, list (no private material), rotate', async () => {
    const init = await tongban(['--json', 'keys', 'init'], t.env);
    expect(init.code).toBe(0);
    const created = JSON.parse(init.stdout).created as Array<{ purpose: string; alg: string }>;
    expect(created).toHaveLength(13);
    // SM2 keys too (design §4): the SM2 CAs, the licence key and the seal maker.
    expect(created.filter((k) => k.alg === 'SM2SM3').map((k) => k.purpose)).toEqual(['root-ca', 'issuing-ca', 'licence', 'seal-maker']);
    const list = await tongban(['keys', 'list', '--json'], t.env);
    const { keys } = JSON.parse(list.stdout) as { keys: Array<Record<string, string>> };
    expect(keys.map((k) => Object.keys(k).sort())[0]).toEqual(['activatedAt', 'alg', 'createdAt', 'kid', 'purpose', 'state']);
    expect(list.stdout).not.toMatch(/PRIVATE KEY|"d"/);
    const rotate = await tongban(['--json', 'keys', 'rotate', '--purpose', 'licence'], t.env);
    const rotation = JSON.parse(rotate.stdout);
    // The purpose's ES256 and SM2 keys are rotated together.
    expect(rotation.promoted.map((k: { alg: string }) => k.alg)).toEqual(['ES256', 'SM2SM3']);
    expect(rotation.retired.map((k: { kid: string }) => k.kid)).toEqual(keys.filter((k) => k.purpose === 'licence').map((k) => k.kid));
    const human = await tongban(['keys', 'list'], t.env);
    expect(human.stdout).toMatch(/^KID\s+PURPOSE\s+ALG\s+STATE/);
    expect(human.stdout).toMatch(/licence-es256-\S+\s+licence\s+ES256\s+retired/);
    expect(human.stdout).toMatch(/licence-sm2sm3-\S+\s+licence\s+SM2SM3\s+current/);
  });
});

describe(`tongban CLI on ${backend}`, () => {
  let t: TestEnv;
  let file: string;
  beforeAll(async () => {
    t = await makeTestEnv();
    file = join(t.dir, 'citizens.csv');
    writeFileSync(file, CITIZENS_CSV);
  });
  afterAll(() => t.cleanup());

  if (backend === 'postgres') {
    it('on PostgreSQL, commands wait for an explicit `db migrate`', async () => {
      const early = await tongban(['registry', 'import', '--citizens', file], t.env);
      expect(early.code).toBe(1);
      expect(early.stderr).toContain('run `tongban db migrate` first');
      expect(JSON.parse((await tongban(['--json', 'db', 'status'], t.env)).stdout).pending).toEqual(migrations.map((m) => m.name));
      const migrate = await tongban(['db', 'migrate'], t.env);
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toContain('applied: Registry');
    });
  }

  it('registry import: summary, per-row errors with line numbers, exit 3 when rows were rejected, idempotent', async () => {
    const first = await tongban(['registry', 'import', '--citizens', file], t.env);
    expect(first.code).toBe(3);
    expect(first.stderr).toContain('line 4: id_number CHECKSUM');
    expect(first.stdout).toMatch(/citizens: read 3, inserted 2, updated 0, unchanged 0, rejected 1/);
    const again = await tongban(['--json', 'registry', 'import', '--citizens', file], t.env);
    const result = JSON.parse(again.stdout);
    expect(result.summary).toMatchObject({ read: 3, inserted: 0, updated: 0, unchanged: 2, rejected: 1 });
    expect(result.errors).toEqual([{ line: 4, problems: [{ field: 'id_number', code: 'CHECKSUM', message: expect.any(String) }] }]);
  });

  it('registry import of enterprises from JSON lines', async () => {
    const jsonl = join(t.dir, 'enterprises.jsonl');
    const row = {
      uscc: makeUscc({ organisationBody: 'MA2YTB8K' }),
      name: '通办科技',
      type: '有限责任公司',
      legal_representative_id_number: makeCitizenId({ sequence: 11 }),
      address: '福州',
      established: '2018-06-01',
    };
    writeFileSync(jsonl, JSON.stringify(row) + '\n');
    const result = await tongban(['registry', 'import', '--enterprises', jsonl], t.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('enterprises: read 1, inserted 1');
  });

  it('registry import refuses bad invocations with clear messages', async () => {
    const both = await tongban(['registry', 'import', '--citizens', file, '--enterprises', file], t.env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of');
    const missing = await tongban(['registry', 'import', '--citizens', join(t.dir, 'nope.csv')], t.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    const header = join(t.dir, 'bad-header.csv');
    writeFileSync(header, 'name\nx\n');
    const bad = await tongban(['--json', 'registry', 'import', '--citizens', header], t.env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({ error: 'MISSING_COLUMNS', message: 'the CSV header lacks column(s) id_number' });
    const unknownFormat = await tongban(['registry', 'import', '--citizens', join(t.dir, 'x.txt')], t.env);
    expect(unknownFormat.code).toBe(2);
    expect(unknownFormat.stderr).toContain('--format');
  });
});

describe(`the service process on ${backend}`, () => {
  let t: TestEnv;
  beforeAll(async () => (t = await makeTestEnv({ KEYS_AUTO_INIT: '1', DEMO: '1', LOG_LEVEL: 'warn' })));
  afterAll(() => t.cleanup());

  it('refuses to start with a bad variable, naming it', async () => {
    await expect(startServiceProcess({ ...t.env, PORT: 'eighty' })).rejects.toThrow(
      /PORT must be an integer from 0 to 65535 \(got "eighty"\)/,
    );
    await expect(startServiceProcess({ ...t.env, DATABASE_URL: 'mysql://x' })).rejects.toThrow(/DATABASE_URL must be a postgres/);
  });

  it('serves, lets the CLI work beside it, keeps data across a restart, and stops cleanly on SIGTERM', async () => {
    const service = await startServiceProcess(t.env);
    expect(service.output()).toContain('Demo data');
    expect(await (await fetch(`${service.url}/health/ready`)).json()).toMatchObject({ status: 'ok' });

    const file = join(t.dir, 'more.csv');
    writeFileSync(file, `id_number,name\n${makeCitizenId({ sequence: 21 })},周杰\n`);
    const imported = await tongban(['registry', 'import', '--citizens', file], t.env);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('inserted 1');
    if (backend === 'pglite') {
      expect(imported.stderr).toMatch(/the service, pid \d+, holds the embedded database: importing through it/);
      // A second service on the same data directory is refused.
      await expect(startServiceProcess(t.env)).rejects.toThrow(/in use by another tongban process \(pid \d+, service/);
    }
    const rotated = await tongban(['--json', 'keys', 'rotate', '--purpose', 'data'], t.env);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout).reencrypted.registry).toBeGreaterThanOrEqual(6);

    const stopped = await service.stop();
    expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
    expect(existsSync(controlSocketPath(t.config.dataDir))).toBe(false);

    const restarted = await startServiceProcess(t.env);
    const again = await tongban(['--json', 'registry', 'import', '--citizens', file], t.env);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ inserted: 0, unchanged: 1 });
    await restarted.stop();
  });
});
