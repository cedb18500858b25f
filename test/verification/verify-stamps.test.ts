import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { sign as nodeSign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRYPTO_OID } from '../../src/crypto/oids.js';
import { readSm2PrivateKeyPem } from '../../src/crypto/sm2-key-encoding.js';
import type { Sm2PrivateKey } from '../../src/crypto/sm2-keys.js';
import { sm3 } from '../../src/crypto/sm3.js';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { sampleOfd, stampOfd } from '../../src/ofd/index.js';
import { PkiService } from '../../src/pki/pki.service.js';
import { decodeSeal, decodeSesSignature, makeSesSignatureV4 } from '../../src/seals/index.js';
import { SealsService, type SealRecord } from '../../src/seals/seals.service.js';
import { SEAL_STATUS_CACHE_MS } from '../../src/verification/seal-statuses.js';
import { initWallet } from '../../src/wallet/index.js';
import { Scratch } from '../pki/support.js';
import { sesFixture } from '../seals/fixtures.js';
import { client, registerService } from '../support/oidc.js';
import { backend } from '../support/test-env.js';
import { sealInfoFor, sm2Certificate, sm2Seal, stampWith } from './other-ca.js';
import { check, startVerifier, statuses, verdict, type Report, type Verifier } from './support.js';

const ACME = DEMO_ENTERPRISES.find((e) => e.uscc === '91350100MA2YTB8K4L')!;
const PICTURE = () => sesFixture('StampImg.png');
const ALL_PASSED = [
  'format:PASSED',
  'dataHash:PASSED',
  'signature:PASSED',
  'seal:PASSED',
  'certList:PASSED',
  'chain:PASSED',
  'revocation:PASSED',
  'validity:PASSED',
];
const DAY = 86_400_000;
const wholeSecond = (ms = Date.now()) => new Date(Math.floor(ms / 1000) * 1000);

interface Licence {
  key: Sm2PrivateKey;
  cert: Buffer;
  pem: string;
  serial: string;
}

/** The OFD's files by fflate, changed, and zipped again (not tongban's zip code). */
function changeFiles(ofd: Buffer, change: (files: Record<string, Uint8Array>) => void): Buffer {
  const files = Object.fromEntries(Object.entries(unzipSync(ofd)).filter(([name]) => !name.endsWith('/')));
  change(files);
  return Buffer.from(zipSync(files as Zippable));
}

/**
 * Seals tongban makes and stamps made with them (an SM2 licence key from the enterprise's wallet
 * or an openssl key), verified through the HTTP API: what passes, and each kind of tampering with
 * the sub-indication it gets.
 */
