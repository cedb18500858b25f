import type { Element } from '@xmldom/xmldom';
import { parseBox } from './box.js';
import { OfdFormatError } from './errors.js';
import { folderOf } from './loc.js';
import type { OfdDocument, OfdPage } from './model.js';
import { requiredFile } from './package-files.js';
import { readSignatureList } from './read-signatures.js';
import { ofdChild, ofdChildren, requiredAttribute, requiredOfdChild, requiredText } from './xml/ofd-elements.js';
import { parseOfdXml } from './xml/parse-xml.js';

/** One DocBody of OFD.xml: its Document.xml, the pages it lists and its signatures. */
export function readDocument(files: ReadonlyMap<string, Buffer>, body: Element, index: number): OfdDocument {
  const docRoot = requiredFile(files, requiredText(requiredOfdChild(body, 'DocRoot', 'OFD.xml'), 'OFD.xml'), '', 'OFD.xml DocRoot');
  const root = parseOfdXml(docRoot.bytes, docRoot.path, 'Document');
  const pageArea = requiredOfdChild(requiredOfdChild(root, 'CommonData', docRoot.path), 'PageArea', docRoot.path);
  const physicalBox = parseBox(requiredText(requiredOfdChild(pageArea, 'PhysicalBox', docRoot.path), docRoot.path));
  if (physicalBox === undefined) throw new OfdFormatError(`${docRoot.path}: PageArea's PhysicalBox is not a box`);
  const pages = readPages(files, root, docRoot.path);

  const signaturesElement = ofdChild(body, 'Signatures', 'OFD.xml');
  const list =
    signaturesElement === undefined
      ? undefined
      : readSignatureList(files, requiredFile(files, requiredText(signaturesElement, 'OFD.xml'), '', 'OFD.xml Signatures'), index);
  return {
    index,
    path: docRoot.path,
    pageArea: physicalBox,
    pages,
    signaturesPath: list?.path,
    maxSignId: list?.maxSignId,
    signatures: list?.signatures ?? [],
  };
}

function readPages(files: ReadonlyMap<string, Buffer>, root: Element, documentPath: string): OfdPage[] {
  const pageElements = ofdChildren(requiredOfdChild(root, 'Pages', documentPath), 'Page');
  if (pageElements.length === 0) throw new OfdFormatError(`${documentPath} lists no pages`);
  const ids = new Set<string>();
  return pageElements.map((element, i) => {
    const id = requiredAttribute(element, 'ID', documentPath);
    if (ids.has(id)) throw new OfdFormatError(`${documentPath}: two pages have ID ${id.slice(0, 40)}`);
    ids.add(id);
    const file = requiredFile(
      files,
      requiredAttribute(element, 'BaseLoc', documentPath),
      folderOf(documentPath),
      `${documentPath} page ${i + 1}`,
    );
    return { number: i + 1, id, path: file.path };
  });
}
