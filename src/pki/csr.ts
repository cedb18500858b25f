import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { ApiError } from '../common/api-error.js';
import { CRYPTO_OID } from '../crypto/oids.js';
import { decodeSm2Spki } from '../crypto/sm2-key-encoding.js';
import type { Sm2PublicKey } from '../crypto/sm2-keys.js';
import { sm2Verify } from '../crypto/sm2.js';
import { bitStringBytes, children, contents, DerError, expectTag, raw, readOid, readRoot, TAG, type Tlv } from './der.js';
import type { Hierarchy } from './hierarchy.js';
import { OID, pemBlocks, PemError, SIGNATURE_HASH } from './x509.js';

/** The largest CSR accepted (an RSA-8192 request is under 3 kB). */
export const MAX_CSR_BYTES = 64 * 1024;

export interface ParsedCsr {
  /** The requested public key as it will go into the certificate. */
  spki: Buffer;
  /** The key for node:crypto; never used with an SM2 key (node:crypto cannot check SM2 signatures). */
  publicKey?: KeyObject;
  /** e.g. "EC P-256", "RSA 3072", "SM2". */
  keyDescription: string;
  /** Which CA hierarchy certifies it: the SM2 one for an SM2 key, the ECDSA P-256 one for the others. */
  hierarchy: Hierarchy;
}

/**
 * The user IDs an SM2 request's signature is checked with: GM/T 0009's default, and the empty ID
 * that OpenSSL 3.0's `openssl req` signs with when no `-sigopt distid:` is given. Either is a proof
 * that the requester holds the key.
 */
const CSR_SM2_USER_IDS = [Buffer.from('1234567812345678'), Buffer.alloc(0)];

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384' };

const malformed = (message: string) => new ApiError(400, 'csr_malformed', message);

/**
 * Reads a PKCS#10 request (PEM or DER), checks that its key is one tongban certifies (ECDSA P-256
 * or P-384, RSA 2048 to 8192 bits, SM2) and that it is signed by that key (proof of possession;
 * an SM2 key by SM2-with-SM3 with the user ID, checked with sm2Verify).
 * Refusals are ApiErrors with stable codes: csr_malformed, csr_key_unsupported,
 * csr_algorithm_unsupported, csr_signature_invalid. The request's subject and extensions are
 * ignored: the certificate's contents come from the registry.
 */
