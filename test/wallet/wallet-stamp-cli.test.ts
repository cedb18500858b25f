import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { checkReferences, readOfd, SAMPLE_STAMP_AREA, type OfdSignature } from '../../src/ofd/index.js';
import { checkCertList, checkSignerSignature, decodeSesSignature, type DecodedSesSignatureV4 } from '../../src/seals/index.js';
import { independentlyRead } from '../ofd/independent-checker.js';
import { independentlyReadDocument } from '../ofd/independent-document.js';
import { startServiceProcess, tongban, type Finished, type ServiceProcess } from '../support/processes.js';
import { freePort } from '../support/server.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

const ACME = DEMO_ENTERPRISES.find((e) => e.status === 'active')!;
const PASSPHRASE = 'stamping from the command line';

/**
 * `tongban ofd sample` and `tongban wallet stamp` as a holder runs them, beside the service (demo
 * data): SM2 and P-256 wallets enrolled for the demo enterprise, seals made with `tongban seal
 * make` listing one licence certificate each, looked up by the wallet at the public
 * GET /api/v1/seals/{id}; what is written is read back with the libraries and the independent
 * checkers; every refusal has its code and exit status, and those that need no key come before
 * the passphrase is asked.
 */
describe(`tongban wallet stamp on ${backend}`, () => {
  let t: TestEnv;
  let service: ServiceProcess | undefined;
  let root: string;
  let url: string;
  let passphraseFile: string;
  const wallets = { sm2: '', p256: '' };
  const seals = { sm2: '', p256: '' };
  let document: string;

  /** The CLI in its own process with the service's configuration; the wallet passphrase only when given. */
  const cli = (args: string[], extra: Record<string, string> = {}): Promise<Finished> =>
    tongban(args, { ...t.env, HOME: root, TONGBAN_WALLET: '', TONGBAN_WALLET_PASSPHRASE: '', ...extra });
  const json = (result: Finished) => {
    try {
      return JSON.parse(result.stdout);
    } catch {
      throw new Error(`not JSON (exit ${result.code}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
  };
  const withPassphrase = (kind: keyof typeof wallets) => ['--wallet', wallets[kind], '--passphrase-file', passphraseFile];
  const file = (name: string) => join(root, name);

  beforeAll(async () => {
    const port = await freePort();
    url = `http://localhost:${port}`;
    t = await makeTestEnv({ DEMO: '1', KEYS_AUTO_INIT: '1', LOG_LEVEL: 'warn', PORT: String(port), PUBLIC_URL: url });
    root = mkdtempSync(join(tmpdir(), 'tongban-stamp-cli-'));
    passphraseFile = file('passphrase');
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    service = await startServiceProcess(t.env);
    for (const kind of ['sm2', 'p256'] as const) {
      wallets[kind] = file(`wallet-${kind}`);
      expect((await cli(['wallet', 'init', '--alg', kind, ...withPassphrase(kind)])).code).toBe(0);
      expect((await cli(['wallet', 'enrol', '--uscc', ACME.uscc, ...withPassphrase(kind)])).code).toBe(0);
      // The seal lists this wallet's licence certificate (the PEM from the wallet's licence file).
      const licence = JSON.parse(readFileSync(join(wallets[kind], 'licences', `${ACME.uscc}.json`), 'utf8')) as { certificate: string };
      writeFileSync(file(`${kind}-licence.pem`), licence.certificate);
      const made = await cli([
        '--json',
        'seal',
        'make',
        '--uscc',
        ACME.uscc,
        '--name',
        ACME.name,
        '--signer-cert',
        file(`${kind}-licence.pem`),
      ]);
      expect(made.code).toBe(0);
      seals[kind] = json(made).id;
    }
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await t?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('ofd sample writes an A4 document with room for a seal, read by tongban and by the independent reader; no overwriting without --force', async () => {
    document = file('sample.ofd');
    const made = await cli(['ofd', 'sample', '--out', document, '--pages', '2']);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`wrote ${document}: a sample OFD document of 2 A4 pages`);
    expect(made.stdout).toContain(`tongban wallet stamp ${document} --seal <seal ID> --page 1 --x 128 --y 206`);
    const read = readOfd(readFileSync(document));
    expect(read.documents[0].pages).toHaveLength(2);
    expect(independentlyReadDocument(readFileSync(document)).pages[0].texts[0].lines[0].text).toBe('通办示范文件');

    const again = await cli(['--json', 'ofd', 'sample', '--out', document]);
    expect([again.code, json(again).error]).toEqual([1, 'FILE_EXISTS']);
    const forced = await cli(['--json', 'ofd', 'sample', '--out', document, '--force', '--pages', '2', '--title', '示范合同']);
    expect(forced.code).toBe(0);
    expect(json(forced)).toMatchObject({ file: document, pages: 2, stampArea: SAMPLE_STAMP_AREA });
    expect(independentlyReadDocument(readFileSync(document)).docInfo.Title).toBe('示范合同');
    expect((await cli(['ofd', 'sample', '--out', file('x.ofd'), '--pages', '0'])).code).toBe(2);
  });

  it('stamps the OFD on a page with the seal fetched by its ID (SM2): DOC.stamped.ofd, every check passing', async () => {
    const stamped = await cli([
      '--json',
      'wallet',
      'stamp',
      document,
      '--seal',
      seals.sm2,
      '--page',
      '1',
      '--x',
      '128',
      '--y',
      '206',
      ...withPassphrase('sm2'),
    ]);
    expect(stamped.stderr).toBe('');
    expect(stamped.code).toBe(0);
    const out = file('sample.stamped.ofd');
    expect(json(stamped)).toMatchObject({
      file: document,
      out,
      kind: 'ofd',
      seal: { id: seals.sm2, name: ACME.name, type: 1 },
      uscc: ACME.uscc,
      algorithm: 'SM2SM3',
      signatureAlgID: '1.2.156.10197.1.501',
      signature: { id: 's001', path: 'Doc_0/Signs/Sign_0/Signature.xml' },
      stamp: { page: 1, x: 128, y: 206, width: 42, height: 42 },
      signatures: 1,
    });

    const ofd = readFileSync(out);
    const read = readOfd(ofd);
    const signature = read.documents[0].signatures[0] as OfdSignature;
    expect(checkReferences(read, signature)).toMatchObject({ intact: true, uncovered: [] });
    const ses = decodeSesSignature(signature.signedValue) as DecodedSesSignatureV4;
    expect(checkSignerSignature(ses)).toMatchObject({ status: 'PASSED' });
    expect(ses.toSign.dataHash).toEqual(createHash('sm3').update(signature.signatureXml).digest());
    expect(checkCertList(ses.toSign.eseal, ses.cert)).toMatchObject({ status: 'PASSED' });
    // The seal is the one the service made, as it answers GET /api/v1/seals/{id}.
    const view = (await (await fetch(`${url}/api/v1/seals/${seals.sm2}`)).json()) as { seal: string };
    expect(signature.seal).toEqual(Buffer.from(view.seal, 'base64'));
    expect(ses.toSign.eseal.der).toEqual(Buffer.from(view.seal, 'base64'));
    for (const reference of independentlyRead(ofd).signatures[0].references) expect(reference.checkValue).toBe(reference.sm3);

    // The output is not overwritten: refused before the passphrase is asked (none is given here).
    const again = await cli([
      '--json',
      'wallet',
      'stamp',
      document,
      '--seal',
      seals.sm2,
      '--page',
      '1',
      '--x',
      '128',
      '--y',
      '206',
      '--wallet',
      wallets.sm2,
    ]);
    expect([again.code, json(again).error]).toEqual([1, 'FILE_EXISTS']);
  });

  it('a second stamp with the other wallet keeps the first intact', async () => {
    const once = file('sample.stamped.ofd');
    const twice = file('twice.ofd');
    const result = await cli([
      'wallet',
      'stamp',
      once,
      '--seal',
      seals.p256,
      '--page',
      '2',
      '--x',
      '20',
      '--y',
      '30',
      '--out',
      twice,
      ...withPassphrase('p256'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`wrote ${twice}: ${once} stamped (signature s003`);
    expect(result.stdout).toContain('signature  ECDSA P-256 with SHA-256');
    expect(result.stdout).toContain('(2 signatures in the document now)');
    const read = readOfd(readFileSync(twice));
    const [first, second] = read.documents[0].signatures as OfdSignature[];
    for (const signature of [first, second]) {
      expect(checkReferences(read, signature)).toMatchObject({ intact: true });
      expect(checkSignerSignature(decodeSesSignature(signature.signedValue))).toMatchObject({ status: 'PASSED' });
    }
    expect(second.signatureMethod).toBe('1.2.840.10045.4.3.2');
  });

  it('a detached signature (FILE.sig) over any file: SM3 with the SM2 wallet, SHA-256 with the P-256 one', async () => {
    const contract = file('contract.txt');
    writeFileSync(contract, '合同 contract\n');
    for (const kind of ['sm2', 'p256'] as const) {
      const out = file(`contract-${kind}.sig`);
      const result = await cli(['--json', 'wallet', 'stamp', contract, '--seal', seals[kind], '--out', out, ...withPassphrase(kind)]);
      expect(result.code).toBe(0);
      const digest = kind === 'sm2' ? 'sm3' : 'sha256';
      const expected = createHash(digest).update(readFileSync(contract)).digest();
      expect(json(result)).toMatchObject({
        kind: 'detached',
        out,
        digest: { algorithm: digest, value: expected.toString('hex') },
        propertyInfo: 'contract.txt',
      });
      const ses = decodeSesSignature(readFileSync(out)) as DecodedSesSignatureV4;
      expect(ses.toSign.dataHash).toEqual(expected);
      expect(checkSignerSignature(ses)).toMatchObject({ status: 'PASSED' });
      expect(checkCertList(ses.toSign.eseal, ses.cert)).toMatchObject({ status: 'PASSED' });
    }
    // The default name is FILE.sig.
    const plain = await cli(['wallet', 'stamp', contract, '--seal', seals.sm2, ...withPassphrase('sm2')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^wrote .*contract\.txt\.sig: a detached electronic seal signature/);
    expect(plain.stdout).toMatch(/digest {5}SM3 [0-9a-f]{64}/);
    expect(existsSync(`${contract}.sig`)).toBe(true);
  });

  it('a seal at hand (--seal-file): stamped without asking the service, which the note says; with --seal it must be that seal', async () => {
    const view = (await (await fetch(`${url}/api/v1/seals/${seals.sm2}`)).json()) as { seal: string };
    const esl = file('seal.esl');
    writeFileSync(esl, Buffer.from(view.seal, 'base64'));
    const out = file('from-file.ofd');
    const result = await cli([
      'wallet',
      'stamp',
      document,
      '--seal-file',
      esl,
      '--page',
      '1',
      '--x',
      '10',
      '--y',
      '10',
      '--out',
      out,
      ...withPassphrase('sm2'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`(the seal ${seals.sm2} was read from ${esl}: whether it is revoked was not asked`);
    expect(readOfd(readFileSync(out)).documents[0].signatures).toHaveLength(1);
    const mismatch = await cli(['--json', 'wallet', 'stamp', document, '--seal', seals.p256, '--seal-file', esl, '--wallet', wallets.sm2]);
    expect([mismatch.code, json(mismatch).error]).toEqual([1, 'SEAL_MISMATCH']);
  });

  it('refuses with stable codes: a seal not for this key and an unknown seal before the passphrase; a wrong passphrase; a box off the page; bad usage', async () => {
    // No passphrase anywhere: a refusal before asking for one is exit 1 with its code, not a usage error.
    const noPassphrase = ['--wallet', wallets.sm2, '--out', file('refused.out')];
    const notMine = await cli(['--json', 'wallet', 'stamp', document, '--seal', seals.p256, ...noPassphrase]);
    expect([notMine.code, json(notMine).error]).toEqual([1, 'SEAL_NOT_FOR_THIS_KEY']);
    expect(json(notMine).message).toContain(`the seal ${seals.p256} (${ACME.name}) does not list any licence certificate of this wallet`);
    const unknown = await cli(['--json', 'wallet', 'stamp', document, '--seal', '35010099999999', ...noPassphrase]);
    expect([unknown.code, json(unknown).error]).toEqual([1, 'seal_not_found']);
    const offPage = await cli([
      '--json',
      'wallet',
      'stamp',
      document,
      '--seal',
      seals.sm2,
      '--page',
      '1',
      '--x',
      '190',
      '--y',
      '10',
      ...noPassphrase,
    ]);
    expect([offPage.code, json(offPage).error]).toEqual([1, 'STAMP_REFUSED']);
    expect(json(offPage).message).toContain('does not lie on page 1 (210 × 297 mm)');
    const noPage = await cli([
      '--json',
      'wallet',
      'stamp',
      document,
      '--seal',
      seals.sm2,
      '--page',
      '9',
      '--x',
      '10',
      '--y',
      '10',
      ...noPassphrase,
    ]);
    expect(json(noPage).error).toBe('STAMP_REFUSED');
    const unreachable = await cli([
      '--json',
      'wallet',
      'stamp',
      document,
      '--seal',
      seals.sm2,
      '--service-url',
      'http://127.0.0.1:9',
      ...noPassphrase,
    ]);
    expect(json(unreachable).error).toBe('SERVICE_UNREACHABLE');

    const wrongFile = file('wrong-passphrase');
    writeFileSync(wrongFile, 'not the passphrase\n', { mode: 0o600 });
    const wrong = await cli([
      '--json',
      'wallet',
      'stamp',
      document,
      '--seal',
      seals.sm2,
      '--out',
      file('w.sig'),
      '--wallet',
      wallets.sm2,
      '--passphrase-file',
      wrongFile,
    ]);
    expect([wrong.code, json(wrong).error]).toEqual([1, 'WRONG_PASSPHRASE']);
    expect(existsSync(file('w.sig'))).toBe(false);
    // The passphrase is asked only when everything else is right: with none and no terminal, a usage error.
    const none = await cli(['wallet', 'stamp', document, '--seal', seals.sm2, '--out', file('n.sig'), ...noPassphrase]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no passphrase');

    for (const args of [
      ['--page', '1', '--x', '10'], // no --y
      ['--x', '-3', '--y', '1', '--page', '1'],
      ['--page', '0', '--x', '1', '--y', '1'],
    ]) {
      const usage = await cli(['wallet', 'stamp', document, '--seal', seals.sm2, ...args, ...withPassphrase('sm2')]);
      expect([args.join(' '), usage.code]).toEqual([args.join(' '), 2]);
    }
    expect((await cli(['wallet', 'stamp', document, ...withPassphrase('sm2')])).code).toBe(2); // no seal
    const missing = await cli(['--json', 'wallet', 'stamp', file('nothing.ofd'), '--seal', seals.sm2, ...withPassphrase('sm2')]);
    expect(json(missing).error).toBe('NO_FILE');
  });

  it('refuses a revoked seal: the service says so when the wallet looks it up', async () => {
    expect((await cli(['seal', 'revoke', seals.p256, '--reason', 'superseded'])).code).toBe(0);
    const revoked = await cli([
      '--json',
      'wallet',
      'stamp',
      document,
      '--seal',
      seals.p256,
      '--out',
      file('r.sig'),
      ...withPassphrase('p256'),
    ]);
    expect([revoked.code, json(revoked).error]).toEqual([1, 'SEAL_REVOKED']);
    expect(json(revoked).message).toMatch(new RegExp(`the seal ${seals.p256} was revoked at \\d{4}-.* \\(superseded\\)`));
  });
});
