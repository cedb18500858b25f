import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader, importX509 } from 'jose';
import { makeUscc } from '../../src/identifiers/generate.js';
import {
  WalletError,
  enrol,
  formatLoginChallenge,
  httpIssuer,
  initWallet,
  openWallet,
  parseLoginChallenge,
  readWalletInfo,
  type LoginChallenge,
  type Wallet,
} from '../../src/wallet/index.js';
import { throwawayCa, x509, type ThrowawayCa } from './support.js';

const PASSPHRASE = 'correct horse battery staple 钥匙';
const USCC = makeUscc({ organisationBody: 'MA2YTB8K' });
const OTHER_USCC = makeUscc({ region: '310104', organisationBody: 'MA1FL3QX' });

async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<WalletError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    expect(err).toBeInstanceOf(WalletError);
    return err as WalletError;
  }
  throw new Error('expected a WalletError');
}

function opensslVerify(file: string): { status: number | null; stderr: string } {
  const result = spawnSync('openssl', ['req', '-verify', '-in', file, '-noout'], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

function challenge(overrides: Partial<LoginChallenge> = {}): LoginChallenge {
  return {
    challenge_id: 'c-0123456789abcdef',
    nonce: 'n-Zm9vYmFy',
    aud: 'https://id.gov.example',
    exp: Math.floor(Date.now() / 1000) + 300,
    ...overrides,
  };
}

describe('wallet: key file', () => {
  let dir: string;
  beforeEach(() => (dir = join(mkdtempSync(join(tmpdir(), 'tongban-wallet-')), 'wallet')));
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('init writes key.json 0600 in a 0700 directory; the key is encrypted and opens only with the passphrase', async () => {
    const wallet = await initWallet(dir, PASSPHRASE);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'licences')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'key.json')).mode & 0o777).toBe(0o600);

    const file = JSON.parse(readFileSync(join(dir, 'key.json'), 'utf8'));
    expect(file).toMatchObject({
      format: 'tongban-wallet-key',
      alg: 'ES256',
      publicJwk: { kty: 'EC', crv: 'P-256' },
      thumbprint: wallet.thumbprint,
      kdf: { name: 'scrypt', N: 32768, r: 8, p: 1 },
      cipher: { name: 'aes-256-gcm' },
    });
    expect(file.publicJwk.d).toBeUndefined();
    const text = readFileSync(join(dir, 'key.json'), 'utf8');
    expect(text).not.toMatch(/PRIVATE KEY|"d"/);
    // The ciphertext is not the PKCS#8 DER of the key in any encoding.
    const pkcs8 = (wallet as unknown as { privateKey: { export(o: object): Buffer } }).privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(text).not.toContain(pkcs8.toString('base64url'));
    expect(text).not.toContain(pkcs8.toString('base64'));

    const opened = await openWallet(dir, PASSPHRASE);
    expect(opened.thumbprint).toBe(wallet.thumbprint);
    expect(opened.spki.equals(wallet.spki)).toBe(true);
    const wrong = await rejection(openWallet(dir, 'correct horse battery stapler'));
    expect(wrong.code).toBe('WRONG_PASSPHRASE');
    expect(wrong.message).toBe('the passphrase does not open this wallet');
  });

  it('refuses to overwrite a key unless forced; forcing keeps the old key aside', async () => {
    const first = await initWallet(dir, PASSPHRASE);
    expect((await rejection(initWallet(dir, PASSPHRASE))).code).toBe('WALLET_EXISTS');
    expect((await openWallet(dir, PASSPHRASE)).thumbprint).toBe(first.thumbprint);
    const second = await initWallet(dir, 'another passphrase', { force: true });
    expect(second.thumbprint).not.toBe(first.thumbprint);
    expect((await rejection(openWallet(dir, PASSPHRASE))).code).toBe('WRONG_PASSPHRASE');
    const retired = readFileSync(join(dir, 'retired', (await import('node:fs')).readdirSync(join(dir, 'retired'))[0], 'key.json'), 'utf8');
    expect(JSON.parse(retired).thumbprint).toBe(first.thumbprint);
  });

  it('refuses a short passphrase, a missing wallet and a damaged key file', async () => {
    expect((await rejection(initWallet(dir, 'short'))).code).toBe('WEAK_PASSPHRASE');
    expect((await rejection(openWallet(dir, PASSPHRASE))).code).toBe('NO_WALLET');
    await initWallet(dir, PASSPHRASE);
    const file = JSON.parse(readFileSync(join(dir, 'key.json'), 'utf8'));
    // Swapping the public key in clear is caught: it is bound to the ciphertext.
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    writeFileSync(join(dir, 'key.json'), JSON.stringify({ ...file, publicJwk: { ...file.publicJwk, x: other.x, y: other.y } }));
    expect((await rejection(openWallet(dir, PASSPHRASE))).code).toBe('CORRUPT_WALLET');
    writeFileSync(join(dir, 'key.json'), JSON.stringify({ ...file, kdf: { ...file.kdf, N: 2 ** 30 } }));
    expect((await rejection(openWallet(dir, PASSPHRASE))).code).toBe('CORRUPT_WALLET');
    writeFileSync(join(dir, 'key.json'), 'not json');
    expect((await rejection(openWallet(dir, PASSPHRASE))).code).toBe('CORRUPT_WALLET');
  });
});

