import { OfdFormatError } from '../errors.js';
import { ofdChild, ofdChildren, requiredOfdChild } from '../xml/ofd-elements.js';
import { parseOfdXml } from '../xml/parse-xml.js';
import { documentOf, serializeXml } from '../xml/serialize-xml.js';

/**
 * OFD.xml with DocBody number `document` pointing at its new Signatures.xml, placed where the
 * schema puts it (after DocRoot and Versions), in the file's own namespace and prefix.
 */
export function pointDocBodyAtSignatures(ofdXml: Buffer, document: number, signaturesLoc: string): Buffer {
  const root = parseOfdXml(ofdXml, 'OFD.xml', 'OFD');
  const body = ofdChildren(root, 'DocBody')[document];
  if (body === undefined) throw new OfdFormatError(`OFD.xml has no DocBody ${document + 1}`);
  const xml = documentOf(root);
  const after = ofdChild(body, 'Versions', 'OFD.xml') ?? requiredOfdChild(body, 'DocRoot', 'OFD.xml');
  const element = xml.createElementNS(body.namespaceURI, body.prefix ? `${body.prefix}:Signatures` : 'Signatures');
  element.appendChild(xml.createTextNode(signaturesLoc));
  body.insertBefore(element, after.nextSibling);
  return serializeXml(root);
}
