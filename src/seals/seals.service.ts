import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuditActor, AuditEvent } from '../audit/audit-event.js';
import { AuditService } from '../audit/audit.service.js';
import type { IssuanceLogRef } from '../audit/issuance/issuance-entry.js';
import { IssuanceLog } from '../audit/issuance/issuance-log.service.js';
import { ApiError } from '../common/api-error.js';
import { CRYPTO_OID } from '../crypto/oids.js';
import { verificationKey } from '../crypto/verification-keys.js';
import { canonicalUscc } from '../identifiers/uscc.js';
import { KeyStore } from '../keys/keystore.service.js';
import { PkiUnavailableError } from '../pki/ca.js';
import { PkiService, type OwnCertificate } from '../pki/pki.service.js';
import { parseCertificate, pemBlocks, PemError, type CertificateParts } from '../pki/x509.js';
import { RegistryService, type Enterprise, type EnterpriseStatusChange } from '../registry/registry.service.js';
import { makeSealV4 } from './make/make-seal.js';
import { checkDrawable, drawSeal, NameNotDrawable } from './picture/draw-seal.js';
import { PngError, readPngInfo } from './picture/png.js';
import { SEAL_REVOCATION_REASONS, SealStore, type SealAlgorithm, type SealRecord, type SealRevocationReason } from './seal-store.js';
import { wholeSeconds } from './seal-times.js';
import { isSealType, SEAL_TYPES, SEAL_TYPE_CODES, type SealType } from './seal-types.js';

export { SEAL_REVOCATION_REASONS, type SealAlgorithm, type SealRecord, type SealRevocationReason } from './seal-store.js';

/** GB/T 38540 header: ID "ES", version 4, and tongban as the vendor. */
export const SEAL_VENDOR_ID = 'tongban';
export const SEAL_ALGORITHMS: readonly SealAlgorithm[] = ['sm2', 'p256'];
export const SIGN_ALG_ID: Record<SealAlgorithm, string> = { sm2: CRYPTO_OID.sm2WithSm3, p256: CRYPTO_OID.ecdsaWithSha256 };

/** A picture sent with the request: at most 256 KiB of PNG, at least 4 pixels per millimetre. */
export const MAX_PICTURE_BYTES = 256 * 1024;
const MIN_PIXELS_PER_MM = 4;
const MAX_SIGNER_CERTIFICATES = 8;
/** validStart may lie this far in the past (clocks differ); earlier would date the seal back. */
const START_SKEW_MS = 5 * 60_000;

export interface SealPictureInput {
  type: 'PNG';
  data: Buffer;
  /** Millimetres; by default the type's usual size (42 × 42, or 40 × 30 for an invoice seal). */
  widthMm?: number;
  heightMm?: number;
}

export interface MakeSealInput {
  uscc: string;
  type: number;
  name: string;
  picture?: SealPictureInput;
  /** PEM, one licence certificate each. */
  signerCertificates: string[];
  validStart?: Date;
  /** Required by the API; absent (the CLI): the latest the certificates allow. */
  validEnd?: Date;
  algorithm?: SealAlgorithm;
}

export interface MakeSealOptions {
  /** The API client that asks (its client_id), or `cli`. */
  madeBy: string;
  /** With a key, a retry of the same request answers the seal made the first time. */
  idempotencyKey?: string;
  /** A hash of the request (for a retry with the same key but another request: 422). */
  requestHash?: Buffer;
  /** Who asked, for the audit log, when `madeBy` does not say (an operator's name), and the request's id. */
  by?: SealAuditBy;
}

/** The actor (absent: from `madeBy`) and request id of a seal's audit entry. */
export type SealAuditBy = Partial<Pick<AuditEvent, 'actor'>> & Pick<AuditEvent, 'requestId'>;

export interface MadeSeal {
  seal: SealRecord;
  /** True when the idempotency key named a seal made before. */
  replayed: boolean;
  /** Its leaf in the public issuance log (issue 14 §3). */
  transparency?: IssuanceLogRef;
}

