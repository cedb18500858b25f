import { createHash, createPublicKey } from 'node:crypto';
import { CRYPTO_OID } from '../crypto/oids.js';
import { sm3 } from '../crypto/sm3.js';
import {
  OfdFormatError,
  OfdStampError,
  readOfd,
  readPageBox,
  SIGNATURE_METHOD,
  stampOfd,
  type OfdBox,
  type SignatureMethod,
} from '../ofd/index.js';
import {
  checkCertList,
  checkMakerSignature,
  checkSealValidity,
  decodeSeal,
  makeSesSignatureV4,
  SealFormatError,
  type DecodedSealV4,
  type SignBytes,
} from '../seals/index.js';
import { SubIndication } from '../verification/report.js';
import { parseCertificate, validityAt } from './certificates.js';
import { WalletError } from './errors.js';
import { publicJwkOf, type KeyFile, type WalletAlg } from './key-file.js';
import type { StoredLicence } from './wallet.js';

/**
 * A seal to stamp with, as the seal-making authority described it (fetchSeal): its DER and, when
 * it was asked, whether it is revoked. A bare DER (a seal file at hand) is judged by its validity
 * alone.
 */
export interface SealForStamping {
  /** SESeal (GB/T 38540), DER, as its maker issued it. */
  readonly der: Uint8Array;
  /** The authority's status (`revoked` refuses the seal). */
  readonly status?: string;
  /** When the authority revoked it (refuses the seal). */
  readonly revokedAt?: Date | null;
  readonly revocationReason?: string | null;
}

export type StampSeal = Uint8Array | SealForStamping;

export interface StampCommonOptions {
  readonly seal: StampSeal;
  /** Which licence signs; may be left out when the seal lists exactly one of the wallet's licence certificates. */
  readonly uscc?: string;
  /** TBS_Sign.timeInfo (and the OFD's SignatureDateTime); default now; whole seconds (milliseconds are dropped). */
  readonly signingTime?: Date;
}

export interface StampFileOptions extends StampCommonOptions {
  /** TBS_Sign.propertyInfo: what was signed, e.g. the file's name (non-ASCII characters are percent-encoded). Default empty. */
  readonly propertyInfo?: string;
}

export interface StampOfdOptions extends StampCommonOptions {
  /** The page to stamp, from 1. */
  readonly page: number;
  /** The stamp's top-left corner on the page, mm from the page's top-left. */
  readonly x: number;
  readonly y: number;
  /** The stamp's size in mm; default the seal picture's (widthMm × heightMm), one of them given: the other in proportion. */
  readonly width?: number;
  readonly height?: number;
  /** Which DocBody (from 0); default the first. */
  readonly document?: number;
  /** Signature.xml's Provider; default tongban. */
  readonly provider?: { readonly name: string; readonly version?: string; readonly company?: string };
}

/** How a wallet key stamps: the SES_Signature's signature algorithm, the detached digest, the OFD SignatureMethod. */
export interface StampAlgorithm {
  readonly walletAlg: WalletAlg;
  readonly signatureAlgID: string;
  /** The digest of a detached stamp's data: SM3 with SM2, SHA-256 with ECDSA P-256 (the signature algorithm's own hash). */
  readonly digest: 'sm3' | 'sha256';
  readonly ofdSignatureMethod: SignatureMethod;
}

export const STAMP_ALGORITHMS: Readonly<Record<WalletAlg, StampAlgorithm>> = Object.freeze({
  SM2SM3: { walletAlg: 'SM2SM3', signatureAlgID: CRYPTO_OID.sm2WithSm3, digest: 'sm3', ofdSignatureMethod: SIGNATURE_METHOD.sm2 },
  ES256: {
    walletAlg: 'ES256',
    signatureAlgID: CRYPTO_OID.ecdsaWithSha256,
    digest: 'sha256',
    ofdSignatureMethod: SIGNATURE_METHOD.ecdsaP256,
  },
});

/** The public side of a wallet: what a stamp is checked against before the key is needed. */
export interface WalletPublicSide {
  readonly alg: WalletAlg;
  readonly publicJwk: KeyFile['publicJwk'];
  readonly licences: readonly StoredLicence[];
}

