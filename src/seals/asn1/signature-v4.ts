import type { Fields } from './fields.js';
import type { DecodedSesSignatureV4, ExtData, TbsSignV4 } from './model.js';
import { readExtDatas, writeExtDatas } from './seal-info.js';
import { readSealV4, SEAL_VERSION_V4 } from './seal-v4.js';
import { bitString, explicit, generalizedTime, ia5String, objectIdentifier, octetString, sequence, smallInteger } from './writers.js';

/** GB/T 38540-2020 TBS_Sign and SES_Signature (version 4), read from and written to DER exactly as the reference ASN.1. */

/** What a TBS_Sign is made of; the seal goes in as its DER, byte for byte as its maker issued it. */
export interface TbsSignV4Fields {
  readonly eseal: Buffer;
  readonly timeInfo: Date;
  readonly dataHash: Buffer;
  readonly propertyInfo: string;
  readonly extDatas?: readonly ExtData[];
}

export interface SesSignatureV4Fields {
  readonly toSign: TbsSignV4Fields;
  readonly cert: Buffer;
  readonly signatureAlgID: string;
  readonly signature: Buffer;
  readonly timeStamp?: Buffer;
}

/** The signature whose top-level SEQUENCE is `signature` (four fields, or five with the [0] timeStamp). */
export function readSesSignatureV4(signature: Fields): DecodedSesSignatureV4 {
  const tbs = signature.sequence('toSign');
  const toSign = readTbsSign(tbs);
  const cert = signature.octets('cert');
  const signatureAlgID = signature.oid('signatureAlgID');
  const value = signature.bits('signature');
  let timeStamp: Buffer | undefined;
  if (signature.peekTag() !== undefined) {
    const tagged = signature.explicit('timeStamp', 0);
    timeStamp = tagged.bits('timeStamp');
    tagged.end();
  }
  signature.end();
  const decoded = { layout: 'v4', toSign, cert, signatureAlgID, signature: value, der: signature.der, toSignDer: tbs.der } as const;
  return timeStamp ? { ...decoded, timeStamp } : decoded;
}

function readTbsSign(tbs: Fields): TbsSignV4 {
  const version = tbs.integer('version');
  if (version !== SEAL_VERSION_V4) tbs.fail('version', `version ${version} in the GB/T 38540 layout (4 expected)`);
  const seal = tbs.sequence('eseal');
  if (seal.count !== 4) seal.refuse(`a GB/T 38540 seal has 4 fields, this one ${seal.count}`);
  const eseal = readSealV4(seal);
  const timeInfo = tbs.generalizedTime('timeInfo');
  const dataHash = tbs.bits('dataHash');
  const propertyInfo = tbs.ia5('propertyInfo');
  const extDatas = tbs.peekTag() === undefined ? undefined : readExtDatas(tbs.explicitSequence('extDatas', 0));
  tbs.end();
  const decoded = { version, eseal, timeInfo, dataHash, propertyInfo };
  return extDatas ? { ...decoded, extDatas } : decoded;
}

/** DER(toSign): the bytes the signer signs. */
export function encodeTbsSignV4(tbs: TbsSignV4Fields): Buffer {
  return sequence(
    smallInteger(SEAL_VERSION_V4, 'version'),
    tbs.eseal,
    generalizedTime(tbs.timeInfo, 'timeInfo'),
    bitString(tbs.dataHash),
    ia5String(tbs.propertyInfo, 'propertyInfo'),
    ...(tbs.extDatas ? [explicit(0, writeExtDatas(tbs.extDatas))] : []),
  );
}

export function encodeSesSignatureV4(signature: SesSignatureV4Fields): Buffer {
  return assembleSesSignatureV4(encodeTbsSignV4(signature.toSign), signature);
}

/** The signature around DER(toSign) already encoded (and signed). */
export function assembleSesSignatureV4(toSignDer: Buffer, signature: Omit<SesSignatureV4Fields, 'toSign'>): Buffer {
  return sequence(
    toSignDer,
    octetString(signature.cert),
    objectIdentifier(signature.signatureAlgID, 'signatureAlgID'),
    bitString(signature.signature),
    ...(signature.timeStamp ? [explicit(0, bitString(signature.timeStamp))] : []),
  );
}
