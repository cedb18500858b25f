import { createHash } from 'node:crypto';
import { CRYPTO_OID } from '../crypto/oids.js';
import { SIGNATURE_ALGORITHM_NAMES } from '../crypto/signature-algorithms.js';
import type { ChainVerification, PkiService } from '../pki/pki.service.js';
import {
  checkCertList,
  checkMakerSignature,
  checkSealValidity,
  checkSignerSignature,
  decodeSeal,
  decodeSesSignature,
  makerSignatureOf,
  SealFormatError,
  sealPropertyOf,
  signerSignatureOf,
  signingTimeOf,
  type DecodedSeal,
  type DecodedSesSignature,
  type SealCheck,
} from '../seals/index.js';
import type { SealsService } from '../seals/seals.service.js';
import { about, combine, failed, indeterminate, passed, verdictOf, type Finding } from './findings.js';
import { SealStatuses, type SealStatus } from './seal-statuses.js';
import { ReportBuilder, SubIndication, type CheckName, type SealSection, type SignatureSection, type ValidationReport } from './report.js';

/**
 * What a stamp's data hash is checked against:
 * - `ofd`: a stamp in an OFD — the references of its Signature.xml (the package half, checked by
 *   the OFD library) and that Signature.xml's bytes, whose hash the SES_Signature carries;
 * - `document`: the bytes signed, given by the caller; `digest`: their hash, given instead;
 * - `none`: nothing given (the data hash cannot be checked: never TOTAL_PASSED).
 */
export type SignedData =
  | { readonly kind: 'ofd'; readonly references: Finding; readonly signatureXml: Buffer; readonly sealFile?: Buffer }
  | { readonly kind: 'document'; readonly bytes: Buffer }
  | { readonly kind: 'digest'; readonly value: Buffer }
  | { readonly kind: 'none' };

/** The hash a stamp's dataHash is by its signature algorithm (design §8): SM3 with SM2, SHA-256 with ECDSA P-256. */
const DATA_HASH: Readonly<Record<string, 'sm3' | 'sha256'>> = { [CRYPTO_OID.sm2WithSm3]: 'sm3', [CRYPTO_OID.ecdsaWithSha256]: 'sha256' };
const HASH_NAME = { sm3: 'SM3', sha256: 'SHA-256' } as const;
/** Seal revocation reasons that put the signer's own signing time in doubt (the key or seal was out of the holder's hands). */
const COMPROMISE = new Set(['compromised', 'keyCompromise']);

const NOT_READ = 'not checked: the input could not be read';

/**
 * Verifies GB/T 38540 seals and stamps (and GM/T 0031-2014's, read): the structure, the signer's
 * and the maker's signatures, the seal's validity and the signer's place in its certList, both
 * certificates' chains (tongban's roots or an operator's trust anchor), their validity and
 * revocation, and the seal's revocation — all at the signing time (GB/T 38540's procedure:
 * timeInfo; a seal alone at the validation time). Each check is one of the report's (design §9);
 * the verdict is the most telling of their findings (findings.ts). Never throws for bad input.
 */
export class SealVerifier {
  private readonly statuses: SealStatuses;

  constructor(
    private readonly pki: PkiService,
    seals: Pick<SealsService, 'statusAt'>,
  ) {
    this.statuses = new SealStatuses(seals);
  }

  /** A seal (SESeal DER) on its own, judged now. */
  async seal(der: Buffer): Promise<ValidationReport> {
    const now = new Date();
    let seal: DecodedSeal;
    try {
      seal = decodeSeal(der);
    } catch (error) {
      return formatFailure(now, `not an electronic seal: ${reason(error)}`, ['seal', 'chain', 'revocation', 'validity']);
    }
    const checked = await this.checkSeal(seal, now, { claimed: false });
    const findings: Array<[CheckName, Finding]> = [
      ['format', passed(`${layoutName(seal)} seal ${sealPropertyOf(seal).name} (${esIdOf(seal)})`)],
      ['seal', checked.seal],
      ['chain', about('the maker’s certificate', checked.chain)],
      ['revocation', combine([about('the seal', checked.sealRevocation), about('the maker’s certificate', checked.makerRevocation)])],
      ['validity', about('the maker’s certificate', checked.validity)],
    ];
    const report = new ReportBuilder(now);
    for (const [name, finding] of findings) report.check(name, finding.status, finding.message);
    return report
      .issuer(checked.maker.subject)
      .section('seal', checked.section)
      .build(verdictOf(findings.map(([, finding]) => finding)));
  }

