import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CRYPTO_OID } from '../../src/crypto/oids.js';
import { sm3 } from '../../src/crypto/sm3.js';
import { bitString, generalizedTime, integer, octetString, oid, sequence, TAG, tlv } from '../../src/pki/der.js';
import {
  decodeSeal,
  decodeSesSignature,
  encodeSesSignatureV4,
  makeSealV4,
  makeSesSignatureV4,
  SealFormatError,
  type DecodedSealV4,
  type DecodedSesSignatureV4,
} from '../../src/seals/index.js';
import { Scratch } from '../pki/support.js';
import { sesFixture } from './fixtures.js';
import { sealInfo, sm2Party } from './parties.js';

/** Decoding refuses, with a SealFormatError naming the place, whatever is not exactly the structure. */
const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const maker = sm2Party(scratch, 'maker');
const signer = sm2Party(scratch, 'signer');
const extDatas = [{ extnID: '1.2.3.4', critical: true, extnValue: Buffer.from('x') }];
let seal: DecodedSealV4;
let stamp: DecodedSesSignatureV4;

beforeAll(async () => {
  seal = await makeSealV4(
    { eSealInfo: sealInfo([signer.cert], { extDatas }), cert: maker.cert, signAlgID: CRYPTO_OID.sm2WithSm3 },
    maker.sign,
  );
  stamp = await makeSesSignatureV4(
    {
      seal: seal.der,
      timeInfo: new Date('2026-03-01T00:00:00Z'),
      dataHash: sm3(Buffer.from('doc')),
      propertyInfo: 'doc',
      cert: signer.cert,
      signatureAlgID: CRYPTO_OID.sm2WithSm3,
    },
    signer.sign,
  );
});

/** The SealFormatError's reason (failing the test if anything else, or nothing, is thrown). */
function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof SealFormatError) return error.reason;
    throw error;
  }
  throw new Error('decoded without complaint');
}

/** A copy of `der` with the bytes `from` (which must occur once) replaced by `to`. */
function patched(der: Buffer, from: Buffer | string, to: Buffer | string): Buffer {
  const a = typeof from === 'string' ? Buffer.from(from, 'hex') : from;
  const b = typeof to === 'string' ? Buffer.from(to, 'hex') : to;
  const at = der.indexOf(a);
  if (at < 0 || der.indexOf(a, at + 1) >= 0) throw new Error(`the pattern ${a.toString('hex')} is not unique in the DER`);
  return Buffer.concat([der.subarray(0, at), b, der.subarray(at + a.length)]);
}

/** The seal header as tongban writes it: IA5String "ES", INTEGER 4, IA5String "tongban". */
const HEADER = Buffer.concat([Buffer.from('160245530201041607', 'hex'), Buffer.from('tongban')]);
const ESID = Buffer.concat([Buffer.from([0x16, 24]), Buffer.from('TB91110000100000000X0001')]);
const NAME = Buffer.concat([Buffer.from([0x0c, 30]), Buffer.from('北京某某科技有限公司')]);

