import type { Element } from '@xmldom/xmldom';
import { parseBox, type OfdBox } from './box.js';
import { OfdFormatError } from './errors.js';
import { folderOf, resolveLoc } from './loc.js';
import type { OfdDocument, OfdFile, OfdPage } from './model.js';
import { attributeOf, ofdChild, ofdChildren, requiredOfdChild, textOf } from './xml/ofd-elements.js';
import { parseOfdXml } from './xml/parse-xml.js';

/**
 * A page's physical box (GB/T 33190 §7.7): its own Area if it has one, else that of the first of
 * its templates that has one, else the document's PageArea. Read on demand: it takes parsing the
 * page's content, which reading a package for its signatures does not need.
 */
export function readPageBox(ofd: OfdFile, document: OfdDocument, page: OfdPage): OfdBox {
  const pageRoot = parsePage(ofd, page.path);
  const own = areaBox(pageRoot, page.path);
  if (own !== undefined) return own;
  const templateIds = ofdChildren(pageRoot, 'Template').map((element) => attributeOf(element, 'TemplateID'));
  if (templateIds.length === 0) return document.pageArea;
  const documentRoot = parseOfdXml(ofd.files.get(document.path) ?? Buffer.alloc(0), document.path, 'Document');
  const templates = ofdChildren(requiredOfdChild(documentRoot, 'CommonData', document.path), 'TemplatePage');
  for (const id of templateIds) {
    const template = templates.find((element) => id !== undefined && attributeOf(element, 'ID') === id);
    const baseLoc = template === undefined ? undefined : attributeOf(template, 'BaseLoc');
    const path = baseLoc === undefined ? undefined : resolveLoc(baseLoc, folderOf(document.path));
    // A template that is not where it is said to be (a real invoice says TPLS/ for Tpls/) only loses its page size.
    const box = path === undefined || !ofd.files.has(path) ? undefined : areaBox(parsePage(ofd, path), path);
    if (box !== undefined) return box;
  }
  return document.pageArea;
}

function parsePage(ofd: OfdFile, path: string): Element {
  const bytes = ofd.files.get(path);
  if (bytes === undefined) throw new OfdFormatError(`${path} is not in the package`);
  return parseOfdXml(bytes, path, 'Page');
}

function areaBox(root: Element, path: string): OfdBox | undefined {
  const area = ofdChild(root, 'Area', path);
  const physical = area === undefined ? undefined : ofdChild(area, 'PhysicalBox', path);
  if (physical === undefined) return undefined;
  const box = parseBox(textOf(physical));
  if (box === undefined) throw new OfdFormatError(`${path}: the page's PhysicalBox is not a box`);
  return box;
}