/** What a stamp will be made with, every refusal already made. */
export interface StampPlan {
  readonly seal: DecodedSealV4;
  readonly esID: string;
  readonly licence: StoredLicence;
  /** The licence certificate, DER: SES_Signature.cert. */
  readonly certificate: Buffer;
  readonly algorithm: StampAlgorithm;
  readonly signingTime: Date;
}

/**
 * Checks a stamp can be made, from public data only (no key, no passphrase): the seal is a
 * GB/T 38540 seal (SEAL_UNREADABLE, SEAL_UNSUPPORTED for GM/T 0031-2014) whose maker's signature
 * verifies (SEAL_INVALID), not revoked by its authority (SEAL_REVOKED), valid at the signing time
 * (SEAL_NOT_YET_VALID, SEAL_EXPIRED), and listing in its certList a licence certificate of this
 * wallet's key (SEAL_NOT_FOR_THIS_KEY; NO_LICENCE, LICENCE_CHOICE_NEEDED) that is valid at the
 * signing time (LICENCE_EXPIRED, LICENCE_NOT_YET_VALID).
 */
export function planStamp(wallet: WalletPublicSide, options: StampCommonOptions): StampPlan {
  const algorithm = STAMP_ALGORITHMS[wallet.alg];
  if (!algorithm) throw new WalletError('UNSUPPORTED_KEY_TYPE', `a wallet key of the algorithm ${String(wallet.alg)} cannot stamp`);
  const signingTime = wholeSeconds(options.signingTime ?? new Date());
  const given = sealInput(options.seal);
  const seal = readSeal(given.der);
  const esID = seal.eSealInfo.esID;
  if (given.status === 'revoked' || (given.revokedAt !== undefined && given.revokedAt !== null)) {
    const when = given.revokedAt ? ` at ${given.revokedAt.toISOString()}` : '';
    const why = given.revocationReason ? ` (${given.revocationReason})` : '';
    throw new WalletError('SEAL_REVOKED', `the seal ${esID} was revoked${when}${why}: it stamps nothing any more`);
  }
  const maker = checkMakerSignature(seal);
  if (maker.status !== 'PASSED') throw new WalletError('SEAL_INVALID', `the seal ${esID} is not intact: ${maker.message}`);
  const validity = checkSealValidity(seal, signingTime);
  if (validity.status !== 'PASSED') {
    const code = validity.subIndication === SubIndication.NOT_YET_VALID ? 'SEAL_NOT_YET_VALID' : 'SEAL_EXPIRED';
    throw new WalletError(code, `the seal ${esID}: ${validity.message}`);
  }

  const licence = chooseListedLicence(wallet, seal, options.uscc);
  const certificate = parseCertificate(licence.certificate);
  const der = Buffer.from(certificate.rawData);
  const certificateJwk = publicJwkOf(createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: 'der', type: 'spki' }));
  const own = wallet.publicJwk;
  if (certificateJwk.crv !== own.crv || certificateJwk.x !== own.x || certificateJwk.y !== own.y)
    throw new WalletError('LICENCE_KEY_MISMATCH', `the licence certificate of ${licence.uscc} is for another key than this wallet's`);
  const state = validityAt(certificate, signingTime);
  if (state === 'expired')
    throw new WalletError(
      'LICENCE_EXPIRED',
      `the licence certificate of ${licence.uscc} expired on ${certificate.notAfter.toISOString()}: enrol again`,
    );
  if (state === 'not_yet_valid')
    throw new WalletError(
      'LICENCE_NOT_YET_VALID',
      `the licence certificate of ${licence.uscc} is valid from ${certificate.notBefore.toISOString()}`,
    );
  return { seal, esID, licence, certificate: der, algorithm, signingTime };
}

