import {
  bitString,
  bitStringBytes,
  children,
  contents,
  DerError,
  explicit,
  expectTag,
  integer,
  octetString,
  oid,
  readOid,
  readRoot,
  sequence,
  TAG,
  type Tlv,
} from '../pki/der.js';
import { pemBlocks, PemError, toPem } from '../pki/x509.js';
import { CRYPTO_OID } from './oids.js';
import { Sm2KeyError, Sm2PrivateKey, Sm2PublicKey } from './sm2-keys.js';

/**
 * SM2 keys in the encodings OpenSSL 3 writes and reads: SubjectPublicKeyInfo and PKCS#8 with the
 * algorithm id-ecPublicKey and the curve parameter 1.2.156.10197.1.301 (GM/T 0010/0015 style), and,
 * for reading only, a bare SEC1 ECPrivateKey ("EC PRIVATE KEY") naming the same curve.
 */
const sm2Algorithm = () => sequence(oid(CRYPTO_OID.ecPublicKey), oid(CRYPTO_OID.sm2Curve));

export function encodeSm2Spki(key: Sm2PublicKey): Buffer {
  return sequence(sm2Algorithm(), bitString(key.point));
}

export function decodeSm2Spki(der: Buffer): Sm2PublicKey {
  return keyErrors(() => {
    const [algorithm, key, ...rest] = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'a SubjectPublicKeyInfo'));
    if (rest.length) throw new Sm2KeyError('unexpected elements after the public key');
    expectSm2Algorithm(der, algorithm);
    return Sm2PublicKey.fromPoint(bitStringBytes(der, key));
  });
}

/** PKCS#8 PrivateKeyInfo around an RFC 5915 ECPrivateKey (version 1, d, [1] the public point), as OpenSSL 3 writes it. */
export function encodeSm2Pkcs8(key: Sm2PrivateKey): Buffer {
  const ecPrivateKey = sequence(integer(Buffer.from([1])), octetString(key.scalar()), explicit(1, bitString(key.publicKey.point)));
  return sequence(integer(Buffer.from([0])), sm2Algorithm(), octetString(ecPrivateKey));
}

/** A PKCS#8 PrivateKeyInfo or a SEC1 ECPrivateKey holding an SM2 key. */
export function decodeSm2PrivateKey(der: Buffer): Sm2PrivateKey {
  return keyErrors(() => {
    const fields = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'a private key'));
    if (fields[1]?.tag === TAG.SEQUENCE) {
      const [version, algorithm, key, ...rest] = fields;
      if (rest.length) throw new Sm2KeyError('PKCS#8 attributes or a public key are not expected');
      expectSmallInteger(der, version, 0, 'PKCS#8 version 0');
      expectSm2Algorithm(der, algorithm);
      return decodeEcPrivateKey(contents(der, expectTag(key, TAG.OCTET_STRING, 'the private key octets')), false);
    }
    return decodeEcPrivateKey(der, true);
  });
}

export function sm2PublicKeyPem(key: Sm2PublicKey): string {
  return toPem(encodeSm2Spki(key), 'PUBLIC KEY');
}

export function sm2PrivateKeyPem(key: Sm2PrivateKey): string {
  return toPem(encodeSm2Pkcs8(key), 'PRIVATE KEY');
}

export function readSm2PublicKeyPem(text: string): Sm2PublicKey {
  return decodeSm2Spki(onePemBlock(text, ['PUBLIC KEY']));
}

/** "PRIVATE KEY" (PKCS#8) or "EC PRIVATE KEY" (SEC1); not encrypted. */
export function readSm2PrivateKeyPem(text: string): Sm2PrivateKey {
  return decodeSm2PrivateKey(onePemBlock(text, ['PRIVATE KEY', 'EC PRIVATE KEY']));
}

/** RFC 5915 ECPrivateKey: version 1, d, [0] the curve (required in a bare SEC1 key), [1] the public point. */
function decodeEcPrivateKey(der: Buffer, curveRequired: boolean): Sm2PrivateKey {
  const [version, scalar, ...optional] = children(der, expectTag(readRoot(der), TAG.SEQUENCE, 'an ECPrivateKey'));
  expectSmallInteger(der, version, 1, 'ECPrivateKey version 1');
  const key = Sm2PrivateKey.fromScalar(contents(der, expectTag(scalar, TAG.OCTET_STRING, 'the private scalar')));
  let curveSeen = false;
  let lastTag = 0;
  for (const field of optional) {
    if (field.tag <= lastTag || (field.tag !== 0xa0 && field.tag !== 0xa1)) throw new Sm2KeyError('unexpected field in the ECPrivateKey');
    lastTag = field.tag;
    const [inner, ...extra] = children(der, field);
    if (extra.length) throw new Sm2KeyError('unexpected field in the ECPrivateKey');
    if (field.tag === 0xa0) {
      if (readOid(der, inner) !== CRYPTO_OID.sm2Curve) throw new Sm2KeyError('not a key on the SM2 curve');
      curveSeen = true;
    } else if (!Sm2PublicKey.fromPoint(bitStringBytes(der, inner)).equals(key.publicKey)) {
      throw new Sm2KeyError('the public key in the file does not belong to the private key');
    }
  }
  if (curveRequired && !curveSeen) throw new Sm2KeyError('the EC private key does not name its curve');
  return key;
}

function expectSm2Algorithm(der: Buffer, algorithm: Tlv | undefined): void {
  const [keyType, curve, ...rest] = children(der, expectTag(algorithm, TAG.SEQUENCE, 'an algorithm identifier'));
  if (readOid(der, keyType) !== CRYPTO_OID.ecPublicKey) throw new Sm2KeyError('not an elliptic-curve key');
  if (curve?.tag !== TAG.OID || rest.length || readOid(der, curve) !== CRYPTO_OID.sm2Curve)
    throw new Sm2KeyError('not a key on the SM2 curve');
}

function expectSmallInteger(der: Buffer, tlv: Tlv | undefined, value: number, what: string): void {
  const body = contents(der, expectTag(tlv, TAG.INTEGER, what));
  if (body.length !== 1 || body[0] !== value) throw new Sm2KeyError(`expected ${what}`);
}

function onePemBlock(text: string, labels: string[]): Buffer {
  const blocks = keyErrors(() => pemBlocks(text, labels));
  if (blocks.length !== 1) throw new Sm2KeyError(`expected one PEM block (${labels.join(' or ')}), found ${blocks.length}`);
  return blocks[0];
}

function keyErrors<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DerError || error instanceof PemError) throw new Sm2KeyError(error.message);
    throw error;
  }
}
