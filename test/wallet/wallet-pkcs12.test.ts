import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader, importX509 } from 'jose';
import { makeUscc } from '../../src/identifiers/generate.js';
import {
  PKCS12_ITERATIONS,
  WalletError,
  decodePkcs12,
  encodePkcs12,
  importPkcs12,
  initWallet,
  openWallet,
  type LoginChallenge,
  type Wallet,
} from '../../src/wallet/index.js';
import forge from 'node-forge';
import { pkcs12Kdf } from '../../src/wallet/pkcs12.js';
import { tongban } from '../support/processes.js';
import { throwawayCa, x509, type ThrowawayCa } from './support.js';

// Not ASCII on purpose: the MAC takes the passphrase as UTF-16, PBKDF2 as UTF-8, as OpenSSL does.
const PASSPHRASE = 'pkcs12 测试口令 passphrase';
const USCC = makeUscc({ organisationBody: 'MA2YTB8K' });
const OTHER_USCC = makeUscc({ region: '310104', organisationBody: 'MA1FL3QX' });
const NAME = '福州通办示范科技有限公司';

async function rejection(promise: Promise<unknown>): Promise<WalletError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WalletError);
    return err as WalletError;
  }
  throw new Error('expected a WalletError');
}

function openssl(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function pem(label: string, text: string): string[] {
  return [...text.matchAll(new RegExp(`-----BEGIN ${label}-----[^-]+-----END ${label}-----`, 'g'))].map((m) => m[0]);
}

function spki(key: KeyObject): Buffer {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
}

function challenge(): LoginChallenge {
  return {
    challenge_id: 'c-0123456789abcdef',
    nonce: 'n-Zm9vYmFy',
    aud: 'https://id.gov.example',
    exp: Math.floor(Date.now() / 1000) + 300,
  };
}

/** The imported wallet answers a sign-in challenge that verifies with its x5c leaf, issued by the CA. */
async function expectCanSignIn(wallet: Wallet, ca: ThrowawayCa, uscc: string): Promise<void> {
  const jws = await wallet.signLoginChallenge(challenge(), uscc);
  const header = decodeProtectedHeader(jws);
  expect(header.x5c).toHaveLength(2);
  const leaf = new x509.X509Certificate(Buffer.from(header.x5c![0], 'base64'));
  expect(Buffer.from(leaf.publicKey.rawData).equals(wallet.spki)).toBe(true);
  expect(new x509.X509Certificate(Buffer.from(header.x5c![1], 'base64')).subject).toBe(ca.issuing.subject);
  const { payload } = await compactVerify(jws, await importX509(leaf.toString('pem'), 'ES256'));
  expect(JSON.parse(Buffer.from(payload).toString())).toMatchObject({ uscc, nonce: 'n-Zm9vYmFy' });
}

describe('pkcs12Kdf (RFC 7292 B.2)', () => {
  it("gives what forge's pkcs12.generateKey gives, for the MAC, key and IV purposes and longer outputs", () => {
    const salt = Buffer.from('0a58cf64530d823f', 'hex');
    for (const [hash, password, id, n] of [
      ['sha256', PASSPHRASE, 3, 32],
      ['sha1', 'smeg', 1, 24],
      ['sha1', 'queeg', 2, 8],
      ['sha256', '', 3, 70],
      ['sha512', '口令 😀', 3, 64],
    ] as const) {
      const md = forge.md[hash].create();
      const expected = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt.toString('binary')), id, 1000, n, md).getBytes();
      expect([hash, id, pkcs12Kdf(hash, password, salt, id, 1000, n).toString('hex')]).toEqual([
        hash,
        id,
        Buffer.from(expected, 'binary').toString('hex'),
      ]);
    }
  });
});