/** A detached SES_Signature over `data`: dataHash = SM3(data) with an SM2 key, SHA-256(data) with a P-256 one. */
export async function makeDetachedStamp(
  data: Uint8Array,
  plan: StampPlan,
  propertyInfo: string | undefined,
  sign: SignBytes,
): Promise<Buffer> {
  if (!(data instanceof Uint8Array)) throw new TypeError('the data to stamp must be a Buffer or Uint8Array');
  const stamp = await makeSesSignatureV4(
    {
      seal: plan.seal.der,
      timeInfo: plan.signingTime,
      dataHash: createHash(plan.algorithm.digest).update(data).digest(),
      propertyInfo: ia5Text(propertyInfo ?? ''),
      cert: plan.certificate,
      signatureAlgID: plan.algorithm.signatureAlgID,
    },
    sign,
  );
  return stamp.der;
}

/**
 * The OFD stamped (GB/T 33190 §18, through src/ofd's stampOfd): SignedValue.dat is an
 * SES_Signature whose dataHash is SM3(Signature.xml) — SM3 with either key, as OFD readers compute
 * it — and whose propertyInfo is Signature.xml's location, as ofdrw writes it; the references are
 * SM3 too. OFD_UNREADABLE for a package that cannot be read, STAMP_REFUSED for a page or box that
 * does not fit it.
 */
export async function makeOfdStamp(ofd: Uint8Array, plan: StampPlan, options: StampOfdOptions, sign: SignBytes): Promise<Buffer> {
  if (!(ofd instanceof Uint8Array)) throw new TypeError('the OFD to stamp must be a Buffer or Uint8Array');
  const { width, height } = checkOfdPlacement(ofd, plan.seal, options);
  try {
    return await stampOfd(ofd, {
      page: options.page,
      x: options.x,
      y: options.y,
      width,
      height,
      seal: plan.seal.der,
      provider: options.provider ?? { name: 'tongban', company: 'tongban' },
      signatureMethod: plan.algorithm.ofdSignatureMethod,
      digest: 'sm3',
      signingTime: plan.signingTime,
      ...(options.document === undefined ? {} : { document: options.document }),
      sign: async (signatureXml, context) =>
        (
          await makeSesSignatureV4(
            {
              seal: plan.seal.der,
              timeInfo: context.signingTime,
              dataHash: sm3(signatureXml),
              propertyInfo: ia5Text(context.signatureLoc),
              cert: plan.certificate,
              signatureAlgID: plan.algorithm.signatureAlgID,
            },
            sign,
          )
        ).der,
    });
  } catch (err) {
    if (err instanceof OfdFormatError) throw new WalletError('OFD_UNREADABLE', `not an OFD document that can be stamped: ${err.message}`);
    if (err instanceof OfdStampError) throw new WalletError('STAMP_REFUSED', `the stamp cannot be placed so: ${err.message}`);
    throw err;
  }
}

/**
 * Where the stamp will go, checked against the document before anything is signed (stampOfd checks
 * again): the package reads (OFD_UNREADABLE), has the document and page (STAMP_REFUSED), and the
 * box — as given, or the seal picture's size — lies on the page.
 */
export function checkOfdPlacement(ofd: Uint8Array, seal: DecodedSealV4, options: StampOfdOptions): OfdBox {
  const box = { x: options.x, y: options.y, ...stampSize(seal, options) };
  if (!Number.isInteger(options.page) || options.page < 1) throw new WalletError('STAMP_REFUSED', 'the page is a whole number from 1');
  if (![box.x, box.y, box.width, box.height].every(Number.isFinite) || box.width <= 0 || box.height <= 0)
    throw new WalletError('STAMP_REFUSED', "the stamp's place and size are millimetres, its size above 0");
  try {
    const file = readOfd(ofd);
    const document = file.documents[options.document ?? 0];
    if (document === undefined) throw new WalletError('STAMP_REFUSED', `the package has no document ${(options.document ?? 0) + 1}`);
    const page = document.pages[options.page - 1];
    if (page === undefined)
      throw new WalletError('STAMP_REFUSED', `the document has ${document.pages.length} page(s), not a page ${options.page}`);
    const area = readPageBox(file, document, page);
    const tolerance = 0.01;
    if (
      box.x < area.x - tolerance ||
      box.y < area.y - tolerance ||
      box.x + box.width > area.x + area.width + tolerance ||
      box.y + box.height > area.y + area.height + tolerance
    )
      throw new WalletError(
        'STAMP_REFUSED',
        `a ${box.width} × ${box.height} mm stamp at x ${box.x}, y ${box.y} mm does not lie on page ${options.page} (${area.width} × ${area.height} mm)`,
      );
  } catch (err) {
    if (err instanceof OfdFormatError) throw new WalletError('OFD_UNREADABLE', `not an OFD document that can be stamped: ${err.message}`);
    throw err;
  }
  return box;
}

