import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { CRYPTO_OID } from '../../src/crypto/oids.js';
import { readSm2PrivateKeyPem } from '../../src/crypto/sm2-key-encoding.js';
import { sm2Signer } from '../../src/crypto/sm2.js';
import { sm3 } from '../../src/crypto/sm3.js';
import { stampOfd } from '../../src/ofd/index.js';
import { pemBlocks } from '../../src/pki/x509.js';
import { makeSesSignatureV4 } from '../../src/seals/index.js';
import { SES_FIXTURES, sesFixture } from '../seals/fixtures.js';
import { backend } from '../support/test-env.js';
import { check, expectIntegrity, startVerifier, statuses, verdict, type Verifier } from './support.js';

/**
 * Every file of the third-party fixtures (test/fixtures/ses) through the HTTP API,
 * with what its README says a correct verifier answers — and the one place the README is wrong
 * (sign_cert.pem is not the certificate UserV4.esl lists).
 */
describe(`the shared SES/OFD fixtures through /api/v1/verify on ${backend}`, () => {
  let v: Verifier;
  const covered = new Set<string>();
  const fixture = (name: string) => {
    covered.add(name);
    return sesFixture(name);
  };

  beforeAll(async () => {
    v = await startVerifier();
  });
  afterAll(async () => {
    await v.close();
  });

  it.each(['helloworld.ofd', 'VPage7.ofd', 'namespace_no_std.ofd'])('%s: unsigned, so no signatures (signatures: [])', async (name) => {
    expect(await v.document(fixture(name))).toEqual([]);
  });

  it.each([
    ['v4signed.ofd', 13, '2020-10-10T07:11:20.000Z', '50011200000399'],
    ['signedFile.ofd', 13, '2020-10-04T07:28:55.000Z', '32010600000001'],
    ['allprotected.ofd', 6, '2020-10-23T11:45:37.000Z', '51f044b76510434e9bc67a1185c2fba5'],
  ])(
    '%s: integrity PASSED (%i references), no chain to a trust anchor: INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND',
    async (name, references, signingTime, esID) => {
      const reports = await v.document(fixture(name));
      expect(reports).toHaveLength(1);
      const [report] = reports;
      expectIntegrity(report);
      expect(verdict(report)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
      expect(statuses(report)).toEqual([
        'format:PASSED',
        'dataHash:PASSED',
        'signature:PASSED',
        'seal:PASSED',
        'certList:PASSED',
        'chain:INDETERMINATE',
        'revocation:INDETERMINATE',
        'validity:PASSED',
      ]);
      expect(check(report, 'dataHash').message).toContain(`${references} of ${references} references intact (SM3)`);
      expect(report.signature).toMatchObject({
        type: 'Seal',
        references: { total: references, intact: references },
        algorithm: 'SM2 with SM3',
      });
      expect(report.signature?.references?.failed).toBeUndefined();
      expect(report.signingTime).toBe(signingTime);
      expect(report.seal).toMatchObject({ esID, format: 'GB/T 38540' });
      expect(check(report, 'chain').message).toMatch(/signer’s certificate: no path.*maker’s certificate: no path/);
    },
  );

  it('SESV4SignDoc.ofd: integrity PASSED, but the seal had expired at the signing time: TOTAL_FAILED / EXPIRED', async () => {
    const [report, ...more] = await v.document(fixture('SESV4SignDoc.ofd'));
    expect(more).toEqual([]);
    expectIntegrity(report);
    expect(verdict(report)).toBe('TOTAL_FAILED/EXPIRED');
    expect(report.signingTime).toBe('2026-08-04T02:08:09.000Z');
    expect(check(report, 'seal')).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/expired at 2026-08-04T02:08:09/) });
    expect(report.seal).toMatchObject({ validEnd: '2022-04-22T02:09:00.000Z' });
  });

  it('DigitalSign.ofd: a signature of Type Sign (GB/T 35275), not a seal — references 4/4 intact, a clear report, never TOTAL_PASSED', async () => {
    const [report, ...more] = await v.document(fixture('DigitalSign.ofd'));
    expect(more).toEqual([]);
    expect(report.signature).toMatchObject({ id: 's001', type: 'Sign', references: { total: 4, intact: 4 }, algorithm: 'SM2 with SM3' });
    expect(statuses(report)).toEqual(['format:PASSED', 'dataHash:PASSED', 'signature:INDETERMINATE']);
    expect(check(report, 'format').message).toMatch(/Type Sign .*not an electronic seal.*bare signature value/);
    expect(check(report, 'dataHash').message).toContain('4 of 4 references intact (SM3)');
    expect(verdict(report)).toBe('INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND');
    expect(report.seal).toBeUndefined();
  });

  it('UserV4.esl: the maker’s signature PASSES; the seal has expired now: TOTAL_FAILED / EXPIRED', async () => {
    const report = await v.seal(fixture('UserV4.esl'));
    expect(verdict(report)).toBe('TOTAL_FAILED/EXPIRED');
    expect(statuses(report)).toEqual([
      'format:PASSED',
      'seal:FAILED',
      'chain:INDETERMINATE',
      'revocation:INDETERMINATE',
      'validity:FAILED',
    ]);
    expect(check(report, 'seal').message).toMatch(
      /^the maker's signature over the seal information verifies \(SM2 with SM3\); .*expired at/,
    );
    expect(report.seal).toMatchObject({
      esID: '51f044b76510434e9bc67a1185c2fba5',
      name: 'OFD R&W 测试用印章',
      type: 3,
      format: 'GB/T 38540',
      vendor: 'OFDR&WTest',
      validStart: '2020-04-22T02:09:00.000Z',
      validEnd: '2022-04-22T02:09:00.000Z',
      maker: { commonName: 'Test Certificate', organizationName: 'OFD R&W' },
    });
    expect(report.signingTime).toBeUndefined();
  });

  it('UserV1.esl: read as the older GM/T 0031-2014 layout; the maker’s signature PASSES (and it has expired now)', async () => {
    const report = await v.seal(fixture('UserV1.esl'));
    expect(check(report, 'format')).toMatchObject({ status: 'PASSED', message: expect.stringMatching(/^GM\/T 0031-2014 seal/) });
    expect(check(report, 'seal').message).toMatch(/^the maker's signature over the seal information verifies/);
    expect(report.seal).toMatchObject({ format: 'GM/T 0031-2014', esID: '40C8CDD24DEF43388B86E62CCE1D6832', vendor: 'OFDR&WTest' });
    expect(verdict(report)).toBe('TOTAL_FAILED/EXPIRED');
  });

  it('SESealData.DER: parsed without error, its maker’s signature does not verify: TOTAL_FAILED / SIG_CRYPTO_FAILURE', async () => {
    const report = await v.seal(fixture('SESealData.DER'));
    expect(check(report, 'format').status).toBe('PASSED');
    expect(check(report, 'seal')).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/does not verify/) });
    expect(verdict(report)).toBe('TOTAL_FAILED/SIG_CRYPTO_FAILURE');
    expect(report.seal).toMatchObject({ vendor: 'Vid HebeiGede', type: 4 });
  });

  it('SignedValueV4.dat without its document: signature, seal and certList PASSED; the data hash cannot be checked, so never TOTAL_PASSED', async () => {
    const report = await v.signature(fixture('SignedValueV4.dat'));
    expect(statuses(report)).toEqual([
      'format:PASSED',
      'dataHash:INDETERMINATE',
      'signature:PASSED',
      'seal:PASSED',
      'certList:PASSED',
      'chain:INDETERMINATE',
      'revocation:INDETERMINATE',
      'validity:PASSED',
    ]);
    // ETSI EN 319 102-1 §5.3.4: an undecided cryptographic check (no signed data) is the answer over an undecided chain.
    expect(verdict(report)).toBe('INDETERMINATE/SIGNED_DATA_NOT_FOUND');
    expect(report.signingTime).toBe('2020-10-12T11:14:03.000Z');
    expect(report.signature).toMatchObject({ type: 'Seal', propertyInfo: '/Doc_0/Signs/Sign_0/Signature.xml' });
    // A digest that is not the one signed is a proven failure. (ofdrw's test stamp signed a data
    // hash of 32 zero bytes: that "digest" is the one it signed, and then only the chain is missing.)
    const wrong = await v.signature(fixture('SignedValueV4.dat'), { digest: '11'.repeat(32) });
    expect(verdict(wrong)).toBe('TOTAL_FAILED/HASH_FAILURE');
    expect(check(wrong, 'dataHash')).toMatchObject({ status: 'FAILED', message: 'the stamp’s data hash is not the SM3 digest given' });
    const zero = await v.signature(fixture('SignedValueV4.dat'), { digest: '00'.repeat(32) });
    expect(check(zero, 'dataHash').status).toBe('PASSED');
    expect(verdict(zero)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('sign_cert.pem + sign_key.pem stamping helloworld.ofd with UserV4.esl: intact, but NOT the certificate the seal lists (the README says it is) — certList FAILED', async () => {
    const seal = fixture('UserV4.esl');
    const [cert] = pemBlocks(fixture('sign_cert.pem').toString('latin1'), ['CERTIFICATE']);
    const key = readSm2PrivateKeyPem(fixture('sign_key.pem').toString('latin1'));
    // Inside the seal's validity (2020-04-22 to 2022-04-22) and the certificate's (2021-07-29 to 2023-07-29).
    const signingTime = new Date('2021-08-02T03:04:05Z');
    const stamped = await stampOfd(fixture('helloworld.ofd'), {
      page: 1,
      x: 20,
      y: 20,
      width: 40,
      height: 40,
      seal,
      provider: { name: 'tongban tests' },
      signingTime,
      sign: async (signatureXml, context) =>
        (
          await makeSesSignatureV4(
            {
              seal,
              timeInfo: context.signingTime,
              dataHash: sm3(signatureXml),
              propertyInfo: context.signatureLoc,
              cert,
              signatureAlgID: CRYPTO_OID.sm2WithSm3,
            },
            sm2Signer(key),
          )
        ).der,
    });
    const [report] = await v.document(stamped);
    expect(check(report, 'dataHash').status).toBe('PASSED');
    expect(check(report, 'signature').status).toBe('PASSED');
    expect(check(report, 'seal').status).toBe('PASSED');
    expect(check(report, 'certList')).toMatchObject({
      status: 'FAILED',
      message: "the signer's certificate is not among the 1 certificate(s) the seal allows",
    });
    expect(check(report, 'validity').status).toBe('PASSED');
    // The missing chain comes first (ETSI: certificate validation before signature acceptance); certList FAILED is in the report.
    expect(verdict(report)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
    expect(report.signingTime).toBe(signingTime.toISOString());
  });

  it('StampImg.png is UserV4.esl’s picture; as a seal it is not one: FORMAT_FAILURE, 200', async () => {
    const picture = fixture('StampImg.png');
    expect(sesFixture('UserV4.esl').includes(picture)).toBe(true);
    const report = await v.seal(picture);
    expect(verdict(report)).toBe('TOTAL_FAILED/FORMAT_FAILURE');
    expect(statuses(report)[0]).toBe('format:FAILED');
  });

  it('covers every file of the fixtures directory (a new fixture needs its expectation here)', () => {
    const files = readdirSync(SES_FIXTURES).filter((name) => name !== 'README.md');
    expect(files.filter((name) => !covered.has(name))).toEqual([]);
  });
});