export function parseCsr(input: string | Uint8Array): ParsedCsr {
  const der = csrBytes(input);
  let info: Buffer;
  let spki: Buffer;
  let signatureAlgorithm: string;
  let signatureParameters: 'absent' | 'null' | 'other';
  let signature: Buffer;
  try {
    // The schema parse checks the whole structure (attributes included); the walk below gives the exact bytes.
    AsnConvert.parse(der, CertificationRequest);
    const root = readRoot(der);
    const [infoTlv, algTlv, sigTlv, ...rest] = children(der, expectTag(root, TAG.SEQUENCE, 'a certification request'));
    if (rest.length || !infoTlv || !algTlv || !sigTlv) throw new DerError('unexpected elements');
    const [versionTlv, , spkiTlv] = children(der, expectTag(infoTlv, TAG.SEQUENCE, 'certificationRequestInfo'));
    const version = contents(der, expectTag(versionTlv, TAG.INTEGER, 'a version'));
    if (version.length !== 1 || version[0] !== 0) throw new DerError('unknown version');
    info = raw(der, infoTlv);
    spki = raw(der, expectTag(spkiTlv, TAG.SEQUENCE, 'a public key'));
    const [algOid, ...parameters] = children(der, expectTag(algTlv, TAG.SEQUENCE, 'an algorithm'));
    signatureAlgorithm = readOid(der, algOid);
    signatureParameters = parametersOf(parameters);
    signature = bitStringBytes(der, sigTlv);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw malformed('the certificate signing request is not a valid PKCS#10 structure');
  }

  const sm2Key = readSm2Key(spki);
  if (sm2Key) {
    if (signatureAlgorithm !== OID.sm2WithSm3)
      throw new ApiError(400, 'csr_signature_invalid', 'an SM2 key must sign its request with SM2-with-SM3 (1.2.156.10197.1.501)');
    // GM/T 0015 writes the algorithm with NULL parameters, OpenSSL 3 without: either, nothing else.
    if (signatureParameters === 'other') throw malformed('the SM2-with-SM3 algorithm identifier has unexpected parameters');
    if (!CSR_SM2_USER_IDS.some((userId) => sm2Verify(info, signature, sm2Key, { userId })))
      throw new ApiError(
        400,
        'csr_signature_invalid',
        'the request is not signed by the key it contains (SM2 with SM3, user ID 1234567812345678)',
      );
    return { spki, keyDescription: 'SM2', hierarchy: 'sm2' };
  }
  if (signatureAlgorithm === OID.sm2WithSm3)
    throw new ApiError(400, 'csr_signature_invalid', 'the signature algorithm does not match the key type (SM2-with-SM3 needs an SM2 key)');

  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new ApiError(400, 'csr_key_unsupported', 'the public key of the request cannot be read');
  }
  const keyDescription = checkKey(publicKey);

  const algorithm = SIGNATURE_HASH[signatureAlgorithm];
  if (!algorithm)
    throw new ApiError(
      400,
      'csr_algorithm_unsupported',
      'the request is signed with an algorithm tongban does not accept (use ECDSA or RSA PKCS#1 v1.5 with SHA-256/384/512, or SM2 with SM3)',
    );
  if (algorithm.key !== publicKey.asymmetricKeyType)
    throw new ApiError(400, 'csr_signature_invalid', 'the signature algorithm does not match the key type');
  let valid: boolean;
  try {
    valid = cryptoVerify(algorithm.hash, info, algorithm.key === 'ec' ? { key: publicKey, dsaEncoding: 'der' } : publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new ApiError(400, 'csr_signature_invalid', 'the request is not signed by the key it contains');
  return { spki, publicKey, keyDescription, hierarchy: 'p256' };
}

/**
 * The SM2 key of a SubjectPublicKeyInfo naming the SM2 curve (id-ecPublicKey, 1.2.156.10197.1.301),
 * undefined for any other key; csr_key_unsupported when it names the curve but is not a usable point.
 */
function readSm2Key(spki: Buffer): Sm2PublicKey | undefined {
  let curve: string | undefined;
  try {
    const [algorithm] = children(spki, expectTag(readRoot(spki), TAG.SEQUENCE, 'a public key'));
    const [keyType, parameter] = children(spki, expectTag(algorithm, TAG.SEQUENCE, 'an algorithm'));
    if (readOid(spki, keyType) !== CRYPTO_OID.ecPublicKey || parameter?.tag !== TAG.OID) return undefined;
    curve = readOid(spki, parameter);
  } catch {
    return undefined; // node:crypto reads it below, or says it cannot
  }
  if (curve !== CRYPTO_OID.sm2Curve) return undefined;
  try {
    return decodeSm2Spki(spki);
  } catch {
    throw new ApiError(400, 'csr_key_unsupported', 'the SM2 public key of the request cannot be read (not a point on the SM2 curve)');
  }
}

/** An AlgorithmIdentifier's parameters: none, NULL, or something else. */
function parametersOf(parameters: Tlv[]): 'absent' | 'null' | 'other' {
  if (!parameters.length) return 'absent';
  if (parameters.length === 1 && parameters[0].tag === TAG.NULL && parameters[0].end === parameters[0].contentStart) return 'null';
  return 'other';
}

function checkKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[details.namedCurve ?? ''];
    if (curve) return `EC ${curve}`;
    throw new ApiError(400, 'csr_key_unsupported', 'EC keys must be on P-256, P-384 or the SM2 curve');
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits >= 2048 && bits <= 8192) return `RSA ${bits}`;
    throw new ApiError(400, 'csr_key_unsupported', `RSA keys must have 2048 to 8192 bits (this one has ${bits})`);
  }
  throw new ApiError(400, 'csr_key_unsupported', 'the key must be ECDSA P-256/P-384, SM2 or RSA of at least 2048 bits');
}

function csrBytes(input: string | Uint8Array): Buffer {
  if (typeof input !== 'string' && !(input instanceof Uint8Array))
    throw malformed('the certificate signing request must be PEM text or DER bytes');
  if (input.length > MAX_CSR_BYTES * 2) throw malformed(`the certificate signing request is larger than ${MAX_CSR_BYTES} bytes`);
  const bytes = typeof input === 'string' ? null : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const text = typeof input === 'string' ? input : bytes![0] === 0x2d /* '-' */ ? bytes!.toString('latin1') : null;
  let der: Buffer;
  if (text === null) der = bytes!;
  else {
    let blocks: Buffer[];
    try {
      blocks = pemBlocks(text, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
    } catch (err) {
      throw malformed(err instanceof PemError ? `the PEM text is malformed: ${err.message}` : 'the PEM text is malformed');
    }
    if (blocks.length !== 1) throw malformed('expected exactly one PEM block "CERTIFICATE REQUEST"');
    der = blocks[0]!;
  }
  if (!der.length || der.length > MAX_CSR_BYTES) throw malformed('the certificate signing request is empty or too large');
  return der;
}
