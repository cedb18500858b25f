/**
 * An OFD signature checker written without tongban's code: fflate to unzip, @xmldom/xmldom to
 * read the XML, node:crypto's SM3. It follows GB/T 33190 §18 as a reader would: OFD.xml →
 * DocBody → Document.xml (pages) and Signatures.xml → each Signature.xml → its references.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { strFromU8, unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';

const NS = 'http://www.ofdspec.org/2016';

export interface SeenSignature {
  id: string;
  type: string;
  signatureXmlPath: string;
  signatureXml: Uint8Array;
  signatureMethod: string;
  checkMethod: string;
  references: Array<{ path: string; checkValue: string; sm3: string | undefined }>;
  stampAnnots: Array<{ id: string; pageRef: string; boundary: number[] }>;
  seal: Uint8Array | undefined;
  signedValue: Uint8Array;
}

export function independentlyRead(ofd: Uint8Array) {
  const files = new Map(Object.entries(unzipSync(ofd)).filter(([name]) => !name.endsWith('/')));
  const file = (path: string) => files.get(path) ?? fail(`${path} is not in the package`);
  const xml = (path: string) => new DOMParser().parseFromString(strFromU8(file(path)), 'text/xml').documentElement!;
  const first = (parent: Element, name: string) => parent.getElementsByTagNameNS(NS, name)[0] ?? fail(`no ${name} in ${parent.tagName}`);
  const all = (parent: Element, name: string) => Array.from(parent.getElementsByTagNameNS(NS, name));
  const resolve = (loc: string, base: string) => (loc.startsWith('/') ? loc.slice(1) : posix.join(posix.dirname(base), loc));

  const body = first(xml('OFD.xml'), 'DocBody');
  const documentPath = resolve(first(body, 'DocRoot').textContent!, 'OFD.xml');
  const pageIds = all(first(xml(documentPath), 'Pages'), 'Page').map((page) => page.getAttribute('ID')!);
  const signaturesPath = resolve(first(body, 'Signatures').textContent!, 'OFD.xml');
  const signatures = all(xml(signaturesPath), 'Signature').map((listed): SeenSignature => {
    const signatureXmlPath = resolve(listed.getAttribute('BaseLoc')!, signaturesPath);
    const signature = xml(signatureXmlPath);
    const references = first(signature, 'References');
    const sealLoc = signature.getElementsByTagNameNS(NS, 'Seal')[0];
    return {
      id: listed.getAttribute('ID')!,
      type: listed.getAttribute('Type') ?? 'Seal',
      signatureXmlPath,
      signatureXml: file(signatureXmlPath),
      signatureMethod: first(signature, 'SignatureMethod').textContent!,
      checkMethod: references.getAttribute('CheckMethod')!,
      references: all(references, 'Reference').map((reference) => {
        const path = resolve(reference.getAttribute('FileRef')!, signatureXmlPath);
        const data = files.get(path);
        return {
          path,
          checkValue: first(reference, 'CheckValue').textContent!,
          sm3: data && createHash('sm3').update(data).digest('base64'),
        };
      }),
      stampAnnots: all(signature, 'StampAnnot').map((annot) => ({
        id: annot.getAttribute('ID')!,
        pageRef: annot.getAttribute('PageRef')!,
        boundary: annot.getAttribute('Boundary')!.trim().split(/\s+/).map(Number),
      })),
      seal: sealLoc && file(resolve(first(sealLoc, 'BaseLoc').textContent!, signatureXmlPath)),
      signedValue: file(resolve(first(signature, 'SignedValue').textContent!, signatureXmlPath)),
    };
  });
  return { files, documentPath, pageIds, signaturesPath, signatures };
}

function fail(message: string): never {
  throw new Error(`independent checker: ${message}`);
}
