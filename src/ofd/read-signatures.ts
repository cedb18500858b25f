import type { Element } from '@xmldom/xmldom';
import { OfdFormatError } from './errors.js';
import { folderOf, resolveLoc } from './loc.js';
import type { OfdSignatureEntry, OfdSignatureType } from './model.js';
import { readSignatureFile } from './read-signature.js';
import { attributeOf, ofdChild, ofdChildren, textOf } from './xml/ofd-elements.js';
import { parseOfdXml } from './xml/parse-xml.js';

/**
 * Signatures.xml (GB/T 33190 §18.1): MaxSignId and one Signature per signature, in the order
 * they were added. The list itself must be readable; each listed signature is read on its own.
 */
export function readSignatureList(
  files: ReadonlyMap<string, Buffer>,
  list: { path: string; bytes: Buffer },
  document: number,
): { path: string; maxSignId: string | undefined; signatures: OfdSignatureEntry[] } {
  const root = parseOfdXml(list.bytes, list.path, 'Signatures');
  const maxSignIdElement = ofdChild(root, 'MaxSignId', list.path);
  const ids = new Set<string>();
  const listedPaths = new Set<string>();
  const signatures = ofdChildren(root, 'Signature').map((element, position): OfdSignatureEntry => {
    const listed = readListing(element, list.path);
    const unreadable = (reason: string): OfdSignatureEntry => ({
      kind: 'unreadable',
      document,
      position,
      id: listed.id,
      type: listed.type,
      path: listed.path,
      reason: `${list.path}, signature ${position + 1}: ${reason}`,
    });
    if (listed.problem !== undefined) return unreadable(listed.problem);
    if (ids.has(listed.id) || listedPaths.has(listed.path)) return unreadable('its ID or its Signature.xml is listed twice');
    ids.add(listed.id);
    listedPaths.add(listed.path);
    try {
      return readSignatureFile(files, { document, position, id: listed.id, type: listed.type, path: listed.path });
    } catch (error) {
      if (error instanceof OfdFormatError) return unreadable(error.message);
      throw error;
    }
  });
  return { path: list.path, maxSignId: maxSignIdElement === undefined ? undefined : textOf(maxSignIdElement), signatures };
}

type Listing =
  | { problem: undefined; id: string; type: OfdSignatureType; path: string }
  | { problem: string; id: string | undefined; type: OfdSignatureType | undefined; path: string | undefined };

function readListing(element: Element, listPath: string): Listing {
  const id = attributeOf(element, 'ID') || undefined;
  const type = signatureType(attributeOf(element, 'Type'));
  const baseLoc = attributeOf(element, 'BaseLoc');
  const path = baseLoc === undefined ? undefined : resolveLoc(baseLoc, folderOf(listPath));
  if (id === undefined) return { problem: 'it has no ID', id, type, path };
  if (type === undefined)
    return { problem: `its Type "${(attributeOf(element, 'Type') ?? '').slice(0, 40)}" is neither Seal nor Sign`, id, type, path };
  if (path === undefined) return { problem: 'its BaseLoc is missing or not a path inside the package', id, type, path };
  return { problem: undefined, id, type, path };
}

/** Seal when absent, as GB/T 33190 says; ofdrw also reads the two values ignoring case. */
function signatureType(type: string | undefined): OfdSignatureType | undefined {
  if (type === undefined || type === '' || type.toLowerCase() === 'seal') return 'Seal';
  if (type.toLowerCase() === 'sign') return 'Sign';
  return undefined;
}