describe('wallet: CSR, licences, login', () => {
  let root: string;
  let wallet: Wallet;
  let ca: ThrowawayCa;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tongban-wallet-'));
    wallet = await initWallet(join(root, 'wallet'), PASSPHRASE);
    ca = await throwawayCa();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the CSR verifies, holds the wallet key and the USCC; openssl accepts it', async () => {
    const pem = await wallet.createCsr({ uscc: USCC.toLowerCase(), name: '福州通办示范科技有限公司' });
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    const csr = new x509.Pkcs10CertificateRequest(pem);
    expect(await csr.verify()).toBe(true);
    expect(Buffer.from(csr.publicKey.rawData).equals(wallet.spki)).toBe(true);
    expect(csr.subjectName.getField('2.5.4.97')).toEqual([USCC]);
    expect(csr.subjectName.getField('CN')).toEqual(['福州通办示范科技有限公司']);
    expect(csr.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });

    const file = join(root, 'csr.pem');
    writeFileSync(file, pem);
    // OpenSSL 3.0 exits 0 either way and tells on stderr: "… verify OK" or "… verify failure".
    const result = opensslVerify(file);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/verify OK/);
    const minimal = new x509.Pkcs10CertificateRequest(await wallet.createCsr({ uscc: USCC }));
    expect(minimal.subject).toBe(`2.5.4.97=${USCC}`);
    expect((await rejection(wallet.createCsr({ uscc: '91350100MA2YTB8K3Y' }))).code).toBe('INVALID_USCC');
  });

  it('a tampered CSR fails openssl verification (the check above means something)', async () => {
    const pem = await wallet.createCsr({ uscc: USCC });
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const at = der.indexOf(Buffer.from(USCC));
    der[at] = '8'.charCodeAt(0);
    const file = join(root, 'tampered.pem');
    writeFileSync(file, `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`);
    const result = opensslVerify(file);
    expect(result.stderr).not.toMatch(/verify OK/);
    expect(`${result.status} ${result.stderr}`).toMatch(/failure|^[1-9]/);
  });

  it("storeLicence keeps the issuer's answer (0600) and refuses a certificate for another key, enterprise or chain", async () => {
    const issued = await ca.issuedFor(wallet, USCC, { name: '福州通办示范科技有限公司' });
    const stored = await wallet.storeLicence(USCC, issued);
    expect(stored).toMatchObject({
      uscc: USCC,
      enterpriseName: '福州通办示范科技有限公司',
      serial: issued.serial,
      licence: issued.licence,
      chain: issued.chain,
    });
    const path = join(wallet.dir, 'licences', `${USCC}.json`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(stored);
    expect(wallet.licence(USCC.toLowerCase())).toEqual(stored);
    expect(wallet.licences().map((l) => l.uscc)).toEqual([USCC]);

    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    const foreign = await ca.issue(stranger, { uscc: OTHER_USCC });
    const refused = await rejection(
      wallet.storeLicence(OTHER_USCC, { ...issued, certificate: foreign.toString('pem'), enterprise: undefined }),
    );
    expect(refused.code).toBe('LICENCE_KEY_MISMATCH');
    expect(wallet.licence(OTHER_USCC)).toBeNull();

    expect((await rejection(wallet.storeLicence(OTHER_USCC, { ...issued, enterprise: undefined }))).code).toBe('USCC_MISMATCH');
    const otherCa = await throwawayCa();
    expect((await rejection(wallet.storeLicence(USCC, { ...issued, chain: [otherCa.issuing.toString('pem')] }))).code).toBe(
      'CHAIN_MISMATCH',
    );
    expect((await rejection(wallet.storeLicence(USCC, { ...issued, certificate: 'nope' }))).code).toBe('BAD_CERTIFICATE');
    expect(wallet.licence(USCC)).toEqual(stored);

    // Without a chain (an issuer that sends none) the licence is kept, and the answer carries the certificate alone.
    await wallet.storeLicence(USCC, { ...issued, chain: [] });
    expect(decodeProtectedHeader(await wallet.signLoginChallenge(challenge(), USCC)).x5c).toEqual([
      Buffer.from(new x509.X509Certificate(issued.certificate).rawData).toString('base64'),
    ]);
    await wallet.storeLicence(USCC, issued);
  });

  it('the login JWS verifies with the key of its x5c leaf and carries exactly { nonce, aud, uscc, iat }', async () => {
    await wallet.storeLicence(USCC, await ca.issuedFor(wallet, USCC));
    const now = new Date();
    const jws = await wallet.signLoginChallenge(challenge(), USCC, now);
    expect(jws.split('.')).toHaveLength(3);
    const header = decodeProtectedHeader(jws);
    expect(Object.keys(header).sort()).toEqual(['alg', 'x5c']);
    expect(header.alg).toBe('ES256');
    expect(header.x5c).toHaveLength(2);
    for (const entry of header.x5c!) expect(entry).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const leaf = new x509.X509Certificate(Buffer.from(header.x5c![0], 'base64'));
    const issuing = new x509.X509Certificate(Buffer.from(header.x5c![1], 'base64'));
    expect(Buffer.from(leaf.publicKey.rawData).equals(wallet.spki)).toBe(true);
    expect(issuing.subject).toBe(ca.issuing.subject);
    expect(await leaf.verify({ publicKey: issuing, signatureOnly: true })).toBe(true);

    const key = await importX509(leaf.toString('pem'), 'ES256');
    const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: ['ES256'] });
    expect(protectedHeader.alg).toBe('ES256');
    const claims = JSON.parse(Buffer.from(payload).toString('utf8'));
    expect(claims).toEqual({ nonce: 'n-Zm9vYmFy', aud: 'https://id.gov.example', uscc: USCC, iat: Math.floor(now.getTime() / 1000) });
    expect(Object.keys(claims)).toEqual(['nonce', 'aud', 'uscc', 'iat']);

    expect((await rejection(wallet.signLoginChallenge(challenge({ exp: Math.floor(Date.now() / 1000) - 1 }), USCC))).code).toBe(
      'CHALLENGE_EXPIRED',
    );
    expect((await rejection(wallet.signLoginChallenge(challenge(), OTHER_USCC))).code).toBe('NO_LICENCE');
  });

  it('with one licence the USCC may be left out; with several it must be named; an expired licence is refused', async () => {
    expect(await wallet.signLoginChallenge(challenge())).toMatch(/^ey/);
    const second = await ca.issuedFor(wallet, OTHER_USCC, {
      notBefore: new Date(Date.now() - 10 * 86400_000),
      notAfter: new Date(Date.now() - 86400_000),
    });
    await wallet.storeLicence(OTHER_USCC, second);
    expect((await rejection(wallet.signLoginChallenge(challenge()))).code).toBe('LICENCE_CHOICE_NEEDED');
    expect((await rejection(wallet.signLoginChallenge(challenge(), OTHER_USCC))).code).toBe('LICENCE_EXPIRED');
    expect(readWalletInfo(wallet.dir).licences.map((l) => [l.uscc, l.state])).toEqual(
      [
        [USCC, 'valid'],
        [OTHER_USCC, 'expired'],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    );
    rmSync(join(wallet.dir, 'licences', `${OTHER_USCC}.json`));
  });
});

