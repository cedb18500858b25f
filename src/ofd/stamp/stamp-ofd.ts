import { type OfdBox } from '../box.js';
import { CHECK_METHOD, digest, type DigestAlgorithm } from '../digest.js';
import { OfdStampError } from '../errors.js';
import { absoluteLoc, folderOf } from '../loc.js';
import type { OfdDocument, OfdFile } from '../model.js';
import { readOfd } from '../read-ofd.js';
import { readPageBox } from '../read-page-box.js';
import type { ZipLimits } from '../zip/limits.js';
import { writeZip, type ZipOutput } from '../zip/write-zip.js';
import { pointDocBodyAtSignatures } from './ofd-entry.js';
import { nextSignIds } from './sign-ids.js';
import { appendToSignatureList, newSignatureList } from './signature-list.js';
import { signatureXml } from './signature-xml.js';

/** SignatureMethod values: SM2 with SM3 (every vendor's seals), or ECDSA P-256 with SHA-256. */
export const SIGNATURE_METHOD = Object.freeze({ sm2: '1.2.156.10197.1.501', ecdsaP256: '1.2.840.10045.4.3.2' } as const);
export type SignatureMethod = (typeof SIGNATURE_METHOD)[keyof typeof SIGNATURE_METHOD];

export interface StampOptions {
  /** The page to stamp, 1 for the first. */
  readonly page: number;
  /** The stamp's top-left corner on the page and its size, in millimetres; it must lie on the page. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /**
   * The seal (SESeal DER), stored as Seal.esl. OFD readers draw the stamp in its box with the
   * picture of the seal inside the signed value (SES_Signature.toSign.eseal), so no separate
   * picture is put in the package.
   */
  readonly seal: Uint8Array;
  /**
   * Signs the new Signature.xml, given its exact bytes; returns SignedValue.dat (an SES_Signature
   * whose TBS_Sign.dataHash is the digest of those bytes). The context gives what TBS_Sign also
   * carries: ofdrw puts Signature.xml's location in propertyInfo, and timeInfo should be the
   * SignatureDateTime written.
   */
  readonly sign: (signatureXml: Buffer, context: SignContext) => Promise<Uint8Array>;
  readonly provider: { readonly name: string; readonly version?: string; readonly company?: string };
  /** Default SM2 with SM3. */
  readonly signatureMethod?: SignatureMethod;
  /** The digest of every reference; default SM3. */
  readonly digest?: DigestAlgorithm;
  /** SignatureDateTime and the new zip entries' time; default now. */
  readonly signingTime?: Date;
  /** Which DocBody of OFD.xml (from 0); default the first, as ofdrw does. */
  readonly document?: number;
  readonly limits?: Partial<ZipLimits>;
}

export interface SignContext {
  /** Signature.xml's absolute location in the package, e.g. `/Doc_0/Signs/Sign_0/Signature.xml`. */
  readonly signatureLoc: string;
  readonly signatureId: string;
  readonly signingTime: Date;
}

/** Where the new signature's files go. */
interface Plan {
  readonly listPath: string;
  readonly folder: string;
  readonly signatureId: string;
  readonly stampAnnotId: string;
  readonly maxSignId: string;
}

/**
 * Adds a Seal signature to an OFD package (GB/T 33190 §18), as ofdrw's "continue signing" mode
 * does: Signatures.xml created (and OFD.xml pointed at it) or appended to, and a new folder
 * Sign_N beside it with Seal.esl, Signature.xml and SignedValue.dat. Signature.xml references
 * every file of the package but Signatures.xml (so later stamps leave this one intact) and its
 * own Signature.xml and SignedValue.dat, each with its digest. Entries the stamp does not change
 * are copied as stored, byte for byte.
 *
 * Throws OfdFormatError for a package that cannot be read, OfdStampError for options that do not
 * fit it, and whatever `sign` throws.
 */
export async function stampOfd(ofd: Uint8Array, options: StampOptions): Promise<Buffer> {
  const signingTime = options.signingTime ?? new Date();
  checkOptions(options, signingTime);
  const file = readOfd(ofd, { limits: options.limits });
  const document = file.documents[options.document ?? 0];
  if (document === undefined) throw new OfdStampError(`the package has no document ${(options.document ?? 0) + 1}`);
  const page = document.pages[options.page - 1];
  if (page === undefined) throw new OfdStampError(`the document has ${document.pages.length} page(s), not a page ${options.page}`);
  const boundary: OfdBox = { x: options.x, y: options.y, width: options.width, height: options.height };
  checkOnPage(boundary, readPageBox(file, document, page));

  const plan = planSignature(file, document);
  const signatureLoc = absoluteLoc(`${plan.folder}/Signature.xml`);
  const { replaced, added } = listSignature(file, document, plan, signatureLoc);
  const sealPath = `${plan.folder}/Seal.esl`;
  added.set(sealPath, Buffer.from(options.seal));

  const algorithm = options.digest ?? 'sm3';
  const protectedFiles = [...file.files.keys(), ...added.keys()].filter((path) => path !== plan.listPath);
  const contentOf = (path: string) => replaced.get(path) ?? added.get(path) ?? file.files.get(path)!;
  const signature = signatureXml({
    provider: options.provider,
    signatureMethod: options.signatureMethod ?? SIGNATURE_METHOD.sm2,
    signatureDateTime: generalizedTime(signingTime),
    checkMethod: CHECK_METHOD[algorithm],
    references: protectedFiles.map((path) => ({
      fileRef: absoluteLoc(path),
      checkValue: digest(algorithm, contentOf(path)).toString('base64'),
    })),
    stampAnnot: { id: plan.stampAnnotId, pageRef: page.id, boundary },
    sealLoc: absoluteLoc(sealPath),
    signedValueLoc: absoluteLoc(`${plan.folder}/SignedValue.dat`),
  });
  const signedValue: unknown = await options.sign(signature, { signatureLoc, signatureId: plan.signatureId, signingTime });
  if (!(signedValue instanceof Uint8Array) || signedValue.length === 0)
    throw new OfdStampError('the sign callback returned no signature bytes');
  added.set(`${plan.folder}/Signature.xml`, signature);
  added.set(`${plan.folder}/SignedValue.dat`, Buffer.from(signedValue));

  const outputs: ZipOutput[] = file.entries.map((entry) => {
    const data = replaced.get(entry.name);
    return data === undefined ? { kind: 'copy', stored: entry.stored } : { kind: 'new', name: entry.name, data };
  });
  for (const [name, data] of added) outputs.push({ kind: 'new', name, data });
  return writeZip(outputs, signingTime);
}

