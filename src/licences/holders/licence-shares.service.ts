import { Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { DataSource } from 'typeorm';
import { maskIp } from '../../accounts/ip-mask.js';
import type { AuditActor, AuditEvent } from '../../audit/audit-event.js';
import { AuditService } from '../../audit/audit.service.js';
import { ApiError } from '../../common/api-error.js';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { KeyStore } from '../../keys/keystore.service.js';
import { PkiService } from '../../pki/pki.service.js';
import { LicenceVerifier } from '../../verification/licence-verifier.js';
import type { ValidationReport } from '../../verification/report.js';
import { licenceClaimRows, type LicenceClaimRow } from '../file/index.js';
import type { Licence, LicenceStatus } from '../issuance/licence.js';
import { LicencesService } from '../issuance/licences.service.js';
import { presentSdJwt } from '../sd-jwt/index.js';
import { StatusListsService } from '../status/status-lists.service.js';
import { LicenceTypesService, type LocalisedText } from '../types/index.js';
import { holderRef, holds, type Holder } from './holder.js';
import { ShareStore, type OpeningOutcome, type OpeningRow, type ShareRow } from './share-store.js';
import { browserFamily } from './user-agent.js';

/** A share lasts at least this long (time to scan a QR code), and at most an hour. */
export const SHARE_TTL_MIN_SECONDS = 30;
export const SHARE_TTL_MAX_SECONDS = 3600;
export const SHARE_TTL_DEFAULT_SECONDS = 120;
/** The path of a share's public page: PUBLIC_URL/s/{token}. */
export const SHARE_PATH = '/s/';
/** Openings recorded per share; later ones are still answered, not recorded. */
export const MAX_RECORDED_OPENINGS = 100;
/** Share rows (what was shown, when, the openings) are forgotten after this many days. */
const SHARE_RETENTION_DAYS = 365;
/** 32 random bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const TOKEN_AAD = 'tongban licence-share-token v1';
const PRESENTATION_AAD = 'tongban licence-share-presentation v1';

export interface NewShare {
  /** Top-level claim names of the licence to disclose (may be none: then only type, issuer, status and validity show). */
  disclose: readonly string[];
  ttlSeconds: number;
  /** Who made it: the client of the token, `wallet`, or the account page's client. */
  createdBy: string;
  /** The request's id, for the audit entry. */
  requestId?: string;
}

export interface CreatedShare {
  id: string;
  licenceId: string;
  /** PUBLIC_URL/s/{token}: the token is 256 random bits; tongban keeps only its hash and, while the share lasts, a sealed copy. */
  url: string;
  /** The QR code of the URL, PNG. */
  qrPng: Buffer;
  disclosed: string[];
  createdAt: Date;
  expiresAt: Date;
}

/** A share as its holder sees it: what was shown, how long, each opening; the URL while it lasts. */
export interface HolderShare {
  id: string;
  licenceId: string;
  disclosed: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  /** open, expired, or ended (withdrawn by the holder). */
  state: 'open' | 'expired' | 'ended';
  /** While open. */
  url?: string;
  openings: Array<Omit<OpeningRow, 'shareId'>>;
  /** Openings beyond MAX_RECORDED_OPENINGS were not recorded. */
  openingsCounted: number;
}

/** What the public page of a share shows. */
export type ShareOpening =
  | { kind: 'unknown' }
  | { kind: 'expired'; expiredAt: Date }
  | { kind: 'ended'; endedAt: Date }
  /** The presentation did not verify (it cannot happen unless the store was tampered with): nothing is shown. */
  | { kind: 'unverified'; expiresAt: Date }
  | {
      kind: 'shown';
      expiresAt: Date;
      /** From the verified presentation's vct. */
      type: { id: string; name: LocalisedText };
      /** The issuing authority, from the register of licences (the credential's iss is tongban). */
      issuer: { name: string; nameEn: string | null };
      /** Live: the register of licences at the moment of opening. */
      status: LicenceStatus;
      /** From the verified presentation (nbf, exp). */
      validFrom: Date;
      validUntil: Date | null;
      /** Only the claims the presentation discloses, verified, as the licence file prints them. */
      claims: LicenceClaimRow[];
      checkedAt: Date;
    };

