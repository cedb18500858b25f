import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { DEMO_LICENCE_AUTHORITY } from '../../src/demo/demo-licences.js';
import { parseSdJwt, verifySdJwtVc } from '../../src/licences/sd-jwt/index.js';
import { client, registerService } from '../support/oidc.js';
import { tongban, type Finished } from '../support/processes.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';

const ACME = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
const PASSPHRASE = 'presenting licences from the command line';
const AUD = 'https://portal.example.gov.cn';
const NONCE = 'n-2026-12-01-4711';

interface Held {
  id: string;
  type: string;
  status: string;
  credential: string;
  claims: Record<string, unknown>;
}

/**
 * `tongban wallet licences` and `tongban wallet present` as an enterprise's holder runs them
 * against a running service: the wallet enrolled for the demo enterprise (P-256 and SM2), a food
 * business permit issued to it; the list comes from GET /api/v1/me/licences authenticated by the
 * wallet's proof of its licence key; the presentation carries only the claims named and a KB-JWT by
 * the wallet key, and verifies with verifySdJwtVc (with the aud and nonce given) and through
 * POST /api/v1/verify/licence; an SM2 wallet is refused with KEY_BINDING_UNSUPPORTED before its
 * passphrase is asked for.
 */
describe(`tongban wallet licences / present on ${backend}`, () => {
  let server: TestServer;
  let root: string;
  let passphraseFile: string;
  let food: Held;
  const wallets = { p256: '', sm2: '' };

  const cli = (args: string[]): Promise<Finished> =>
    tongban(args, { ...server.env.env, HOME: root, TONGBAN_WALLET: '', TONGBAN_WALLET_PASSPHRASE: '', LOG_LEVEL: 'warn' });
  const json = <T>(result: Finished): T => {
    try {
      return JSON.parse(result.stdout) as T;
    } catch {
      throw new Error(`not JSON (exit ${result.code}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
  };
  const withWallet = (kind: keyof typeof wallets, passphrase = true) => [
    '--wallet',
    wallets[kind],
    ...(passphrase ? ['--passphrase-file', passphraseFile] : []),
    '--service-url',
    server.url,
  ];

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    root = mkdtempSync(join(tmpdir(), 'tongban-wallet-licences-'));
    passphraseFile = join(root, 'passphrase');
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    for (const kind of ['p256', 'sm2'] as const) {
      wallets[kind] = join(root, `wallet-${kind}`);
      const made = await cli(['wallet', 'init', '--alg', kind, '--wallet', wallets[kind], '--passphrase-file', passphraseFile]);
      expect(made.code).toBe(0);
      // Enrolled by the demo licence authority over HTTP: the certificate, and the business licence as an SD-JWT VC bound to the key.
      const enrolled = await cli([
        'wallet',
        'enrol',
        '--uscc',
        ACME.uscc,
        '--issuer-client-id',
        DEMO_LICENCE_AUTHORITY.clientId,
        '--issuer-client-secret',
        DEMO_LICENCE_AUTHORITY.secret,
        '--issuer-url',
        server.url,
        '--wallet',
        wallets[kind],
        '--passphrase-file',
        passphraseFile,
      ]);
      expect(enrolled).toMatchObject({ code: 0 });
    }
    // A food business permit for the enterprise, bound to its newest wallet key (the SM2 one was enrolled last: the P-256 one first, then again).
    const config = await client.discovery(
      new URL(server.url),
      DEMO_LICENCE_AUTHORITY.clientId,
      undefined,
      client.ClientSecretBasic(DEMO_LICENCE_AUTHORITY.secret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const { access_token } = await client.clientCredentialsGrant(config, { scope: 'licence:issue' });
    // Enrol the P-256 wallet again so its key is the enterprise's newest: the permit's cnf is then that key.
    expect(
      (
        await cli([
          'wallet',
          'enrol',
          '--uscc',
          ACME.uscc,
          '--issuer-client-id',
          DEMO_LICENCE_AUTHORITY.clientId,
          '--issuer-client-secret',
          DEMO_LICENCE_AUTHORITY.secret,
          '--issuer-url',
          server.url,
          '--wallet',
          wallets.p256,
          '--passphrase-file',
          passphraseFile,
        ])
      ).code,
    ).toBe(0);
    const issued = await fetch(`${server.url}/api/v1/licences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'food-business-permit',
        holder: { uscc: ACME.uscc },
        claims: {
          permit_number: 'JY23501020012345',
          operator_name: ACME.name,
          uscc: ACME.uscc,
          legal_representative: '陈伟',
          premises: '福建省福州市鼓楼区五四路1号一层',
          main_business_format: '餐饮服务经营者',
          business_items: ['热食类食品制售'],
        },
      }),
    });
    expect(issued.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('wallet licences lists the enterprise’s licences (--json: with their credentials), authenticated by the licence key', async () => {
    const listed = await cli(['--json', 'wallet', 'licences', ...withWallet('p256')]);
    expect(listed).toMatchObject({ code: 0 });
    const { licences } = json<{ licences: Held[] }>(listed);
    expect(licences.map((l) => l.type)).toEqual(expect.arrayContaining(['food-business-permit', 'business-licence']));
    food = licences.find((l) => l.type === 'food-business-permit')!;
    expect(food).toMatchObject({ status: 'valid', claims: { operator_name: ACME.name, permit_number: 'JY23501020012345' } });

    const readable = await cli(['wallet', 'licences', ...withWallet('p256')]);
    expect(readable.code).toBe(0);
    expect(readable.stdout).toContain(food.id);
    expect(readable.stdout).toContain('食品经营许可证');
    expect(readable.stdout).toContain('status    valid');

    // The SM2 wallet lists them too: its proof is SM2 with SM3.
    const sm2 = await cli(['--json', 'wallet', 'licences', ...withWallet('sm2')]);
    expect(sm2).toMatchObject({ code: 0 });
    expect(json<{ licences: Held[] }>(sm2).licences.map((l) => l.id)).toContain(food.id);
  });

  it('wallet present prints a presentation with only the claims named and a KB-JWT by the wallet key, which verifies for that aud and nonce', async () => {
    const presented = await cli([
      'wallet',
      'present',
      food.id,
      '--disclose',
      'operator_name,permit_number',
      '--aud',
      AUD,
      '--nonce',
      NONCE,
      ...withWallet('p256'),
    ]);
    expect(presented).toMatchObject({ code: 0, stderr: '' });
    const presentation = presented.stdout.trim();
    const parsed = parseSdJwt(presentation);
    expect(parsed.keyBindingJwt).toBeDefined();
    expect(parsed.disclosures.map((d) => d.name).sort()).toEqual(['operator_name', 'permit_number']);

    const x5c = (parsed.jwt.header.x5c as string[])[0];
    const issuerKey = new X509Certificate(Buffer.from(x5c, 'base64')).publicKey;
    const verified = await verifySdJwtVc(presentation, { publicKeyFor: () => issuerKey, audience: AUD, nonce: NONCE });
    expect(Object.fromEntries(Object.entries(verified.checks).map(([name, finding]) => [name, finding.status]))).toEqual({
      format: 'PASSED',
      signature: 'PASSED',
      dataHash: 'PASSED',
      keyBinding: 'PASSED',
      validity: 'PASSED',
    });
    expect(verified.claims).toMatchObject({ operator_name: ACME.name, permit_number: 'JY23501020012345' });
    expect(verified.claims).not.toHaveProperty('premises');
    // Another nonce or audience: the key binding fails.
    expect(
      (await verifySdJwtVc(presentation, { publicKeyFor: () => issuerKey, audience: AUD, nonce: 'another' })).checks.keyBinding?.status,
    ).toBe('FAILED');
    expect(
      (await verifySdJwtVc(presentation, { publicKeyFor: () => issuerKey, audience: 'https://elsewhere.example', nonce: NONCE })).checks
        .keyBinding?.status,
    ).toBe('FAILED');

    // A portal checks it at POST /api/v1/verify/licence.
    const portal = await registerService(server, 'verify');
    const { access_token } = await client.clientCredentialsGrant(portal.config, { scope: 'verify' });
    const response = await fetch(`${server.url}/api/v1/verify/licence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ credential: presentation, audience: AUD, nonce: NONCE }),
    });
    const report = (await response.json()) as {
      indication: string;
      checks: Array<{ name: string; status: string }>;
      licence: { disclosed: Record<string, unknown> };
    };
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.checks.find((c) => c.name === 'keyBinding')?.status).toBe('PASSED');
    expect(Object.keys(report.licence.disclosed).sort()).toEqual(['operator_name', 'permit_number']);

    // --json: the presentation with what it is.
    const asJson = await cli([
      '--json',
      'wallet',
      'present',
      food.id,
      '--disclose',
      'operator_name',
      '--aud',
      AUD,
      '--nonce',
      NONCE,
      ...withWallet('p256'),
    ]);
    expect(json<Record<string, unknown>>(asJson)).toMatchObject({ id: food.id, disclosed: ['operator_name'], aud: AUD, nonce: NONCE });
  });

  it('refuses with stable codes: a claim the licence lacks, a licence the enterprise does not hold, an SM2 wallet (before its passphrase), no --aud', async () => {
    const unknown = await cli([
      '--json',
      'wallet',
      'present',
      food.id,
      '--disclose',
      'height',
      '--aud',
      AUD,
      '--nonce',
      NONCE,
      ...withWallet('p256'),
    ]);
    expect([unknown.code, json<{ error: string }>(unknown).error]).toEqual([1, 'UNKNOWN_CLAIM']);

    const none = await cli([
      '--json',
      'wallet',
      'present',
      food.id.replace(/\.001\..$/, '.002.0'),
      '--disclose',
      'operator_name',
      '--aud',
      AUD,
      '--nonce',
      NONCE,
      ...withWallet('p256'),
    ]);
    expect([none.code, json<{ error: string }>(none).error]).toEqual([1, 'NO_SUCH_LICENCE']);

    const sm2 = await cli([
      '--json',
      'wallet',
      'present',
      food.id,
      '--disclose',
      'operator_name',
      '--aud',
      AUD,
      '--nonce',
      NONCE,
      ...withWallet('sm2', false),
    ]);
    expect([sm2.code, json<{ error: string }>(sm2).error]).toEqual([1, 'KEY_BINDING_UNSUPPORTED']);
    expect(sm2.stderr).toContain('SM2');

    const noAud = await cli(['wallet', 'present', food.id, '--disclose', 'operator_name', '--nonce', NONCE, ...withWallet('p256')]);
    expect(noAud.code).toBe(2);
  });
});