/** What a seal of one of tongban's own licence-issuing authorities says (SealsService.makeAuthoritySeal). */
export interface AuthoritySealInput {
  /** The authority's unified social credit code: the issuer code of the licences it issues. */
  uscc: string;
  /** The authority's name, along the seal's arc (e.g. 福州市市场监督管理局). */
  name: string;
}

/** The words under the star of an issuing authority's seal. */
export const AUTHORITY_SEAL_PURPOSE = '电子证照专用章';

/** A seal's revocation state at a given time, for verifiers (design §8: REVOKED for signatures made after revocation). */
export interface SealStatusAt {
  esID: string;
  /** SHA-256 of the seal's DER as tongban issued it. */
  sha256: Buffer;
  uscc: string;
  /** At the time asked about: revoked when the revocation came at or before it. */
  status: 'good' | 'revoked';
  /** When it was revoked (possibly after the time asked about), or null. */
  revokedAt: Date | null;
  revocationReason: SealRevocationReason | null;
  validStart: Date;
  validEnd: Date;
}

/**
 * The seal-making authority (design §8, issue 12 point 3): seals for enterprises active in the
 * register, under their registered name, listing their licence certificates, signed by
 * tongban's `seal-maker` key (SM2 with SM3 by default, ECDSA P-256 on request); their
 * revocation, also following the register; and their status for verifiers.
 */
@Injectable()
export class SealsService implements OnModuleInit {
  private readonly logger = new Logger('seals');
  private readonly store: SealStore;

  constructor(
    dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly pki: PkiService,
    private readonly keys: KeyStore,
    @Optional() private readonly audit?: AuditService,
    @Optional() private readonly issuanceLog?: IssuanceLog,
  ) {
    this.store = new SealStore(dataSource);
  }

  onModuleInit(): void {
    this.registry.onEnterpriseStatusChange((changes) => this.followRegistry(changes));
  }

  // ---- making ----

  async make(input: MakeSealInput, options: MakeSealOptions): Promise<MadeSeal> {
    if (options.idempotencyKey) {
      const earlier = await this.store.findByIdempotencyKey(options.madeBy, options.idempotencyKey);
      if (earlier) return this.logged({ seal: this.sameRequest(earlier, options), replayed: true });
    }
    const uscc = input.uscc.toUpperCase();
    const type = sealType(input.type);
    const algorithm = input.algorithm ?? 'sm2';
    if (!SEAL_ALGORITHMS.includes(algorithm))
      throw new ApiError(400, 'validation_failed', `algorithm must be one of ${SEAL_ALGORITHMS.join(', ')}`);
    // What the request alone can show wrong (400) before what needs the register and the CA.
    const picture = input.picture ? checkPicture(input.picture, type) : undefined;
    const certificates = readSignerCertificates(input.signerCertificates);
    const now = wholeSeconds(new Date());
    const validStart = wholeSeconds(input.validStart ?? now);
    if (validStart.getTime() < now.getTime() - START_SKEW_MS)
      throw new ApiError(400, 'invalid_validity', 'validStart may not be in the past: a seal cannot be dated back');
    if (input.validEnd && wholeSeconds(input.validEnd).getTime() <= validStart.getTime())
      throw new ApiError(400, 'invalid_validity', 'validEnd must be after validStart');

    const enterprise = await this.activeEnterprise(uscc, input.name);
    for (const certificate of certificates) await this.checkSignerCertificate(certificate, enterprise, now);
    if (!picture) this.checkDrawable({ type, name: input.name, esID: '00000000000000', uscc });
    const maker = await this.makerCertificate(algorithm);

    // A seal may not outlive what it relies on: its last signer certificate, and its maker's.
    const latest = new Date(
      Math.min(Math.max(...certificates.map((c) => c.parts.notAfter.getTime())), parseCertificate(maker.der).notAfter.getTime()),
    );
    const validEnd = wholeSeconds(input.validEnd ?? latest);
    if (validEnd.getTime() > latest.getTime())
      throw new ApiError(
        422,
        'validity_exceeds_certificates',
        `validEnd may be at most ${latest.toISOString()}: the end of the signer certificates' validity (the latest of them) or of the seal maker's certificate, whichever comes first`,
        { latest: latest.toISOString() },
      );
    if (validEnd.getTime() <= validStart.getTime())
      throw new ApiError(422, 'validity_exceeds_certificates', 'the certificates end before validStart', { latest: latest.toISOString() });

    const esID = `${uscc.slice(2, 8)}${String(await this.store.nextSerial()).padStart(8, '0')}`;
    const drawn = picture ? undefined : await this.draw({ type, name: input.name, esID, uscc });
    const made = await this.signAndStore(
      {
        esID,
        uscc,
        type,
        name: input.name,
        algorithm,
        maker,
        signers: certificates.map((c) => c.parts),
        createdAt: now,
        validStart,
        validEnd,
        picture: drawn ? { data: drawn.png, widthMm: drawn.widthMm, heightMm: drawn.heightMm } : picture!,
        pictureDrawn: !picture,
      },
      options,
    );
    if (made.replayed) return made;
    await this.recheckRegister(made.seal);
    this.logger.log(
      `made seal ${esID} (type ${type}, ${algorithm}) for ${uscc}, valid to ${validEnd.toISOString()}, for ${options.madeBy}`,
    );
    return made;
  }

