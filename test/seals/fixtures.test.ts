import { describe, expect, it } from '@jest/globals';
import { sm3 } from '../../src/crypto/sm3.js';
import { checkSignatureWithCertificate } from '../../src/seals/checks/signature-with-certificate.js';
import {
  checkCertList,
  checkMakerSignature,
  checkSealValidity,
  checkSignerSignature,
  decodeSeal,
  decodeSesSignature,
  encodeSealV4,
  makerSignatureOf,
  SealFormatError,
  signerSignatureOf,
  signingTimeOf,
  type DecodedSealV1,
  type DecodedSealV4,
  type DecodedSesSignatureV4,
} from '../../src/seals/index.js';
import { sequence } from '../../src/pki/der.js';
import { parseCertificate, pemBlocks } from '../../src/pki/x509.js';
import { sesFixture } from './fixtures.js';
import { ofdStamps } from './ofd-stamps.js';

/** The third-party files of test/fixtures/ses give what its README says of each. */

function sealV4(name: string): DecodedSealV4 {
  const seal = decodeSeal(sesFixture(name));
  if (seal.layout !== 'v4') throw new Error(`${name} is not read as GB/T 38540`);
  return seal;
}

function signatureV4(der: Buffer): DecodedSesSignatureV4 {
  const signature = decodeSesSignature(der);
  if (signature.layout !== 'v4') throw new Error('not read as GB/T 38540');
  return signature;
}

describe('UserV4.esl (ofdrw, GB/T 38540)', () => {
  const seal = sealV4('UserV4.esl');

  it('decodes as version 4 with the fields the file holds', () => {
    const { header, esID, property, picture, extDatas } = seal.eSealInfo;
    expect(header).toEqual({ id: 'ES', version: 4, vid: 'OFDR&WTest' });
    expect(esID).toBe('51f044b76510434e9bc67a1185c2fba5');
    expect(property.type).toBe(3);
    expect(property.name).toBe('OFD R&W 测试用印章');
    expect(property.certList.kind).toBe('certs');
    expect(property.validStart.toISOString()).toBe('2020-04-22T02:09:00.000Z');
    expect(property.validEnd.toISOString()).toBe('2022-04-22T02:09:00.000Z');
    expect(picture.type).toBe('PNG');
    expect(picture.data.equals(sesFixture('StampImg.png'))).toBe(true);
    expect([picture.width, picture.height]).toEqual([40, 40]);
    expect(extDatas).toBeUndefined();
    expect(seal.signAlgID).toBe('1.2.156.10197.1.501');
  });

  it("the maker's signature PASSES; the seal is valid in 2021 and has EXPIRED now", () => {
    expect(checkMakerSignature(seal).status).toBe('PASSED');
    expect(checkSealValidity(seal, new Date('2021-01-01T00:00:00Z')).status).toBe('PASSED');
    expect(checkSealValidity(seal, new Date())).toMatchObject({ status: 'FAILED', subIndication: 'EXPIRED' });
    expect(checkSealValidity(seal, new Date('2020-01-01T00:00:00Z'))).toMatchObject({ status: 'FAILED', subIndication: 'NOT_YET_VALID' });
  });

  it('encodes back to the same bytes from its fields (ofdrw writes DER as the reference file does)', () => {
    expect(encodeSealV4(seal).equals(seal.der)).toBe(true);
  });

  it("does not list sign_cert.pem, though the fixtures' README says it is the listed certificate (same subject, another key and serial)", () => {
    const signCert = pemBlocks(sesFixture('sign_cert.pem').toString('latin1'), ['CERTIFICATE'])[0];
    const listed = seal.eSealInfo.property.certList.kind === 'certs' ? seal.eSealInfo.property.certList.certs[0] : Buffer.alloc(0);
    expect(parseCertificate(listed).subject).toEqual(parseCertificate(signCert).subject);
    expect(parseCertificate(listed).serial).not.toBe(parseCertificate(signCert).serial);
    expect(checkCertList(seal, signCert)).toMatchObject({ status: 'FAILED', subIndication: 'SIG_CONSTRAINTS_FAILURE' });
    expect(checkCertList(seal, listed).status).toBe('PASSED');
  });
});

