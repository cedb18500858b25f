import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeUscc } from '../../src/identifiers/generate.js';
import { checkReferences, createOfd, readOfd, type OfdSignature } from '../../src/ofd/index.js';
import {
  checkCertList,
  checkSignerSignature,
  decodeSeal,
  decodeSesSignature,
  makeSealV4,
  type DecodedSealV4,
  type DecodedSesSignatureV4,
  type SesSealInfoV4,
} from '../../src/seals/index.js';
import { fetchSeal, initWallet, openWallet, planWalletStamp, WalletError, type Wallet } from '../../src/wallet/index.js';
import { opensslSm2Verify } from '../crypto/openssl-sm2.js';
import { fixture } from '../ofd/fixtures.js';
import { independentlyRead } from '../ofd/independent-checker.js';
import { mustOpenssl, openssl, Scratch } from '../pki/support.js';
import { sealInfo, sm2Party } from '../seals/parties.js';
import { sm2ThrowawayCa, throwawayCa, x509 } from './support.js';

const PASSPHRASE = 'stamping wallet passphrase';
const USCC = makeUscc({ organisationBody: 'MA2YTB8K' });
const OTHER_USCC = makeUscc({ organisationBody: 'MA1FL3QX' });
const DAY = 86_400_000;
const SM3_OID = '1.2.156.10197.1.401';

const ALGORITHMS = {
  sm2: { walletAlg: 'SM2SM3', signatureAlgID: '1.2.156.10197.1.501', digest: 'sm3' },
  p256: { walletAlg: 'ES256', signatureAlgID: '1.2.840.10045.4.3.2', digest: 'sha256' },
} as const;
type Kind = keyof typeof ALGORITHMS;

/** A one-page document like ofdrw's helloworld.ofd, made by tongban's writer. */
function helloworldLike(): Buffer {
  return createOfd({ pages: [{ texts: [{ x: 31.7, y: 25.4, width: 80, size: 3, text: '你好呀，OFD Reader&Writer！' }] }] });
}

function certificateDer(wallet: Wallet, uscc = USCC): Buffer {
  return Buffer.from(new x509.X509Certificate(wallet.licence(uscc)!.certificate).rawData);
}

function wholeSeconds(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

/** Now, `days` away, in whole seconds (as seal times are). */
function daysFromNow(days: number): Date {
  return wholeSeconds(new Date(Date.now() + days * DAY));
}

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    if (err instanceof WalletError) return err.code;
    throw err;
  }
  throw new Error('no refusal');
}

/**
 * Stamping with the wallet's licence key (issue 12, point 4), for SM2 and P-256 wallets: stamped
 * OFD documents (made by tongban's writer, and ofdrw's helloworld.ofd from the shared fixtures)
 * re-read and checked with the seal and OFD libraries and by the independent OFD checker; detached
 * signatures checked by the libraries and by openssl; and each refusal.
 */