describe('parseLoginChallenge', () => {
  const now = new Date('2026-11-27T08:00:00Z');
  const exp = Math.floor(now.getTime() / 1000) + 300;
  const json = JSON.stringify({ challenge_id: 'abc_DEF-0123456789', nonce: 'bm9uY2U', aud: 'http://localhost:3000', exp });

  it('accepts the QR text and the bare JSON', () => {
    const expected = { challenge_id: 'abc_DEF-0123456789', nonce: 'bm9uY2U', aud: 'http://localhost:3000', exp };
    expect(parseLoginChallenge(`tongban-login:${Buffer.from(json).toString('base64url')}`, now)).toEqual(expected);
    expect(parseLoginChallenge(`  ${json}\n`, now)).toEqual(expected);
    expect(parseLoginChallenge(formatLoginChallenge(expected), now)).toEqual(expected);
  });

  it('refuses expired and garbled challenges with stable codes', () => {
    const code = (text: string) => {
      try {
        parseLoginChallenge(text, now);
      } catch (err) {
        return (err as WalletError).code;
      }
      return 'accepted';
    };
    expect(code(JSON.stringify({ ...JSON.parse(json), exp: exp - 300 }))).toBe('CHALLENGE_EXPIRED');
    expect(code(`tongban-login:${Buffer.from(JSON.stringify({ ...JSON.parse(json), exp: exp - 301 })).toString('base64url')}`)).toBe(
      'CHALLENGE_EXPIRED',
    );
    for (const garbled of [
      '',
      'hello',
      'tongban-login:',
      'tongban-login:!!!',
      `tongban-login:${Buffer.from('not json').toString('base64url')}`,
      '{"challenge_id":',
      '[]',
      JSON.stringify({ ...JSON.parse(json), nonce: '' }),
      JSON.stringify({ ...JSON.parse(json), challenge_id: 42 }),
      JSON.stringify({ ...JSON.parse(json), exp: String(exp) }),
      JSON.stringify({ ...JSON.parse(json), aud: 'javascript:alert(1)' }),
      JSON.stringify({ ...JSON.parse(json), aud: 'https://id.gov.example/?x=1' }),
      JSON.stringify({ challenge_id: 'x', nonce: 'y', exp }),
    ]) {
      expect([garbled, code(garbled)]).toEqual([garbled, 'CHALLENGE_INVALID']);
    }
  });
});

