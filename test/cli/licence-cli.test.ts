import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CITIZENS } from '../../src/demo/demo-data.js';
import { DEMO_LICENCE_AUTHORITY } from '../../src/demo/demo-licences.js';
import { checkLicenceId } from '../../src/identifiers/licence-id.js';
import { startServiceProcess, tongban, type ServiceProcess } from '../support/processes.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

const ZHANG = DEMO_CITIZENS[1];

interface LicenceJson {
  id: string;
  credential: string;
  status: string;
  type: string;
  replayed?: boolean;
  holder: { kind: string; name: string; idNumberMasked?: string };
  issuer: { clientId: string; code: string };
  statusReason: string | null;
}

/**
 * `tongban licence issue|show|list|suspend|reinstate|revoke` as operators run them: beside the
 * running service (through its control socket on PGlite, on the database itself on PostgreSQL),
 * then on their own once it has stopped.
 */
describe(`tongban licence on ${backend}`, () => {
  let t: TestEnv;
  let service: ServiceProcess | undefined;
  let claimsFile: string;
  let issued: LicenceJson;

  const run = (args: string[]) => tongban(args, t.env);
  const json = <T = LicenceJson>(result: { stdout: string }) => JSON.parse(result.stdout) as T;

  beforeAll(async () => {
    // DEMO=1: the demo licence authority, the only one allowed residence permits.
    t = await makeTestEnv({ KEYS_AUTO_INIT: '1', DEMO: '1', LOG_LEVEL: 'warn' });
    service = await startServiceProcess(t.env);
    claimsFile = join(t.dir, 'permit.json');
    writeFileSync(
      claimsFile,
      JSON.stringify({
        name: ZHANG.name,
        id_number: ZHANG.id_number,
        residence_address: '福建省福州市台江区八一七中路1号',
        issuing_authority: '福州市公安局台江分局',
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await t.cleanup();
  });

  it('licence issue --type --holder --claims: an SD-JWT VC for the only authority allowed the type, written to --out; the same --idempotency-key answers the same licence', async () => {
    const out = join(t.dir, 'permit.sd-jwt');
    const result = await run([
      '--json',
      'licence',
      'issue',
      '--type',
      'residence-permit',
      '--holder',
      ZHANG.id_number,
      '--claims',
      claimsFile,
      '--out',
      out,
      '--idempotency-key',
      'cli-1',
    ]);
    expect(result).toMatchObject({ code: 0 });
    issued = json(result);
    expect(issued).toMatchObject({
      type: 'residence-permit',
      status: 'valid',
      replayed: false,
      holder: { kind: 'citizen', name: ZHANG.name },
      issuer: { clientId: DEMO_LICENCE_AUTHORITY.clientId, code: DEMO_LICENCE_AUTHORITY.issuerCode },
    });
    expect(checkLicenceId(issued.id).valid).toBe(true);
    expect(readFileSync(out, 'utf8').trim()).toBe(issued.credential);
    expect(issued.credential.split('~')[0].split('.')).toHaveLength(3);
    expect(result.stdout).not.toContain(`"${ZHANG.id_number}"`);

    const again = await run([
      '--json',
      'licence',
      'issue',
      '--type',
      'residence-permit',
      '--holder',
      ZHANG.id_number,
      '--claims',
      claimsFile,
      '--idempotency-key',
      'cli-1',
    ]);
    expect(json(again)).toMatchObject({ id: issued.id, replayed: true });

    const text = await run([
      'licence',
      'issue',
      '--type',
      'residence-permit',
      '--holder',
      ZHANG.id_number,
      '--claims',
      claimsFile,
      '--issuer',
      DEMO_LICENCE_AUTHORITY.clientId,
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^issued residence-permit licence 1\.2\.156\.3005\.2\./);
    expect(text.stdout).toContain(`${ZHANG.name} (110105********`);
    expect(text.stdout).not.toContain(ZHANG.id_number);
  });

  it('licence list and show; suspend, reinstate and revoke as the operator; a revocation is final', async () => {
    const list = await run(['--json', 'licence', 'list', '--holder', ZHANG.id_number]);
    const listed = json<{ licences: LicenceJson[] }>(list).licences;
    // The demo permit and the two issued above.
    expect(listed.length).toBe(3);
    expect(listed.map((l) => l.id)).toContain(issued.id);
    expect(listed[0]).not.toHaveProperty('credential');

    const suspended = await run(['--json', 'licence', 'suspend', issued.id, '--reason', '信息核实']);
    expect(json(suspended)).toMatchObject({ status: 'suspended', statusReason: '信息核实' });
    expect(json(await run(['--json', 'licence', 'reinstate', issued.id, '--reason', '核实完毕']))).toMatchObject({ status: 'valid' });
    const revoked = await run(['licence', 'revoke', issued.id, '--reason', '迁出']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('status  revoked — 迁出');
    const again = await run(['--json', 'licence', 'revoke', issued.id, '--reason', '再次']);
    expect(again.code).toBe(1);
    expect(json<{ error: string }>(again).error).toBe('invalid_transition');
    expect(again.stderr).toMatch(/a revocation is final/);
  });

  it('refuses what is wrong: a holder that is no identifier (usage), a claims file that is not JSON or not valid', async () => {
    const usage = await run(['licence', 'issue', '--type', 'residence-permit', '--holder', '12345', '--claims', claimsFile]);
    expect(usage.code).toBe(2);
    const notJson = join(t.dir, 'bad.json');
    writeFileSync(notJson, '{ name: 张三');
    const bad = await run(['--json', 'licence', 'issue', '--type', 'residence-permit', '--holder', ZHANG.id_number, '--claims', notJson]);
    expect(bad.code).toBe(1);
    expect(json<{ error: string }>(bad).error).toBe('BAD_JSON');
    writeFileSync(notJson, JSON.stringify({ name: ZHANG.name }));
    const invalid = await run([
      '--json',
      'licence',
      'issue',
      '--type',
      'residence-permit',
      '--holder',
      ZHANG.id_number,
      '--claims',
      notJson,
    ]);
    expect(json<{ error: string }>(invalid).error).toBe('invalid_claims');
  });

  it('runs on its own once the service has stopped', async () => {
    await service?.stop();
    service = undefined;
    const shown = await run(['licence', 'show', issued.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('status  revoked — 迁出');
  });
});
