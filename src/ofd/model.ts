import type { OfdBox } from './box.js';
import type { ZipEntry } from './zip/read-zip.js';

/** An OFD package as read by readOfd. Paths are package paths: `Doc_0/Document.xml`, no leading slash. */
export interface OfdFile {
  /** Every file of the package (folders left out), by path. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** The zip entries in package order, as stored (what stampOfd copies unchanged). */
  readonly entries: readonly ZipEntry[];
  /** OFD.xml's Version attribute. */
  readonly version: string | undefined;
  /** One per DocBody of OFD.xml, in order; a package has at least one. */
  readonly documents: readonly OfdDocument[];
}

export interface OfdDocument {
  /** Position among OFD.xml's DocBody elements, from 0. */
  readonly index: number;
  /** The Document.xml of this document (DocBody/DocRoot). */
  readonly path: string;
  /** CommonData/PageArea/PhysicalBox: the page size of a page that states none of its own. */
  readonly pageArea: OfdBox;
  /** In reading order; their files exist in the package. */
  readonly pages: readonly OfdPage[];
  /** Signatures.xml (DocBody/Signatures), when the document has one. */
  readonly signaturesPath: string | undefined;
  readonly maxSignId: string | undefined;
  /** In the order Signatures.xml lists them (the order they were added). */
  readonly signatures: readonly OfdSignatureEntry[];
}

export interface OfdPage {
  /** 1 for the first page. */
  readonly number: number;
  /** The page's ID in Document.xml: what a StampAnnot's PageRef names. */
  readonly id: string;
  /** Its Content.xml. */
  readonly path: string;
}

export type OfdSignatureType = 'Seal' | 'Sign';

/**
 * A signature listed in Signatures.xml. A listed signature whose own files cannot be read is
 * `unreadable` (with why), so the document's other signatures can still be checked and reported.
 */
export type OfdSignatureEntry = OfdSignature | OfdUnreadableSignature;

interface Listed {
  /** Which document lists it (OfdFile.documents index), and where in its Signatures.xml (from 0). */
  readonly document: number;
  readonly position: number;
  readonly id: string;
  readonly type: OfdSignatureType;
}

export interface OfdUnreadableSignature {
  readonly kind: 'unreadable';
  readonly document: number;
  readonly position: number;
  /** As listed, when the listing itself could be read. */
  readonly id: string | undefined;
  readonly type: OfdSignatureType | undefined;
  /** The Signature.xml it names, when that could be resolved. */
  readonly path: string | undefined;
  readonly reason: string;
}

export interface OfdSignature extends Listed {
  readonly kind: 'signature';
  /** Signature.xml. */
  readonly path: string;
  /** Signature.xml's exact bytes: what an SES_Signature's dataHash is computed over. */
  readonly signatureXml: Buffer;
  readonly provider: OfdProvider;
  /** SignedInfo/SignatureMethod (an OID, e.g. 1.2.156.10197.1.501 for SM2 with SM3). */
  readonly signatureMethod: string | undefined;
  /** SignedInfo/SignatureDateTime as written (formats vary: `2020-10-23 19:45:37`, `20201010151120`, `20201004072855.302Z`). */
  readonly signatureDateTime: string | undefined;
  /** References/@CheckMethod as written; absent means GB/T 33190's default, MD5. */
  readonly checkMethod: string | undefined;
  readonly references: readonly OfdReference[];
  readonly stampAnnots: readonly OfdStampAnnot[];
  /** SignedInfo/Seal/BaseLoc and its bytes (Seal.esl), when the signature names a seal file. */
  readonly sealPath: string | undefined;
  readonly seal: Buffer | undefined;
  /** SignedValue: for a Seal an SES_Signature (GB/T 38540), for a Sign a GB/T 35275 CMS SignedData. */
  readonly signedValuePath: string;
  readonly signedValue: Buffer;
}

export interface OfdProvider {
  readonly name: string;
  readonly version: string | undefined;
  readonly company: string | undefined;
}

export interface OfdReference {
  /** FileRef as written. */
  readonly fileRef: string;
  /** The package path it resolves to (against Signature.xml's folder when relative). */
  readonly path: string;
  /** CheckValue as written (base64). */
  readonly checkValue: string;
}

export interface OfdStampAnnot {
  readonly id: string;
  /** The ID of the page it is on (Document.xml's Page/@ID). */
  readonly pageRef: string;
  readonly boundary: OfdBox;
  readonly clip: OfdBox | undefined;
}