describe('wallet.login and httpIssuer against a stand-in service', () => {
  let root: string;
  let wallet: Wallet;
  let ca: ThrowawayCa;
  let server: Server;
  let url: string;
  const seen: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }> = [];
  let answer: { status: number; body: unknown } = { status: 200, body: {} };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tongban-wallet-'));
    wallet = await initWallet(join(root, 'wallet'), PASSPHRASE);
    ca = await throwawayCa();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url === '/token') {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ access_token: 'at-123', token_type: 'Bearer', expires_in: 600 }));
          return;
        }
        if (req.url?.endsWith('/licence')) {
          // A failure to issue answers 500 with its message: the test calling fails with it.
          ca.issuedFor(wallet, USCC, { name: '福州通办示范科技有限公司' }).then(
            (issued) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(issued)),
            (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
          );
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('enrol with httpIssuer: client credentials (basic auth, scope licence:issue), then POST { csr }, then stored', async () => {
    seen.length = 0;
    const stored = await enrol(wallet, {
      uscc: USCC,
      issue: httpIssuer({ publicUrl: url, clientId: 'regulator', clientSecret: 's3cret:+/' }),
    });
    expect(stored.uscc).toBe(USCC);
    const [token, issue] = seen;
    expect(token).toMatchObject({ method: 'POST', url: '/token' });
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from('regulator:s3cret%3A%2B%2F').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({ grant_type: 'client_credentials', scope: 'licence:issue' });
    expect(issue).toMatchObject({ method: 'POST', url: `/api/v1/enterprises/${USCC}/licence` });
    expect(issue.headers.authorization).toBe('Bearer at-123');
    const { csr } = JSON.parse(issue.body);
    expect(await new x509.Pkcs10CertificateRequest(csr).verify()).toBe(true);
  });

  it('login posts { jws } as JSON to ${aud}/api/v1/licence-login/${challenge_id} and returns the acceptance', async () => {
    seen.length = 0;
    answer = { status: 200, body: { status: 'accepted', uscc: USCC, enterprise_name: '福州通办示范科技有限公司' } };
    const text = formatLoginChallenge(challenge({ aud: url, challenge_id: 'Q2hhbGxlbmdl_id-1' }));
    const result = await wallet.login(text);
    expect(result).toEqual({ status: 'accepted', uscc: USCC, enterpriseName: '福州通办示范科技有限公司', aud: url });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/licence-login/Q2hhbGxlbmdl_id-1' });
    expect(seen[0].headers['content-type']).toBe('application/json');
    const body = JSON.parse(seen[0].body);
    expect(Object.keys(body)).toEqual(['jws']);
    const leaf = await importX509(
      new x509.X509Certificate(Buffer.from(decodeProtectedHeader(body.jws).x5c![0], 'base64')).toString('pem'),
      'ES256',
    );
    const claims = JSON.parse(Buffer.from((await compactVerify(body.jws, leaf)).payload).toString());
    expect(claims).toMatchObject({ aud: url, uscc: USCC, nonce: 'n-Zm9vYmFy' });
  });

  it("passes the service's error code and status through", async () => {
    for (const [status, error] of [
      [400, 'challenge_mismatch'],
      [403, 'not_authorised'],
      [404, 'challenge_not_found'],
      [409, 'challenge_used'],
      [410, 'challenge_expired'],
    ] as const) {
      answer = { status, body: { error, message: `because ${error}` } };
      const err = await rejection(wallet.login(formatLoginChallenge(challenge({ aud: url }))));
      expect([err.code, err.status]).toEqual([error, status]);
      expect(err.message).toContain(`because ${error}`);
    }
    answer = { status: 502, body: 'bad gateway' };
    expect((await rejection(wallet.login(formatLoginChallenge(challenge({ aud: url }))))).code).toBe('UNEXPECTED_ANSWER');
    expect(
      (await rejection(wallet.login(formatLoginChallenge(challenge({ aud: url })), { expectedAudience: 'https://id.gov.example' }))).code,
    ).toBe('AUDIENCE_MISMATCH');
    const closed = formatLoginChallenge(challenge({ aud: 'http://127.0.0.1:9' }));
    expect((await rejection(wallet.login(closed))).code).toBe('SERVICE_UNREACHABLE');
  });
});
