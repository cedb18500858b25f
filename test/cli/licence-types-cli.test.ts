import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeUscc } from '../../src/identifiers/generate.js';
import type { LicenceType } from '../../src/licences/types/licence-type.js';
import { startServiceProcess, tongban, type ServiceProcess } from '../support/processes.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

const ISSUER_CODE = makeUscc({ authority: '1', entityType: '1', region: '350100', organisationBody: 'MB012345' });

const DEFINITION = {
  id: 'fishing-licence',
  code: '11100000000013338W501',
  name: { zh: '渔业捕捞许可证', en: 'Fishing licence' },
  holderKind: 'enterprise',
  validityDays: 1825,
  claimsSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { licence_number: { type: 'string' }, vessel_name: { type: 'string' } },
    required: ['licence_number'],
    additionalProperties: false,
  },
  claimDisplay: [
    { path: ['licence_number'], label: { zh: '许可证号', en: 'Licence number' } },
    { path: ['vessel_name'], label: { zh: '船名', en: 'Vessel name' } },
  ],
};

/**
 * `tongban licence-types add|list|show` and `tongban clients add --licence-types --issuer-code`,
 * as operators run them: beside the service (through its control socket on PGlite, the definition
 * file as the request body), then on their own.
 */
describe(`tongban licence-types on ${backend}`, () => {
  let t: TestEnv;
  let service: ServiceProcess | undefined;
  const file = (name: string, content: string) => {
    const path = join(t.dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    t = await makeTestEnv({ KEYS_AUTO_INIT: '1', LOG_LEVEL: 'warn' });
    service = await startServiceProcess(t.env);
  });
  afterAll(async () => {
    await service?.stop();
    await t.cleanup();
  });

  it('list: the built-in types, as a table or JSON', async () => {
    const human = await tongban(['licence-types', 'list'], t.env);
    expect(human.code).toBe(0);
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+CODE\s+HOLDER\s+DAYS\s+NAME\s+ISSUERS$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 4))).toEqual([
      ['business-licence', '11100000MB0143028R001', 'enterprise', '3650'],
      ['food-business-permit', '11100000MB0143028R901', 'enterprise', '1826'],
      ['residence-permit', '11100000000013127D901', 'citizen', '365'],
    ]);
    const json = await tongban(['--json', 'licence-types', 'list'], t.env);
    const { licenceTypes } = JSON.parse(json.stdout) as { licenceTypes: LicenceType[] };
    expect(licenceTypes.map((type) => type.vct)).toEqual([
      `${t.env.PUBLIC_URL ?? 'http://localhost:3000'}/licence-types/business-licence`,
      `${t.env.PUBLIC_URL ?? 'http://localhost:3000'}/licence-types/food-business-permit`,
      `${t.env.PUBLIC_URL ?? 'http://localhost:3000'}/licence-types/residence-permit`,
    ]);
  });

  it('add FILE.json: the type is in the catalogue the service serves; adding it again is refused', async () => {
    const definition = file('fishing.json', JSON.stringify(DEFINITION, null, 2));
    const added = await tongban(['licence-types', 'add', definition], t.env);
    expect([added.code, added.stderr]).toEqual([0, '']);
    expect(added.stdout).toContain('added licence type fishing-licence (11100000000013338W501)');
    expect(added.stdout).toMatch(/licence_number\s+许可证号 \/ Licence number {2}\(required\)/);
    const served = await fetch(`${service!.url}/api/v1/licence-types/fishing-licence`);
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ id: 'fishing-licence', name: { zh: '渔业捕捞许可证' }, builtin: false });

    const again = await tongban(['--json', 'licence-types', 'add', definition], t.env);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual({
      error: 'licence_type_exists',
      message: 'a licence type fishing-licence is already in the catalogue',
    });
    const sameCode = await tongban(
      ['licence-types', 'add', file('copy.json', JSON.stringify({ ...DEFINITION, id: 'fishing-copy' }))],
      t.env,
    );
    expect(sameCode.code).toBe(1);
    expect(sameCode.stderr).toContain("the type code 11100000000013338W501 is already fishing-licence's");
  });

  it('add refuses a file that is missing, not JSON, not a definition or has a bad schema, with a clear message and nothing added', async () => {
    const missing = await tongban(['licence-types', 'add', join(t.dir, 'nope.json')], t.env);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `tongban: cannot read ${join(t.dir, 'nope.json')}`]);
    const notJson = await tongban(['--json', 'licence-types', 'add', file('bad.json', '{ "id": "x", ')], t.env);
    expect(notJson.code).toBe(1);
    expect(JSON.parse(notJson.stdout).error).toBe('BAD_JSON');
    const noHolder = await tongban(
      ['--json', 'licence-types', 'add', file('no-holder.json', JSON.stringify({ ...DEFINITION, id: 'no-holder', holderKind: 'robot' }))],
      t.env,
    );
    expect(noHolder.code).toBe(1);
    expect(JSON.parse(noHolder.stdout)).toEqual({
      error: 'invalid_licence_type',
      message: 'the licence type definition is not valid: holderKind must be one of the following values: citizen, enterprise',
    });
    const badSchema = { ...DEFINITION, id: 'bad-schema', code: '11100000000013338W502' };
    badSchema.claimsSchema = {
      ...DEFINITION.claimsSchema,
      properties: { licence_number: { type: 'text' }, vessel_name: { type: 'string' } },
    };
    const schema = await tongban(['licence-types', 'add', file('bad-schema.json', JSON.stringify(badSchema))], t.env);
    expect(schema.code).toBe(1);
    expect(schema.stderr).toMatch(/^tongban: the claims schema is not a valid JSON Schema: \/properties\/licence_number\/type/);
    const big = await tongban(['licence-types', 'add', file('big.json', ' '.repeat(300 * 1024))], t.env);
    expect(big.code).toBe(1);
    expect(big.stderr).toContain('larger than 256 KiB');

    const { licenceTypes } = JSON.parse((await tongban(['--json', 'licence-types', 'list'], t.env)).stdout) as {
      licenceTypes: LicenceType[];
    };
    expect(licenceTypes.map((type) => type.id)).toEqual([
      'business-licence',
      'fishing-licence',
      'food-business-permit',
      'residence-permit',
    ]);
  });

  it('clients add --licence-types --issuer-code makes an issuing authority, which the catalogue lists', async () => {
    const added = await tongban(
      [
        'clients',
        'add',
        '--client-id',
        'fisheries-bureau',
        '--name',
        '福州市海洋与渔业局',
        '--scope',
        'licence:issue',
        '--licence-types',
        'fishing-licence, food-business-permit',
        '--issuer-code',
        ISSUER_CODE,
      ],
      t.env,
    );
    // (On PostgreSQL the CLI loads oidc-provider itself, which warns about the Node version on stderr.)
    expect([added.code, added.stderr]).toEqual([0, expect.not.stringContaining('tongban:')]);
    expect(added.stdout).toContain(`issuing authority ${ISSUER_CODE} of: fishing-licence, food-business-permit`);
    const show = await tongban(['licence-types', 'show', 'fishing-licence'], t.env);
    expect(show.stdout).toContain(`issuers   fisheries-bureau (${ISSUER_CODE})`);
    const list = await tongban(['licence-types', 'list'], t.env);
    expect(list.stdout).toMatch(/^food-business-permit .*fisheries-bureau$/m);
    expect(list.stdout).toMatch(/^residence-permit .* -$/m);
    const clients = JSON.parse((await tongban(['--json', 'clients', 'list'], t.env)).stdout) as { clients: Array<Record<string, unknown>> };
    expect(clients.clients.find((c) => c.client_id === 'fisheries-bureau')).toMatchObject({
      tongban_issuer_code: ISSUER_CODE,
      tongban_licence_types: ['fishing-licence', 'food-business-permit'],
    });

    const unknown = await tongban(
      [
        '--json',
        'clients',
        'add',
        '--client-id',
        'moon-bureau',
        '--scope',
        'licence:issue',
        '--licence-types',
        'moon-landing-permit',
        '--issuer-code',
        ISSUER_CODE,
      ],
      t.env,
    );
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).error).toBe('unknown_licence_type');
    const noScope = await tongban(
      ['clients', 'add', '--client-id', 'no-scope', '--licence-types', 'fishing-licence', '--issuer-code', ISSUER_CODE],
      t.env,
    );
    expect(noScope.code).toBe(1);
    expect(noScope.stderr).toContain('give the client the scope licence:issue');
    const noCode = await tongban(
      ['clients', 'add', '--client-id', 'no-code', '--scope', 'licence:issue', '--licence-types', 'fishing-licence'],
      t.env,
    );
    expect(noCode.code).toBe(1);
    expect(noCode.stderr).toContain('needs an issuer code');
  });

  it('on its own (the service stopped), the CLI reads the same catalogue', async () => {
    await service!.stop();
    service = undefined;
    const show = await tongban(['--json', 'licence-types', 'show', 'fishing-licence'], t.env);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      id: 'fishing-licence',
      issuers: [{ clientId: 'fisheries-bureau', issuerCode: ISSUER_CODE }],
    });
    const unknown = await tongban(['--json', 'licence-types', 'show', 'no-such-type'], t.env);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toEqual({ error: 'licence_type_not_found', message: 'no licence type no-such-type' });
  });
});
