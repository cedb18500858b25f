/**
 * OFD packages (GB/T 33190): reading them, checking their signatures' references, stamping them.
 *
 * Reading
 *   readOfd(ofd: Uint8Array, { limits? }): OfdFile
 *     The zip (refusing zip bombs: DEFAULT_ZIP_LIMITS on entries, total size and ratio; absolute,
 *     `..` and duplicate names; ZIP64; encryption), then OFD.xml → each DocBody → Document.xml →
 *     pages, and DocBody/Signatures → Signatures.xml → each Signature.xml with its SignedValue.dat
 *     and Seal.esl. XML is read by namespace, never by prefix, and with no DTD. Throws
 *     OfdFormatError for anything malformed, and nothing else; a listed signature whose own files
 *     are unreadable comes back as { kind: 'unreadable', reason }, so the others still count.
 *   readPageBox(ofd, document, page): OfdBox — a page's physical box in mm (page, template, document).
 *
 * Checking a signature's references (the `dataHash` check's package half)
 *   checkReferences(ofd, signature): ReferenceCheck
 *     SM3 (CheckMethod `SM3` or 1.2.156.10197.1.401) or SHA-256 of every file a Reference names,
 *     against its base64 CheckValue: per-reference status and `intact`. A signature whose only
 *     changed reference is Signatures.xml, with signatures listed after it, is intact
 *     (`signaturesListChangedBy` names them). The digest of Signature.xml itself (in the
 *     SES_Signature) is the seal codec's to compare: `signature.signatureXml` is its exact bytes.
 *
 * Stamping
 *   stampOfd(ofd: Uint8Array, options: StampOptions): Promise<Buffer>
 *     Adds a Seal signature: a StampAnnot on page `page` at x/y/width/height mm, Seal.esl,
 *     Signature.xml referencing every file but Signatures.xml and its own Signature.xml and
 *     SignedValue.dat; then SignedValue.dat = await options.sign(signatureXmlBytes, context),
 *     the context being { signatureLoc, signatureId, signingTime }. Untouched entries are copied
 *     as stored. Throws OfdFormatError (package), OfdStampError (options), or what `sign` throws.
 *     The picture readers draw in the box is the seal's own (in SignedValue.dat's SESeal): no
 *     image file or page annotation is added.
 *
 * Writing
 *   createOfd({ pages: [{ size?, texts: [{ x, y, width, height?, text, font?, size?, lineHeight?,
 *     align?, color? }], paths?: [{ x, y, width, height, commands, stroke?, fill?, rule? }] }],
 *     title?, author?, subject?, pageSize?, font?, createdAt?, docId? }): Buffer
 *     A new package of one document with pages of text (A4 unless told; mm from the top-left):
 *     OFD.xml, Document.xml, PublicRes.xml (fonts by name — 宋体 with the Noto Serif CJK SC family
 *     by default, OFD_FONTS — none embedded) and a Content.xml per page, one TextObject per box and
 *     a TextCode per line with each glyph's advance (DeltaX), wrapped to the box's width; paths
 *     (PathObjects: M/L/C commands in mm from their box, e.g. rectanglePath(x, y, w, h); stroked
 *     and/or filled) are drawn under the texts. RangeError for a box off its page, text taller than
 *     its box, a path outside its box or text XML cannot carry.
 *   sampleOfd({ pages?, title?, createdAt? }): Buffer — the sample document `tongban ofd sample`
 *     writes, with room for a seal at SAMPLE_STAMP_AREA.
 */
export { formatBox, parseBox, type OfdBox } from './box.js';
export { checkReferences, type ReferenceCheck, type ReferenceResult, type ReferenceStatus } from './check-references.js';
export { CHECK_METHOD, digestAlgorithmOf, type DigestAlgorithm } from './digest.js';
export { OfdFormatError, OfdStampError } from './errors.js';
export type {
  OfdDocument,
  OfdFile,
  OfdPage,
  OfdProvider,
  OfdReference,
  OfdSignature,
  OfdSignatureEntry,
  OfdSignatureType,
  OfdStampAnnot,
  OfdUnreadableSignature,
} from './model.js';
export { readOfd, type ReadOfdOptions } from './read-ofd.js';
export { readPageBox } from './read-page-box.js';
export { SIGNATURE_METHOD, stampOfd, type SignatureMethod, type SignContext, type StampOptions } from './stamp/stamp-ofd.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip/limits.js';
export {
  A4,
  createOfd,
  FONT_SIZE_MM,
  OFD_FONTS,
  rectanglePath,
  type CreateOfdOptions,
  type OfdFont,
  type OfdPageInput,
  type OfdPathBox,
  type OfdPathCommand,
  type OfdTextBox,
} from './write/create-ofd.js';
export { MAX_SAMPLE_PAGES, SAMPLE_STAMP_AREA, sampleOfd, type SampleOfdOptions } from './write/sample-document.js';
export { layOutText, type LaidOutLine, type TextAlign } from './write/text-layout.js';
