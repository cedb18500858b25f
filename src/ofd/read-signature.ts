import type { Element } from '@xmldom/xmldom';
import { parseBox, type OfdBox } from './box.js';
import { OfdFormatError } from './errors.js';
import { folderOf, resolveLoc } from './loc.js';
import type { OfdReference, OfdSignature, OfdSignatureType, OfdStampAnnot } from './model.js';
import { requiredFile } from './package-files.js';
import { attributeOf, ofdChild, ofdChildren, requiredAttribute, requiredOfdChild, requiredText, textOf } from './xml/ofd-elements.js';
import { parseOfdXml } from './xml/parse-xml.js';

/**
 * One signature's Signature.xml (GB/T 33190 §18.2) and the files it names. Its paths are
 * relative to its own folder when they do not start with `/`.
 */
export function readSignatureFile(
  files: ReadonlyMap<string, Buffer>,
  listed: { document: number; position: number; id: string; type: OfdSignatureType; path: string },
): OfdSignature {
  const { path } = listed;
  const signatureXml = files.get(path);
  if (signatureXml === undefined) throw new OfdFormatError(`${path} is not in the package`);
  const root = parseOfdXml(signatureXml, path, 'Signature');
  const folder = folderOf(path);
  const signedInfo = requiredOfdChild(root, 'SignedInfo', path);
  const provider = requiredOfdChild(signedInfo, 'Provider', path);
  const references = requiredOfdChild(signedInfo, 'References', path);
  const sealElement = ofdChild(signedInfo, 'Seal', path);
  const seal =
    sealElement === undefined
      ? undefined
      : requiredFile(files, requiredText(requiredOfdChild(sealElement, 'BaseLoc', path), path), folder, `${path} Seal`);
  const signedValue = requiredFile(files, requiredText(requiredOfdChild(root, 'SignedValue', path), path), folder, `${path} SignedValue`);
  return {
    kind: 'signature',
    ...listed,
    signatureXml,
    provider: {
      name: requiredAttribute(provider, 'ProviderName', path),
      version: attributeOf(provider, 'Version'),
      company: attributeOf(provider, 'Company'),
    },
    signatureMethod: optionalText(signedInfo, 'SignatureMethod', path),
    signatureDateTime: optionalText(signedInfo, 'SignatureDateTime', path),
    checkMethod: attributeOf(references, 'CheckMethod'),
    references: readReferences(references, folder, path),
    stampAnnots: ofdChildren(signedInfo, 'StampAnnot').map((element) => readStampAnnot(element, path)),
    sealPath: seal?.path,
    seal: seal?.bytes,
    signedValuePath: signedValue.path,
    signedValue: signedValue.bytes,
  };
}

function readReferences(references: Element, folder: string, path: string): OfdReference[] {
  const read = ofdChildren(references, 'Reference').map((element): OfdReference => {
    const fileRef = requiredAttribute(element, 'FileRef', path);
    const resolved = resolveLoc(fileRef, folder);
    if (resolved === undefined) throw new OfdFormatError(`${path}: FileRef "${fileRef.slice(0, 200)}" is not a path inside the package`);
    return { fileRef, path: resolved, checkValue: requiredText(requiredOfdChild(element, 'CheckValue', path), path) };
  });
  if (read.length === 0) throw new OfdFormatError(`${path} protects no file (no Reference)`);
  return read;
}

function readStampAnnot(element: Element, path: string): OfdStampAnnot {
  const box = (name: string): OfdBox | undefined => {
    const value = attributeOf(element, name);
    if (value === undefined) return undefined;
    const parsed = parseBox(value);
    if (parsed === undefined) throw new OfdFormatError(`${path}: a StampAnnot's ${name} is not a box`);
    return parsed;
  };
  const boundary = box('Boundary');
  if (boundary === undefined) throw new OfdFormatError(`${path}: a StampAnnot has no Boundary`);
  return { id: requiredAttribute(element, 'ID', path), pageRef: requiredAttribute(element, 'PageRef', path), boundary, clip: box('Clip') };
}

function optionalText(parent: Element, name: string, path: string): string | undefined {
  const element = ofdChild(parent, name, path);
  return element === undefined ? undefined : textOf(element) || undefined;
}