/** The stamp's size: as given, else the seal picture's (one side given: the other in its proportion). */
export function stampSize(seal: DecodedSealV4, options: { width?: number; height?: number }): { width: number; height: number } {
  const { width, height } = seal.eSealInfo.picture;
  if (options.width !== undefined && options.height !== undefined) return { width: options.width, height: options.height };
  if (!(width > 0) || !(height > 0))
    throw new WalletError(
      'STAMP_REFUSED',
      `the seal's picture states no size (${width} × ${height} mm): give the stamp's width and height`,
    );
  if (options.width !== undefined) return { width: options.width, height: (options.width * height) / width };
  if (options.height !== undefined) return { width: (options.height * width) / height, height: options.height };
  return { width, height };
}

function sealInput(seal: StampSeal): { der: Buffer; status?: string; revokedAt?: Date | null; revocationReason?: string | null } {
  if (seal instanceof Uint8Array) return { der: Buffer.from(seal) };
  if (seal && typeof seal === 'object' && seal.der instanceof Uint8Array) return { ...seal, der: Buffer.from(seal.der) };
  throw new WalletError('SEAL_UNREADABLE', 'no seal was given (its DER)');
}

function readSeal(der: Buffer): DecodedSealV4 {
  let seal;
  try {
    seal = decodeSeal(der);
  } catch (err) {
    if (err instanceof SealFormatError) throw new WalletError('SEAL_UNREADABLE', `not an electronic seal that can be read: ${err.message}`);
    throw err;
  }
  if (seal.layout !== 'v4')
    throw new WalletError(
      'SEAL_UNSUPPORTED',
      `the seal ${seal.sealInfo.esID} is in the GM/T 0031-2014 layout; tongban stamps with GB/T 38540 (version 4) seals`,
    );
  return seal;
}

/** The licence to sign with: the one named, else the one of the wallet's licences the seal lists. */
function chooseListedLicence(wallet: WalletPublicSide, seal: DecodedSealV4, uscc: string | undefined): StoredLicence {
  const listed = (licence: StoredLicence) =>
    checkCertList(seal, Buffer.from(parseCertificate(licence.certificate).rawData)).status === 'PASSED';
  const notForThisKey = (what: string) =>
    new WalletError(
      'SEAL_NOT_FOR_THIS_KEY',
      `the seal ${seal.eSealInfo.esID} (${seal.eSealInfo.property.name}) does not list ${what} among the certificates that may stamp with it`,
    );
  if (uscc !== undefined) {
    const wanted = uscc.toUpperCase();
    const licence = wallet.licences.find((l) => l.uscc === wanted);
    if (!licence) throw new WalletError('NO_LICENCE', `this wallet holds no licence for ${uscc}: enrol first`);
    if (!listed(licence)) throw notForThisKey(`the licence certificate of ${licence.uscc} in this wallet`);
    return licence;
  }
  if (!wallet.licences.length) throw new WalletError('NO_LICENCE', 'this wallet holds no licence: enrol first');
  const candidates = wallet.licences.filter(listed);
  if (candidates.length === 1) return candidates[0];
  if (!candidates.length) throw notForThisKey(`any licence certificate of this wallet (${wallet.licences.map((l) => l.uscc).join(', ')})`);
  throw new WalletError(
    'LICENCE_CHOICE_NEEDED',
    `the seal lists the licence certificates of ${candidates.length} enterprises in this wallet: name one (--uscc): ${candidates.map((l) => l.uscc).join(', ')}`,
  );
}

/** IA5String (ASCII) text: characters beyond ASCII percent-encoded as UTF-8, as in a URI. */
export function ia5Text(text: string): string {
  return text.replace(/[^\x00-\x7f]+/gu, (run) => encodeURIComponent(run));
}

function wholeSeconds(at: Date): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('signingTime is not a date');
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}
