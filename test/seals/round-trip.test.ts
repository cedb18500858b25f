import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { CRYPTO_OID } from '../../src/crypto/oids.js';
import { sm3 } from '../../src/crypto/sm3.js';
import {
  checkCertList,
  checkMakerSignature,
  checkSealValidity,
  checkSignerSignature,
  decodeSeal,
  decodeSesSignature,
  encodeSealV4,
  encodeSesSignatureV4,
  makeSealV4,
  makeSesSignatureV4,
  SealFormatError,
  type DecodedSealV4,
  type ExtData,
} from '../../src/seals/index.js';
import { mustOpenssl, openssl, Scratch } from '../pki/support.js';
import { opensslSm2Verify } from '../crypto/openssl-sm2.js';
import { sesFixture } from './fixtures.js';
import { asn1parse, bitStringValue, elementBytes, layout, type Asn1Line } from './openssl-asn1.js';
import { p256Party, sealInfo, sm2Party } from './parties.js';
import { readSm2PrivateKeyPem } from '../../src/crypto/sm2-key-encoding.js';
import { sm2Signer } from '../../src/crypto/sm2.js';
import { pemBlocks } from '../../src/pki/x509.js';

/**
 * Seals and stamps made here: decoded back to what went in, read by OpenSSL's own ASN.1 parser
 * with the reference file's layout (tags, order, implicit and explicit tagging, time types), and
 * their signatures checked by OpenSSL.
 */
const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const maker = sm2Party(scratch, 'maker');
const signer = sm2Party(scratch, 'signer');
const extDatas: ExtData[] = [
  { extnID: '1.2.156.112600.7.1', critical: false, extnValue: Buffer.from('91110000100000000X') },
  { extnID: '1.2.156.112600.7.2', critical: true, extnValue: Buffer.from([1, 2, 3]) },
];

/** The seal's layout by the reference ASN.1, as "depth TAG" lines for openssl asn1parse, from depth `d`. */
function sealLayout(d: number, certList: string[], withExtDatas: boolean): string[] {
  return [
    `${d} SEQUENCE`,
    `${d + 1} SEQUENCE`, // eSealInfo
    `${d + 2} SEQUENCE`, // header
    `${d + 3} IA5STRING`,
    `${d + 3} INTEGER`,
    `${d + 3} IA5STRING`,
    `${d + 2} IA5STRING`, // esID
    `${d + 2} SEQUENCE`, // property
    `${d + 3} INTEGER`, // type
    `${d + 3} UTF8STRING`, // name
    `${d + 3} INTEGER`, // certListType
    `${d + 3} SEQUENCE`, // certList
    ...certList.map((line) => `${d + 4 + Number(line[0])} ${line.slice(2)}`),
    `${d + 3} GENERALIZEDTIME`,
    `${d + 3} GENERALIZEDTIME`,
    `${d + 3} GENERALIZEDTIME`,
    `${d + 2} SEQUENCE`, // picture
    `${d + 3} IA5STRING`,
    `${d + 3} OCTET STRING`,
    `${d + 3} INTEGER`,
    `${d + 3} INTEGER`,
    ...(withExtDatas
      ? [
          `${d + 2} SEQUENCE`,
          `${d + 3} SEQUENCE`,
          `${d + 4} OBJECT`,
          `${d + 4} OCTET STRING`,
          `${d + 3} SEQUENCE`,
          `${d + 4} OBJECT`,
          `${d + 4} BOOLEAN`,
          `${d + 4} OCTET STRING`,
        ]
      : []),
    `${d + 1} OCTET STRING`, // cert
    `${d + 1} OBJECT`, // signAlgID
    `${d + 1} BIT STRING`, // signedValue
  ];
}

function value(lines: Asn1Line[], index: number): string {
  return lines[index].value;
}

async function sm2Seal(): Promise<DecodedSealV4> {
  return makeSealV4({ eSealInfo: sealInfo([signer.cert], { extDatas }), cert: maker.cert, signAlgID: CRYPTO_OID.sm2WithSm3 }, maker.sign);
}

