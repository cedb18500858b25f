import { TAG } from '../../pki/der.js';
import type { Fields } from './fields.js';
import type { ExtData, SesHeader, SesPictureInfo } from './model.js';
import { boolean, ia5String, objectIdentifier, octetString, sequence, smallInteger } from './writers.js';

/** The parts of the seal information that GB/T 38540 and GM/T 0031-2014 share: header, picture, extensions. */

export function readHeader(fields: Fields): SesHeader {
  const header = fields.sequence('header');
  const id = header.ia5('ID');
  if (id !== 'ES') header.fail('ID', `"ES" expected, found "${id.slice(0, 16)}"`);
  const result = { id, version: header.integer('version'), vid: header.ia5('Vid') };
  header.end();
  return result;
}

export function writeHeader(header: SesHeader): Buffer {
  return sequence(ia5String(header.id, 'header.ID'), smallInteger(header.version, 'header.version'), ia5String(header.vid, 'header.Vid'));
}

export function readPicture(fields: Fields): SesPictureInfo {
  const picture = fields.sequence('picture');
  const result = {
    type: picture.ia5('type'),
    data: picture.octets('data'),
    width: picture.integer('width'),
    height: picture.integer('height'),
  };
  picture.end();
  return result;
}

export function writePicture(picture: SesPictureInfo): Buffer {
  return sequence(
    ia5String(picture.type, 'picture.type'),
    octetString(picture.data),
    smallInteger(picture.width, 'picture.width'),
    smallInteger(picture.height, 'picture.height'),
  );
}

/** ExtensionDatas ::= SEQUENCE OF ExtData, from a cursor on the list itself. */
export function readExtDatas(list: Fields): ExtData[] {
  const items: ExtData[] = [];
  while (list.peekTag() !== undefined) {
    const item = list.sequence(`extDatas[${items.length}]`);
    const extnID = item.oid('extnID');
    // DER leaves a DEFAULT value out, but vendors' seals (the tax bureaus' among them) write
    // `critical FALSE`; it is inside the signed bytes, kept as received, so it is read, not refused.
    const critical = item.peekTag() === TAG.BOOLEAN ? item.boolean('critical') : false;
    items.push({ extnID, critical, extnValue: item.octets('extnValue') });
    item.end();
  }
  return items;
}

export function writeExtDatas(extDatas: readonly ExtData[]): Buffer {
  return sequence(
    ...extDatas.map((ext, i) =>
      sequence(objectIdentifier(ext.extnID, `extDatas[${i}].extnID`), ...(ext.critical ? [boolean(true)] : []), octetString(ext.extnValue)),
    ),
  );
}
