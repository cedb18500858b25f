import { formatBox, type OfdBox } from '../box.js';
import { escapeXml } from '../xml/escape.js';
import { OFD_NAMESPACE } from '../xml/ofd-elements.js';

export interface SignatureXmlInput {
  readonly provider: { readonly name: string; readonly version?: string; readonly company?: string };
  readonly signatureMethod: string;
  readonly signatureDateTime: string;
  readonly checkMethod: string;
  /** Absolute FileRefs and their base64 digests. */
  readonly references: ReadonlyArray<{ readonly fileRef: string; readonly checkValue: string }>;
  readonly stampAnnot: { readonly id: string; readonly pageRef: string; readonly boundary: OfdBox };
  readonly sealLoc: string;
  readonly signedValueLoc: string;
}

/**
 * Signature.xml (GB/T 33190 §18.2) with its elements in the schema's order: SignedInfo
 * (Provider, SignatureMethod, SignatureDateTime, References, StampAnnot, Seal), then SignedValue.
 */
export function signatureXml(input: SignatureXmlInput): Buffer {
  const { provider, stampAnnot } = input;
  const attribute = (name: string, value: string | undefined) => (value === undefined ? '' : ` ${name}="${escapeXml(value)}"`);
  const references = input.references
    .map(
      (reference) =>
        `<ofd:Reference FileRef="${escapeXml(reference.fileRef)}"><ofd:CheckValue>${reference.checkValue}</ofd:CheckValue></ofd:Reference>`,
    )
    .join('');
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<ofd:Signature xmlns:ofd="${OFD_NAMESPACE}"><ofd:SignedInfo>` +
      `<ofd:Provider${attribute('ProviderName', provider.name)}${attribute('Version', provider.version)}${attribute('Company', provider.company)}/>` +
      `<ofd:SignatureMethod>${escapeXml(input.signatureMethod)}</ofd:SignatureMethod>` +
      `<ofd:SignatureDateTime>${escapeXml(input.signatureDateTime)}</ofd:SignatureDateTime>` +
      `<ofd:References CheckMethod="${escapeXml(input.checkMethod)}">${references}</ofd:References>` +
      `<ofd:StampAnnot ID="${escapeXml(stampAnnot.id)}" PageRef="${escapeXml(stampAnnot.pageRef)}" Boundary="${formatBox(stampAnnot.boundary)}"/>` +
      `<ofd:Seal><ofd:BaseLoc>${escapeXml(input.sealLoc)}</ofd:BaseLoc></ofd:Seal>` +
      `</ofd:SignedInfo><ofd:SignedValue>${escapeXml(input.signedValueLoc)}</ofd:SignedValue></ofd:Signature>`,
    'utf8',
  );
}
