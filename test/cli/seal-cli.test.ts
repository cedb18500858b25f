import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { decodeSeal, type DecodedSealV4 } from '../../src/seals/index.js';
import { ENTERPRISE_HEADER, mustOpenssl, Scratch } from '../pki/support.js';
import { startServiceProcess, tongban, type ServiceProcess } from '../support/processes.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

const ACME = DEMO_ENTERPRISES.find((e) => e.uscc === '91350100MA2YTB8K4L')!;

/** `tongban seal make|list|revoke` run as operators do: beside the service (through its control socket on PGlite), then on their own. */
describe(`tongban seal on ${backend}`, () => {
  let t: TestEnv;
  let service: ServiceProcess | undefined;
  const scratch = new Scratch();
  let certificate: string;
  let issuedJson: string;
  let sealId: string;

  beforeAll(async () => {
    t = await makeTestEnv({ KEYS_AUTO_INIT: '1', DEMO: '1', LOG_LEVEL: 'warn' });
    service = await startServiceProcess(t.env);
    // The enterprise's SM2 licence certificate, as an operator has it issued.
    const csr = scratch.csr('acme', 'sm2');
    const issued = await tongban(['--json', 'licence', 'issue', '--uscc', ACME.uscc, '--csr', scratch.path('acme.csr')], t.env);
    expect(issued.code).toBe(0);
    certificate = scratch.write('acme-licence.pem', (JSON.parse(issued.stdout) as { certificate: string }).certificate);
    issuedJson = scratch.write('acme-licence.json', issued.stdout);
    expect(csr).toContain('CERTIFICATE REQUEST');
  });
  afterAll(async () => {
    await service?.stop();
    scratch.cleanup();
    await t.cleanup();
  });

  it('seal make: an SM2 seal written to --out (read by openssl asn1parse and decodeSeal), validity up to the certificates by default; JSON with --json', async () => {
    const out = join(t.dir, 'acme.esl');
    const made = await tongban(
      [
        'seal',
        'make',
        '--uscc',
        ACME.uscc,
        '--name',
        ACME.name,
        '--type',
        '4',
        '--signer-cert',
        certificate,
        '--valid-end',
        '2099-01-01',
        '--out',
        out,
      ],
      t.env,
    );
    // The certificates end long before 2099: the seal may not outlive them.
    expect(made.code).toBe(1);
    expect(made.stderr).toMatch(/validEnd may be at most/);
    expect(existsSync(out)).toBe(false);

    const ok = await tongban(
      ['--json', 'seal', 'make', '--uscc', ACME.uscc, '--name', ACME.name, '--type', '4', '--signer-cert', certificate, '--out', out],
      t.env,
    );
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout) as {
      id: string;
      seal: string;
      typeName: string;
      algorithm: string;
      validEnd: string;
      picture: { drawn: boolean };
    };
    expect(result).toMatchObject({ typeName: '合同专用章', algorithm: 'sm2', picture: { drawn: true } });
    const der = readFileSync(out);
    expect(der.equals(Buffer.from(result.seal, 'base64'))).toBe(true);
    // Without --valid-end: the latest the certificates allow (here the licence certificate's end).
    expect(result.validEnd).toBe(
      new Date(mustOpenssl(['x509', '-in', certificate, '-noout', '-enddate']).trim().replace('notAfter=', '')).toISOString(),
    );
    const seal = decodeSeal(der) as DecodedSealV4;
    expect(seal.eSealInfo.esID).toBe(result.id);
    expect(seal.eSealInfo.property.name).toBe(ACME.name);
    expect(mustOpenssl(['asn1parse', '-inform', 'DER', '-in', out])).toContain('SM2-with-SM3');
    sealId = result.id;

    // An existing --out is not overwritten without --force (checked before anything is made).
    const again = await tongban(
      ['seal', 'make', '--uscc', ACME.uscc, '--name', ACME.name, '--signer-cert', certificate, '--out', out],
      t.env,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists: use --force/);
    // The certificate as JSON (what `licence issue --json` printed; a wallet keeps it so too).
    const human = await tongban(
      ['seal', 'make', '--uscc', ACME.uscc, '--name', ACME.name, '--signer-cert', issuedJson, '--alg', 'p256'],
      t.env,
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`made seal 350100\\d{8} \\(公章, ECDSA P-256\\) for ${ACME.name} \\(${ACME.uscc}\\)`));
  });

  it('seal make refuses with the service’s codes: exit 1, the message on stderr, { error, message } with --json', async () => {
    const wrong = await tongban(['--json', 'seal', 'make', '--uscc', ACME.uscc, '--name', '错误名称', '--signer-cert', certificate], t.env);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ error: 'name_mismatch' });
    expect(wrong.stderr).toContain(ACME.name);
    const picture = scratch.write('not.png', 'GIF89a');
    const notPng = await tongban(
      ['--json', 'seal', 'make', '--uscc', ACME.uscc, '--name', ACME.name, '--signer-cert', certificate, '--picture', picture],
      t.env,
    );
    expect(JSON.parse(notPng.stdout)).toMatchObject({ error: 'invalid_picture' });
    const usage = await tongban(['seal', 'make', '--uscc', ACME.uscc, '--name', ACME.name], t.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--signer-cert/);
    const noFile = await tongban(
      ['seal', 'make', '--uscc', ACME.uscc, '--name', ACME.name, '--signer-cert', join(t.dir, 'nope.pem')],
      t.env,
    );
    expect([noFile.code, noFile.stderr]).toEqual([1, expect.stringContaining('cannot read')]);
  });

  it('seal list and seal revoke; a revocation is final', async () => {
    const list = await tongban(['seal', 'list', '--uscc', ACME.uscc], t.env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+TYPE\s+STATUS\s+ALG\s+VALID TO/);
    expect(list.stdout).toMatch(new RegExp(`${sealId}\\s+合同专用章\\s+valid\\s+sm2`));
    const revoked = await tongban(['seal', 'revoke', sealId, '--reason', 'superseded'], t.env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`revoked seal ${sealId} \\(superseded\\) at \\d{4}-`));
    const json = JSON.parse((await tongban(['--json', 'seal', 'list', '--uscc', ACME.uscc], t.env)).stdout) as {
      seals: Array<{ id: string; status: string; revocationReason: string | null }>;
    };
    expect(json.seals.find((s) => s.id === sealId)).toMatchObject({ status: 'revoked', revocationReason: 'superseded' });
    const twice = await tongban(['--json', 'seal', 'revoke', sealId, '--reason', 'compromised'], t.env);
    expect([twice.code, JSON.parse(twice.stdout).error]).toEqual([1, 'seal_revoked']);
    expect((await tongban(['seal', 'revoke', sealId], t.env)).code).toBe(2);
    expect((await tongban(['seal', 'revoke', sealId, '--reason', 'lost'], t.env)).code).toBe(2);
  });

  it('without the service: the CLI runs the commands itself, and an enterprise import that cancels revokes its seals', async () => {
    await service!.stop();
    service = undefined;
    const before = JSON.parse((await tongban(['--json', 'seal', 'list', '--uscc', ACME.uscc], t.env)).stdout) as {
      seals: Array<{ status: string }>;
    };
    expect(before.seals.filter((s) => s.status === 'valid').length).toBeGreaterThanOrEqual(1);
    const file = join(t.dir, 'cancel.csv');
    writeFileSync(
      file,
      `${ENTERPRISE_HEADER}\n${ACME.uscc},${ACME.name},${ACME.type},${makeCitizenId({ region: '350102', birthDate: '1980-01-01', sequence: 11 })},${ACME.address},${ACME.established},cancelled\n`,
    );
    const imported = await tongban(['registry', 'import', '--enterprises', file], t.env);
    expect(imported.code).toBe(0);
    const after = JSON.parse((await tongban(['--json', 'seal', 'list', '--uscc', ACME.uscc], t.env)).stdout) as {
      seals: Array<{ id: string; status: string; revocationReason: string | null }>;
    };
    for (const seal of after.seals) expect(seal.status).toBe('revoked');
    expect(after.seals.filter((s) => s.revocationReason === 'cessationOfOperation').length).toBe(
      before.seals.filter((s) => s.status === 'valid').length,
    );
    const refused = await tongban(
      ['--json', 'seal', 'make', '--uscc', ACME.uscc, '--name', ACME.name, '--signer-cert', certificate],
      t.env,
    );
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: 'enterprise_not_active' });
  });
});
