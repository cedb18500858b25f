import type { Fields } from './fields.js';
import {
  CERT_LIST_TYPE,
  type DecodedSealV4,
  type SesCertList,
  type SesPropertyInfoV4,
  type SesSealInfoV4,
  type SESealV4,
} from './model.js';
import { readExtDatas, readHeader, readPicture, writeExtDatas, writeHeader, writePicture } from './seal-info.js';
import {
  bitString,
  generalizedTime,
  ia5String,
  objectIdentifier,
  octetString,
  printableString,
  sequence,
  smallInteger,
  utf8String,
} from './writers.js';

/** GB/T 38540-2020 SESeal (version 4), read from and written to DER exactly as the reference ASN.1. */
export const SEAL_VERSION_V4 = 4;

/** The seal whose top-level SEQUENCE is `seal` (four fields: eSealInfo, cert, signAlgID, signedValue). */
export function readSealV4(seal: Fields): DecodedSealV4 {
  const info = seal.sequence('eSealInfo');
  const eSealInfo = readSealInfo(info);
  const result: DecodedSealV4 = {
    layout: 'v4',
    eSealInfo,
    cert: seal.octets('cert'),
    signAlgID: seal.oid('signAlgID'),
    signedValue: seal.bits('signedValue'),
    der: seal.der,
    eSealInfoDer: info.der,
  };
  seal.end();
  return result;
}

function readSealInfo(info: Fields): SesSealInfoV4 {
  const header = readHeader(info);
  if (header.version !== SEAL_VERSION_V4) info.fail('header.version', `version ${header.version} in the GB/T 38540 layout (4 expected)`);
  const esID = info.ia5('esID');
  const property = readProperty(info.sequence('property'));
  const picture = readPicture(info);
  const extDatas = info.peekTag() === undefined ? undefined : readExtDatas(info.sequence('extDatas'));
  info.end();
  return extDatas ? { header, esID, property, picture, extDatas } : { header, esID, property, picture };
}

function readProperty(property: Fields): SesPropertyInfoV4 {
  const type = property.integer('type');
  const name = property.utf8('name');
  const certListType = property.integer('certListType');
  if (certListType !== CERT_LIST_TYPE.certs && certListType !== CERT_LIST_TYPE.digests)
    property.fail('certListType', `${certListType} is neither 1 (certificates) nor 2 (digests)`);
  const certList = readCertList(property.sequence('certList'), certListType);
  const result = {
    type,
    name,
    certList,
    createDate: property.generalizedTime('createDate'),
    validStart: property.generalizedTime('validStart'),
    validEnd: property.generalizedTime('validEnd'),
  };
  property.end();
  return result;
}

/** SES_CertList is a CHOICE of two SEQUENCE OFs with the same tag: certListType says which. */
function readCertList(list: Fields, certListType: 1 | 2): SesCertList {
  if (certListType === CERT_LIST_TYPE.certs) {
    const certs: Buffer[] = [];
    while (list.peekTag() !== undefined) certs.push(list.octets(`certs[${certs.length}]`));
    return { kind: 'certs', certs };
  }
  const digests = [];
  while (list.peekTag() !== undefined) {
    const digest = list.sequence(`certDigestList[${digests.length}]`);
    digests.push({ type: digest.printable('type'), value: digest.octets('value') });
    digest.end();
  }
  return { kind: 'digests', digests };
}

/** DER(eSealInfo): the bytes the maker signs. */
export function encodeSealInfoV4(info: SesSealInfoV4): Buffer {
  const { property } = info;
  if (info.header.id !== 'ES' || info.header.version !== SEAL_VERSION_V4)
    throw new RangeError('a GB/T 38540 seal header is ID "ES", version 4');
  const certList =
    property.certList.kind === 'certs'
      ? sequence(...property.certList.certs.map((cert) => octetString(cert)))
      : sequence(
          ...property.certList.digests.map((digest, i) =>
            sequence(printableString(digest.type, `certDigestList[${i}].type`), octetString(digest.value)),
          ),
        );
  return sequence(
    writeHeader(info.header),
    ia5String(info.esID, 'esID'),
    sequence(
      smallInteger(property.type, 'property.type'),
      utf8String(property.name, 'property.name'),
      smallInteger(CERT_LIST_TYPE[property.certList.kind], 'property.certListType'),
      certList,
      generalizedTime(property.createDate, 'property.createDate'),
      generalizedTime(property.validStart, 'property.validStart'),
      generalizedTime(property.validEnd, 'property.validEnd'),
    ),
    writePicture(info.picture),
    ...(info.extDatas ? [writeExtDatas(info.extDatas)] : []),
  );
}

/** The seal's DER, encoded afresh from its fields (a decoded third-party seal's own bytes are its `der`). */
export function encodeSealV4(seal: SESealV4): Buffer {
  return assembleSealV4(encodeSealInfoV4(seal.eSealInfo), seal);
}

/** The seal around DER(eSealInfo) already encoded (and signed). */
export function assembleSealV4(eSealInfoDer: Buffer, seal: Omit<SESealV4, 'eSealInfo'>): Buffer {
  return sequence(eSealInfoDer, octetString(seal.cert), objectIdentifier(seal.signAlgID, 'signAlgID'), bitString(seal.signedValue));
}