  /**
   * A seal for one of tongban's own licence-issuing authorities (issue 13 §5: the licence file is
   * stamped with the issuing authority's seal). An authority is a government agency, usually not an
   * enterprise of the register, and it holds no licence certificate of its own: `make`'s checks
   * (an active enterprise under its registered name, signers among its licence certificates) cannot
   * apply, so this is a separate, narrower path:
   *
   * - the one signer is tongban's current SM2 `licence` key's certificate, taken here and never
   *   from the caller: only tongban's KeyStore can stamp with such a seal, server-side, and it does
   *   so only for licence files (src/licences/file/licence-seals.ts);
   * - always SM2 and type 1 (an organisation's seal), the picture drawn by tongban (the name along
   *   the arc, 电子证照专用章 under the star), valid from now to the end of the signer's or the
   *   maker's certificate, whichever comes first;
   * - the caller vouches for the authority: LicenceSeals asks only for clients with the scope
   *   licence:issue, under their issuer code and registered name (ClientStore). No HTTP route or CLI
   *   command reaches this method; the register is not consulted (an agency is not in it), and a
   *   change of the register revokes nothing here unless that USCC is an enterprise's.
   *
   * Stored, looked up, revoked and verified like every other seal (same table, esID from the
   * USCC's division code, `madeBy` the caller). The idempotency key works as for `make`.
   */
  async makeAuthoritySeal(input: AuthoritySealInput, options: MakeSealOptions): Promise<MadeSeal> {
    if (options.idempotencyKey) {
      const earlier = await this.store.findByIdempotencyKey(options.madeBy, options.idempotencyKey);
      if (earlier) return this.logged({ seal: this.sameRequest(earlier, options), replayed: true });
    }
    const uscc = canonicalUscc(typeof input.uscc === 'string' ? input.uscc.toUpperCase() : '');
    if (!uscc) throw new ApiError(400, 'validation_failed', "an issuing authority's seal needs its unified social credit code");
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name || name.length > 100)
      throw new ApiError(400, 'validation_failed', "an issuing authority's seal needs its name (1-100 characters)");
    const type: SealType = 1;
    this.checkDrawable({ type, name, esID: '00000000000000', uscc, purpose: AUTHORITY_SEAL_PURPOSE });

