import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { startServiceProcess, tongban, type Finished, type ServiceProcess } from '../support/processes.js';
import { freePort } from '../support/server.js';
import { scenarioSteps } from '../support/steps.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

/**
 * Issue 12's "done when", as a new user would type it: the built service running on its own
 * (demo data, keys made at the first start), the real `tongban` CLI in other processes, and a
 * portal's verification call over HTTP.
 *
 *   tongban wallet init --alg sm2
 *   tongban wallet enrol --uscc <USCC>                         (the operator's path)
 *   tongban seal make --uscc <USCC> --name <name> --signer-cert <the wallet's licence file>
 *   tongban ofd sample --out contract.ofd
 *   tongban wallet stamp contract.ofd --seal <ID> --page 1 --x 128 --y 206
 *   tongban clients add --client-id portal-verifier --grant-type client_credentials --scope verify
 *   POST /api/v1/verify/document { document }                  → TOTAL_PASSED
 *   …one character of the page changed…                         → TOTAL_FAILED / HASH_FAILURE
 */
const ENTERPRISE = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
const PASSPHRASE = 'walkthrough seal passphrase';

describe(`walkthrough: a seal for the demo enterprise, a stamped OFD, and its verification (service and CLI as processes, ${backend})`, () => {
  let t: TestEnv;
  let root: string;
  let walletDir: string;
  let passphraseFile: string;
  let service: ServiceProcess | undefined;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://localhost:${port}`;
    t = await makeTestEnv({ DEMO: '1', KEYS_AUTO_INIT: '1', LOG_LEVEL: 'warn', PORT: String(port), PUBLIC_URL: url });
    root = mkdtempSync(join(tmpdir(), 'tongban-walkthrough-seal-'));
    walletDir = join(root, 'wallet');
    passphraseFile = join(root, 'passphrase');
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    service = await startServiceProcess(t.env);
  }, 120_000);

  afterAll(async () => {
    if (service && service.child.exitCode === null && service.child.signalCode === null) await service.stop();
    await t?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const step = scenarioSteps(() =>
    service ? `--- service output (last 3000 characters) ---\n${service.output().slice(-3000)}` : undefined,
  );
  /** `tongban …` in its own process, in the user's folder, with the service's configuration; HOME points away from the user's own wallet. */
  const cli = (args: string[]): Promise<Finished> =>
    tongban(args, { ...t.env, HOME: root, TONGBAN_WALLET: walletDir, TONGBAN_WALLET_PASSPHRASE: '' });
  const passphrase = () => ['--passphrase-file', passphraseFile];
  const json = (result: Finished) => {
    try {
      return JSON.parse(result.stdout);
    } catch {
      throw new Error(`not JSON (exit ${result.code}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
  };
  const contract = () => join(root, 'contract.ofd');
  const stamped = () => join(root, 'contract.stamped.ofd');

  let sealId: string;
  let token: string;

  /** POST /api/v1/verify/document with the portal's token: the reports of the document's signatures. */
  async function verifyDocument(document: Uint8Array): Promise<Array<Record<string, unknown>>> {
    const response = await fetch(`${url}/api/v1/verify/document`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ document: Buffer.from(document).toString('base64') }),
    });
    const body = (await response.json()) as { signatures: Array<Record<string, unknown>> };
    expect({ status: response.status, body }).toMatchObject({ status: 200, body: { signatures: expect.any(Array) } });
    return body.signatures;
  }

  step('the service runs (DEMO=1, keys made at the first start) at its PUBLIC_URL', async () => {
    expect(service!.url).toBe(url);
    expect(await (await fetch(`${url}/health/ready`)).json()).toMatchObject({ status: 'ok' });
  });

  step(
    'tongban wallet init --alg sm2; tongban wallet enrol --uscc <USCC>: the SM2 licence of the demo enterprise in the wallet',
    async () => {
      const init = await cli(['wallet', 'init', '--alg', 'sm2', ...passphrase()]);
      expect([init.code, init.stderr]).toEqual([0, '']);
      const enrolled = await cli(['--json', 'wallet', 'enrol', '--uscc', ENTERPRISE.uscc, ...passphrase()]);
      expect(enrolled.code).toBe(0);
      expect(json(enrolled).licence).toMatchObject({ uscc: ENTERPRISE.uscc, enterpriseName: ENTERPRISE.name, state: 'valid' });
      expect(json(enrolled).licence.issuer).toContain('tongban SM2 Issuing CA');
    },
  );

  step("tongban seal make: a seal for the demo enterprise listing the wallet's licence certificate", async () => {
    const made = await cli([
      '--json',
      'seal',
      'make',
      '--uscc',
      ENTERPRISE.uscc,
      '--name',
      ENTERPRISE.name,
      '--signer-cert',
      join(walletDir, 'licences', `${ENTERPRISE.uscc}.json`),
    ]);
    expect(made.code).toBe(0);
    const seal = json(made);
    expect(seal).toMatchObject({
      status: 'valid',
      typeName: '公章',
      name: ENTERPRISE.name,
      algorithm: 'sm2',
      holder: { uscc: ENTERPRISE.uscc },
    });
    sealId = seal.id;
    expect(sealId).toMatch(/^350100\d{8}$/);
  });

  step('tongban ofd sample --out contract.ofd: a document to stamp', async () => {
    const sample = await cli(['ofd', 'sample', '--out', contract()]);
    expect(sample.code).toBe(0);
    expect(sample.stdout).toContain('--page 1 --x 128 --y 206');
  });

  step('tongban wallet stamp contract.ofd --seal <ID> --page 1 --x 128 --y 206 → contract.stamped.ofd', async () => {
    const result = await cli(['wallet', 'stamp', contract(), '--seal', sealId, '--page', '1', '--x', '128', '--y', '206', ...passphrase()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`wrote ${stamped()}: ${contract()} stamped (signature s001`);
    expect(result.stdout).toContain(`seal       ${sealId}  ${ENTERPRISE.name}`);
    expect(result.stdout).toContain('signature  SM2 with SM3');
  });

  step('a portal gets a verify token (tongban clients add … --scope verify, client credentials)', async () => {
    const added = await cli([
      '--json',
      'clients',
      'add',
      '--client-id',
      'portal-verifier',
      '--grant-type',
      'client_credentials',
      '--scope',
      'verify',
    ]);
    expect(added.code).toBe(0);
    const secret = json(added).client_secret as string;
    const response = await fetch(`${url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`portal-verifier:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'verify' }),
    });
    expect(response.status).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
  });

  step('POST /api/v1/verify/document with the stamped OFD → TOTAL_PASSED, every check passed', async () => {
    const [report, ...others] = await verifyDocument(readFileSync(stamped()));
    expect(others).toEqual([]);
    expect(report).toMatchObject({ indication: 'TOTAL_PASSED' });
    expect(report.subIndication).toBeUndefined();
    const checks = report.checks as Array<{ name: string; status: string }>;
    expect(checks.map((check) => check.name)).toEqual(expect.arrayContaining(['dataHash', 'signature', 'certList', 'chain', 'revocation']));
    for (const check of checks) expect([check.name, check.status]).toEqual([check.name, 'PASSED']);
    expect(JSON.stringify(report)).toContain(sealId);
  });

  step('one character of the stamped page changed → TOTAL_FAILED / HASH_FAILURE', async () => {
    const files = unzipSync(readFileSync(stamped()));
    const page = 'Doc_0/Pages/Page_0/Content.xml';
    files[page] = strToU8(Buffer.from(files[page]).toString('utf8').replace('示范单位', '示范公司'));
    const [report] = await verifyDocument(zipSync(files));
    expect(report).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
  });

  step('the service stops on SIGTERM', async () => {
    const stopped = await service!.stop();
    expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
  });
});
