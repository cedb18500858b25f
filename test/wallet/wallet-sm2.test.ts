import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEcSignature } from '../../src/crypto/ec-signature.js';
import { makeUscc } from '../../src/identifiers/generate.js';
import { WalletError, importPkcs12, initWallet, openWallet, type LoginChallenge, type Wallet } from '../../src/wallet/index.js';
import { tongban } from '../support/processes.js';
import { sm2ThrowawayCa, x509, type Sm2ThrowawayCa } from './support.js';

const PASSPHRASE = 'SM2 钱包 passphrase';
const USCC = makeUscc({ organisationBody: 'MA2YTB8K' });
const GM_ID = 'distid:1234567812345678';

function openssl(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function challenge(): LoginChallenge {
  return {
    challenge_id: 'c-0123456789abcdef',
    nonce: 'n-Zm9vYmFy',
    aud: 'https://id.gov.example',
    exp: Math.floor(Date.now() / 1000) + 300,
  };
}

/**
 * The SM2 wallet (`tongban wallet init --alg sm2`): its key file, its CSR, its sign-in answer and
 * its PKCS#12 files, each checked by openssl with the GM/T 0009 default user ID. The certificates
 * come from an SM2 CA made by openssl (the end-to-end test with tongban's own CA is in
 * test/oidc/enterprise-login.test.ts).
 */
describe('wallet with an SM2 key', () => {
  let root: string;
  let ca: Sm2ThrowawayCa;
  let wallet: Wallet;
  const file = (name: string, content: string | Buffer) => {
    const path = join(root, name);
    writeFileSync(path, content);
    return path;
  };

  /** The answer's SM2 signature (r‖s over the JWS signing input) checked by openssl pkeyutl with the licence certificate. */
  function opensslAcceptsJws(jws: string, certificatePem: string): boolean {
    const [header, payload, signature] = jws.split('.');
    const raw = Buffer.from(signature, 'base64url');
    expect(raw).toHaveLength(64);
    const der = encodeEcSignature(BigInt(`0x${raw.subarray(0, 32).toString('hex')}`), BigInt(`0x${raw.subarray(32).toString('hex')}`));
    const run = openssl([
      'pkeyutl',
      '-verify',
      '-certin',
      '-inkey',
      file('jws-cert.pem', certificatePem),
      '-rawin',
      '-digest',
      'sm3',
      '-pkeyopt',
      GM_ID,
      '-in',
      file('jws-input.txt', `${header}.${payload}`),
      '-sigfile',
      file('jws-sig.der', der),
    ]);
    return run.status === 0 && run.stdout.includes('Signature Verified Successfully');
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tongban-wallet-sm2-'));
    ca = sm2ThrowawayCa(root);
    wallet = await initWallet(join(root, 'wallet'), PASSPHRASE, { alg: 'SM2SM3' });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('init keeps the SM2 key encrypted in key.json (0600), with its public JWK (crv SM2) and thumbprint in clear', async () => {
    const path = join(root, 'wallet', 'key.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const keyFile = JSON.parse(readFileSync(path, 'utf8'));
    expect(keyFile).toMatchObject({
      alg: 'SM2SM3',
      publicJwk: { kty: 'EC', crv: 'SM2' },
      kdf: { name: 'scrypt' },
      cipher: { name: 'aes-256-gcm' },
    });
    expect(Buffer.from(keyFile.publicJwk.x, 'base64url')).toHaveLength(32);
    expect(readFileSync(path, 'utf8')).not.toMatch(/PRIVATE|"d"/);
    const reopened = await openWallet(join(root, 'wallet'), PASSPHRASE);
    expect([reopened.alg, reopened.thumbprint]).toEqual(['SM2SM3', wallet.thumbprint]);
    // The public key is the SM2 point of the JWK.
    expect(openssl(['pkey', '-pubin', '-inform', 'DER', '-in', file('spki.der', wallet.spki), '-noout', '-text']).stdout).toContain(
      'ASN1 OID: SM2',
    );
    expect(wallet.spki.subarray(-64).toString('base64url')).toBe(
      Buffer.concat([Buffer.from(keyFile.publicJwk.x, 'base64url'), Buffer.from(keyFile.publicJwk.y, 'base64url')]).toString('base64url'),
    );
    await expect(openWallet(join(root, 'wallet'), 'another passphrase')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('the CSR is SM2 with SM3 and the default user ID: openssl req -verify -vfyopt distid:… accepts it, and not once tampered', async () => {
    const csr = await wallet.createCsr({ uscc: USCC, name: '国密测试企业' });
    const path = file('wallet.csr', csr);
    const verified = openssl(['req', '-in', path, '-verify', '-vfyopt', GM_ID, '-noout', '-text']);
    expect(verified.stdout + verified.stderr).toMatch(/verify OK/);
    expect(verified.stdout).toMatch(/Signature Algorithm: SM2-with-SM3/);
    expect(verified.stdout).toContain('ASN1 OID: SM2');
    expect(verified.stdout).toContain(USCC);
    const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5] ^= 1;
    const tampered = openssl(['req', '-inform', 'DER', '-in', file('tampered.csr', der), '-verify', '-vfyopt', GM_ID, '-noout']);
    expect(tampered.stdout + tampered.stderr).not.toMatch(/verify OK/);
  });

  it('keeps a licence from an SM2 CA (the chain checked with sm2Verify) and refuses one the chain did not issue', async () => {
    const issued = await ca.issuedFor(wallet, USCC);
    const stored = await wallet.storeLicence(USCC, issued);
    expect(stored.chain).toEqual([ca.issuing.trim(), ca.root.trim()]);
    const other = sm2ThrowawayCa(mkdtempSync(join(root, 'other-ca-')));
    await expect(wallet.storeLicence(USCC, { ...issued, chain: [other.issuing, other.root] })).rejects.toMatchObject({
      code: 'CHAIN_MISMATCH',
    });
  });

  it('answers a sign-in challenge with an SM2SM3 JWS (r‖s over the signing input) that openssl verifies with the licence certificate', async () => {
    const jws = await wallet.signLoginChallenge(challenge(), USCC);
    const [encodedHeader, encodedPayload] = jws.split('.');
    const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
    expect(header.alg).toBe('SM2SM3');
    expect(header.x5c).toHaveLength(2);
    const leafPem = new x509.X509Certificate(Buffer.from(header.x5c[0], 'base64')).toString('pem');
    expect(leafPem).toBe(wallet.licence(USCC)!.certificate);
    expect(new x509.X509Certificate(Buffer.from(header.x5c[1], 'base64')).toString('pem')).toBe(ca.issuing.trim());
    expect(JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'))).toEqual({
      nonce: 'n-Zm9vYmFy',
      aud: 'https://id.gov.example',
      uscc: USCC,
      iat: expect.any(Number),
    });
    expect(opensslAcceptsJws(jws, leafPem)).toBe(true);
    const [h, , s] = jws.split('.');
    const changed = `${h}.${Buffer.from(JSON.stringify({ nonce: 'other' })).toString('base64url')}.${s}`;
    expect(opensslAcceptsJws(changed, leafPem)).toBe(false);
  });

  it('exports the SM2 key and licence as PKCS#12 that `openssl pkcs12` reads, and imports it back into a wallet that signs in', async () => {
    const p12 = await wallet.exportPkcs12({ passphrase: PASSPHRASE });
    const path = file('sm2.p12', p12);
    const passphraseFile = file('passphrase', `${PASSPHRASE}\n`);
    const read = openssl(['pkcs12', '-in', path, '-passin', `file:${passphraseFile}`, '-nodes']);
    expect(read.status).toBe(0);
    const key = read.stdout.match(/-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----/)![0];
    expect(openssl(['pkey', '-in', file('p12-key.pem', key), '-noout', '-text']).stdout).toContain('ASN1 OID: SM2');
    // The key in the file is the licence certificate's.
    expect(openssl(['pkey', '-in', file('p12-key.pem', key), '-pubout']).stdout).toBe(
      openssl(['x509', '-in', file('p12-cert.pem', wallet.licence(USCC)!.certificate), '-noout', '-pubkey']).stdout,
    );
    const certificates = read.stdout.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
    expect(certificates).toHaveLength(3);
    expect(read.stdout).toMatch(/friendlyName: /);

    const { wallet: imported, licence } = await importPkcs12(join(root, 'imported'), p12, { passphrase: PASSPHRASE });
    expect([imported.alg, imported.thumbprint]).toEqual(['SM2SM3', wallet.thumbprint]);
    expect(licence).toMatchObject({
      uscc: USCC,
      certificate: wallet.licence(USCC)!.certificate,
      chain: [ca.issuing.trim(), ca.root.trim()],
    });
    const jws = await (await openWallet(join(root, 'imported'), PASSPHRASE)).signLoginChallenge(challenge(), USCC);
    expect(opensslAcceptsJws(jws, licence.certificate)).toBe(true);
  });

  it('imports an SM2 key and certificate that `openssl pkcs12 -export` packed', async () => {
    const keyPath = join(root, 'outside.key');
    openssl(['genpkey', '-algorithm', 'SM2', '-out', keyPath]);
    const csr = openssl([
      'req',
      '-new',
      '-key',
      keyPath,
      '-sm3',
      '-sigopt',
      GM_ID,
      '-subj',
      `/organizationIdentifier=${USCC}/CN=外来企业`,
    ]).stdout;
    const certificate = ca.issue(csr);
    const p12 = join(root, 'outside.p12');
    const passphraseFile = file('passphrase', `${PASSPHRASE}\n`);
    const made = openssl([
      'pkcs12',
      '-export',
      '-inkey',
      keyPath,
      '-in',
      file('outside-cert.pem', certificate),
      '-certfile',
      file('outside-chain.pem', `${ca.root}${ca.issuing}`),
      '-passout',
      `file:${passphraseFile}`,
      '-out',
      p12,
    ]);
    expect([made.status, made.stderr]).toEqual([0, '']);
    const { wallet: imported, licence } = await importPkcs12(join(root, 'from-openssl'), readFileSync(p12), { passphrase: PASSPHRASE });
    expect(imported.alg).toBe('SM2SM3');
    expect(licence.chain).toEqual([ca.issuing.trim(), ca.root.trim()]); // put in order by their SM2 signatures
    expect(opensslAcceptsJws(await imported.signLoginChallenge(challenge(), USCC), certificate)).toBe(true);
  });

  it('the CLI: wallet init --alg sm2 makes an SM2 wallet, show names its key; another --alg is a usage error', async () => {
    const dir = join(root, 'cli');
    const passphraseFile = file('cli-passphrase', `${PASSPHRASE}\n`);
    const env = { HOME: root, TONGBAN_WALLET_PASSPHRASE: '' };
    const init = await tongban(['--json', 'wallet', 'init', '--alg', 'sm2', '--wallet', dir, '--passphrase-file', passphraseFile], env);
    expect([init.code, init.stderr]).toEqual([0, '']);
    expect(JSON.parse(init.stdout)).toMatchObject({ wallet: dir, alg: 'SM2SM3' });
    expect((await openWallet(dir, PASSPHRASE)).alg).toBe('SM2SM3');
    const show = await tongban(['wallet', 'show', '--wallet', dir], env);
    expect(show.stdout).toMatch(/key\s+SM2SM3 \(SM2\), thumbprint /);
    const p256 = await tongban(['wallet', 'init', '--wallet', join(root, 'cli-p256'), '--passphrase-file', passphraseFile], env);
    expect(p256.stdout).toContain('key  ES256 (ECDSA P-256)');
    const wrong = await tongban(
      ['wallet', 'init', '--alg', 'rsa', '--wallet', join(root, 'cli-rsa'), '--passphrase-file', passphraseFile],
      env,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--alg must be p256 or sm2/);
  });

  it('a damaged SM2 key file is CORRUPT_WALLET, not a crash', async () => {
    const dir = join(root, 'damaged');
    await initWallet(dir, PASSPHRASE, { alg: 'SM2SM3' });
    const keyFile = JSON.parse(readFileSync(join(dir, 'key.json'), 'utf8'));
    writeFileSync(join(dir, 'key.json'), JSON.stringify({ ...keyFile, publicJwk: { ...keyFile.publicJwk, crv: 'P-256' } }));
    const error = await openWallet(dir, PASSPHRASE).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WalletError);
    expect((error as WalletError).code).toBe('CORRUPT_WALLET');
  });
});