    const signer = await this.ownCertificate('licence');
    const maker = await this.makerCertificate('sm2');
    const signerParts = parseCertificate(signer.der);
    const now = wholeSeconds(new Date());
    const validEnd = wholeSeconds(new Date(Math.min(signerParts.notAfter.getTime(), parseCertificate(maker.der).notAfter.getTime())));
    if (validEnd.getTime() <= now.getTime())
      throw new ApiError(503, 'seal_maker_unavailable', "tongban's licence or seal-maker certificate has expired: renew it first");

    const esID = `${uscc.slice(2, 8)}${String(await this.store.nextSerial()).padStart(8, '0')}`;
    const drawn = await this.draw({ type, name, esID, uscc, purpose: AUTHORITY_SEAL_PURPOSE });
    const made = await this.signAndStore(
      {
        esID,
        uscc,
        type,
        name,
        algorithm: 'sm2',
        maker,
        signers: [signerParts],
        createdAt: now,
        validStart: now,
        validEnd,
        picture: { data: drawn.png, widthMm: drawn.widthMm, heightMm: drawn.heightMm },
        pictureDrawn: true,
      },
      options,
    );
    if (!made.replayed)
      this.logger.log(
        `made the licence seal ${esID} of the issuing authority ${uscc} (${name}), valid to ${validEnd.toISOString()}, for ${options.madeBy}`,
      );
    return made;
  }

  /**
   * Signs the seal (GB/T 38540 v4) with the maker's key and stores it. A lost race on the same
   * idempotency key gives the winner's seal (replayed), never a second one.
   */
  private async signAndStore(seal: SealToMake, options: MakeSealOptions): Promise<MadeSeal> {
    const sealed = await makeSealV4(
      {
        eSealInfo: {
          header: { id: 'ES', version: 4, vid: SEAL_VENDOR_ID },
          esID: seal.esID,
          property: {
            type: seal.type,
            name: seal.name,
            certList: { kind: 'certs', certs: seal.signers.map((signer) => signer.der) },
            createDate: seal.createdAt,
            validStart: seal.validStart,
            validEnd: seal.validEnd,
          },
          picture: { type: 'PNG', data: seal.picture.data, width: seal.picture.widthMm, height: seal.picture.heightMm },
        },
        cert: seal.maker.der,
        signAlgID: SIGN_ALG_ID[seal.algorithm],
      },
      (bytes) => this.keys.signWith(seal.maker.kid, bytes, 'der'),
    );
    const record: SealRecord = {
      esID: seal.esID,
      uscc: seal.uscc,
      type: seal.type,
      name: seal.name,
      algorithm: seal.algorithm,
      makerKid: seal.maker.kid,
      validStart: seal.validStart,
      validEnd: seal.validEnd,
      signerSerials: seal.signers.map((signer) => signer.serial),
      pictureDrawn: seal.pictureDrawn,
      der: sealed.der,
      sha256: createHash('sha256').update(sealed.der).digest(),
      madeBy: options.madeBy,
      createdAt: seal.createdAt,
      status: 'valid',
      revocationReason: null,
      revokedAt: null,
    };
    const inserted = await this.store.insert({
      ...record,
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey, requestHash: options.requestHash ?? Buffer.alloc(0) } : {}),
    });
    if (inserted) {
      await this.auditSeal('seal.make', record.esID, record.uscc, record.madeBy, options.by, {
        type: record.type,
        algorithm: record.algorithm,
      });
      return this.logged({ seal: record, replayed: false });
    }
    // The same client and key won a race with this request: its seal is the answer.
    const earlier = await this.store.findByIdempotencyKey(options.madeBy, options.idempotencyKey!);
    if (earlier) return this.logged({ seal: this.sameRequest(earlier, options), replayed: true });
    throw new Error('the seal was neither stored nor found by its idempotency key');
  }

  /**
   * The seal with its leaf in the public issuance log: stored first, then appended before the
   * answer (issue 14 §3; see IssuanceLog); a replay answers the leaf it has (or appends it now if a
   * crash left it out).
   */
  private async logged(made: MadeSeal): Promise<MadeSeal> {
    const transparency = await this.issuanceLog?.logged('seal', made.seal.esID);
    return transparency ? { ...made, transparency } : made;
  }

  // ---- reading ----

  async get(esID: string): Promise<SealRecord> {
    const seal = await this.store.find(esID);
    if (!seal) throw new ApiError(404, 'seal_not_found', `tongban made no seal ${esID}`);
    return seal;
  }

  /** The enterprise's seals, newest first (404 when the register has no such enterprise and it has no seals). */
  async listForEnterprise(uscc: string): Promise<SealRecord[]> {
    const key = uscc.toUpperCase();
    const seals = await this.store.forEnterprise(key);
    if (!seals.length && !(await this.registry.findEnterprise(key)))
      throw new ApiError(404, 'enterprise_not_found', `no enterprise ${key} in the register`);
    return seals;
  }

  /**
   * The seal's state at `at`, by its esID or by the SHA-256 of its DER (a seal tongban made is
   * recognised by its bytes; an esID alone could be another maker's). Null when tongban made no
   * such seal. A seal revoked after `at` is `good` at `at`, with `revokedAt` telling when.
   */
  async statusAt(lookup: { esID: string } | { sha256: Buffer } | { der: Buffer }, at: Date = new Date()): Promise<SealStatusAt | null> {
    const seal =
      'esID' in lookup
        ? await this.store.find(lookup.esID)
        : await this.store.findBySha256('sha256' in lookup ? lookup.sha256 : createHash('sha256').update(lookup.der).digest());
    if (!seal) return null;
    return {
      esID: seal.esID,
      sha256: seal.sha256,
      uscc: seal.uscc,
      status: seal.revokedAt && seal.revokedAt.getTime() <= at.getTime() ? 'revoked' : 'good',
      revokedAt: seal.revokedAt,
      revocationReason: seal.revocationReason,
      validStart: seal.validStart,
      validEnd: seal.validEnd,
    };
  }

  // ---- revocation ----

  async revoke(esID: string, reason: string, by: string, audit?: SealAuditBy): Promise<SealRecord> {
    if (!(SEAL_REVOCATION_REASONS as readonly string[]).includes(reason))
      throw new ApiError(400, 'invalid_reason', `reason must be one of ${SEAL_REVOCATION_REASONS.join(', ')}`);
    const revoked = await this.store.revoke(esID, reason as SealRevocationReason, by);
    if (revoked) {
      this.logger.log(`revoked seal ${esID} (${reason}) for ${by}`);
      await this.auditSeal('seal.revoke', revoked.esID, revoked.uscc, by, audit, { reason });
      return revoked;
    }
    const seal = await this.get(esID);
    throw new ApiError(
      409,
      'seal_revoked',
      `the seal ${esID} was revoked at ${seal.revokedAt!.toISOString()} (${seal.revocationReason!}); a revocation is final`,
      { revokedAt: seal.revokedAt!.toISOString(), revocationReason: seal.revocationReason },
    );
  }

  /**
   * What a change of an enterprise's register status means for its seals: cancelled → revoked
   * (cessationOfOperation), revoked → revoked (privilegeWithdrawn). A suspension changes nothing
   * here: it puts the enterprise's licence certificates on hold, so no stamp can be made meanwhile,
   * and the seals are good again when the enterprise is.
   */
  async followRegistry(changes: EnterpriseStatusChange[]): Promise<void> {
    for (const change of changes) {
      const reason = change.to === 'cancelled' ? 'cessationOfOperation' : change.to === 'revoked' ? 'privilegeWithdrawn' : undefined;
      if (!reason) continue;
      const revoked = await this.store.revokeForEnterprise(change.uscc, reason, 'registry');
      if (revoked.length) this.logger.log(`revoked ${revoked.length} seal(s) of ${change.uscc}, ${change.to} in the register (${reason})`);
      for (const esID of revoked) await this.auditSeal('seal.revoke', esID, change.uscc, 'registry', undefined, { reason });
    }
  }

  /** A seal made or revoked, in the enterprise's access log (before the answer). */
  private async auditSeal(
    action: 'seal.make' | 'seal.revoke',
    esID: string,
    uscc: string,
    madeBy: string,
    by: SealAuditBy | undefined,
    details: Record<string, string | number>,
  ): Promise<void> {
    const actor = by?.actor ?? madeByActor(madeBy);
    const client = actor.kind === 'client' ? { client: actor.id } : {};
    const subject = /^[0-9A-Z]{18}$/.test(uscc) ? { subject: { kind: 'enterprise', uscc } as const } : {};
    await this.audit?.append({ action, actor, object: esID, ...subject, ...client, outcome: 'success', requestId: by?.requestId, details });
  }

  // ---- checks ----

  private sameRequest(earlier: SealRecord, options: MakeSealOptions): SealRecord {
    if (!earlier.requestHash || !options.requestHash || !earlier.requestHash.equals(options.requestHash))
      throw new ApiError(
        422,
        'idempotency_key_reused',
        `this Idempotency-Key was used for another request (it made seal ${earlier.esID}): use a new key for a new seal`,
      );
    return earlier;
  }

  private async activeEnterprise(uscc: string, name: string): Promise<Enterprise> {
    const enterprise = await this.registry.findEnterprise(uscc);
    if (!enterprise) throw new ApiError(404, 'enterprise_not_found', `no enterprise ${uscc} in the register`);
    if (enterprise.status !== 'active')
      throw new ApiError(
        409,
        'enterprise_not_active',
        `the enterprise is ${enterprise.status} in the register; only an active enterprise gets a seal`,
      );
    if (enterprise.name !== name)
      throw new ApiError(422, 'name_mismatch', `the seal's name must be the enterprise's registered name, "${enterprise.name}"`, {
        registeredName: enterprise.name,
      });
    return enterprise;
  }

  /** Each signer certificate must be a licence certificate tongban issued to this enterprise, good now, with a key seals can name. */
  private async checkSignerCertificate({ parts, index }: SignerCertificate, enterprise: Enterprise, now: Date): Promise<void> {
    const which = `signerCertificates[${index}] (serial ${parts.serial})`;
    const record = await this.pki.certificate(parts.serial);
    const issued = record ? Buffer.from(record.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64') : undefined;
    if (!record || !issued!.equals(parts.der))
      throw new ApiError(
        422,
        'signer_certificate_not_enterprises',
        `${which} was not issued by tongban: the signers of a seal are the enterprise's licence certificates`,
      );
    if (record.profile !== 'enterprise-licence')
      throw new ApiError(
        422,
        'signer_certificate_not_enterprises',
        `${which} is not an electronic business licence certificate (it is a ${record.profile} certificate)`,
      );
    if (record.uscc !== enterprise.uscc)
      throw new ApiError(
        422,
        'signer_certificate_not_enterprises',
        `${which} is the licence certificate of another enterprise (${record.uscc ?? 'none'}), not of ${enterprise.uscc}`,
      );
    if (record.status !== 'good')
      throw new ApiError(
        422,
        'signer_certificate_revoked',
        record.status === 'hold'
          ? `${which} is on hold: it cannot be listed in a seal until it is released`
          : `${which} was revoked at ${record.revokedAt?.toISOString() ?? '?'} (${record.revocationReason ?? 'unspecified'})`,
      );
    if (parts.notAfter.getTime() <= now.getTime())
      throw new ApiError(422, 'signer_certificate_expired', `${which} expired at ${parts.notAfter.toISOString()}`);
    const key = verificationKey(parts.spki);
    if (!('curve' in key))
      throw new ApiError(
        422,
        'signer_certificate_key_unsupported',
        `${which} has a key seals cannot name (${'unsupported' in key ? key.unsupported : key.malformed}): stamps are signed with SM2 or ECDSA P-256 keys`,
      );
  }

  private checkDrawable(drawing: Parameters<typeof checkDrawable>[0]): void {
    try {
      checkDrawable(drawing);
    } catch (err) {
      if (err instanceof NameNotDrawable)
        throw new ApiError(422, err.reason, err.message, err.characters.length ? { characters: err.characters } : undefined);
      throw err;
    }
  }

  private async draw(drawing: Parameters<typeof drawSeal>[0]) {
    try {
      return await drawSeal(drawing);
    } catch (err) {
      if (err instanceof NameNotDrawable) throw new ApiError(422, err.reason, err.message);
      throw err;
    }
  }

  /** The SM2 certificate of one of tongban's own keys (the `licence` key signs licence files' stamps). */
  private async ownCertificate(purpose: 'licence'): Promise<OwnCertificate> {
    try {
      return await this.pki.ownCertificate(purpose, 'sm2');
    } catch (err) {
      if (err instanceof PkiUnavailableError)
        throw new ApiError(503, 'seal_maker_unavailable', `tongban's SM2 ${purpose} key has no certificate yet: ${err.message}`);
      throw err;
    }
  }

  /** The seal-maker key of the algorithm (SM2 by default) and its certificate from tongban's CA. */
  private async makerCertificate(algorithm: SealAlgorithm): Promise<OwnCertificate> {
    try {
      return await this.pki.ownCertificate('seal-maker', algorithm === 'sm2' ? 'sm2' : 'p256');
    } catch (err) {
      if (err instanceof PkiUnavailableError)
        throw new ApiError(
          503,
          'seal_maker_unavailable',
          `the ${algorithm === 'sm2' ? 'SM2' : 'P-256'} seal maker is not ready: ${err.message}`,
        );
      throw err;
    }
  }

  /**
   * The register may have changed while the seal was made (a cancellation's revocations ran
   * before the seal was stored): read it again now that the seal is stored, and revoke the seal at
   * once if the enterprise is no longer active under that name. Either the register's own
   * revocation sees the stored seal, or this read sees the register's change.
   */
  private async recheckRegister(seal: SealRecord): Promise<void> {
    const now = await this.registry.findEnterprise(seal.uscc);
    if (now?.status === 'active' && now.name === seal.name) return;
    const reason: SealRevocationReason =
      now?.status === 'cancelled'
        ? 'cessationOfOperation'
        : now?.status === 'revoked'
          ? 'privilegeWithdrawn'
          : now?.status === 'active'
            ? 'nameChanged'
            : 'unspecified';
    await this.store.revoke(seal.esID, reason, 'registry');
    await this.auditSeal('seal.revoke', seal.esID, seal.uscc, 'registry', undefined, { reason });
    if (now?.status === 'active')
      throw new ApiError(422, 'name_mismatch', `the enterprise's registered name changed to "${now.name}" while the seal was made`, {
        registeredName: now.name,
      });
    throw new ApiError(
      409,
      'enterprise_not_active',
      `the enterprise became ${now?.status ?? 'unknown'} in the register while the seal was made`,
    );
  }
}