describe('decoding a seal refuses', () => {
  it('trailing bytes, nothing at all, and a truncated seal', () => {
    expect(refusal(() => decodeSeal(Buffer.concat([seal.der, Buffer.from([0])])))).toMatch(/^SESeal: trailing data/);
    expect(refusal(() => decodeSeal(Buffer.alloc(0)))).toMatch(/^SESeal: truncated/);
    expect(refusal(() => decodeSeal(seal.der.subarray(0, seal.der.length - 1)))).toMatch(/^SESeal: truncated/);
  });

  it('non-minimal, indefinite and overlong lengths, and multi-byte tags', () => {
    const [tag, form, ...rest] = seal.der;
    expect(form).toBe(0x82);
    expect(refusal(() => decodeSeal(Buffer.from([tag, 0x83, 0, ...rest])))).toMatch(/non-minimal length/);
    const body = seal.der.subarray(4);
    expect(refusal(() => decodeSeal(Buffer.concat([Buffer.from([0x30, 0x80]), body, Buffer.from([0, 0])])))).toMatch(/indefinite length/);
    expect(refusal(() => decodeSeal(Buffer.concat([Buffer.from([0x30, 0x85, 0, 0, 0, 0, 1]), Buffer.alloc(1)])))).toMatch(
      /length too large/,
    );
    expect(refusal(() => decodeSeal(patched(seal.der, ESID, Buffer.concat([Buffer.from([0x1f]), ESID.subarray(1)]))))).toMatch(
      /multi-byte tags/,
    );
  });

  it('a number of top-level fields that is neither layout', () => {
    const three = sequence(seal.eSealInfoDer, octetString(seal.cert), oid(seal.signAlgID));
    expect(refusal(() => decodeSeal(three))).toBe('SESeal: 3 fields: neither a GB/T 38540 seal (4) nor a GM/T 0031-2014 one (2)');
  });

  it('unknown versions: 5 in the GB/T 38540 layout, 4 in the GM/T 0031-2014 one', () => {
    expect(refusal(() => decodeSeal(patched(seal.der, HEADER, patched(HEADER, '020104', '020105'))))).toBe(
      'SESeal.eSealInfo.header.version: version 5 in the GB/T 38540 layout (4 expected)',
    );
    const v1 = sesFixture('UserV1.esl');
    expect(refusal(() => decodeSeal(patched(v1, '16024553020101', '16024553020104')))).toMatch(
      /^SESeal.sealInfo.header.version: version 4 in the GM\/T 0031-2014 layout/,
    );
  });

  it('wrong tags and types: an esID as UTF8String, a GeneralizedTime as UTCTime, a constructed OCTET STRING, a header ID other than ES', () => {
    expect(refusal(() => decodeSeal(patched(seal.der, ESID, Buffer.concat([Buffer.from([0x0c]), ESID.subarray(1)]))))).toBe(
      'SESeal.eSealInfo.esID: expected an IA5String',
    );
    const validEnd = Buffer.from('180f3230323930313035303830303030', 'hex');
    expect(refusal(() => decodeSeal(patched(seal.der, validEnd, Buffer.from([0x17, ...validEnd.subarray(1)]))))).toBe(
      'SESeal.eSealInfo.property.validEnd: expected a GeneralizedTime',
    );
    const cert = seal.der.indexOf(
      Buffer.concat([
        Buffer.from([0x04, 0x82]),
        Buffer.from([maker.cert.length >> 8, maker.cert.length & 0xff]),
        maker.cert.subarray(0, 4),
      ]),
    );
    const constructed = Buffer.from(seal.der);
    constructed[cert] = 0x24;
    expect(refusal(() => decodeSeal(constructed))).toBe('SESeal.cert: expected an OCTET STRING');
    expect(refusal(() => decodeSeal(patched(seal.der, HEADER, patched(HEADER, '16024553', '16024558'))))).toMatch(
      /^SESeal.eSealInfo.header.ID: "ES" expected/,
    );
  });

  it('values their type cannot hold: non-ASCII IA5String, malformed UTF-8, BOOLEAN 01, a negative width, month 13, unused bits in a signature', () => {
    const vid = Buffer.from(HEADER);
    vid[vid.length - 1] = 0xe4;
    expect(refusal(() => decodeSeal(patched(seal.der, HEADER, vid)))).toBe('SESeal.eSealInfo.header.Vid: an IA5String is ASCII');
    expect(
      refusal(() => decodeSeal(patched(seal.der, NAME, Buffer.concat([NAME.subarray(0, 2), Buffer.from([0xff]), NAME.subarray(3)])))),
    ).toBe('SESeal.eSealInfo.property.name: malformed UTF-8');
    expect(refusal(() => decodeSeal(patched(seal.der, '06032a03040101ff', '06032a0304010101')))).toBe(
      'SESeal.eSealInfo.extDatas.extDatas[0].critical: a BOOLEAN is one byte, 00 or FF',
    );
    expect(refusal(() => decodeSeal(patched(seal.der, '02012a02012a', '02018002012a')))).toBe(
      'SESeal.eSealInfo.picture.width: negative INTEGER',
    );
    expect(refusal(() => decodeSeal(patched(seal.der, '180f3230323930313035', '180f3230323931333035')))).toMatch(
      /validEnd: malformed time/,
    );
    const signedValue = seal.der.length - seal.signedValue.length - 1;
    const unused = Buffer.from(seal.der);
    unused[signedValue] = 1;
    expect(refusal(() => decodeSeal(unused))).toMatch(/^SESeal.signedValue: bit string with unused bits/);
  });

  it('a certListType other than 1 or 2, and a list that is not what its type says', () => {
    const certListType = (n: number) => Buffer.concat([NAME, Buffer.from([2, 1, n])]);
    expect(refusal(() => decodeSeal(patched(seal.der, certListType(1), certListType(3))))).toBe(
      'SESeal.eSealInfo.property.certListType: 3 is neither 1 (certificates) nor 2 (digests)',
    );
    expect(refusal(() => decodeSeal(patched(seal.der, certListType(1), certListType(2))))).toBe(
      'SESeal.eSealInfo.property.certList.certDigestList[0]: expected a SEQUENCE',
    );
  });
});

