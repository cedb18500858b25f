import { OfdFormatError } from './errors.js';
import type { OfdFile } from './model.js';
import { readDocument } from './read-document.js';
import { attributeOf, ofdChildren } from './xml/ofd-elements.js';
import { parseOfdXml } from './xml/parse-xml.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip/limits.js';
import { readZip } from './zip/read-zip.js';

export interface ReadOfdOptions {
  /** Tighter (or looser) zip-bomb limits than DEFAULT_ZIP_LIMITS. */
  readonly limits?: Partial<ZipLimits>;
}

/**
 * Reads an OFD package: the zip, OFD.xml, each document's Document.xml and page list, and its
 * signatures (Signatures.xml, each Signature.xml with the files it names). Anything malformed in
 * the package or in those files throws OfdFormatError (and nothing else does), except a listed
 * signature whose own files are unreadable, which is returned as such.
 */
export function readOfd(ofd: Uint8Array, options: ReadOfdOptions = {}): OfdFile {
  if (!(ofd instanceof Uint8Array)) throw new TypeError('readOfd takes the package as a Buffer or Uint8Array');
  const entries = readZip(ofd, { ...DEFAULT_ZIP_LIMITS, ...options.limits });
  const files = new Map(entries.filter((entry) => !entry.isFolder).map((entry) => [entry.name, entry.data]));
  const ofdXml = files.get('OFD.xml');
  if (ofdXml === undefined) throw new OfdFormatError('the package has no OFD.xml');
  const root = parseOfdXml(ofdXml, 'OFD.xml', 'OFD');
  const docType = attributeOf(root, 'DocType');
  if (docType !== undefined && docType !== 'OFD') throw new OfdFormatError(`OFD.xml: DocType is "${docType.slice(0, 40)}", not OFD`);
  const bodies = ofdChildren(root, 'DocBody');
  if (bodies.length === 0) throw new OfdFormatError('OFD.xml has no DocBody');
  return {
    files,
    entries,
    version: attributeOf(root, 'Version'),
    documents: bodies.map((body, index) => readDocument(files, body, index)),
  };
}