interface SignerCertificate {
  index: number;
  parts: CertificateParts;
}

/** A seal checked and ready to sign: what make and makeAuthoritySeal each decided. */
interface SealToMake {
  esID: string;
  uscc: string;
  type: SealType;
  name: string;
  algorithm: SealAlgorithm;
  maker: OwnCertificate;
  signers: Array<{ der: Buffer; serial: string }>;
  createdAt: Date;
  validStart: Date;
  validEnd: Date;
  picture: { data: Buffer; widthMm: number; heightMm: number };
  pictureDrawn: boolean;
}

function sealType(type: number): SealType {
  if (!isSealType(type)) throw new ApiError(400, 'validation_failed', `type must be one of ${SEAL_TYPE_CODES.join(', ')}`);
  return type;
}

/** The signer certificates as PEM, one each: read, and none twice. */
function readSignerCertificates(pems: string[]): SignerCertificate[] {
  if (!pems.length || pems.length > MAX_SIGNER_CERTIFICATES)
    throw new ApiError(400, 'validation_failed', `signerCertificates must hold 1 to ${MAX_SIGNER_CERTIFICATES} certificates`);
  const seen = new Set<string>();
  return pems.map((pem, index) => {
    let blocks: Buffer[];
    try {
      blocks = pemBlocks(pem, ['CERTIFICATE']);
    } catch (err) {
      if (!(err instanceof PemError)) throw err;
      throw new ApiError(400, 'invalid_certificate', `signerCertificates[${index}] is not a PEM certificate: ${err.message}`);
    }
    if (blocks.length !== 1)
      throw new ApiError(
        400,
        'invalid_certificate',
        `signerCertificates[${index}] must hold exactly one PEM certificate (found ${blocks.length})`,
      );
    let parts: CertificateParts;
    try {
      parts = parseCertificate(blocks[0]);
    } catch (err) {
      throw new ApiError(
        400,
        'invalid_certificate',
        `signerCertificates[${index}] cannot be read as an X.509 certificate: ${(err as Error).message}`,
      );
    }
    const id = blocks[0].toString('base64');
    if (seen.has(id)) throw new ApiError(400, 'invalid_certificate', `signerCertificates[${index}] is listed twice`);
    seen.add(id);
    return { index, parts };
  });
}