  /**
   * A stamp (SES_Signature DER) and what it signed, judged at its signing time. `signature` is
   * what the report's signature section says besides (an OFD signature's ID and path).
   */
  async stamp(der: Buffer, data: SignedData, signature: Partial<SignatureSection> = {}): Promise<ValidationReport> {
    const now = new Date();
    let stamp: DecodedSesSignature;
    try {
      stamp = decodeSesSignature(der);
    } catch (error) {
      return formatFailure(now, `not an electronic seal's signature (SES_Signature): ${reason(error)}`, STAMP_CHECKS.slice(1), {
        signature: { type: 'Seal', ...signature },
      });
    }
    const seal = stamp.toSign.eseal;
    const signer = signerSignatureOf(stamp);
    const claimedTime = signingTimeOf(stamp);
    const at = claimedTime ?? now;
    const timestamped = stamp.layout === 'v4' && stamp.timeStamp !== undefined;

    const [checkedSeal, signerChain] = await Promise.all([
      this.checkSeal(seal, at, { claimed: claimedTime !== undefined }),
      this.pki.verifyCertificateChain([signer.cert.toString('base64')], at),
    ]);
    const formatNotes = [`${layoutName(stamp)} SES_Signature with seal ${sealPropertyOf(seal).name} (${esIdOf(seal)})`];
    if (claimedTime === undefined) formatNotes.push('its signing time cannot be read: judged at the validation time');
    if (timestamped) formatNotes.push('its time-stamp token is not verified: the signing time is timeInfo, the signer’s claim');
    const signerSignature = fromSealCheck(checkSignerSignature(stamp));
    let format = passed(formatNotes.join('; '));
    if (data.kind === 'ofd' && data.sealFile && !data.sealFile.equals(seal.der)) {
      // The seal file beside the stamp is another seal than the one signed: the document says two
      // things. When the stamp's own signature fails too, that failure is the finding; else this is.
      const mismatch = 'its Seal.esl is another seal than the one inside the stamp';
      format =
        signerSignature.status === 'PASSED'
          ? failed(SubIndication.FORMAT_FAILURE, `${formatNotes[0]}; but ${mismatch}`)
          : passed(`${formatNotes.join('; ')}; ${mismatch}`);
    }

    const findings: Array<[CheckName, Finding]> = [
      ['format', format],
      ['dataHash', dataHashFinding(stamp, signer.algorithm, data)],
      ['signature', signerSignature],
      ['seal', checkedSeal.seal],
      ['certList', fromSealCheck(checkCertList(seal, signer.cert))],
      [
        'chain',
        combine([about('the signer’s certificate', chainFinding(signerChain)), about('the maker’s certificate', checkedSeal.chain)]),
      ],
      [
        'revocation',
        combine([
          about('the seal', checkedSeal.sealRevocation),
          about('the signer’s certificate', certificateRevocation(signerChain, at, claimedTime !== undefined && !timestamped)),
          about('the maker’s certificate', checkedSeal.makerRevocation),
        ]),
      ],
      [
        'validity',
        combine([about('the signer’s certificate', validityFinding(signerChain)), about('the maker’s certificate', checkedSeal.validity)]),
      ],
    ];
    const report = new ReportBuilder(now);
    for (const [name, finding] of findings) report.check(name, finding.status, finding.message);
    const section: SignatureSection = {
      ...(signature.id !== undefined ? { id: signature.id } : {}),
      type: 'Seal',
      ...(signature.path !== undefined ? { path: signature.path } : {}),
      algorithm: SIGNATURE_ALGORITHM_NAMES[signer.algorithm] ?? signer.algorithm,
      propertyInfo: stamp.toSign.propertyInfo,
      ...(signature.references ? { references: signature.references } : {}),
    };
    return report
      .subject(signerChain.subject)
      .issuer(signerChain.issuer)
      .signingTime(claimedTime)
      .section('signature', section)
      .section('seal', checkedSeal.section)
      .build(verdictOf(findings.map(([, finding]) => finding)));
  }