/**
 * The new signature entered in Signatures.xml: the list appended to (an entry replaced), or
 * created (a new entry) with OFD.xml's DocBody pointed at it (OFD.xml replaced).
 */
function listSignature(
  file: OfdFile,
  document: OfdDocument,
  plan: Plan,
  signatureLoc: string,
): { replaced: Map<string, Buffer>; added: Map<string, Buffer> } {
  const listed = { id: plan.signatureId, baseLoc: signatureLoc };
  const existing = file.files.get(plan.listPath);
  if (existing !== undefined) {
    return {
      replaced: new Map([[plan.listPath, appendToSignatureList(existing, plan.listPath, listed, plan.maxSignId)]]),
      added: new Map(),
    };
  }
  const ofdXml = pointDocBodyAtSignatures(file.files.get('OFD.xml')!, document.index, absoluteLoc(plan.listPath));
  return { replaced: new Map([['OFD.xml', ofdXml]]), added: new Map([[plan.listPath, newSignatureList(listed, plan.maxSignId)]]) };
}

function planSignature(file: OfdFile, document: OfdDocument): Plan {
  const documentFolder = folderOf(document.path);
  const listPath = document.signaturesPath ?? (documentFolder === '' ? 'Signs/Signatures.xml' : `${documentFolder}/Signs/Signatures.xml`);
  const names = file.entries.map((entry) => entry.name.toLowerCase());
  const fileNames = new Set(names.filter((name) => !name.endsWith('/')));
  // Names compared as the reader compares them, ignoring case.
  const used = (path: string) => names.some((name) => name === path.toLowerCase() || name.startsWith(`${path.toLowerCase()}/`));
  const underAFile = (path: string) =>
    path
      .toLowerCase()
      .split('/')
      .some((_, i, segments) => i > 0 && fileNames.has(segments.slice(0, i).join('/')));
  if (document.signaturesPath === undefined && (used(listPath) || underAFile(listPath)))
    throw new OfdStampError(`${listPath} cannot be created: the package has an entry there`);
  const signsFolder = folderOf(listPath);
  const inSigns = (name: string) => (signsFolder === '' ? name : `${signsFolder}/${name}`);
  let n = 0;
  while (used(inSigns(`Sign_${n}`))) n++;

  const takenIds = new Set<string>();
  for (const entry of document.signatures) {
    if (entry.id !== undefined) takenIds.add(entry.id);
    if (entry.kind === 'signature') for (const annot of entry.stampAnnots) takenIds.add(annot.id);
  }
  const { ids, maxSignId } = nextSignIds(document.maxSignId, takenIds, 2);
  return { listPath, folder: inSigns(`Sign_${n}`), signatureId: ids[0], stampAnnotId: ids[1], maxSignId };
}

function checkOptions(options: StampOptions, signingTime: Date): void {
  if (!Number.isInteger(options.page) || options.page < 1) throw new OfdStampError('page must be a whole number from 1');
  for (const name of ['x', 'y', 'width', 'height'] as const) {
    if (!Number.isFinite(options[name])) throw new OfdStampError(`${name} must be a number of millimetres`);
  }
  if (options.width <= 0 || options.height <= 0) throw new OfdStampError('width and height must be above 0');
  if (!(options.seal instanceof Uint8Array) || options.seal.length === 0) throw new OfdStampError('the seal is empty');
  if (typeof options.sign !== 'function') throw new OfdStampError('sign must be a function');
  if (typeof options.provider?.name !== 'string' || options.provider.name.trim() === '')
    throw new OfdStampError('the provider needs a name');
  if (!(signingTime instanceof Date) || Number.isNaN(signingTime.getTime())) throw new OfdStampError('signingTime is not a date');
  if (options.document !== undefined && (!Number.isInteger(options.document) || options.document < 0))
    throw new OfdStampError('document must be a whole number from 0');
}

/** Within a hundredth of a millimetre: a stamp put flush with the edge of an A4 page is on it. */
function checkOnPage(box: OfdBox, page: OfdBox): void {
  const tolerance = 0.01;
  const inside =
    box.x >= page.x - tolerance &&
    box.y >= page.y - tolerance &&
    box.x + box.width <= page.x + page.width + tolerance &&
    box.y + box.height <= page.y + page.height + tolerance;
  if (!inside) throw new OfdStampError(`the stamp does not lie on the page (its box is ${page.width} × ${page.height} mm)`);
}

/** GeneralizedTime in UTC (`20260101120000Z`), as tax bureaus' vendors write SignatureDateTime: unambiguous, unlike local time. */
function generalizedTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace(/[-:T]/g, '')}Z`;
}