/** A picture sent with the request: a real PNG (its structure checked), not too large, not too coarse, and of the stated shape. */
function checkPicture(picture: SealPictureInput, type: SealType): Required<SealPictureInput> {
  if (picture.type !== 'PNG') throw new ApiError(400, 'invalid_picture', 'picture.type must be PNG');
  if (picture.data.length > MAX_PICTURE_BYTES)
    throw new ApiError(400, 'invalid_picture', `the picture is ${picture.data.length} bytes; at most ${MAX_PICTURE_BYTES} (256 KiB)`);
  let size: { width: number; height: number };
  try {
    size = readPngInfo(picture.data);
  } catch (err) {
    if (err instanceof PngError) throw new ApiError(400, 'invalid_picture', `picture.data is not a valid PNG: ${err.message}`);
    throw err;
  }
  const widthMm = picture.widthMm ?? SEAL_TYPES[type].widthMm;
  const heightMm = picture.heightMm ?? SEAL_TYPES[type].heightMm;
  if (size.width / widthMm < MIN_PIXELS_PER_MM || size.height / heightMm < MIN_PIXELS_PER_MM)
    throw new ApiError(
      400,
      'invalid_picture',
      `the picture is ${size.width}×${size.height} pixels for ${widthMm}×${heightMm} mm: at least ${MIN_PIXELS_PER_MM} pixels per millimetre (about 100 dpi) are needed to print it`,
    );
  const ratio = size.width / size.height / (widthMm / heightMm);
  if (ratio < 0.95 || ratio > 1.05)
    throw new ApiError(
      400,
      'invalid_picture',
      `the picture is ${size.width}×${size.height} pixels but the seal ${widthMm}×${heightMm} mm: it would be stretched (give widthMm and heightMm in its proportions)`,
    );
  return { type: 'PNG', data: picture.data, widthMm, heightMm };
}

/** Who `madeBy` (or a revocation's `by`) names: an API client, an operator (`cli`), or tongban itself (`registry`, `tongban:…`). */
function madeByActor(madeBy: string): AuditActor {
  if (madeBy === 'cli') return { kind: 'operator', id: 'cli' };
  if (madeBy === 'registry' || madeBy.startsWith('tongban:')) return { kind: 'system', id: madeBy };
  return { kind: 'client', id: madeBy };
}