  /**
   * What a seal is at `at`: the maker's signature and the seal's validity; the maker certificate's
   * chain, validity and revocation; and the seal's revocation (tongban's register, for seals
   * tongban made). `claimed`: `at` is the signer's own word (timeInfo), not proven by a timestamp.
   */
  private async checkSeal(seal: DecodedSeal, at: Date, time: { claimed: boolean }) {
    const makerCert = makerSignatureOf(seal).cert;
    const maker = await this.pki.verifyCertificateChain([makerCert.toString('base64')], at);
    const sealFinding = combine([fromSealCheck(checkMakerSignature(seal)), fromSealCheck(checkSealValidity(seal, at))]);
    const ours = maker.chain.status === 'PASSED' && maker.signature.status === 'PASSED' && maker.anchor === undefined;
    const sha256 = createHash('sha256').update(seal.der).digest();
    let status: SealStatus | null | undefined;
    let sealRevocation: Finding;
    if (ours) {
      try {
        status = await this.statuses.get(sha256);
        sealRevocation = sealStatusFinding(status, at, time.claimed);
      } catch {
        sealRevocation = indeterminate(SubIndication.TRY_LATER, 'tongban’s register of seals cannot be read now: try again later');
      }
    } else if (maker.chain.status === 'PASSED') {
      sealRevocation = indeterminate(
        SubIndication.TRY_LATER,
        `tongban holds no revocation data for seals of other makers (this maker chains to the trust anchor “${maker.anchor?.name ?? '?'}”)`,
      );
    } else {
      sealRevocation = indeterminate(SubIndication.NO_CERTIFICATE_CHAIN_FOUND, 'not checked: its maker is not known (no chain)');
    }
    return {
      maker,
      seal: sealFinding,
      chain: chainFinding(maker),
      validity: validityFinding(maker),
      makerRevocation: certificateRevocation(maker, at, time.claimed),
      sealRevocation,
      section: sealSection(seal, sha256, maker, status),
    };
  }
}

const STAMP_CHECKS: readonly CheckName[] = ['format', 'dataHash', 'signature', 'seal', 'certList', 'chain', 'revocation', 'validity'];

/** A report for what could not be read: format FAILED, the other checks not made. */
function formatFailure(
  now: Date,
  message: string,
  others: readonly CheckName[],
  sections: { signature?: SignatureSection } = {},
): ValidationReport {
  const report = new ReportBuilder(now).check('format', 'FAILED', message);
  for (const name of others) report.check(name, 'INDETERMINATE', NOT_READ);
  if (sections.signature) report.section('signature', sections.signature);
  return report.build({ indication: 'TOTAL_FAILED', subIndication: SubIndication.FORMAT_FAILURE });
}

function reason(error: unknown): string {
  if (error instanceof SealFormatError) return error.message;
  return 'it cannot be decoded';
}

function layoutName(item: DecodedSeal | DecodedSesSignature): string {
  return item.layout === 'v4' ? 'GB/T 38540 (version 4)' : 'GM/T 0031-2014';
}

function esIdOf(seal: DecodedSeal): string {
  return seal.layout === 'v4' ? seal.eSealInfo.esID : seal.sealInfo.esID;
}

function fromSealCheck(check: SealCheck): Finding {
  if (check.status === 'PASSED') return passed(check.message);
  if (check.status === 'FAILED') return failed(check.subIndication ?? SubIndication.SIG_CRYPTO_FAILURE, check.message);
  return indeterminate(check.subIndication ?? SubIndication.CRYPTO_CONSTRAINTS_FAILURE, check.message);
}

/** The data hash: the OFD references and the hash of Signature.xml, or the document or digest given. */
function dataHashFinding(stamp: DecodedSesSignature, algorithm: string, data: SignedData): Finding {
  if (data.kind === 'none')
    return indeterminate(SubIndication.SIGNED_DATA_NOT_FOUND, 'not checked: neither the document nor its digest was given');
  const hash = DATA_HASH[algorithm];
  if (!hash)
    return indeterminate(
      SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
      `the data hash of a ${algorithm} signature cannot be checked: tongban knows which hash goes with SM2 and ECDSA P-256 only`,
    );
  const expected = stamp.toSign.dataHash;
  const name = HASH_NAME[hash];
  if (data.kind === 'digest')
    return data.value.equals(expected)
      ? passed(`the stamp’s data hash is the ${name} digest given`)
      : failed(SubIndication.HASH_FAILURE, `the stamp’s data hash is not the ${name} digest given`);
  if (data.kind === 'document')
    return createHash(hash).update(data.bytes).digest().equals(expected)
      ? passed(`the stamp’s data hash is the ${name} of the document given`)
      : failed(SubIndication.HASH_FAILURE, `the stamp’s data hash is not the ${name} of the document given: it signed other data`);
  // In an OFD, ofdrw (and tongban's wallet after it) writes SM3(Signature.xml) whatever the key;
  // the hash of the signature's own algorithm is taken as well.
  const candidates = [...new Set(['sm3', hash] as const)];
  const used = candidates.find((candidate) => createHash(candidate).update(data.signatureXml).digest().equals(expected));
  const own = used
    ? passed(`the stamp’s data hash is the ${HASH_NAME[used]} of its Signature.xml`)
    : failed(
        SubIndication.HASH_FAILURE,
        `the stamp’s data hash is not the ${candidates.map((candidate) => HASH_NAME[candidate]).join(' or ')} of its Signature.xml: it was changed after signing`,
      );
  return combine([data.references, own]);
}