describe('UserV1.esl (ofdrw, GM/T 0031-2014)', () => {
  const seal = decodeSeal(sesFixture('UserV1.esl')) as DecodedSealV1;

  it('decodes as the older layout: two fields, header version 1, UTCTime dates, no certListType', () => {
    expect(seal.layout).toBe('v1');
    expect(seal.sealInfo.header).toEqual({ id: 'ES', version: 1, vid: 'OFDR&WTest' });
    expect(seal.sealInfo.property.name).toBe('OFDRW测试用印章');
    expect(seal.sealInfo.property.certList).toHaveLength(1);
    expect(seal.sealInfo.property.validEnd.toISOString()).toBe('2022-04-22T02:18:07.000Z');
    expect(seal.signInfo.signatureAlgorithm).toBe('1.2.156.10197.1.501');
  });

  it("the maker's signature over SEQUENCE { sealInfo, cert, signatureAlgorithm } PASSES (and over sealInfo alone would not)", () => {
    expect(checkMakerSignature(seal).status).toBe('PASSED');
    const part = makerSignatureOf(seal);
    const sealInfo = seal.der.subarray(4, 4 + 4 + 16377);
    expect(part.signedBytes.subarray(4, 4 + sealInfo.length).equals(sealInfo)).toBe(true);
    expect(part.signedBytes.subarray(-10).toString('hex')).toBe('06082a811ccf55018375');
    const overSealInfoOnly = checkSignatureWithCertificate({ ...part, signedBytes: sealInfo }, 'x');
    expect(overSealInfoOnly.status).toBe('FAILED');
  });

  it('lists the same signer certificate as UserV4.esl', () => {
    const v4 = sealV4('UserV4.esl').eSealInfo.property.certList;
    expect(v4.kind === 'certs' && v4.certs[0].equals(seal.sealInfo.property.certList[0])).toBe(true);
    expect(checkCertList(seal, seal.sealInfo.property.certList[0]).status).toBe('PASSED');
  });
});

describe('SESealData.DER (a third-party seal, vendor "HebeiGede")', () => {
  const seal = sealV4('SESealData.DER');

  it('parses without error, including ExtDatas that write critical FALSE explicitly', () => {
    expect(seal.eSealInfo.header.vid).toBe('Vid HebeiGede');
    expect(seal.eSealInfo.property.certList.kind === 'certs' && seal.eSealInfo.property.certList.certs).toHaveLength(2);
    expect(seal.eSealInfo.extDatas?.map((ext) => [ext.extnID, ext.critical])).toEqual([
      ['1.2.156.112600.7.1', false],
      ['1.2.156.112600.7.2', true],
      ['1.2.156.112600.7.3', false],
    ]);
    // What tongban would write differs (DER leaves DEFAULT FALSE out): hence the signed bytes are kept as received.
    expect(encodeSealV4(seal).equals(seal.der)).toBe(false);
    expect(seal.der.subarray(4, 4 + seal.eSealInfoDer.length).equals(seal.eSealInfoDer)).toBe(true);
  });

  it("its maker's signature FAILS, over either signing range", () => {
    expect(checkMakerSignature(seal)).toMatchObject({ status: 'FAILED', subIndication: 'SIG_CRYPTO_FAILURE' });
    const part = makerSignatureOf(seal);
    const v1Range = sequence(
      seal.eSealInfoDer,
      seal.der.subarray(4 + seal.eSealInfoDer.length, seal.der.length - part.signature.length - 3),
    );
    expect(checkSignatureWithCertificate({ ...part, signedBytes: v1Range }, 'x').status).toBe('FAILED');
  });
});

