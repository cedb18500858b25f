import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeUscc } from '../../src/identifiers/generate.js';
import { openWallet } from '../../src/wallet/index.js';
import { tongban } from '../support/processes.js';
import { throwawayCa } from './support.js';

const PASSPHRASE = 'wallet passphrase for the CLI test';
const USCC = makeUscc({ organisationBody: 'MA2YTB8K' });

describe('tongban wallet (CLI)', () => {
  let root: string;
  let dir: string;
  let passphraseFile: string;
  let env: Record<string, string>;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tongban-wallet-cli-'));
    dir = join(root, 'wallet');
    passphraseFile = join(root, 'passphrase');
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    // No configuration of a service is needed for init, show and login; HOME points away from the user's wallet.
    env = { HOME: root, TONGBAN_WALLET_PASSPHRASE: '' };
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("init with a passphrase file creates the wallet (0700/0600); the file's newline is not part of the passphrase", async () => {
    const init = await tongban(['wallet', 'init', '--wallet', dir, '--passphrase-file', passphraseFile], env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`created a wallet in ${dir}`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'key.json')).mode & 0o777).toBe(0o600);
    const thumbprint = JSON.parse(readFileSync(join(dir, 'key.json'), 'utf8')).thumbprint;
    expect(init.stdout).toContain(thumbprint);
    expect((await openWallet(dir, PASSPHRASE)).thumbprint).toBe(thumbprint);

    const again = await tongban(['--json', 'wallet', 'init', '--wallet', dir, '--passphrase-file', passphraseFile], env);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: 'WALLET_EXISTS' });
    expect(again.stderr).toMatch(/already holds a wallet key/);
  });

  it('show lists the licences (never the key); with the passphrase it also checks it', async () => {
    const wallet = await openWallet(dir, PASSPHRASE);
    const ca = await throwawayCa();
    await wallet.storeLicence(USCC, await ca.issuedFor(wallet, USCC, { name: '福州通办示范科技有限公司' }));

    const human = await tongban(['wallet', 'show', '--wallet', dir, '--passphrase-file', passphraseFile], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${USCC}  福州通办示范科技有限公司`);
    expect(human.stdout).toContain('(passphrase ok)');
    expect(human.stdout).toMatch(/valid\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d → .* \(valid\)/);
    expect(human.stdout).toContain(`subject   2.5.4.97=${USCC}, CN=福州通办示范科技有限公司`);

    const json = await tongban(['--json', 'wallet', 'show', '--wallet', dir, '--uscc', USCC], env);
    expect(json.code).toBe(0);
    const shown = JSON.parse(json.stdout);
    expect(shown).toMatchObject({
      dir,
      alg: 'ES256',
      thumbprint: wallet.thumbprint,
      licences: [{ uscc: USCC, enterpriseName: '福州通办示范科技有限公司', state: 'valid' }],
    });
    expect(Object.keys(shown.licences[0]).sort()).toEqual([
      'certificateSerial',
      'enterpriseName',
      'issuedAt',
      'issuer',
      'notAfter',
      'notBefore',
      'serial',
      'state',
      'subject',
      'uscc',
    ]);
    for (const out of [human.stdout, json.stdout]) expect(out).not.toMatch(/PRIVATE|encryptedKey|"d":|salt/);

    const wrongFile = join(root, 'wrong');
    writeFileSync(wrongFile, 'not the passphrase', { mode: 0o600 });
    const wrong = await tongban(['--json', 'wallet', 'show', '--wallet', dir, '--passphrase-file', wrongFile], env);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toEqual({ error: 'WRONG_PASSPHRASE', message: 'the passphrase does not open this wallet' });
    const missing = await tongban(['wallet', 'show', '--wallet', dir, '--uscc', makeUscc({ organisationBody: 'MA1FL3QX' })], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no licence for');
  });

  it('the passphrase can come from TONGBAN_WALLET_PASSPHRASE; without any source and no terminal it is a usage error', async () => {
    const other = join(root, 'other');
    const viaEnv = await tongban(['wallet', 'init', '--wallet', other], { ...env, TONGBAN_WALLET_PASSPHRASE: 'from the environment' });
    expect(viaEnv.code).toBe(0);
    expect(await openWallet(other, 'from the environment')).toBeDefined();
    const none = await tongban(['wallet', 'init', '--wallet', join(root, 'third')], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no passphrase: give --passphrase-file FILE or set TONGBAN_WALLET_PASSPHRASE');
  });

  it('--passphrase as an argument does not exist', async () => {
    const required: Record<string, string[]> = {
      login: ['tongban-login:e30'],
      enrol: ['--uscc', USCC],
      export: ['--p12', join(root, 'x.p12')],
      import: ['--p12', join(root, 'x.p12')],
    };
    for (const command of ['init', 'enrol', 'show', 'login', 'export', 'import']) {
      const result = await tongban(
        ['wallet', command, '--wallet', join(root, 'x'), '--passphrase', PASSPHRASE, ...(required[command] ?? [])],
        env,
      );
      expect([command, result.code]).toEqual([command, 2]);
      expect(result.stderr).toContain("unknown option '--passphrase'");
    }
    const help = await tongban(['wallet', 'init', '--help'], env);
    expect(help.stdout).toContain('--passphrase-file');
    expect(help.stdout).not.toMatch(/--passphrase\b(?!-file)/);
  });

  it('login refuses a garbled or expired challenge before any network use; an unknown wallet is a clear error', async () => {
    const garbled = await tongban(
      ['--json', 'wallet', 'login', 'tongban-login:e30', '--wallet', dir, '--passphrase-file', passphraseFile],
      env,
    );
    expect(garbled.code).toBe(1);
    expect(JSON.parse(garbled.stdout).error).toBe('CHALLENGE_INVALID');
    const expired = `tongban-login:${Buffer.from(JSON.stringify({ challenge_id: 'abcdefghij', nonce: 'n', aud: 'http://127.0.0.1:9', exp: 1 })).toString('base64url')}`;
    const late = await tongban(['--json', 'wallet', 'login', expired, '--wallet', dir, '--passphrase-file', passphraseFile], env);
    expect(JSON.parse(late.stdout).error).toBe('CHALLENGE_EXPIRED');
    const nowhere = await tongban(['wallet', 'show', '--wallet', join(root, 'nowhere')], env);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('run `tongban wallet init` first');
  });

  it('enrol: incomplete issuer credentials are a usage error', async () => {
    const result = await tongban(
      ['wallet', 'enrol', '--uscc', USCC, '--issuer-client-id', 'regulator', '--wallet', dir, '--passphrase-file', passphraseFile],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--issuer-client-id needs --issuer-client-secret');
  });
});
