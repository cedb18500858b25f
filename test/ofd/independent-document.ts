/**
 * An OFD document reader written without tongban's code, as the signature checker beside it
 * (independent-checker.ts): fflate to unzip, @xmldom/xmldom for the XML. It reads what a viewer
 * needs to draw text (GB/T 33190 §7, §11, §12): OFD.xml's DocInfo and DocRoot, Document.xml's
 * CommonData and pages, PublicRes.xml's fonts, and each page's TextObjects with their TextCodes;
 * and it fails on what a strict reader would refuse: a missing file, an element out of the
 * schema's order, an ID used twice or above MaxUnitID, a TextObject naming no font of the document,
 * a DeltaX that does not give every glyph after the first its advance.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { strFromU8, unzipSync } from 'fflate';
import { posix } from 'node:path';

const NS = 'http://www.ofdspec.org/2016';

export interface SeenText {
  id: number;
  boundary: number[];
  font: { name: string; family: string | null; serif: boolean };
  size: number;
  fill: string | null;
  lines: Array<{ x: number; y: number; text: string; deltaX: number[] }>;
}

export interface SeenPage {
  id: number;
  path: string;
  area: number[] | null;
  texts: SeenText[];
}

export function independentlyReadDocument(ofd: Uint8Array) {
  const files = new Map(Object.entries(unzipSync(ofd)).filter(([name]) => !name.endsWith('/')));
  const xml = (path: string) => {
    const data = files.get(path) ?? fail(`${path} is not in the package`);
    const errors: string[] = [];
    const root = new DOMParser({ onError: (level, message) => errors.push(`${level}: ${message}`) }).parseFromString(
      strFromU8(data),
      'text/xml',
    ).documentElement!;
    if (errors.length) fail(`${path}: ${errors.join('; ')}`);
    if (root.namespaceURI !== NS) fail(`${path}: the root is not in the OFD namespace`);
    return root;
  };
  const children = (parent: Element) => Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
  const order = (parent: Element, expected: string[], where: string) => {
    const names = children(parent).map((child) => child.localName ?? child.nodeName);
    let position = 0;
    for (const name of names) {
      const at = expected.indexOf(name, position);
      if (at < 0) fail(`${where}: ${name} is out of the schema's order (${names.join(', ')})`);
      position = at;
    }
    return names;
  };
  const child = (parent: Element, name: string) => children(parent).find((c) => c.localName === name && c.namespaceURI === NS);
  const must = (parent: Element, name: string, where: string) => child(parent, name) ?? fail(`${where}: no ${name}`);
  const numbers = (text: string) => text.trim().split(/\s+/).map(Number);
  const resolve = (loc: string, base: string) => (loc.startsWith('/') ? loc.slice(1) : posix.join(posix.dirname(base), loc));

  const ofdRoot = xml('OFD.xml');
  if (ofdRoot.getAttribute('DocType') !== 'OFD' || !ofdRoot.getAttribute('Version')) fail('OFD.xml: DocType OFD and a Version');
  const body = must(ofdRoot, 'DocBody', 'OFD.xml');
  const info = must(body, 'DocInfo', 'OFD.xml');
  order(
    info,
    [
      'DocID',
      'Title',
      'Author',
      'Subject',
      'Abstract',
      'CreationDate',
      'ModDate',
      'DocUsage',
      'Cover',
      'Keywords',
      'Creator',
      'CreatorVersion',
      'CustomDatas',
    ],
    'DocInfo',
  );
  const docInfo = Object.fromEntries(children(info).map((c) => [c.localName, c.textContent]));
  const documentPath = resolve(must(body, 'DocRoot', 'OFD.xml').textContent!, 'OFD.xml');

  const documentRoot = xml(documentPath);
  const common = must(documentRoot, 'CommonData', documentPath);
  order(common, ['MaxUnitID', 'PageArea', 'PublicRes', 'DocumentRes', 'TemplatePage', 'DefaultCS'], 'CommonData');
  const maxUnitId = Number(must(common, 'MaxUnitID', documentPath).textContent);
  const pageArea = numbers(must(must(common, 'PageArea', documentPath), 'PhysicalBox', documentPath).textContent!);
  const ids = new Set<number>();
  const useId = (value: string | null, where: string) => {
    const id = Number(value);
    if (!Number.isInteger(id) || id < 1) fail(`${where}: ID ${value} is not a positive whole number`);
    if (ids.has(id)) fail(`${where}: ID ${id} is used twice`);
    if (id > maxUnitId) fail(`${where}: ID ${id} is above MaxUnitID ${maxUnitId}`);
    ids.add(id);
    return id;
  };

  const fonts = new Map<number, SeenText['font']>();
  for (const publicRes of children(common).filter((c) => c.localName === 'PublicRes')) {
    const path = resolve(publicRes.textContent!, documentPath);
    const res = xml(path);
    for (const font of Array.from(res.getElementsByTagNameNS(NS, 'Font'))) {
      const name = font.getAttribute('FontName') || fail(`${path}: a Font without FontName`);
      fonts.set(useId(font.getAttribute('ID'), path), {
        name,
        family: font.getAttribute('FamilyName'),
        serif: font.getAttribute('Serif') === 'true',
      });
    }
  }

  const pages = Array.from(must(documentRoot, 'Pages', documentPath).getElementsByTagNameNS(NS, 'Page')).map((entry): SeenPage => {
    const id = useId(entry.getAttribute('ID'), documentPath);
    const path = resolve(entry.getAttribute('BaseLoc')!, documentPath);
    const page = xml(path);
    order(page, ['Template', 'PageRes', 'Area', 'Content', 'Actions'], path);
    const area = child(page, 'Area');
    const texts: SeenText[] = [];
    for (const layer of Array.from(must(page, 'Content', path).getElementsByTagNameNS(NS, 'Layer'))) {
      useId(layer.getAttribute('ID'), path);
      for (const object of children(layer)) {
        if (object.localName !== 'TextObject') continue;
        order(object, ['Actions', 'Clips', 'FillColor', 'StrokeColor', 'CGTransform', 'TextCode'], `${path} TextObject`);
        const fontId = Number(object.getAttribute('Font'));
        const font =
          fonts.get(fontId) ??
          fail(`${path}: TextObject ${object.getAttribute('ID')} names font ${fontId}, which is not a font of the document`);
        const lines = children(object)
          .filter((c) => c.localName === 'TextCode')
          .map((code) => {
            const text = code.textContent ?? '';
            const deltaX = code.hasAttribute('DeltaX') ? numbers(code.getAttribute('DeltaX')!) : [];
            if (deltaX.length !== [...text].length - 1)
              fail(`${path}: "${text}" has ${[...text].length} glyphs and ${deltaX.length} DeltaX values`);
            return { x: Number(code.getAttribute('X')), y: Number(code.getAttribute('Y')), text, deltaX };
          });
        if (!lines.length) fail(`${path}: a TextObject without TextCode`);
        texts.push({
          id: useId(object.getAttribute('ID'), path),
          boundary: numbers(object.getAttribute('Boundary')!),
          font,
          size: Number(object.getAttribute('Size')),
          fill: child(object, 'FillColor')?.getAttribute('Value') ?? null,
          lines,
        });
      }
    }
    return { id, path, area: area ? numbers(must(area, 'PhysicalBox', path).textContent!) : null, texts };
  });
  if (Math.max(...ids) !== maxUnitId) fail(`MaxUnitID is ${maxUnitId}, the largest ID ${Math.max(...ids)}`);
  return { files, docInfo, documentPath, pageArea, fonts: [...fonts.values()], pages, maxUnitId };
}

function fail(message: string): never {
  throw new Error(`independent document reader: ${message}`);
}