describe(`verifying tongban's seals and stamps on ${backend}`, () => {
  let v: Verifier;
  let pki: PkiService;
  let seals: SealsService;
  const scratch = new Scratch();
  let licence: Licence;
  let seal: SealRecord;
  let document: Buffer;

  /** An SM2 licence certificate of the demo enterprise for a new openssl key. */
  async function sm2Licence(name: string): Promise<Licence> {
    const csr = scratch.csr(name, 'sm2');
    const issued = await pki.issueFromCsr(csr, {
      profile: 'enterprise-licence',
      subject: { uscc: ACME.uscc, organizationName: ACME.name, commonName: ACME.name },
    });
    return {
      key: readSm2PrivateKeyPem(scratch.read(`${name}.key`).toString('latin1')),
      cert: issued.der,
      pem: issued.pem,
      serial: issued.serial,
    };
  }

  async function makeSeal(signers: string[], extra: { validEnd?: Date; algorithm?: 'sm2' | 'p256' } = {}): Promise<SealRecord> {
    const made = await seals.make(
      {
        uscc: ACME.uscc,
        type: 1,
        name: ACME.name,
        signerCertificates: signers,
        validEnd: extra.validEnd ?? new Date(Date.now() + 300 * DAY),
        picture: { type: 'PNG', data: PICTURE(), widthMm: 40, heightMm: 40 },
        ...(extra.algorithm ? { algorithm: extra.algorithm } : {}),
      },
      { madeBy: 'verification tests' },
    );
    return made.seal;
  }

  beforeAll(async () => {
    v = await startVerifier();
    pki = v.server.app.get(PkiService);
    seals = v.server.app.get(SealsService);
    licence = await sm2Licence('acme-a');
    seal = await makeSeal([licence.pem]);
    document = sampleOfd({ pages: 2 });
  });
  afterAll(async () => {
    scratch.cleanup();
    await v.close();
  });

  it('a tongban SM2 seal stamped on a 2-page OFD with the enterprise’s SM2 licence key: every check PASSED, TOTAL_PASSED', async () => {
    const stamped = await stampWith(document, seal.der, licence);
    const [report, ...more] = await v.document(stamped);
    expect(more).toEqual([]);
    expect(statuses(report)).toEqual(ALL_PASSED);
    expect(report).toMatchObject({
      indication: 'TOTAL_PASSED',
      subject: { uscc: ACME.uscc, organizationName: ACME.name },
      issuer: { commonName: expect.stringMatching(/^tongban SM2 Issuing CA/) },
      signature: { id: 's001', type: 'Seal', path: 'Doc_0/Signs/Sign_0/Signature.xml', algorithm: 'SM2 with SM3' },
      seal: {
        esID: seal.esID,
        name: ACME.name,
        type: 1,
        format: 'GB/T 38540',
        vendor: 'tongban',
        maker: { commonName: 'tongban SM2 Seal Maker' },
        validEnd: seal.validEnd.toISOString(),
      },
    });
    expect(report.subIndication).toBeUndefined();
    expect(report.signature?.references).toMatchObject({ total: report.signature!.references!.intact });
    expect(report.signature?.references?.uncovered).toBeUndefined();
    expect(check(report, 'chain').message).toMatch(
      /^the signer’s certificate: issued by tongban SM2 Issuing CA \d+, chaining to tongban SM2 Root CA; the maker’s certificate: issued by tongban SM2 Issuing CA/,
    );
    expect(check(report, 'revocation').message).toMatch(
      /^the seal: not revoked \(tongban’s register of seals\); the signer’s certificate: not revoked/,
    );
    // The seal alone, and the licence certificate alone.
    const alone = await v.seal(seal.der);
    expect(statuses(alone)).toEqual(['format:PASSED', 'seal:PASSED', 'chain:PASSED', 'revocation:PASSED', 'validity:PASSED']);
    expect(alone.indication).toBe('TOTAL_PASSED');
    expect(alone.seal?.sha256).toBe(seal.sha256.toString('hex'));
  });

  it('two stamps on one document: two reports, both intact (the second protects the first’s files; Signatures.xml is left out)', async () => {
    const second = await sm2Licence('acme-second');
    const twoSigners = await makeSeal([licence.pem, second.pem]);
    const once = await stampWith(document, seal.der, licence);
    const twice = await stampWith(once, twoSigners.der, second, wholeSecond(), 2);
    const reports = await v.document(twice);
    expect(reports.map(verdict)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(reports.map((r) => r.signature?.id)).toEqual(['s001', 's003']);
    expect(reports[1].signature?.references?.total).toBeGreaterThan(reports[0].signature!.references!.total);
    expect(reports[0].signature?.references?.signaturesListChangedBy).toBeUndefined();
    expect(reports.map((r) => r.seal?.esID)).toEqual([seal.esID, twoSigners.esID]);
  });

  it('an ofdrw signature that protects Signatures.xml stays intact when tongban stamps after it: its only changed reference is that list', async () => {
    const stamped = await stampWith(sesFixture('allprotected.ofd'), seal.der, licence);
    const [ofdrw, ours] = await v.document(stamped);
    expect(check(ofdrw, 'dataHash')).toMatchObject({
      status: 'PASSED',
      message: expect.stringMatching(
        /^6 of 6 references intact|^5 of 6 references intact \(SM3\); Signatures.xml changed only by the signature\(s\) added after this one/,
      ),
    });
    expect(ofdrw.signature?.references?.signaturesListChangedBy).toEqual([ours.signature?.id]);
    expect(ofdrw.signature?.references?.failed).toBeUndefined();
    expect(verdict(ofdrw)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
    expect(verdict(ours)).toBe('TOTAL_PASSED');
  });

  it('stamps by the SM2 wallet (library): an OFD and a detached signature verify, the latter against its document or digest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-verify-wallet-'));
    try {
      const wallet = await initWallet(join(dir, 'wallet'), 'correct horse battery staple', { alg: 'SM2SM3' });
      const registrar = await registerService(v.server, 'licence:issue');
      const bearer = (await client.clientCredentialsGrant(registrar.config, { scope: 'licence:issue' })).access_token;
      const response = await fetch(`${v.server.url}/api/v1/enterprises/${ACME.uscc}/licence`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ csr: await wallet.createCsr({ uscc: ACME.uscc }) }),
      });
      expect(response.status).toBe(201);
      const issued = (await response.json()) as { serial: string; certificate: string; chain: string[] };
      await wallet.storeLicence(ACME.uscc, issued);
      const walletSeal = await makeSeal([issued.certificate]);

      const stamped = await wallet.stampOfd(document, { seal: walletSeal.der, page: 2, x: 100, y: 100 });
      const [report] = await v.document(stamped);
      expect(statuses(report)).toEqual(ALL_PASSED);

      const data = Buffer.from('合同正文：甲方与乙方……\n');
      const signature = await wallet.stampFile(data, { seal: walletSeal.der, propertyInfo: 'contract.txt' });
      expect(verdict(await v.signature(signature, { document: data }))).toBe('TOTAL_PASSED');
      expect(verdict(await v.signature(signature, { digest: sm3(data).toString('hex') }))).toBe('TOTAL_PASSED');
      const other = await v.signature(signature, { document: Buffer.from('另一份文件') });
      expect(verdict(other)).toBe('TOTAL_FAILED/HASH_FAILURE');
      expect(check(other, 'dataHash').message).toBe('the stamp’s data hash is not the SM3 of the document given: it signed other data');
      const none = await v.signature(signature);
      expect(verdict(none)).toBe('INDETERMINATE/SIGNED_DATA_NOT_FOUND');
      expect(none.signature).toMatchObject({ type: 'Seal', propertyInfo: 'contract.txt', algorithm: 'SM2 with SM3' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an ECDSA P-256 seal and stamp (a P-256 licence key; the seal maker’s P-256 key): TOTAL_PASSED', async () => {
    const csr = scratch.csr('acme-p256', 'ec-p256');
    const issued = await pki.issueFromCsr(csr, {
      profile: 'enterprise-licence',
      subject: { uscc: ACME.uscc, organizationName: ACME.name, commonName: ACME.name },
    });
    const key = scratch.read('acme-p256.key');
    const p256Seal = await makeSeal([issued.pem], { algorithm: 'p256' });
    const stamped = await stampOfd(document, {
      page: 1,
      x: 20,
      y: 20,
      width: 40,
      height: 40,
      seal: p256Seal.der,
      provider: { name: 'tongban tests' },
      signatureMethod: '1.2.840.10045.4.3.2',
      signingTime: wholeSecond(),
      sign: async (signatureXml, context) =>
        (
          await makeSesSignatureV4(
            {
              seal: p256Seal.der,
              timeInfo: context.signingTime,
              dataHash: sm3(signatureXml),
              propertyInfo: context.signatureLoc,
              cert: issued.der,
              signatureAlgID: CRYPTO_OID.ecdsaWithSha256,
            },
            (bytes) => Promise.resolve(nodeSign('sha256', bytes, { key, dsaEncoding: 'der' })),
          )
        ).der,
    });
    const [report] = await v.document(stamped);
    expect(statuses(report)).toEqual(ALL_PASSED);
    expect(report.signature?.algorithm).toBe('ECDSA P-256 with SHA-256');
    expect(check(report, 'seal').message).toContain('ECDSA P-256 with SHA-256');
  });

  describe('tampering, each with its sub-indication', () => {
    let stamped: Buffer;
    let signedValue: Buffer;
    let signatureXml: Buffer;

    beforeAll(async () => {
      stamped = await stampWith(document, seal.der, licence);
      const files = unzipSync(stamped);
      signedValue = Buffer.from(files['Doc_0/Signs/Sign_0/SignedValue.dat']);
      signatureXml = Buffer.from(files['Doc_0/Signs/Sign_0/Signature.xml']);
    });

    it('one byte of the document (a page’s content): HASH_FAILURE, naming the file', async () => {
      const changed = changeFiles(stamped, (files) => {
        const content = strFromU8(files['Doc_0/Pages/Page_0/Content.xml']);
        const at = content.indexOf('Boundary="') + 'Boundary="'.length;
        const digit = content[at];
        files['Doc_0/Pages/Page_0/Content.xml'] = strToU8(content.slice(0, at) + (digit === '1' ? '2' : '1') + content.slice(at + 1));
      });
      const [report] = await v.document(changed);
      expect(verdict(report)).toBe('TOTAL_FAILED/HASH_FAILURE');
      expect(check(report, 'dataHash').message).toMatch(/references intact \(SM3\); changed: Doc_0\/Pages\/Page_0\/Content.xml/);
      expect(report.signature?.references?.failed).toEqual(['Doc_0/Pages/Page_0/Content.xml']);
      // Everything the stamp itself carries still verifies.
      expect(check(report, 'signature').status).toBe('PASSED');
      expect(check(report, 'seal').status).toBe('PASSED');
    });

    it('one byte of the seal picture: the maker’s signature fails, SIG_CRYPTO_FAILURE on the seal (alone, in a stamp, in an OFD)', async () => {
      const flipPicture = (der: Buffer) => {
        const copy = Buffer.from(der);
        const at = copy.indexOf(PICTURE()) + 1000;
        expect(at).toBeGreaterThan(1000);
        copy[at] ^= 0x01;
        return copy;
      };
      const sealReport = await v.seal(flipPicture(seal.der));
      expect(check(sealReport, 'seal')).toMatchObject({
        status: 'FAILED',
        message: expect.stringMatching(/maker's signature .* does not verify/),
      });
      expect(verdict(sealReport)).toBe('TOTAL_FAILED/SIG_CRYPTO_FAILURE');

      // In a stamp the seal is inside TBS_Sign: the signer's signature fails with it.
      const stampReport = await v.signature(flipPicture(signedValue), { document: signatureXml });
      expect(check(stampReport, 'seal').status).toBe('FAILED');
      expect(check(stampReport, 'signature').status).toBe('FAILED');
      expect(verdict(stampReport)).toBe('TOTAL_FAILED/SIG_CRYPTO_FAILURE');

      const inOfd = changeFiles(stamped, (files) => {
        files['Doc_0/Signs/Sign_0/SignedValue.dat'] = flipPicture(signedValue);
      });
      const [report] = await v.document(inOfd);
      expect(check(report, 'seal').status).toBe('FAILED');
      expect(check(report, 'format')).toMatchObject({ status: 'PASSED', message: expect.stringContaining('its Seal.esl is another seal') });
      expect(verdict(report)).toBe('TOTAL_FAILED/SIG_CRYPTO_FAILURE');
    });

    it('one byte of the signer’s certificate: SIG_CRYPTO_FAILURE when it is still a certificate (its CA’s signature fails), FORMAT_FAILURE when it no longer is', async () => {
      const at = signedValue.lastIndexOf(licence.cert); // the SES_Signature's cert, after TBS_Sign (whose seal lists it too)
      expect(at).toBeGreaterThan(signedValue.indexOf(licence.cert));
      const withCert = (offset: number) =>
        changeFiles(stamped, (files) => {
          const changed = Buffer.from(signedValue);
          changed[at + offset] ^= 0x01;
          files['Doc_0/Signs/Sign_0/SignedValue.dat'] = changed;
        });
      // Inside the CA's signature: a well-formed certificate tongban's CA did not sign.
      const [forged] = await v.document(withCert(licence.cert.length - 3));
      expect(check(forged, 'signature').status).toBe('PASSED'); // the key is unchanged: the stamp's own signature still verifies
      expect(check(forged, 'chain')).toMatchObject({
        status: 'FAILED',
        message: expect.stringMatching(/^the signer’s certificate: the signature does not verify/),
      });
      expect(check(forged, 'certList').status).toBe('FAILED');
      expect(verdict(forged)).toBe('TOTAL_FAILED/SIG_CRYPTO_FAILURE');
      // Its first byte (the SEQUENCE tag): not a certificate at all.
      const [broken] = await v.document(withCert(0));
      expect(check(broken, 'signature')).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/certificate cannot be read/) });
      expect(verdict(broken)).toBe('TOTAL_FAILED/FORMAT_FAILURE');
    });

    it('a seal revoked after the signing time leaves the stamp valid; one revoked before it makes it REVOKED', async () => {
      const revocable = await makeSeal([licence.pem]);
      const before = await stampWith(document, revocable.der, licence, wholeSecond());
      await seals.revoke(revocable.esID, 'superseded', 'test');
      // Stamped with the revoked seal afterwards (the library does not ask the register).
      const after = await stampWith(document, revocable.der, licence, wholeSecond(Date.now() + 1000));
      const [good] = await v.document(before);
      expect(verdict(good)).toBe('TOTAL_PASSED');
      expect(check(good, 'revocation').message).toMatch(
        /^the seal: revoked at .* \(superseded\), after the time .*: what was stamped before stays valid/,
      );
      expect(good.seal).toMatchObject({ revocationReason: 'superseded', revokedAt: expect.any(String) });
      const [revoked] = await v.document(after);
      expect(check(revoked, 'revocation')).toMatchObject({
        status: 'FAILED',
        message: expect.stringMatching(/^the seal: revoked at .* \(superseded\), at or before/),
      });
      expect(verdict(revoked)).toBe('TOTAL_FAILED/REVOKED');
      expect(verdict(await v.seal(revocable.der))).toBe('TOTAL_FAILED/REVOKED');
    });

    it(`every verification sees a seal's revocation within ${SEAL_STATUS_CACHE_MS / 1000} s (statuses are reused that long, as certificates' are)`, async () => {
      const watched = await makeSeal([licence.pem]);
      expect(verdict(await v.seal(watched.der))).toBe('TOTAL_PASSED');
      await seals.revoke(watched.esID, 'superseded', 'test');
      const deadline = Date.now() + SEAL_STATUS_CACHE_MS + 1_000;
      let report = await v.seal(watched.der);
      while (report.indication === 'TOTAL_PASSED' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        report = await v.seal(watched.der);
      }
      expect(verdict(report)).toBe('TOTAL_FAILED/REVOKED');
    });

    it('a seal revoked as compromised after the claimed signing time: REVOKED_NO_POE (the time is the signer’s word, no timestamp)', async () => {
      const compromised = await makeSeal([licence.pem]);
      const stampedBefore = await stampWith(document, compromised.der, licence, wholeSecond());
      await seals.revoke(compromised.esID, 'compromised', 'test');
      const [report] = await v.document(stampedBefore);
      expect(check(report, 'revocation').status).toBe('INDETERMINATE');
      expect(verdict(report)).toBe('INDETERMINATE/REVOKED_NO_POE');
    });

    it('the signer’s certificate revoked before the signing time: REVOKED; after it: valid', async () => {
      const signer = await sm2Licence('acme-revoked');
      const its = await makeSeal([signer.pem]);
      const before = await stampWith(document, its.der, signer, wholeSecond());
      await pki.revoke(signer.serial, 'cessationOfOperation');
      const after = await stampWith(document, its.der, signer, wholeSecond(Date.now() + 1000));
      const [good] = await v.document(before);
      expect(verdict(good)).toBe('TOTAL_PASSED');
      expect(check(good, 'revocation').message).toMatch(
        /the signer’s certificate: not revoked at the signing time \(revoked at .*, later\)/,
      );
      expect(verdict((await v.document(after))[0])).toBe('TOTAL_FAILED/REVOKED');
    });

    it('a seal expired, or not yet valid, at the signing time: EXPIRED / NOT_YET_VALID', async () => {
      const short = await makeSeal([licence.pem], { validEnd: new Date(Date.now() + DAY) });
      const late = await stampWith(document, short.der, licence, wholeSecond(short.validEnd.getTime() + 3600_000));
      const [expired] = await v.document(late);
      expect(check(expired, 'seal')).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/expired at/) });
      expect(verdict(expired)).toBe('TOTAL_FAILED/EXPIRED');
      const early = await stampWith(document, short.der, licence, wholeSecond(short.validStart.getTime() - 10_000));
      expect(verdict((await v.document(early))[0])).toBe('TOTAL_FAILED/NOT_YET_VALID');
    });

    it('a signer certificate the seal does not list: certList FAILED, INDETERMINATE / SIG_CONSTRAINTS_FAILURE', async () => {
      const unlisted = await sm2Licence('acme-unlisted');
      const [report] = await v.document(await stampWith(document, seal.der, unlisted));
      expect(check(report, 'certList')).toMatchObject({
        status: 'FAILED',
        message: "the signer's certificate is not among the 1 certificate(s) the seal allows",
      });
      expect(statuses(report).filter((s) => !s.endsWith('PASSED'))).toEqual(['certList:FAILED']);
      expect(verdict(report)).toBe('INDETERMINATE/SIG_CONSTRAINTS_FAILURE');
    });

    it('a seal made by an untrusted maker (a self-signed SM2 certificate), listing tongban’s licence: NO_CERTIFICATE_CHAIN_FOUND', async () => {
      const maker = sm2Certificate('self', { subject: { commonName: 'Unknown Seal Maker' } });
      const foreign = await sm2Seal(maker, sealInfoFor([licence.cert]));
      const [report] = await v.document(await stampWith(document, foreign.der, licence));
      expect(check(report, 'chain')).toMatchObject({
        status: 'INDETERMINATE',
        message: expect.stringMatching(/the signer’s certificate: issued by .*; the maker’s certificate: no path/),
      });
      expect(check(report, 'seal').status).toBe('PASSED');
      expect(verdict(report)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
      expect(verdict(await v.seal(foreign.der))).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
    });
  });

  describe('requests', () => {
    it('bytes that are not a seal, a stamp or an OFD: 200 with FORMAT_FAILURE; an unreadable package is one report, never an empty list', async () => {
      const junk = Buffer.from('not a seal at all');
      expect(verdict(await v.seal(junk))).toBe('TOTAL_FAILED/FORMAT_FAILURE');
      expect(verdict(await v.signature(junk))).toBe('TOTAL_FAILED/FORMAT_FAILURE');
      const reports = await v.document(junk);
      expect(reports).toHaveLength(1);
      expect(verdict(reports[0])).toBe('TOTAL_FAILED/FORMAT_FAILURE');
      expect(check(reports[0], 'format').message).toMatch(/^not a readable OFD document/);
      // A stamp given where a seal is asked for, and the other way round.
      expect(verdict(await v.seal(decodeSesSignature(sesFixture('SignedValueV4.dat')).der))).toBe('TOTAL_FAILED/FORMAT_FAILURE');
      expect(verdict(await v.signature(seal.der))).toBe('TOTAL_FAILED/FORMAT_FAILURE');
      expect(decodeSeal(seal.der).layout).toBe('v4');
    });

    it('a body of the wrong shape is 400 validation_failed (not base64, missing, both document and digest, a field of another kind)', async () => {
      const bad = async (path: string, body: unknown) => {
        const response = await v.post(path, body);
        expect(response.status).toBe(400);
        return (await response.json()) as { error: string; details: Array<{ field: string; problems: string[] }> };
      };
      expect(await bad('seal', { seal: 'not base64!' })).toMatchObject({ error: 'validation_failed', details: [{ field: 'seal' }] });
      expect((await bad('seal', {})).details[0].field).toBe('seal');
      expect((await bad('seal', { seal: 42 })).error).toBe('validation_failed');
      expect(
        (await bad('signature', { signature: 'AAAA', document: 'AAAA', digest: '00'.repeat(32) })).details.map((d) => d.field),
      ).toContain('document');
      expect((await bad('signature', { signature: 'AAAA', digest: 'xyz' })).details[0].field).toBe('digest');
      expect((await bad('document', { document: 'AAAA', extra: 1 })).error).toBe('validation_failed');
      expect((await bad('batch', { items: [{ kind: 'seal', pem: 'x' }] })).details.map((d) => d.field)).toEqual(
        expect.arrayContaining(['items.0.seal', 'items.0.pem']),
      );
      expect((await bad('batch', { items: [{ kind: 'certificate', pem: 'x', digest: '00'.repeat(32) }] })).details[0].field).toBe(
        'items.0.digest',
      );
      const bigger = 'A'.repeat(4 * Math.ceil((10 * 1024 * 1024) / 3) + 4);
      expect((await bad('document', { document: bigger })).details[0].field).toBe('document');
      const tooLarge = await v.post('document', { document: 'A'.repeat(16 * 1024 * 1024) });
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.json()).toMatchObject({ error: 'payload_too_large' });
    });

    it('a batch of every kind answers in order; a document item answers { signatures }', async () => {
      const stamped = await stampWith(document, seal.der, licence);
      const response = await v.post('batch', {
        items: [
          { kind: 'certificate', pem: licence.pem },
          { kind: 'seal', seal: seal.der.toString('base64') },
          { kind: 'signature', signature: decodeSesSignature(sesFixture('SignedValueV4.dat')).der.toString('base64') },
          { kind: 'document', document: stamped.toString('base64') },
          { kind: 'document', document: sesFixture('helloworld.ofd').toString('base64') },
        ],
      });
      expect(response.status).toBe(200);
      const { reports } = (await response.json()) as { reports: Array<Report | { signatures: Report[] }> };
      expect(reports).toHaveLength(5);
      expect(verdict(reports[0] as Report)).toBe('TOTAL_PASSED');
      expect(verdict(reports[1] as Report)).toBe('TOTAL_PASSED');
      expect(verdict(reports[2] as Report)).toBe('INDETERMINATE/SIGNED_DATA_NOT_FOUND');
      expect((reports[3] as { signatures: Report[] }).signatures.map(verdict)).toEqual(['TOTAL_PASSED']);
      expect(reports[4]).toEqual({ signatures: [] });
    });
  });
});

describe(`the rate limit on ${backend}: a document counts once per signature`, () => {
  let v: Verifier;
  const scratch = new Scratch();

  beforeAll(async () => {
    v = await startVerifier({ VERIFY_RATE_LIMIT_PER_MINUTE: '4' });
  });
  afterAll(async () => {
    scratch.cleanup();
    await v.close();
  });

  it('a document of two signatures takes two from the allowance: the third such call waits (429 with Retry-After)', async () => {
    const root = sm2Certificate('self', { subject: { commonName: 'limit test maker' } });
    const signer = sm2Certificate('self', { subject: { commonName: 'limit test signer' } });
    const foreign = await sm2Seal(root, sealInfoFor([signer.cert]));
    const twice = await stampWith(await stampWith(sampleOfd(), foreign.der, signer), foreign.der, signer);
    const call = () => v.post('document', { document: twice.toString('base64') });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ error: 'too_many_requests' });
  });
});