/**
 * 亮证 (issue 13 §6): a holder shows one licence for a short time through an unguessable URL. The
 * share keeps an SD-JWT presentation of the licence's credential with only the chosen Disclosures
 * (presentSdJwt; sealed under the data key); whoever opens the URL while it lasts is shown what
 * verifying that presentation yields (LicenceVerifier, as POST /verify/licence: signature, chain
 * to tongban's root, every digest) — the type, the validity and the disclosed claims — with the
 * issuing authority and the licence's status read live from the register of licences. Never the
 * stored claims, never more than the presentation holds. Each opening is recorded for the holder
 * (time, masked network, browser family); after the lifetime the page says the share has expired,
 * and the sealed token and presentation are erased.
 */
@Injectable()
export class LicenceSharesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('licence-shares');
  private readonly store: ShareStore;
  private readonly verifier: LicenceVerifier;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    db: DataSource,
    private readonly keys: KeyStore,
    private readonly licences: LicencesService,
    private readonly types: LicenceTypesService,
    pki: PkiService,
    statusLists: StatusListsService,
    @Optional() private readonly audit?: AuditService,
  ) {
    this.store = new ShareStore(db);
    this.verifier = new LicenceVerifier({ pki, keys, licences, statusLists, types, publicUrl: config.publicUrl });
  }

  onModuleInit(): void {
    this.keys.registerRekeyHandler('licence-shares', () => this.rekey());
    this.timer = setInterval(() => void this.sweep(), 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The licence if it is this holder's; 404 licence_not_found otherwise (another holder's is not told apart from none). */
  async heldLicence(holder: Holder, id: string): Promise<Licence> {
    const licence = await this.licences.find(id);
    if (!licence || !holds(holder, licence)) throw new ApiError(404, 'licence_not_found', `you hold no licence ${id}`);
    return licence;
  }

  /**
   * A new share of one of the holder's licences. 404 licence_not_found; 400 invalid_ttl (not a
   * whole number of seconds from 30 to 3600), 400 unknown_claim (a name the licence has no claim
   * under; `details.claims` lists those it has); 409 licence_not_valid (revoked, suspended or
   * expired: there is nothing to show a clerk; its file still downloads).
   */
  async create(holder: Holder, licenceId: string, input: NewShare): Promise<CreatedShare> {
    const licence = await this.heldLicence(holder, licenceId);
    const ttl = input.ttlSeconds;
    if (!Number.isInteger(ttl) || ttl < SHARE_TTL_MIN_SECONDS || ttl > SHARE_TTL_MAX_SECONDS)
      throw new ApiError(
        400,
        'invalid_ttl',
        `ttlSeconds must be a whole number of seconds from ${SHARE_TTL_MIN_SECONDS} to ${SHARE_TTL_MAX_SECONDS}`,
      );
    const claims = Object.keys(licence.claims);
    const disclose = [...new Set(input.disclose)];
    const unknown = disclose.filter((name) => !Object.hasOwn(licence.claims, name));
    if (unknown.length) throw new ApiError(400, 'unknown_claim', `the licence has no claim ${unknown.join(', ')}`, { unknown, claims });
    if (licence.status !== 'valid')
      throw new ApiError(409, 'licence_not_valid', `the licence ${licence.id} is ${licence.status}: it cannot be shown`, {
        status: licence.status,
      });

    const presentation = await presentSdJwt(licence.credential, { disclose });
    const token = randomBytes(32).toString('base64url');
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + ttl * 1000);
    const id = randomUUID();
    const sealed = await this.seal(id, token, presentation);
    await this.store.insert({
      id,
      tokenHash: tokenHash(token),
      tokenEnc: sealed.tokenEnc,
      licenceId: licence.id,
      holderKind: holder.kind,
      holderRef: holderRef(holder),
      disclosed: disclose,
      presentationEnc: sealed.presentationEnc,
      dataKid: sealed.dataKid,
      createdBy: input.createdBy.slice(0, 200),
      createdAt,
      expiresAt,
    });
    this.logger.log(`share ${id} of licence ${licence.id} for ${ttl} s (${disclose.length} claim(s) disclosed) by ${input.createdBy}`);
    await this.auditShare('licence.share.create', holder, licence.id, input.createdBy, input.requestId, {
      share: id,
      ttlSeconds: ttl,
      disclosed: disclose.join(' '),
    });
    const url = this.urlOf(token);
    return { id, licenceId: licence.id, url, qrPng: await qrPng(url), disclosed: disclose, createdAt, expiresAt };
  }

  /** The holder's shares (of one licence when given), newest first, with their openings. */
  async list(holder: Holder, options: { licenceId?: string; limit?: number } = {}): Promise<HolderShare[]> {
    const rows = await this.store.forHolder(holder.kind, holderRef(holder), options.limit ?? 20, options.licenceId);
    const openings = await this.store.openings(rows.map((r) => r.id));
    return Promise.all(rows.map((row) => this.holderView(row, openings)));
  }

  /** One of the holder's shares; 404 share_not_found for none (or another holder's). */
  async get(holder: Holder, shareId: string): Promise<HolderShare> {
    const row = /^[0-9a-f-]{36}$/i.test(shareId) ? await this.store.byId(shareId) : null;
    if (!row || row.holderKind !== holder.kind || row.holderRef !== holderRef(holder))
      throw new ApiError(404, 'share_not_found', `you have no share ${shareId}`);
    return this.holderView(row, await this.store.openings([row.id]));
  }

  /** Ends one of the holder's shares now (its link shows that it was ended); whether it was still open. */
  async end(holder: Holder, shareId: string, requestId?: string): Promise<boolean> {
    const share = await this.get(holder, shareId);
    const ended = await this.store.end(share.id, new Date());
    if (ended) this.logger.log(`share ${share.id} of licence ${share.licenceId} ended by its holder`);
    if (ended) await this.auditShare('licence.share.withdraw', holder, share.licenceId, undefined, requestId, { share: share.id });
    return ended;
  }

  /** A share made or ended by its holder, in the holder's access log (before the answer). */
  private async auditShare(
    action: 'licence.share.create' | 'licence.share.withdraw',
    holder: Holder,
    licenceId: string,
    app: string | undefined,
    requestId: string | undefined,
    details: AuditEvent['details'],
  ): Promise<void> {
    if (!this.audit) return;
    const subject = await this.licences.holderSubject(holder.kind, holderRef(holder));
    const actor: AuditActor = holder.kind === 'citizen' ? { kind: 'account', id: holder.accountId } : { kind: 'system', id: 'holder' };
    const client = app && app !== 'wallet' && app !== 'holder' ? { client: app } : {};
    await this.audit.append({
      action,
      actor,
      object: licenceId,
      ...(subject ? { subject } : {}),
      ...client,
      outcome: 'success',
      requestId,
      details,
    });
  }

  /** The QR code (PNG) of a share's URL. */
  qrOf(url: string): Promise<Buffer> {
    return qrPng(url);
  }

  /** Someone opened PUBLIC_URL/s/{token}: recorded for the holder (and in the audit log), and what the page may show. */
  async open(
    token: string,
    visitor: { ip?: string; userAgent?: string; afterCountdown?: boolean; requestId?: string },
  ): Promise<ShareOpening> {
    if (!TOKEN.test(token)) return { kind: 'unknown' };
    const row = await this.store.byTokenHash(tokenHash(token));
    if (!row) return { kind: 'unknown' };
    const now = new Date();
    const outcome: OpeningOutcome = row.endedAt ? 'ended' : row.expiresAt.getTime() <= now.getTime() ? 'expired' : 'shown';
    if (outcome === 'shown' || !visitor.afterCountdown) {
      const opening = { ipMasked: maskIp(visitor.ip), browser: browserFamily(visitor.userAgent), outcome };
      await this.store.recordOpening(row.id, opening, MAX_RECORDED_OPENINGS);
      this.recordOpening(row, opening, visitor.requestId);
    }
    if (outcome === 'ended') return { kind: 'ended', endedAt: row.endedAt! };
    if (outcome === 'expired' || !row.presentationEnc) return { kind: 'expired', expiredAt: row.expiresAt };

    const presentation = await this.keys.openText(row.presentationEnc, `${PRESENTATION_AAD} ${row.id}`);
    const [report, status, publicView] = await Promise.all([
      this.verifier.credential(presentation),
      this.licences.statusOf(row.licenceId),
      this.licences.publicView(row.licenceId),
    ]);
    const section = report.licence;
    const type = section?.type ? await this.types.find(section.type) : null;
    if (!authentic(report) || !section?.disclosed || !type || !status || !publicView) {
      this.logger.warn(
        `share ${row.id} of licence ${row.licenceId}: the presentation did not verify (${report.indication}/${report.subIndication ?? '-'})`,
      );
      return { kind: 'unverified', expiresAt: row.expiresAt };
    }
    return {
      kind: 'shown',
      expiresAt: row.expiresAt,
      type: { id: type.id, name: type.name },
      issuer: { name: publicView.issuer.name, nameEn: publicView.issuer.nameEn },
      status: status.status,
      validFrom: section.validFrom ? new Date(section.validFrom) : status.validFrom,
      validUntil: section.validUntil ? new Date(section.validUntil) : null,
      claims: licenceClaimRows(type, section.disclosed),
      checkedAt: now,
    };
  }

  /** An opening of a share in the holder's access log, in the background (whoever opened it is not known: anonymous). */
  private recordOpening(row: ShareRow, opening: Omit<OpeningRow, 'shareId' | 'openedAt'>, requestId: string | undefined): void {
    const audit = this.audit;
    if (!audit) return;
    void this.licences
      .holderSubject(row.holderKind, row.holderRef)
      .catch(() => undefined)
      .then((subject) =>
        audit.record({
          action: 'licence.share.open',
          actor: { kind: 'system', id: 'anonymous' },
          object: row.licenceId,
          ...(subject ? { subject } : {}),
          outcome: opening.outcome === 'shown' ? 'success' : 'refused',
          requestId,
          details: { share: row.id, result: opening.outcome, ipMasked: opening.ipMasked, browser: opening.browser },
        }),
      );
  }

  /** PUBLIC_URL/s/{token}. */
  urlOf(token: string): string {
    return `${this.config.publicUrl}${SHARE_PATH}${token}`;
  }

  private async holderView(row: ShareRow, openings: OpeningRow[]): Promise<HolderShare> {
    const now = Date.now();
    const state = row.endedAt ? 'ended' : row.expiresAt.getTime() <= now ? 'expired' : 'open';
    const token = state === 'open' && row.tokenEnc ? await this.keys.openText(row.tokenEnc, `${TOKEN_AAD} ${row.id}`) : undefined;
    return {
      id: row.id,
      licenceId: row.licenceId,
      disclosed: row.disclosed,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      endedAt: row.endedAt,
      state,
      ...(token ? { url: this.urlOf(token) } : {}),
      openings: openings.filter((o) => o.shareId === row.id).map(({ shareId: _id, ...opening }) => opening),
      openingsCounted: row.openings,
    };
  }

  private async seal(id: string, token: string, presentation: string) {
    for (;;) {
      const sealedToken = await this.keys.sealText(token, `${TOKEN_AAD} ${id}`);
      const sealedPresentation = await this.keys.sealText(presentation, `${PRESENTATION_AAD} ${id}`);
      // A rotation of the data key between the two: seal both again under the one key.
      if (sealedToken.kid === sealedPresentation.kid)
        return { tokenEnc: sealedToken.value, presentationEnc: sealedPresentation.value, dataKid: sealedToken.kid };
    }
  }

  /** Erases what expired shares kept sealed, and forgets shares past their retention. */
  private async sweep(): Promise<void> {
    try {
      await this.store.purgeEnded();
      await this.store.deleteOlderThan(SHARE_RETENTION_DAYS);
    } catch (err) {
      this.logger.warn(`erasing expired shares failed: ${(err as Error).message}`);
    }
  }

  /** Re-seals the live shares still under an older data key (after `tongban keys rotate --purpose data`). */
  private async rekey(batchSize = 500): Promise<{ rows: number }> {
    await this.store.purgeEnded();
    const current = this.keys.current('data').kid;
    let rows = 0;
    for (;;) {
      const batch = await this.store.sealedUnder(current, batchSize);
      if (!batch.length) return { rows };
      for (const row of batch) {
        const token = await this.keys.openText(row.tokenEnc!, `${TOKEN_AAD} ${row.id}`);
        const presentation = await this.keys.openText(row.presentationEnc!, `${PRESENTATION_AAD} ${row.id}`);
        const sealed = await this.seal(row.id, token, presentation);
        await this.store.reseal(row.id, row.dataKid!, sealed.tokenEnc, sealed.presentationEnc, sealed.dataKid);
      }
      rows += batch.length;
    }
  }
}

function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
}

/** The presentation is the licence's, untouched: its format, signature, chain to tongban's root and every digest passed. */
function authentic(report: ValidationReport): boolean {
  const passed = (name: string) => report.checks.some((check) => check.name === name && check.status === 'PASSED');
  return ['format', 'signature', 'chain', 'dataHash'].every(passed);
}
