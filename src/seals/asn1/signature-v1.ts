import type { Fields } from './fields.js';
import type { DecodedSesSignatureV1, TbsSignV1 } from './model.js';
import { readSealV1 } from './seal-v1.js';

/**
 * GM/T 0031-2014 SES_Signature, read only: SEQUENCE { toSign, signature }, where TBS_Sign is
 * SEQUENCE { version, eseal, timeInfo BIT STRING, dataHash BIT STRING, propertyInfo IA5String,
 * cert OCTET STRING, signatureAlgorithm OBJECT IDENTIFIER }.
 */
export function readSesSignatureV1(signature: Fields): DecodedSesSignatureV1 {
  const tbs = signature.sequence('toSign');
  const toSign = readTbsSign(tbs);
  const value = signature.bits('signature');
  signature.end();
  return { layout: 'v1', toSign, signature: value, der: signature.der, toSignDer: tbs.der };
}

function readTbsSign(tbs: Fields): TbsSignV1 {
  const version = tbs.integer('version');
  if (version < 1 || version > 3) tbs.fail('version', `version ${version} in the GM/T 0031-2014 layout (1 to 3 expected)`);
  const seal = tbs.sequence('eseal');
  if (seal.count !== 2) seal.refuse(`a GM/T 0031-2014 seal has 2 fields, this one ${seal.count}`);
  const result = {
    version,
    eseal: readSealV1(seal),
    timeInfo: tbs.bits('timeInfo'),
    dataHash: tbs.bits('dataHash'),
    propertyInfo: tbs.ia5('propertyInfo'),
    cert: tbs.octets('cert'),
    signatureAlgorithm: tbs.oid('signatureAlgorithm'),
  };
  tbs.end();
  return result;
}