/** A certificate's chain: PASSED to a trust anchor; FAILED when it cannot be read or a signature on it is forged; else undecided. */
function chainFinding(chain: ChainVerification): Finding {
  if (chain.format.status === 'FAILED') return failed(SubIndication.FORMAT_FAILURE, `it cannot be read (${chain.format.message})`);
  if (chain.signature.status === 'FAILED') return failed(SubIndication.SIG_CRYPTO_FAILURE, chain.signature.message);
  if (chain.chain.status === 'PASSED') return passed(chain.chain.message);
  return indeterminate(chain.chain.subIndication ?? SubIndication.NO_CERTIFICATE_CHAIN_FOUND, chain.chain.message);
}

function validityFinding(chain: ChainVerification): Finding {
  const { validity } = chain;
  if (validity.status === 'PASSED') return passed(validity.message);
  if (validity.status === 'FAILED') return failed(validity.subIndication ?? SubIndication.EXPIRED, validity.message);
  return indeterminate(SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE, validity.message);
}

/**
 * A certificate's revocation at the signing time (the chain verifier's, at that time). A
 * certificate revoked for key compromise after a signing time that is only the signer's claim is
 * REVOKED_NO_POE (ETSI EN 319 102-1): whoever held the key could have written any earlier time.
 */
function certificateRevocation(chain: ChainVerification, at: Date, claimed: boolean): Finding {
  const { revocation } = chain;
  if (chain.format.status === 'FAILED') return indeterminate(SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE, revocation.message);
  if (revocation.status === 'PASSED') {
    const revokedAt = chain.revokedAt ? new Date(chain.revokedAt) : undefined;
    if (claimed && revokedAt && revokedAt > at && chain.reason && COMPROMISE.has(chain.reason))
      return indeterminate(
        SubIndication.REVOKED_NO_POE,
        `revoked at ${chain.revokedAt} (${chain.reason}), after the signing time ${at.toISOString()} — but that time is the signer’s own claim, and whoever held the compromised key could claim any time`,
      );
    return passed(revokedAt ? `not revoked at the signing time (revoked at ${chain.revokedAt}, later)` : revocation.message);
  }
  if (revocation.status === 'FAILED') return failed(revocation.subIndication ?? SubIndication.REVOKED, revocation.message);
  return indeterminate(
    revocation.subIndication ?? (chain.chain.status === 'PASSED' ? SubIndication.TRY_LATER : SubIndication.NO_CERTIFICATE_CHAIN_FOUND),
    revocation.message,
  );
}

/** A seal tongban made: revoked before the signing time (REVOKED), after it (good for this stamp), or never. */
function sealStatusFinding(status: SealStatus | null, at: Date, claimed: boolean): Finding {
  if (!status)
    return indeterminate(
      SubIndication.TRY_LATER,
      'tongban’s seal maker signed it, but tongban’s register of seals has no record of it now: try again later',
    );
  if (!status.revokedAt) return passed('not revoked (tongban’s register of seals)');
  const revoked = `revoked at ${status.revokedAt.toISOString()} (${status.revocationReason ?? 'unspecified'})`;
  if (status.revokedAt.getTime() <= at.getTime())
    return failed(SubIndication.REVOKED, `${revoked}, at or before the time ${at.toISOString()}`);
  if (claimed && status.revocationReason && COMPROMISE.has(status.revocationReason))
    return indeterminate(
      SubIndication.REVOKED_NO_POE,
      `${revoked}, after the signing time ${at.toISOString()} — but that time is the signer’s own claim, and whoever held the compromised seal could claim any time`,
    );
  return passed(`${revoked}, after the time ${at.toISOString()}: what was stamped before stays valid`);
}

function sealSection(seal: DecodedSeal, sha256: Buffer, maker: ChainVerification, status: SealStatus | null | undefined): SealSection {
  const info = seal.layout === 'v4' ? seal.eSealInfo : seal.sealInfo;
  const property = sealPropertyOf(seal);
  const section: SealSection = {
    esID: info.esID,
    name: property.name,
    type: property.type,
    format: seal.layout === 'v4' ? 'GB/T 38540' : 'GM/T 0031-2014',
    vendor: info.header.vid,
    validStart: property.validStart.toISOString(),
    validEnd: property.validEnd.toISOString(),
    maker: maker.subject ?? {},
    sha256: sha256.toString('hex'),
  };
  if (status?.revokedAt) {
    section.revokedAt = status.revokedAt.toISOString();
    if (status.revocationReason) section.revocationReason = status.revocationReason;
  }
  return section;
}