describe('a seal made here (SM2 with SM3)', () => {
  it('decodes back to the same fields, and its fields encode back to the same bytes', async () => {
    const seal = await sm2Seal();
    const decoded = decodeSeal(seal.der);
    expect(decoded.layout).toBe('v4');
    if (decoded.layout !== 'v4') return;
    expect(decoded.eSealInfo).toEqual(sealInfo([signer.cert], { extDatas }));
    expect(decoded.cert.equals(maker.cert)).toBe(true);
    expect(decoded.signAlgID).toBe(CRYPTO_OID.sm2WithSm3);
    expect(encodeSealV4(decoded).equals(seal.der)).toBe(true);
    expect(checkMakerSignature(decoded).status).toBe('PASSED');
  });

  it('openssl asn1parse finds the reference layout: GeneralizedTime dates, certListType 1, DEFAULT FALSE left out', async () => {
    const seal = await sm2Seal();
    const lines = asn1parse(scratch, seal.der);
    expect(layout(lines)).toEqual(sealLayout(0, ['0 OCTET STRING'], true));
    expect([value(lines, 3), value(lines, 4), value(lines, 5), value(lines, 6)]).toEqual([
      'ES',
      '04',
      'tongban',
      'TB91110000100000000X0001',
    ]);
    expect([value(lines, 8), value(lines, 9), value(lines, 10)]).toEqual(['01', '北京某某科技有限公司', '01']);
    expect([value(lines, 13), value(lines, 14), value(lines, 15)]).toEqual(['20260105080000Z', '20260105080000Z', '20290105080000Z']);
    expect([value(lines, 17), value(lines, 19), value(lines, 20)]).toEqual(['PNG', '2A', '2A']);
    expect(value(lines, 27)).toBe('255');
    expect(value(lines, lines.length - 2)).toBe('SM2-with-SM3');
  });

  it("the maker's signature over DER(eSealInfo) verifies with openssl (and not with another user ID)", async () => {
    const seal = await sm2Seal();
    const lines = asn1parse(scratch, seal.der);
    const infoPath = scratch.write('seal-info.der', elementBytes(seal.der, lines[1]));
    const signature = bitStringValue(seal.der, lines[lines.length - 1]);
    expect(opensslSm2Verify(scratch, maker.certPath, infoPath, signature, { certificate: true })).toBe(true);
    expect(opensslSm2Verify(scratch, maker.certPath, infoPath, signature, { certificate: true, userId: 'tongban' })).toBe(false);
  });

  it('lists signer certificates by digest (certListType 2) and finds the signer by SM3 or SHA-256', async () => {
    const other = sm2Party(scratch, 'other');
    const certList = {
      kind: 'digests' as const,
      digests: [
        { type: 'SM3', value: sm3(signer.cert) },
        { type: 'SHA-256', value: createHash('sha256').update(other.cert).digest() },
      ],
    };
    const eSealInfo = sealInfo([], { property: { ...sealInfo([]).property, certList } });
    const seal = await makeSealV4({ eSealInfo, cert: maker.cert, signAlgID: CRYPTO_OID.sm2WithSm3 }, maker.sign);
    const lines = asn1parse(scratch, seal.der);
    expect(layout(lines)).toEqual(
      sealLayout(0, ['0 SEQUENCE', '1 PRINTABLESTRING', '1 OCTET STRING', '0 SEQUENCE', '1 PRINTABLESTRING', '1 OCTET STRING'], false),
    );
    expect(value(lines, 10)).toBe('02');
    expect(value(lines, 13)).toBe('SM3');
    expect(decodeSeal(seal.der)).toEqual(seal);
    expect(checkCertList(seal, signer.cert).status).toBe('PASSED');
    expect(checkCertList(seal, other.cert).status).toBe('PASSED');
    expect(checkCertList(seal, maker.cert)).toMatchObject({ status: 'FAILED', subIndication: 'SIG_CONSTRAINTS_FAILURE' });
  });

  it('a digest by an algorithm tongban does not compute (or refuses, SHA-1) leaves certList INDETERMINATE, not FAILED', async () => {
    for (const type of ['MD5', 'SHA1']) {
      const certList = { kind: 'digests' as const, digests: [{ type, value: Buffer.alloc(16) }] };
      const eSealInfo = sealInfo([], { property: { ...sealInfo([]).property, certList } });
      const seal = await makeSealV4({ eSealInfo, cert: maker.cert, signAlgID: CRYPTO_OID.sm2WithSm3 }, maker.sign);
      expect(checkCertList(seal, signer.cert)).toMatchObject({ status: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE' });
    }
  });

  it('a changed picture byte makes the maker signature FAIL', async () => {
    const seal = await sm2Seal();
    const der = Buffer.from(seal.der);
    der[der.indexOf(Buffer.from('89504e470d0a1a0a', 'hex')) + 9] ^= 0x01;
    expect(checkMakerSignature(decodeSeal(der))).toMatchObject({ status: 'FAILED', subIndication: 'SIG_CRYPTO_FAILURE' });
  });

  it('is valid from validStart to validEnd inclusive', async () => {
    const seal = await sm2Seal();
    expect(checkSealValidity(seal, new Date('2026-01-05T08:00:00Z')).status).toBe('PASSED');
    expect(checkSealValidity(seal, new Date('2029-01-05T08:00:00Z')).status).toBe('PASSED');
    expect(checkSealValidity(seal, new Date('2026-01-05T07:59:59Z')).subIndication).toBe('NOT_YET_VALID');
    expect(checkSealValidity(seal, new Date('2029-01-05T08:00:01Z')).subIndication).toBe('EXPIRED');
  });
});

describe('a seal made here with ECDSA P-256 and SHA-256', () => {
  it('verifies here and with openssl dgst', async () => {
    const p256Maker = p256Party(scratch, 'p256-maker');
    const seal = await makeSealV4(
      { eSealInfo: sealInfo([signer.cert]), cert: p256Maker.cert, signAlgID: CRYPTO_OID.ecdsaWithSha256 },
      p256Maker.sign,
    );
    expect(checkMakerSignature(seal).message).toContain('ECDSA P-256 with SHA-256');
    const lines = asn1parse(scratch, seal.der);
    expect(value(lines, lines.length - 2)).toBe('ecdsa-with-SHA256');
    const infoPath = scratch.write('p256-info.der', elementBytes(seal.der, lines[1]));
    const sigPath = scratch.write('p256-sig.der', bitStringValue(seal.der, lines[lines.length - 1]));
    const publicPath = scratch.write('p256-public.pem', mustOpenssl(['x509', '-in', p256Maker.certPath, '-pubkey', '-noout']));
    expect(openssl(['dgst', '-sha256', '-verify', publicPath, '-signature', sigPath, infoPath]).stdout).toContain('Verified OK');
  });

  it('an SM2 algorithm with a P-256 certificate, or the reverse, FAILS', async () => {
    const p256Maker = p256Party(scratch, 'p256-maker-2');
    const seal = await makeSealV4(
      { eSealInfo: sealInfo([signer.cert]), cert: p256Maker.cert, signAlgID: CRYPTO_OID.ecdsaWithSha256 },
      p256Maker.sign,
    );
    const relabelled = decodeSeal(encodeSealV4({ ...seal, signAlgID: CRYPTO_OID.sm2WithSm3 }));
    expect(checkMakerSignature(relabelled)).toMatchObject({ status: 'FAILED', subIndication: 'SIG_CRYPTO_FAILURE' });
    const sm2Seal = await makeSealV4(
      { eSealInfo: sealInfo([signer.cert]), cert: maker.cert, signAlgID: CRYPTO_OID.sm2WithSm3 },
      maker.sign,
    );
    const other = decodeSeal(encodeSealV4({ ...sm2Seal, signAlgID: CRYPTO_OID.ecdsaWithSha256 }));
    expect(checkMakerSignature(other).status).toBe('FAILED');
    const unknown = decodeSeal(encodeSealV4({ ...sm2Seal, signAlgID: '1.2.840.113549.1.1.11' }));
    expect(checkMakerSignature(unknown)).toMatchObject({ status: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE' });
    const noCert = decodeSeal(encodeSealV4({ ...sm2Seal, cert: Buffer.from('not a certificate') }));
    expect(checkMakerSignature(noCert)).toMatchObject({ status: 'FAILED', subIndication: 'FORMAT_FAILURE' });
  });
});

describe('a stamp (SES_Signature) made here', () => {
  const document = Buffer.from('<ofd:Signature>…</ofd:Signature>');

  async function stamp(seal: Buffer, withExtDatas = true) {
    return makeSesSignatureV4(
      {
        seal,
        timeInfo: new Date('2026-03-01T09:30:00Z'),
        dataHash: sm3(document),
        propertyInfo: '/Doc_0/Signs/Sign_0/Signature.xml',
        ...(withExtDatas ? { extDatas } : {}),
        cert: signer.cert,
        signatureAlgID: CRYPTO_OID.sm2WithSm3,
      },
      signer.sign,
    );
  }

  it('decodes back, encodes back, and passes every check', async () => {
    const seal = await sm2Seal();
    const signature = await stamp(seal.der);
    const decoded = decodeSesSignature(signature.der);
    expect(decoded).toEqual(signature);
    if (decoded.layout !== 'v4') return;
    expect(decoded.toSign.eseal.der.equals(seal.der)).toBe(true);
    expect(decoded.toSign.timeInfo.toISOString()).toBe('2026-03-01T09:30:00.000Z');
    expect(decoded.toSign.extDatas).toEqual(extDatas);
    const { toSign, cert, signatureAlgID, signature: value } = decoded;
    expect(
      encodeSesSignatureV4({ toSign: { ...toSign, eseal: toSign.eseal.der }, cert, signatureAlgID, signature: value }).equals(
        signature.der,
      ),
    ).toBe(true);
    expect(checkSignerSignature(decoded).status).toBe('PASSED');
    expect(checkMakerSignature(decoded.toSign.eseal).status).toBe('PASSED');
    expect(checkCertList(decoded.toSign.eseal, decoded.cert).status).toBe('PASSED');
    expect(checkSealValidity(decoded.toSign.eseal, decoded.toSign.timeInfo).status).toBe('PASSED');
  });

  it('openssl asn1parse finds the reference layout (the seal inside unchanged, extDatas in [0] EXPLICIT), and openssl verifies the SM2 signature over DER(toSign)', async () => {
    const seal = await sm2Seal();
    const signature = await stamp(seal.der);
    const lines = asn1parse(scratch, signature.der);
    const sealLines = sealLayout(2, ['0 OCTET STRING'], true);
    expect(layout(lines)).toEqual([
      '0 SEQUENCE',
      '1 SEQUENCE', // toSign
      '2 INTEGER',
      ...sealLines,
      '2 GENERALIZEDTIME',
      '2 BIT STRING',
      '2 IA5STRING',
      '2 cont [ 0 ]',
      '3 SEQUENCE',
      '4 SEQUENCE',
      '5 OBJECT',
      '5 OCTET STRING',
      '4 SEQUENCE',
      '5 OBJECT',
      '5 BOOLEAN',
      '5 OCTET STRING',
      '1 OCTET STRING', // cert
      '1 OBJECT',
      '1 BIT STRING',
    ]);
    const after = 3 + sealLines.length;
    expect([value(lines, 2), value(lines, after), value(lines, after + 2)]).toEqual([
      '04',
      '20260301093000Z',
      '/Doc_0/Signs/Sign_0/Signature.xml',
    ]);
    expect(elementBytes(signature.der, lines[3]).equals(seal.der)).toBe(true);
    const toSignPath = scratch.write('to-sign.der', elementBytes(signature.der, lines[1]));
    const value_ = bitStringValue(signature.der, lines[lines.length - 1]);
    expect(opensslSm2Verify(scratch, signer.certPath, toSignPath, value_, { certificate: true })).toBe(true);
  });

  it('without extDatas, TBS_Sign ends at propertyInfo', async () => {
    const seal = await sm2Seal();
    const lines = asn1parse(scratch, (await stamp(seal.der, false)).der);
    expect(layout(lines).slice(-4)).toEqual(['2 IA5STRING', '1 OCTET STRING', '1 OBJECT', '1 BIT STRING']);
  });

  it("stamps with a third-party seal (UserV4.esl) and ofdrw's key: the seal's bytes go in unchanged", async () => {
    const userV4 = sesFixture('UserV4.esl');
    const signCert = pemBlocks(sesFixture('sign_cert.pem').toString('latin1'), ['CERTIFICATE'])[0];
    const key = readSm2PrivateKeyPem(sesFixture('sign_key.pem').toString('latin1'));
    const signature = await makeSesSignatureV4(
      {
        seal: userV4,
        timeInfo: new Date('2021-06-01T00:00:00Z'),
        dataHash: sm3(document),
        propertyInfo: 'doc',
        cert: signCert,
        signatureAlgID: CRYPTO_OID.sm2WithSm3,
      },
      sm2Signer(key),
    );
    expect(signature.toSign.eseal.der.equals(userV4)).toBe(true);
    expect(checkSignerSignature(signature).status).toBe('PASSED');
    expect(checkMakerSignature(signature.toSign.eseal).status).toBe('PASSED');
    // sign_cert.pem is not the certificate UserV4.esl lists (see fixtures.test.ts).
    expect(checkCertList(signature.toSign.eseal, signature.cert).status).toBe('FAILED');
  });
});

describe('making refuses', () => {
  it('a signing key that is not the certificate’s', async () => {
    const stranger = sm2Party(scratch, 'stranger');
    await expect(
      makeSealV4({ eSealInfo: sealInfo([signer.cert]), cert: maker.cert, signAlgID: CRYPTO_OID.sm2WithSm3 }, stranger.sign),
    ).rejects.toThrow(/does not verify/);
    const seal = await sm2Seal();
    await expect(
      makeSesSignatureV4(
        {
          seal: seal.der,
          timeInfo: new Date('2026-03-01T00:00:00Z'),
          dataHash: Buffer.alloc(32),
          propertyInfo: 'x',
          cert: signer.cert,
          signatureAlgID: CRYPTO_OID.sm2WithSm3,
        },
        stranger.sign,
      ),
    ).rejects.toThrow(/does not verify/);
  });

  it('fields the types cannot carry, and a GM/T 0031-2014 seal to stamp with', async () => {
    const make = (eSealInfo: ReturnType<typeof sealInfo>) =>
      makeSealV4({ eSealInfo, cert: maker.cert, signAlgID: CRYPTO_OID.sm2WithSm3 }, maker.sign);
    await expect(make(sealInfo([], { header: { id: 'ES', version: 3, vid: 'x' } }))).rejects.toThrow(RangeError);
    await expect(make(sealInfo([], { esID: '印章' }))).rejects.toThrow(RangeError);
    const property = sealInfo([]).property;
    await expect(make(sealInfo([], { property: { ...property, validEnd: new Date('2029-01-05T08:00:00.500Z') } }))).rejects.toThrow(
      RangeError,
    );
    await expect(make(sealInfo([], { picture: { ...sealInfo([]).picture, width: -1 } }))).rejects.toThrow(RangeError);
    await expect(make(sealInfo([], { extDatas: [{ extnID: '3.1', critical: false, extnValue: Buffer.alloc(0) }] }))).rejects.toThrow(
      RangeError,
    );
    await expect(
      makeSesSignatureV4(
        {
          seal: sesFixture('UserV1.esl'),
          timeInfo: new Date('2021-01-01T00:00:00Z'),
          dataHash: Buffer.alloc(32),
          propertyInfo: 'x',
          cert: signer.cert,
          signatureAlgID: CRYPTO_OID.sm2WithSm3,
        },
        signer.sign,
      ),
    ).rejects.toThrow(SealFormatError);
  });
});
