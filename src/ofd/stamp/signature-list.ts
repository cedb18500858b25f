import { escapeXml } from '../xml/escape.js';
import { OFD_NAMESPACE, ofdChild, ofdChildren } from '../xml/ofd-elements.js';
import { parseOfdXml } from '../xml/parse-xml.js';
import { documentOf, serializeXml } from '../xml/serialize-xml.js';

export interface ListedSignature {
  readonly id: string;
  /** Absolute ST_Loc of its Signature.xml. */
  readonly baseLoc: string;
}

/** A new Signatures.xml listing one Seal signature (MaxSignId first, as the schema orders them). */
export function newSignatureList(signature: ListedSignature, maxSignId: string): Buffer {
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<ofd:Signatures xmlns:ofd="${OFD_NAMESPACE}"><ofd:MaxSignId>${escapeXml(maxSignId)}</ofd:MaxSignId>` +
      `<ofd:Signature ID="${escapeXml(signature.id)}" Type="Seal" BaseLoc="${escapeXml(signature.baseLoc)}"/></ofd:Signatures>`,
    'utf8',
  );
}

/**
 * The existing Signatures.xml with a Seal signature added after the last one and MaxSignId set,
 * written in the list's own namespace and prefix; everything else is as it was.
 */
export function appendToSignatureList(list: Buffer, path: string, signature: ListedSignature, maxSignId: string): Buffer {
  const root = parseOfdXml(list, path, 'Signatures');
  const document = documentOf(root);
  const qualified = (name: string) => (root.prefix ? `${root.prefix}:${name}` : name);

  const entry = document.createElementNS(root.namespaceURI, qualified('Signature'));
  entry.setAttribute('ID', signature.id);
  entry.setAttribute('Type', 'Seal');
  entry.setAttribute('BaseLoc', signature.baseLoc);
  const listed = ofdChildren(root, 'Signature');
  const last = listed[listed.length - 1];
  root.insertBefore(entry, last === undefined ? null : last.nextSibling);

  let max = ofdChild(root, 'MaxSignId', path);
  if (max === undefined) {
    max = document.createElementNS(root.namespaceURI, qualified('MaxSignId'));
    root.insertBefore(max, root.firstChild);
  }
  while (max.firstChild !== null) max.removeChild(max.firstChild);
  max.appendChild(document.createTextNode(maxSignId));
  return serializeXml(root);
}