describe('SignedValueV4.dat (an SES_Signature without its document)', () => {
  const signature = signatureV4(sesFixture('SignedValueV4.dat'));
  const seal = signature.toSign.eseal;

  it("signer's signature, seal and certList PASS; the seal was valid at the signing time", () => {
    expect(checkSignerSignature(signature).status).toBe('PASSED');
    expect(checkMakerSignature(seal).status).toBe('PASSED');
    expect(checkCertList(seal, signature.cert).status).toBe('PASSED');
    expect(signingTimeOf(signature)?.toISOString()).toBe('2020-10-12T11:14:03.000Z');
    expect(checkSealValidity(seal, signature.toSign.timeInfo).status).toBe('PASSED');
  });

  it('carries the fields of TBS_Sign version 4', () => {
    expect(signature.toSign.version).toBe(4);
    expect(signature.toSign.propertyInfo).toBe('/Doc_0/Signs/Sign_0/Signature.xml');
    expect(signature.toSign.dataHash).toHaveLength(32);
    expect(signature.toSign.extDatas).toBeUndefined();
    expect(signature.timeStamp).toBeUndefined();
    expect(seal.eSealInfo.esID).toBe('51f044b76510434e9bc67a1185c2fba5');
  });

  it('a changed byte in TBS_Sign makes the signer signature FAIL', () => {
    const der = Buffer.from(signature.der);
    expect(der.subarray(30, 40).toString('latin1')).toBe('OFDR&WTest');
    der[31] ^= 0x01; // the seal's vendor id: still well-formed
    const changed = signatureV4(der);
    expect(checkSignerSignature(changed)).toMatchObject({ status: 'FAILED', subIndication: 'SIG_CRYPTO_FAILURE' });
  });
});

describe('stamps inside the OFD fixtures (unzipped here with fflate)', () => {
  const expected: Record<string, { sealValidAtSigning: boolean; time: string; sealEsl: boolean }> = {
    'v4signed.ofd': { sealValidAtSigning: true, time: '2020-10-10T07:11:20.000Z', sealEsl: false },
    'signedFile.ofd': { sealValidAtSigning: true, time: '2020-10-04T07:28:55.000Z', sealEsl: false },
    'allprotected.ofd': { sealValidAtSigning: true, time: '2020-10-23T11:45:37.000Z', sealEsl: true },
    'SESV4SignDoc.ofd': { sealValidAtSigning: false, time: '2026-08-04T02:08:09.000Z', sealEsl: true },
  };

  for (const [fixture, expectation] of Object.entries(expected)) {
    it(`${fixture}: the SES_Signature decodes; signer signature, seal and certList PASS; seal ${expectation.sealValidAtSigning ? 'valid' : 'EXPIRED'} at signing time`, () => {
      const stamps = ofdStamps(fixture);
      expect(stamps).toHaveLength(1);
      const [stamp] = stamps;
      const signature = signatureV4(stamp.signedValue);
      const seal = signature.toSign.eseal;
      expect(checkSignerSignature(signature).status).toBe('PASSED');
      expect(checkMakerSignature(seal).status).toBe('PASSED');
      expect(checkCertList(seal, signerSignatureOf(signature).cert).status).toBe('PASSED');
      expect(signature.toSign.timeInfo.toISOString()).toBe(expectation.time);
      expect(checkSealValidity(seal, signature.toSign.timeInfo)).toMatchObject(
        expectation.sealValidAtSigning ? { status: 'PASSED' } : { status: 'FAILED', subIndication: 'EXPIRED' },
      );
      // dataHash is SM3 of the stamp's Signature.xml (the OFD layer checks it; here it confirms the reading).
      expect(signature.toSign.dataHash.equals(sm3(stamp.signatureXml))).toBe(true);
      expect(stamp.sealEsl !== undefined).toBe(expectation.sealEsl);
      if (stamp.sealEsl) {
        const sealEsl = decodeSeal(stamp.sealEsl);
        expect(sealEsl.der.equals(seal.der)).toBe(true);
        expect(checkMakerSignature(sealEsl).status).toBe('PASSED');
      }
    });
  }

  it("the tax bureaus' seals carry an extension with critical FALSE written out", () => {
    const seal = signatureV4(ofdStamps('v4signed.ofd')[0].signedValue).toSign.eseal;
    expect(seal.eSealInfo.header.vid).toBe('GOMAIN');
    expect(seal.eSealInfo.picture.type).toBe('ofd');
    expect(seal.eSealInfo.extDatas).toEqual([{ extnID: '1.2.156.10197.6.7.2.2.1', critical: false, extnValue: Buffer.from('2.1') }]);
  });

  it('DigitalSign.ofd holds a GB/T 35275 CMS signature, not an SES_Signature: SealFormatError, nothing else', () => {
    const [stamp] = ofdStamps('DigitalSign.ofd');
    expect(() => decodeSesSignature(stamp.signedValue)).toThrow(SealFormatError);
  });
});
