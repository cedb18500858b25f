import type { Fields } from './fields.js';
import type { DecodedSealV1, SesPropertyInfoV1, SesSealInfoV1 } from './model.js';
import { readExtDatas, readHeader, readPicture } from './seal-info.js';
import { sequence } from './writers.js';

/**
 * GM/T 0031-2014 SESeal, read only: SEQUENCE { sealInfo, signInfo SEQUENCE { cert, signatureAlgorithm,
 * signData } }, the property without certListType and with UTCTime dates. Header versions 1 to 3
 * are this layout's (ofdrw writes 1); 4 belongs to GB/T 38540's.
 */
const V1_HEADER_VERSIONS = [1, 2, 3];

/** The seal whose top-level SEQUENCE is `seal` (two fields). */
export function readSealV1(seal: Fields): DecodedSealV1 {
  const info = seal.sequence('sealInfo');
  const sealInfo = readSealInfo(info);
  const signInfo = seal.sequence('signInfo');
  const cert = signInfo.octets('cert');
  const certDer = signInfo.lastRaw();
  const signatureAlgorithm = signInfo.oid('signatureAlgorithm');
  const algorithmDer = signInfo.lastRaw();
  const result: DecodedSealV1 = {
    layout: 'v1',
    sealInfo,
    signInfo: { cert, signatureAlgorithm, signData: signInfo.bits('signData') },
    der: seal.der,
    // The maker signed SEQUENCE { sealInfo, cert, signatureAlgorithm }: the three as received, re-wrapped.
    signedDer: sequence(info.der, certDer, algorithmDer),
  };
  signInfo.end();
  seal.end();
  return result;
}

function readSealInfo(info: Fields): SesSealInfoV1 {
  const header = readHeader(info);
  if (!V1_HEADER_VERSIONS.includes(header.version))
    info.fail('header.version', `version ${header.version} in the GM/T 0031-2014 layout (1 to 3 expected)`);
  const esID = info.ia5('esID');
  const property = readProperty(info.sequence('property'));
  const picture = readPicture(info);
  const extDatas = info.peekTag() === undefined ? undefined : readExtDatas(info.sequence('extDatas'));
  info.end();
  return extDatas ? { header, esID, property, picture, extDatas } : { header, esID, property, picture };
}

function readProperty(property: Fields): SesPropertyInfoV1 {
  const type = property.integer('type');
  const name = property.utf8('name');
  const list = property.sequence('certList');
  const certList: Buffer[] = [];
  while (list.peekTag() !== undefined) certList.push(list.octets(`certList[${certList.length}]`));
  const result = {
    type,
    name,
    certList,
    createDate: property.utcTime('createDate'),
    validStart: property.utcTime('validStart'),
    validEnd: property.utcTime('validEnd'),
  };
  property.end();
  return result;
}
