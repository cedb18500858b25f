import { generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { CRYPTO_OID } from '../../src/crypto/oids.js';
import { sm2PrivateKeyPem } from '../../src/crypto/sm2-key-encoding.js';
import { Sm2PrivateKey } from '../../src/crypto/sm2-keys.js';
import { sm2Signer } from '../../src/crypto/sm2.js';
import { toPem } from '../../src/pki/x509.js';
import type { SesSealInfoV4, SignBytes } from '../../src/seals/index.js';
import { mustOpenssl, type Scratch } from '../pki/support.js';
import { opensslSm2Certificate } from '../crypto/openssl-sm2.js';

/** Someone who signs in the tests: a key, the certificate OpenSSL made for it (self-signed), and where both are on disk. */
export interface Party {
  cert: Buffer;
  certPath: string;
  keyPath: string;
  sign: SignBytes;
  signAlgID: string;
}

export function sm2Party(scratch: Scratch, name: string): Party & { key: Sm2PrivateKey } {
  const key = Sm2PrivateKey.generate();
  const keyPath = scratch.write(`${name}.key.pem`, sm2PrivateKeyPem(key));
  const cert = opensslSm2Certificate(scratch, keyPath, `/CN=${name}/O=tongban tests`);
  return {
    key,
    cert,
    certPath: scratch.write(`${name}.cert.pem`, toPem(cert)),
    keyPath,
    sign: sm2Signer(key),
    signAlgID: CRYPTO_OID.sm2WithSm3,
  };
}

export function p256Party(scratch: Scratch, name: string): Party & { key: KeyObject } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPath = scratch.write(`${name}.key.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const certPath = scratch.path(`${name}.cert.pem`);
  mustOpenssl([
    'req',
    '-new',
    '-x509',
    '-key',
    keyPath,
    '-sha256',
    '-subj',
    `/CN=${name}/O=tongban tests`,
    '-days',
    '365',
    '-out',
    certPath,
  ]);
  const cert = Buffer.from(mustOpenssl(['x509', '-in', certPath, '-outform', 'DER']), 'latin1');
  const sign: SignBytes = (bytes) => Promise.resolve(nodeSign('sha256', bytes, { key: privateKey, dsaEncoding: 'der' }));
  return { key: privateKey, cert, certPath, keyPath, sign, signAlgID: CRYPTO_OID.ecdsaWithSha256 };
}

/** Seal information as tongban would fill it, for the given signer certificates. */
export function sealInfo(signerCerts: Buffer[], overrides: Partial<SesSealInfoV4> = {}): SesSealInfoV4 {
  return {
    header: { id: 'ES', version: 4, vid: 'tongban' },
    esID: 'TB91110000100000000X0001',
    property: {
      type: 1,
      name: '北京某某科技有限公司',
      certList: { kind: 'certs', certs: signerCerts },
      createDate: new Date('2026-01-05T08:00:00Z'),
      validStart: new Date('2026-01-05T08:00:00Z'),
      validEnd: new Date('2029-01-05T08:00:00Z'),
    },
    picture: { type: 'PNG', data: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), width: 42, height: 42 },
    ...overrides,
  };
}