describe('wallet: PKCS#12 export and import', () => {
  let root: string;
  let dir: string;
  let passphraseFile: string;
  let env: Record<string, string>;
  let wallet: Wallet;
  let ca: ThrowawayCa;
  /** A key and its licence certificate made outside any wallet, as PEM files for openssl. */
  let outside: { key: KeyObject; keyFile: string; certFile: string; chainFile: string };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tongban-wallet-p12-'));
    dir = join(root, 'wallet');
    passphraseFile = join(root, 'passphrase');
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    env = { HOME: root, TONGBAN_WALLET_PASSPHRASE: '' };
    ca = await throwawayCa();
    wallet = await initWallet(dir, PASSPHRASE);
    await wallet.storeLicence(USCC, await ca.issuedFor(wallet, USCC, { name: NAME }));

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const certificate = await ca.issue(spki(privateKey), { uscc: OTHER_USCC, name: '上海另一家公司' });
    outside = {
      key: privateKey,
      keyFile: join(root, 'outside-key.pem'),
      certFile: join(root, 'outside-cert.pem'),
      chainFile: join(root, 'outside-chain.pem'),
    };
    writeFileSync(outside.keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    writeFileSync(outside.certFile, certificate.toString('pem'));
    // Root first: the import puts the chain in order by its signatures.
    writeFileSync(outside.chainFile, `${ca.root.toString('pem')}\n${ca.issuing.toString('pem')}\n`);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe('export', () => {
    const file = () => join(root, 'licence.p12');

    it('writes a 0600 PKCS#12 that openssl 3 reads without -legacy: the wallet key, the licence, the issuing CA and the root', async () => {
      const result = await tongban(['wallet', 'export', '--p12', file(), '--wallet', dir, '--passphrase-file', passphraseFile], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`wrote ${file()}: the licence key of ${USCC} ${NAME}, its certificate and 2 CA certificates`);
      expect(result.stdout + result.stderr).not.toMatch(/PRIVATE KEY|BEGIN/);
      expect(statSync(file()).mode & 0o777).toBe(0o600);

      const read = openssl(['pkcs12', '-in', file(), '-nodes', '-passin', `file:${passphraseFile}`]);
      expect(read.stderr).not.toMatch(/error/i);
      expect(read.status).toBe(0);
      const [keyPem, ...rest] = pem('PRIVATE KEY', read.stdout);
      expect(rest).toEqual([]);
      expect(spki(createPublicKey(keyPem)).equals(wallet.spki)).toBe(true);
      const certificates = pem('CERTIFICATE', read.stdout).map((text) => new x509.X509Certificate(text));
      expect(certificates.map((c) => c.subject)).toEqual([`2.5.4.97=${USCC}, CN=${NAME}`, ca.issuing.subject, ca.root.subject]);
      expect(Buffer.from(certificates[0].publicKey.rawData).equals(wallet.spki)).toBe(true);

      // The key and the licence certificate carry the same localKeyId and a friendlyName.
      const bags = read.stdout.split(/(?=Bag Attributes)/).filter((b) => b.startsWith('Bag Attributes'));
      const keyBag = bags.find((b) => b.includes('PRIVATE KEY'))!;
      const leafBag = bags.find((b) => b.includes('BEGIN CERTIFICATE') && b.includes(`subject=organizationIdentifier = ${USCC}`))!;
      const localKeyId = (bag: string) => /localKeyID: ([0-9A-F ]+)/.exec(bag)?.[1]?.trim();
      expect(localKeyId(keyBag)).toMatch(/^([0-9A-F]{2} ){31}[0-9A-F]{2}$/);
      expect(localKeyId(leafBag)).toBe(localKeyId(keyBag));
      expect(keyBag).toMatch(new RegExp(`friendlyName: ${USCC} `));
      expect(leafBag).toMatch(new RegExp(`friendlyName: ${USCC} `));
      // Our own reader sees the name as written (OpenSSL 3.0 prints a BMPString's CJK as '?').
      const decoded = await decodePkcs12(readFileSync(file()), PASSPHRASE);
      expect(decoded.keys[0].friendlyName).toBe(`${USCC} ${NAME}`);
      expect(decoded.certificates[0].friendlyName).toBe(`${USCC} ${NAME}`);
    });

    it('is protected by PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC) and a SHA-256 MAC; another passphrase fails in openssl', () => {
      const info = openssl(['pkcs12', '-info', '-in', file(), '-noout', '-passin', `file:${passphraseFile}`]);
      expect(info.status).toBe(0);
      const text = info.stdout + info.stderr;
      expect(text).toContain(`MAC: sha256, Iteration ${PKCS12_ITERATIONS}`);
      expect(text).toContain(`Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration ${PKCS12_ITERATIONS}, PRF hmacWithSHA256`);
      expect(text).toContain(`PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration ${PKCS12_ITERATIONS}, PRF hmacWithSHA256`);
      expect(text).not.toMatch(/3DES|RC2|sha1/i);

      const wrong = join(root, 'wrong-passphrase');
      writeFileSync(wrong, 'not the passphrase\n', { mode: 0o600 });
      const refused = openssl(['pkcs12', '-in', file(), '-nodes', '-passin', `file:${wrong}`]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/mac verify (error|failure)|invalid password/i);
      expect(refused.stdout).not.toContain('PRIVATE KEY');
    });

    it('refuses to overwrite a file unless --force', async () => {
      const before = readFileSync(file());
      const again = await tongban(
        ['--json', 'wallet', 'export', '--p12', file(), '--wallet', dir, '--passphrase-file', passphraseFile],
        env,
      );
      expect(again.code).toBe(1);
      expect(JSON.parse(again.stdout)).toMatchObject({ error: 'FILE_EXISTS' });
      expect(readFileSync(file()).equals(before)).toBe(true);

      const forced = await tongban(
        ['--json', 'wallet', 'export', '--p12', file(), '--force', '--wallet', dir, '--passphrase-file', passphraseFile],
        env,
      );
      expect(forced.code).toBe(0);
      expect(JSON.parse(forced.stdout)).toEqual({
        file: file(),
        format: 'pkcs12',
        uscc: USCC,
        thumbprint: wallet.thumbprint,
        certificates: 3,
      });
      expect(readFileSync(file()).equals(before)).toBe(false);
      expect(statSync(file()).mode & 0o777).toBe(0o600);
    });

    it('needs the wallet passphrase, a licence, and --uscc when there are several', async () => {
      expect((await rejection(wallet.exportPkcs12({ passphrase: 'another passphrase' }))).code).toBe('WRONG_PASSPHRASE');
      const empty = await initWallet(join(root, 'empty'), PASSPHRASE);
      expect((await rejection(empty.exportPkcs12({ passphrase: PASSPHRASE }))).code).toBe('NO_LICENCE');
      const several = await initWallet(join(root, 'several'), PASSPHRASE);
      await several.storeLicence(USCC, await ca.issuedFor(several, USCC));
      await several.storeLicence(OTHER_USCC, await ca.issuedFor(several, OTHER_USCC));
      expect((await rejection(several.exportPkcs12({ passphrase: PASSPHRASE }))).code).toBe('LICENCE_CHOICE_NEEDED');
      const chosen = await decodePkcs12(
        await several.exportPkcs12({ passphrase: PASSPHRASE, uscc: OTHER_USCC, iterations: 2048 }),
        PASSPHRASE,
      );
      expect(new x509.X509Certificate(new Uint8Array(chosen.certificates[0].der)).subjectName.getField('2.5.4.97')).toEqual([OTHER_USCC]);
    });
  });

  describe('import', () => {
    it('round trip: the exported file makes a wallet with the same key and licence, which can sign in', async () => {
      const p12 = await wallet.exportPkcs12({ passphrase: PASSPHRASE });
      const target = join(root, 'round-trip');
      const { wallet: imported, licence, certificatesLeftOut } = await importPkcs12(target, p12, { passphrase: PASSPHRASE });
      expect(imported.thumbprint).toBe(wallet.thumbprint);
      expect(certificatesLeftOut).toBe(0);
      const original = wallet.licence(USCC)!;
      expect(licence).toMatchObject({
        uscc: USCC,
        enterpriseName: NAME,
        certificate: original.certificate,
        chain: original.chain,
        licence: null,
      });
      expect(statSync(join(target, 'key.json')).mode & 0o777).toBe(0o600);
      expect(statSync(join(target, 'licences', `${USCC}.json`)).mode & 0o777).toBe(0o600);
      const reopened = await openWallet(target, PASSPHRASE);
      await expectCanSignIn(reopened, ca, USCC);
    });

    it('reads what `openssl pkcs12 -export` writes (its defaults, and the options spelled out), and the imported wallet can sign in', async () => {
      const variants: Array<[string, string[]]> = [
        ['default', []],
        ['modern options', ['-keypbe', 'AES-256-CBC', '-certpbe', 'AES-256-CBC', '-macalg', 'sha256', '-iter', '10000']],
        ['certificates in clear', ['-certpbe', 'NONE']],
        ['older 3DES and SHA-1 MAC', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']],
      ];
      for (const [name, options] of variants) {
        const file = join(root, `openssl-${variants.findIndex((v) => v[0] === name)}.p12`);
        const made = openssl([
          'pkcs12',
          '-export',
          '-inkey',
          outside.keyFile,
          '-in',
          outside.certFile,
          '-certfile',
          outside.chainFile,
          '-name',
          'from openssl',
          '-passout',
          `file:${passphraseFile}`,
          '-out',
          file,
          ...options,
        ]);
        expect([name, made.status, made.stderr]).toEqual([name, 0, '']);
        const target = join(root, `from-openssl-${name.replace(/\W+/g, '-')}`);
        const { wallet: imported, licence } = await importPkcs12(target, readFileSync(file), { passphrase: PASSPHRASE });
        expect([name, imported.spki.equals(spki(outside.key))]).toEqual([name, true]);
        expect(licence.uscc).toBe(OTHER_USCC);
        expect(licence.enterpriseName).toBe('上海另一家公司');
        expect(licence.chain).toEqual([ca.issuing.toString('pem'), ca.root.toString('pem')]);
        await expectCanSignIn(await openWallet(target, PASSPHRASE), ca, OTHER_USCC);
      }
    });

    it('the CLI imports into a new wallet; an existing one only with --force, which keeps the old key in retired/', async () => {
      const file = join(root, 'openssl-0.p12');
      const target = join(root, 'cli-import');
      const result = await tongban(['wallet', 'import', '--p12', file, '--wallet', target, '--passphrase-file', passphraseFile], env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`imported into ${target}`);
      expect(result.stdout).toContain(`${OTHER_USCC}  上海另一家公司`);
      expect(result.stdout).not.toMatch(/PRIVATE|BEGIN/);
      const imported = await openWallet(target, PASSPHRASE);
      expect(imported.spki.equals(spki(outside.key))).toBe(true);
      expect(result.stdout).toContain(imported.thumbprint);

      const exported = join(root, 'licence.p12');
      const refused = await tongban(
        ['--json', 'wallet', 'import', '--p12', exported, '--wallet', target, '--passphrase-file', passphraseFile],
        env,
      );
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout)).toMatchObject({ error: 'WALLET_EXISTS' });

      const forced = await tongban(
        ['--json', 'wallet', 'import', '--p12', exported, '--force', '--wallet', target, '--passphrase-file', passphraseFile],
        env,
      );
      expect(forced.code).toBe(0);
      expect(JSON.parse(forced.stdout)).toMatchObject({
        wallet: target,
        alg: 'ES256',
        thumbprint: wallet.thumbprint,
        licence: { uscc: USCC, enterpriseName: NAME, state: 'valid' },
      });
      const [retired] = readdirSync(join(target, 'retired'));
      expect(JSON.parse(readFileSync(join(target, 'retired', retired, 'key.json'), 'utf8')).thumbprint).toBe(imported.thumbprint);
      expect(existsSync(join(target, 'retired', retired, 'licences', `${OTHER_USCC}.json`))).toBe(true);
      expect((await openWallet(target, PASSPHRASE)).licences().map((l) => l.uscc)).toEqual([USCC]);
    });

    it('a wrong password, a damaged file and a file that is not PKCS#12 each give their code, and nothing is written', async () => {
      const p12 = readFileSync(join(root, 'licence.p12'));
      const target = join(root, 'refused');
      expect((await rejection(importPkcs12(target, p12, { passphrase: 'not the passphrase' }))).code).toBe('P12_WRONG_PASSWORD');
      expect((await rejection(importPkcs12(target, p12.subarray(0, p12.length - 40), { passphrase: PASSPHRASE }))).code).toBe(
        'P12_UNREADABLE',
      );
      expect(
        (await rejection(importPkcs12(target, Buffer.from('-----BEGIN CERTIFICATE-----\nnope\n'), { passphrase: PASSPHRASE }))).code,
      ).toBe('P12_UNREADABLE');
      const altered = Buffer.from(p12);
      altered[Math.floor(altered.length / 2)] ^= 0x01;
      expect((await rejection(importPkcs12(target, altered, { passphrase: PASSPHRASE }))).code).toMatch(
        /^P12_(WRONG_PASSWORD|UNREADABLE)$/,
      );
      expect((await rejection(importPkcs12(target, p12, { passphrase: 'short' }))).code).toBe('WEAK_PASSPHRASE');
      expect(existsSync(target)).toBe(false);

      const wrongFile = join(root, 'wrong-passphrase');
      const wrong = await tongban(
        ['--json', 'wallet', 'import', '--p12', join(root, 'licence.p12'), '--wallet', target, '--passphrase-file', wrongFile],
        env,
      );
      expect(wrong.code).toBe(1);
      expect(JSON.parse(wrong.stdout)).toMatchObject({ error: 'P12_WRONG_PASSWORD' });
      const damagedFile = join(root, 'damaged.p12');
      writeFileSync(damagedFile, p12.subarray(0, 200));
      const damaged = await tongban(
        ['--json', 'wallet', 'import', '--p12', damagedFile, '--wallet', target, '--passphrase-file', passphraseFile],
        env,
      );
      expect(damaged.code).toBe(1);
      expect(JSON.parse(damaged.stdout)).toMatchObject({ error: 'P12_UNREADABLE' });
      const missing = await tongban(
        ['--json', 'wallet', 'import', '--p12', join(root, 'nowhere.p12'), '--wallet', target, '--passphrase-file', passphraseFile],
        env,
      );
      expect(JSON.parse(missing.stdout)).toMatchObject({ error: 'NO_FILE' });
      expect(existsSync(target)).toBe(false);
    });

    it('refuses a certificate for another key, a file without a key, a key of another kind, and a certificate that is no licence', async () => {
      const target = join(root, 'refused');
      const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const leaf = Buffer.from(new x509.X509Certificate(readFileSync(outside.certFile, 'utf8')).rawData);
      const mismatched = await encodePkcs12(
        {
          privateKeyInfo: stranger.export({ format: 'der', type: 'pkcs8' }),
          certificate: leaf,
          chain: [],
          friendlyName: 'x',
          localKeyId: Buffer.from('01', 'hex'),
        },
        PASSPHRASE,
        { iterations: 2048 },
      );
      expect((await rejection(importPkcs12(target, mismatched, { passphrase: PASSPHRASE }))).code).toBe('P12_KEY_MISMATCH');

      const certsOnly = join(root, 'certs-only.p12');
      expect(
        openssl(['pkcs12', '-export', '-nokeys', '-in', outside.certFile, '-passout', `file:${passphraseFile}`, '-out', certsOnly]).status,
      ).toBe(0);
      expect((await rejection(importPkcs12(target, readFileSync(certsOnly), { passphrase: PASSPHRASE }))).code).toBe('P12_NO_KEY');

      const other = (name: string, newkey: string[], subject: string) => {
        const keyFile = join(root, `${name}-key.pem`);
        const certFile = join(root, `${name}-cert.pem`);
        const file = join(root, `${name}.p12`);
        expect(
          openssl(['req', '-x509', '-newkey', ...newkey, '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', subject, '-days', '1'])
            .status,
        ).toBe(0);
        expect(
          openssl(['pkcs12', '-export', '-inkey', keyFile, '-in', certFile, '-passout', `file:${passphraseFile}`, '-out', file]).status,
        ).toBe(0);
        return readFileSync(file);
      };
      const p384 = await rejection(
        importPkcs12(target, other('p384', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], `/CN=x/organizationIdentifier=${USCC}`), {
          passphrase: PASSPHRASE,
        }),
      );
      expect(p384.code).toBe('UNSUPPORTED_KEY_TYPE');
      expect(p384.message).toBe('the key is an EC key on the curve secp384r1; a wallet holds ECDSA P-256 or SM2 keys');
      const rsa = await rejection(
        importPkcs12(target, other('rsa', ['rsa:2048'], `/CN=x/organizationIdentifier=${USCC}`), { passphrase: PASSPHRASE }),
      );
      expect([rsa.code, rsa.message]).toEqual([
        'UNSUPPORTED_KEY_TYPE',
        'the key is an RSA key (2048 bits); a wallet holds ECDSA P-256 or SM2 keys',
      ]);
      const plain = await rejection(
        importPkcs12(target, other('plain', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=not a licence'), {
          passphrase: PASSPHRASE,
        }),
      );
      expect(plain.code).toBe('P12_NO_LICENCE');
      expect(existsSync(target)).toBe(false);
    });
  });
});
