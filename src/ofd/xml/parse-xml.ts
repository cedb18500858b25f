import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { OfdFormatError } from '../errors.js';
import { isOfdElement } from './ofd-elements.js';

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const DOCUMENT_TYPE_NODE = 10;

/**
 * Parses an XML file of the package and returns its root element, which must be the OFD element
 * named `rootName`. Refused: a DOCTYPE (so no entity can be declared, expanded or fetched: xmldom
 * never loads external DTDs and knows only the five predefined entities and character
 * references), anything xmldom reports even as a warning (an unquoted attribute, a stray end tag),
 * and encodings other than UTF-8 and the GB family.
 */
export function parseOfdXml(bytes: Uint8Array, path: string, rootName: string): Element {
  const text = decode(bytes, path);
  let document: Document;
  try {
    document = new DOMParser({
      locator: false,
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    throw new OfdFormatError(`${path} is not well-formed XML (${error instanceof Error ? error.message.slice(0, 200) : 'unreadable'})`);
  }
  for (let node = document.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === DOCUMENT_TYPE_NODE) throw new OfdFormatError(`${path} has a DOCTYPE (refused: no DTDs, no entities)`);
  }
  const root = document.documentElement;
  if (root === null || !isOfdElement(root, rootName)) throw new OfdFormatError(`${path}: the root element is not OFD's ${rootName}`);
  return root;
}

function decode(bytes: Uint8Array, path: string): string {
  const hasBom = UTF8_BOM.every((byte, i) => bytes[i] === byte);
  const body = hasBom ? bytes.subarray(3) : bytes;
  const declared = /^<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z0-9._-]+)["']/.exec(
    Buffer.from(body.subarray(0, 256)).toString('latin1'),
  );
  const encoding = (declared?.[1] ?? 'utf-8').toLowerCase();
  const label =
    encoding === 'utf-8' || encoding === 'utf8' ? 'utf-8' : ['gb2312', 'gbk', 'gb18030'].includes(encoding) ? 'gb18030' : undefined;
  if (label === undefined || (hasBom && label !== 'utf-8'))
    throw new OfdFormatError(`${path} is in an encoding that is not read (${encoding.slice(0, 40)})`);
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new OfdFormatError(`${path} is not valid ${label}`);
  }
}