describe('stamping with the wallet', () => {
  const scratch = new Scratch();
  let root: string;
  const wallets = {} as Record<Kind, Wallet>;
  const maker = sm2Party(scratch, 'seal-maker');
  const now = () => new Date();

  /** A GB/T 38540 seal made by a test seal maker, listing the given licence certificates, valid from yesterday for 30 days. */
  async function seal(certs: Buffer[], overrides: Partial<SesSealInfoV4['property']> = {}, picture?: Partial<SesSealInfoV4['picture']>) {
    const info = sealInfo(certs);
    const made = await makeSealV4(
      {
        eSealInfo: {
          ...info,
          esID: '35010000000001',
          property: { ...info.property, validStart: daysFromNow(-1), validEnd: daysFromNow(30), ...overrides },
          picture: { ...info.picture, ...picture },
        },
        cert: maker.cert,
        signAlgID: maker.signAlgID,
      },
      maker.sign,
    );
    return made.der;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tongban-wallet-stamp-'));
    const sm2Ca = sm2ThrowawayCa(root);
    wallets.sm2 = await initWallet(join(root, 'sm2'), PASSPHRASE, { alg: 'SM2SM3' });
    await wallets.sm2.storeLicence(USCC, await sm2Ca.issuedFor(wallets.sm2, USCC, '福州通办示范科技有限公司'));
    const p256Ca = await throwawayCa();
    wallets.p256 = await initWallet(join(root, 'p256'), PASSPHRASE);
    await wallets.p256.storeLicence(USCC, await p256Ca.issuedFor(wallets.p256, USCC, { name: '福州通办示范科技有限公司' }));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    scratch.cleanup();
  });

  /** The stamp's checks as a verifier makes them, with the project's libraries; the signature added last. */
  function checkLastStamp(
    stamped: Buffer,
    kind: Kind,
    sealDer: Buffer,
    signingTime: Date,
  ): { signature: OfdSignature; ses: DecodedSesSignatureV4 } {
    const read = readOfd(stamped);
    const entries = read.documents[0].signatures;
    const signature = entries[entries.length - 1];
    if (signature.kind !== 'signature') throw new Error(signature.reason);
    // References: every file but Signatures.xml and its own, each with its SM3.
    expect(checkReferences(read, signature)).toMatchObject({ algorithm: 'sm3', intact: true, uncovered: [] });
    expect(signature).toMatchObject({ type: 'Seal', signatureMethod: ALGORITHMS[kind].signatureAlgID, checkMethod: SM3_OID });
    expect(signature.seal).toEqual(sealDer);
    const ses = decodeSesSignature(signature.signedValue) as DecodedSesSignatureV4;
    expect(ses.layout).toBe('v4');
    expect(checkSignerSignature(ses)).toMatchObject({ status: 'PASSED' });
    expect(ses.signatureAlgID).toBe(ALGORITHMS[kind].signatureAlgID);
    // dataHash = SM3(Signature.xml) with either key: what OFD readers compute.
    expect(ses.toSign.dataHash).toEqual(createHash('sm3').update(signature.signatureXml).digest());
    expect(checkCertList(ses.toSign.eseal, ses.cert)).toMatchObject({ status: 'PASSED' });
    expect(ses.cert).toEqual(certificateDer(wallets[kind]));
    expect(ses.toSign.eseal.der).toEqual(sealDer);
    expect(ses.toSign.propertyInfo).toBe(`/${signature.path}`);
    expect(ses.toSign.timeInfo).toEqual(wholeSeconds(signingTime));
    return { signature, ses };
  }

  describe.each(['sm2', 'p256'] as const)('a %s wallet', (kind) => {
    it('stamps an OFD made by tongban’s writer and ofdrw’s helloworld.ofd: references, signature, dataHash and certList all check', async () => {
      const wallet = wallets[kind];
      const sealDer = await seal([certificateDer(wallet)]);
      for (const document of [helloworldLike(), fixture('helloworld.ofd')]) {
        const signingTime = now();
        const stamped = await wallet.stampOfd(document, { seal: sealDer, page: 1, x: 120.5, y: 150, signingTime });
        const { signature } = checkLastStamp(stamped, kind, sealDer, signingTime);
        // The box is the seal picture's size (42 × 42 mm in the seal) at the place asked.
        expect(signature.stampAnnots).toEqual([
          { id: 's002', pageRef: '1', boundary: { x: 120.5, y: 150, width: 42, height: 42 }, clip: undefined },
        ]);
        // An OFD reader written without tongban's code agrees on every reference.
        const seen = independentlyRead(stamped);
        expect(seen.signatures).toHaveLength(1);
        for (const reference of seen.signatures[0].references) expect(reference.checkValue).toBe(reference.sm3);
        expect(Buffer.from(seen.signatures[0].signedValue)).toEqual(signature.signedValue);
      }
    });

    it('writes a detached signature over a file: the digest stated, the signature checked by openssl; a changed file fails the hash', async () => {
      const wallet = wallets[kind];
      const sealDer = await seal([certificateDer(wallet)]);
      const data = Buffer.concat([Buffer.from('合同正文 contract body\n'), createHash('sha512').update(kind).digest()]);
      const signingTime = now();
      const der = await wallet.stampFile(data, { seal: sealDer, propertyInfo: '合同 contract.pdf', signingTime });
      const ses = decodeSesSignature(der) as DecodedSesSignatureV4;
      const { digest, signatureAlgID } = ALGORITHMS[kind];
      expect(ses.signatureAlgID).toBe(signatureAlgID);
      expect(ses.toSign.dataHash).toEqual(createHash(digest).update(data).digest());
      expect(ses.toSign.dataHash).toHaveLength(32);
      expect(ses.toSign.propertyInfo).toBe('%E5%90%88%E5%90%8C contract.pdf');
      expect(ses.toSign.timeInfo).toEqual(wholeSeconds(signingTime));
      expect(ses.toSign.eseal.der).toEqual(sealDer);
      expect(checkSignerSignature(ses)).toMatchObject({ status: 'PASSED' });
      expect(checkCertList(ses.toSign.eseal, ses.cert)).toMatchObject({ status: 'PASSED' });
      const changed = Buffer.from(data);
      changed[3] ^= 1;
      expect(createHash(digest).update(changed).digest().equals(ses.toSign.dataHash)).toBe(false);

      // OpenSSL, the independent checker: the signer's signature over DER(TBS_Sign) with the licence certificate.
      const certPath = scratch.write(`${kind}-licence.pem`, wallet.licence(USCC)!.certificate);
      const tbsPath = scratch.write(`${kind}-tbs.der`, ses.toSignDer);
      const sigPath = scratch.write(`${kind}-sig.der`, ses.signature);
      if (kind === 'sm2') {
        expect(opensslSm2Verify(scratch, certPath, tbsPath, ses.signature, { certificate: true })).toBe(true);
        expect(
          opensslSm2Verify(
            scratch,
            certPath,
            scratch.write('changed.der', Buffer.concat([ses.toSignDer, Buffer.from([0])])),
            ses.signature,
            { certificate: true },
          ),
        ).toBe(false);
      } else {
        const pubPath = scratch.write('p256-pub.pem', mustOpenssl(['x509', '-in', certPath, '-noout', '-pubkey']));
        expect(openssl(['dgst', '-sha256', '-verify', pubPath, '-signature', sigPath, tbsPath]).stdout).toContain('Verified OK');
      }
      // And its ASN.1 is the reference layout's: SES_Signature { TBS_Sign { version 4, … }, cert, signatureAlgID, signature }.
      const parsed = mustOpenssl(['asn1parse', '-inform', 'DER', '-in', scratch.write(`${kind}.sig`, der)]);
      expect(parsed).toMatch(/d=2 .*INTEGER\s+:04/);
      expect(parsed).toContain(kind === 'sm2' ? 'SM2-with-SM3' : 'ecdsa-with-SHA256');
    });
  });

  it('a second stamp — another wallet, another page — keeps the first intact and valid', async () => {
    const sm2Seal = await seal([certificateDer(wallets.sm2)]);
    const p256Seal = await seal([certificateDer(wallets.p256)], {}, { width: 40, height: 30 });
    const document = createOfd({
      pages: [{ texts: [{ x: 20, y: 20, width: 100, text: '第一页' }] }, { texts: [{ x: 20, y: 20, width: 100, text: '第二页' }] }],
    });
    const firstTime = now();
    const once = await wallets.sm2.stampOfd(document, { seal: sm2Seal, page: 1, x: 100, y: 200, signingTime: firstTime });
    const before = checkLastStamp(once, 'sm2', sm2Seal, firstTime);
    const secondTime = now();
    const twice = await wallets.p256.stampOfd(once, { seal: p256Seal, page: 2, x: 20, y: 40, width: 60, signingTime: secondTime });
    const second = checkLastStamp(twice, 'p256', p256Seal, secondTime);
    expect(second.signature.stampAnnots[0].boundary).toEqual({ x: 20, y: 40, width: 60, height: 45 }); // in the picture's proportion

    const read = readOfd(twice);
    const [first] = read.documents[0].signatures as OfdSignature[];
    expect(first.id).toBe(before.signature.id);
    expect(checkReferences(read, first)).toMatchObject({ intact: true, signaturesListChangedBy: [] });
    expect(first.signatureXml).toEqual(before.signature.signatureXml);
    expect(first.signedValue).toEqual(before.signature.signedValue);
    const firstSes = decodeSesSignature(first.signedValue) as DecodedSesSignatureV4;
    expect(checkSignerSignature(firstSes)).toMatchObject({ status: 'PASSED' });
    expect(firstSes.toSign.dataHash).toEqual(createHash('sm3').update(first.signatureXml).digest());
    // The second protects the first one's files.
    expect(second.signature.references.map((reference) => reference.path)).toEqual(
      expect.arrayContaining(['Doc_0/Signs/Sign_0/Signature.xml', 'Doc_0/Signs/Sign_0/SignedValue.dat', 'Doc_0/Signs/Sign_0/Seal.esl']),
    );
    for (const signature of independentlyRead(twice).signatures)
      for (const reference of signature.references) expect(reference.checkValue).toBe(reference.sm3);
  });

  it('refuses a seal that does not list the wallet’s licence certificate, before signing, with or without --uscc', async () => {
    const forOther = await seal([certificateDer(wallets.p256)]);
    expect(await refusal(wallets.sm2.stampOfd(helloworldLike(), { seal: forOther, page: 1, x: 10, y: 10 }))).toBe('SEAL_NOT_FOR_THIS_KEY');
    expect(await refusal(wallets.sm2.stampFile(Buffer.from('x'), { seal: forOther, uscc: USCC }))).toBe('SEAL_NOT_FOR_THIS_KEY');
    expect(await refusal(wallets.sm2.stampFile(Buffer.from('x'), { seal: forOther, uscc: OTHER_USCC }))).toBe('NO_LICENCE');
    // The same answer from the wallet's public data alone (what the CLI asks before the passphrase).
    expect(await refusal(() => planWalletStamp(wallets.sm2.dir, { seal: forOther }))).toBe('SEAL_NOT_FOR_THIS_KEY');
    const message = await wallets.sm2.stampFile(Buffer.from('x'), { seal: forOther }).catch((err: Error) => err.message);
    expect(message).toMatch(/the seal 35010000000001 \(北京某某科技有限公司\) does not list any licence certificate of this wallet/);
  });

  it('refuses an expired, a not yet valid, a revoked, a broken and an older-layout seal', async () => {
    const mine = [certificateDer(wallets.sm2)];
    const stamp = (sealDer: Buffer | object) => refusal(wallets.sm2.stampFile(Buffer.from('x'), { seal: sealDer as Buffer }));
    expect(await stamp(await seal(mine, { validStart: daysFromNow(-30), validEnd: daysFromNow(-1) }))).toBe('SEAL_EXPIRED');
    expect(await stamp(await seal(mine, { validStart: daysFromNow(1), validEnd: daysFromNow(30) }))).toBe('SEAL_NOT_YET_VALID');
    const good = await seal(mine);
    expect(await stamp({ der: good, status: 'revoked', revokedAt: new Date(Date.now() - 1000), revocationReason: 'superseded' })).toBe(
      'SEAL_REVOKED',
    );
    expect(await stamp({ der: good, status: 'revoked', revokedAt: null })).toBe('SEAL_REVOKED');
    // One bit of the picture changed: the maker's signature no longer covers it.
    const picture = (decodeSeal(good) as DecodedSealV4).eSealInfo.picture.data;
    const broken = Buffer.from(good);
    broken[good.indexOf(picture) + 2] ^= 1;
    expect(await stamp(broken)).toBe('SEAL_INVALID');
    expect(await stamp(fixture('UserV1.esl'))).toBe('SEAL_UNSUPPORTED');
    expect(await stamp(Buffer.from('not a seal'))).toBe('SEAL_UNREADABLE');
    // The same seal as the authority says it is now (valid) stamps.
    expect(
      (await wallets.sm2.stampFile(Buffer.from('x'), { seal: { der: good, status: 'valid', revokedAt: null } })).length,
    ).toBeGreaterThan(0);
  });

  it('refuses an expired licence certificate, a wallet without licences, a page or box the document lacks, and what is not an OFD', async () => {
    const ca = await throwawayCa();
    const expiredWallet = await initWallet(join(root, 'expired'), PASSPHRASE);
    await expiredWallet.storeLicence(
      USCC,
      await ca.issuedFor(expiredWallet, USCC, { notBefore: new Date(Date.now() - 40 * DAY), notAfter: new Date(Date.now() - DAY) }),
    );
    expect(await refusal(expiredWallet.stampFile(Buffer.from('x'), { seal: await seal([certificateDer(expiredWallet)]) }))).toBe(
      'LICENCE_EXPIRED',
    );
    const empty = await initWallet(join(root, 'empty'), PASSPHRASE);
    expect(await refusal(empty.stampFile(Buffer.from('x'), { seal: await seal([certificateDer(wallets.sm2)]) }))).toBe('NO_LICENCE');

    const sealDer = await seal([certificateDer(wallets.sm2)]);
    const ofd = (options: object) => refusal(wallets.sm2.stampOfd(helloworldLike(), { seal: sealDer, page: 1, x: 10, y: 10, ...options }));
    expect(await ofd({ page: 2 })).toBe('STAMP_REFUSED');
    expect(await ofd({ x: 180 })).toBe('STAMP_REFUSED'); // 180 + 42 > 210
    expect(await refusal(wallets.sm2.stampOfd(Buffer.from('PK not an OFD'), { seal: sealDer, page: 1, x: 10, y: 10 }))).toBe(
      'OFD_UNREADABLE',
    );
    expect(await refusal(openWallet(wallets.sm2.dir, 'not the passphrase'))).toBe('WRONG_PASSPHRASE');
  });

  it('fetches a seal from the seal-making authority and keeps its status; its error codes stay the service’s', async () => {
    const sealDer = await seal([certificateDer(wallets.sm2)]);
    const answer = (status: number, body: unknown) => () =>
      Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
    const view = {
      id: '35010000000001',
      status: 'revoked',
      revokedAt: '2026-12-01T00:00:00.000Z',
      revocationReason: 'compromised',
      sha256: createHash('sha256').update(sealDer).digest('hex'),
      seal: sealDer.toString('base64'),
    };
    const asked: string[] = [];
    const fetched = await fetchSeal('35010000000001', {
      serviceUrl: 'http://seals.example/',
      fetch: (url) => {
        asked.push(url instanceof Request ? url.url : url.toString());
        return answer(200, view)();
      },
    });
    expect(asked).toEqual(['http://seals.example/api/v1/seals/35010000000001']);
    expect(fetched).toMatchObject({
      id: '35010000000001',
      status: 'revoked',
      revokedAt: new Date('2026-12-01T00:00:00Z'),
      revocationReason: 'compromised',
    });
    expect(fetched.der).toEqual(sealDer);
    expect(await refusal(wallets.sm2.stampOfd(helloworldLike(), { seal: fetched, page: 1, x: 10, y: 10 }))).toBe('SEAL_REVOKED');

    const notFound = await fetchSeal('35010000000009', {
      serviceUrl: 'http://seals.example',
      fetch: answer(404, { error: 'seal_not_found', message: 'no seal 35010000000009' }),
    }).catch((err: WalletError) => err);
    expect(notFound).toMatchObject({ code: 'seal_not_found', status: 404 });
    expect(await refusal(fetchSeal('35010000000002', { serviceUrl: 'http://seals.example', fetch: answer(200, view) }))).toBe(
      'UNEXPECTED_ANSWER',
    );
    expect(
      await refusal(fetchSeal('35010000000001', { serviceUrl: 'http://seals.example', fetch: answer(200, { ...view, sha256: '00' }) })),
    ).toBe('UNEXPECTED_ANSWER');
    expect(
      await refusal(
        fetchSeal('35010000000001', { serviceUrl: 'http://127.0.0.1:9', fetch: () => Promise.reject(new Error('ECONNREFUSED')) }),
      ),
    ).toBe('SERVICE_UNREACHABLE');
  });
});
