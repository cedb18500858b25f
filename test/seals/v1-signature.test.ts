import { describe, expect, it } from '@jest/globals';
import { CRYPTO_OID } from '../../src/crypto/oids.js';
import { readSm2PrivateKeyPem } from '../../src/crypto/sm2-key-encoding.js';
import { sm2Sign } from '../../src/crypto/sm2.js';
import { bitString, generalizedTime, integer, octetString, oid, sequence, TAG, tlv } from '../../src/pki/der.js';
import { pemBlocks } from '../../src/pki/x509.js';
import {
  checkCertList,
  checkMakerSignature,
  checkSignerSignature,
  decodeSesSignature,
  signerSignatureOf,
  signingTimeOf,
} from '../../src/seals/index.js';
import { sesFixture } from './fixtures.js';

/**
 * GM/T 0031-2014 stamps, built here the way ofdrw's V1 code builds them (no such file is among the
 * fixtures): SES_Signature ::= SEQUENCE { toSign, signature }, the signer's certificate and
 * algorithm inside TBS_Sign, timeInfo a BIT STRING holding whatever the vendor put there.
 */
const key = readSm2PrivateKeyPem(sesFixture('sign_key.pem').toString('latin1'));
const cert = pemBlocks(sesFixture('sign_cert.pem').toString('latin1'), ['CERTIFICATE'])[0];

function v1Stamp(timeInfo: Buffer): Buffer {
  const toSign = sequence(
    integer(Buffer.from([1])),
    sesFixture('UserV1.esl'),
    bitString(timeInfo),
    bitString(Buffer.alloc(32, 7)),
    tlv(TAG.IA5_STRING, Buffer.from('/Doc_0/Signs/Signatures.xml')),
    octetString(cert),
    oid(CRYPTO_OID.sm2WithSm3),
  );
  return sequence(toSign, bitString(sm2Sign(toSign, key)));
}

describe('a GM/T 0031-2014 SES_Signature', () => {
  it('decodes as the older layout; the signer signature over TBS_Sign and the seal inside PASS', () => {
    const signature = decodeSesSignature(v1Stamp(Buffer.from('2020-10-23 19:45:37')));
    expect(signature.layout).toBe('v1');
    expect(signerSignatureOf(signature).cert.equals(cert)).toBe(true);
    expect(checkSignerSignature(signature).status).toBe('PASSED');
    expect(checkMakerSignature(signature.toSign.eseal).status).toBe('PASSED');
    // ofdrw's test certificate is not the one its test seal lists (fixtures.test.ts).
    expect(checkCertList(signature.toSign.eseal, cert).status).toBe('FAILED');
  });

  it('reads the signing time from the forms vendors write into timeInfo', () => {
    const at = (bytes: Buffer) => signingTimeOf(decodeSesSignature(v1Stamp(bytes)))?.toISOString();
    expect(at(Buffer.from('2020-10-23 19:45:37'))).toBe('2020-10-23T11:45:37.000Z'); // ofdrw: local time in China
    expect(at(tlv(TAG.UTC_TIME, Buffer.from('201023114537Z')))).toBe('2020-10-23T11:45:37.000Z');
    expect(at(generalizedTime(new Date('2020-10-23T11:45:37Z')))).toBe('2020-10-23T11:45:37.000Z');
    expect(at(Buffer.from('201023114537Z'))).toBe('2020-10-23T11:45:37.000Z');
    expect(at(Buffer.from('2020-02-30 10:00:00'))).toBeUndefined();
    expect(at(Buffer.from('yesterday'))).toBeUndefined();
    expect(at(tlv(TAG.UTC_TIME, Buffer.from('201323114537Z')))).toBeUndefined();
  });
});