describe('decoding a stamp refuses', () => {
  it('a TBS_Sign version other than 4, and a GM/T 0031-2014 seal inside a GB/T 38540 stamp', () => {
    const version3 = Buffer.from(stamp.der);
    version3[stamp.der.indexOf(Buffer.from('020104', 'hex')) + 2] = 3;
    expect(refusal(() => decodeSesSignature(version3))).toBe(
      'SES_Signature.toSign.version: version 3 in the GB/T 38540 layout (4 expected)',
    );
    const tbs = sequence(
      integer(Buffer.from([4])),
      sesFixture('UserV1.esl'),
      generalizedTime(new Date('2021-01-01T00:00:00Z')),
      bitString(Buffer.alloc(32)),
      tlv(TAG.IA5_STRING, Buffer.from('x')),
    );
    const mixed = sequence(tbs, octetString(signer.cert), oid(CRYPTO_OID.sm2WithSm3), bitString(Buffer.alloc(70)));
    expect(refusal(() => decodeSesSignature(mixed))).toBe('SES_Signature.toSign.eseal: a GB/T 38540 seal has 4 fields, this one 2');
  });

  it('reads a [0] EXPLICIT timeStamp, and refuses another tag there or two elements inside it', () => {
    const { toSign, cert, signatureAlgID, signature } = stamp;
    const fields = { toSign: { ...toSign, eseal: toSign.eseal.der }, cert, signatureAlgID, signature };
    const token = Buffer.from('a time-stamp token');
    const withTimeStamp = encodeSesSignatureV4({ ...fields, timeStamp: token });
    expect((decodeSesSignature(withTimeStamp) as DecodedSesSignatureV4).timeStamp).toEqual(token);
    const explicitTimeStamp = Buffer.concat([Buffer.from([0xa0, token.length + 3, 0x03, token.length + 1, 0]), token]);
    expect(
      refusal(() =>
        decodeSesSignature(patched(withTimeStamp, explicitTimeStamp, Buffer.concat([Buffer.from([0xa1]), explicitTimeStamp.subarray(1)]))),
      ),
    ).toBe('SES_Signature.timeStamp: expected [0]');
    expect(stamp.der[1]).toBe(0x82);
    const two = sequence(stamp.der.subarray(4), tlv(0xa0, bitString(token), Buffer.from([0x05, 0x00])));
    expect(refusal(() => decodeSesSignature(two))).toBe('SES_Signature.timeStamp: [0] must hold one element');
    expect(refusal(() => decodeSesSignature(sequence(stamp.der)))).toMatch(/^SES_Signature: 1 fields/);
  });
});
