import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuditAction, AuditEvent, AuditSubject } from '../../audit/audit-event.js';
import { AuditService } from '../../audit/audit.service.js';
import type { IssuanceLogRef } from '../../audit/issuance/issuance-entry.js';
import { IssuanceLog } from '../../audit/issuance/issuance-log.service.js';
import { ClientStore } from '../../clients/client-store.js';
import { ApiError } from '../../common/api-error.js';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { verificationKey } from '../../crypto/verification-keys.js';
import { canonicalCitizenId } from '../../identifiers/citizen-id.js';
import { makeLicenceId } from '../../identifiers/licence-id.js';
import { canonicalUscc } from '../../identifiers/uscc.js';
import { KeyStore } from '../../keys/keystore.service.js';
import { PkiService } from '../../pki/pki.service.js';
import { parseCertificate } from '../../pki/x509.js';
import {
  RegistryService,
  type Citizen,
  type CitizenStatusChange,
  type Enterprise,
  type EnterpriseStatusChange,
} from '../../registry/registry.service.js';
import type { LicenceLookup } from '../check-page/licence-lookup.js';
import { issueSdJwtVc } from '../sd-jwt/index.js';
import { StatusListsService, type StatusEntry } from '../status/status-lists.service.js';
import { LicenceTypesService, type ClaimError, type HolderKind, type LicenceType } from '../types/index.js';
import {
  maskPersonName,
  type HolderLookup,
  type Licence,
  type LicenceHolder,
  type LicencePublicView,
  type LicenceStatus,
  type LicenceStatusInfo,
} from './licence.js';
import { LicenceStore, type LicenceRow, type NewLicenceRow, type StoredStatus, type SuspendedBy } from './licence-store.js';

/** The holder named in an issuance request: a citizen by ID number, or an enterprise by USCC. */
export type HolderInput = { idNumber: string } | { uscc: string };

export interface IssueLicenceInput {
  type: string;
  holder: HolderInput;
  claims: Record<string, unknown>;
  validFrom?: Date;
  validUntil?: Date;
}

export interface IssueLicenceOptions {
  /** The issuing authority's client (its client_id). */
  issuer: string;
  /** With a key, a retry of the same request answers the licence issued the first time. */
  idempotencyKey?: string;
  /** SHA-256 of the request (the same key with another request: 422); stored keyed (HMAC under the data key), as it covers claims and ID numbers. */
  requestHash?: Buffer;
  /** The holder's key for the credential's cnf (the business licence binds the certificate it issues with). */
  cnf?: Record<string, unknown>;
  /** Who asked, for the audit log, when not the issuer's client itself (an operator); and the request's id. */
  by?: LicenceAuditBy;
}

/** The actor and request id of a licence's audit entry. */
export type LicenceAuditBy = Partial<Pick<AuditEvent, 'actor'>> & Pick<AuditEvent, 'requestId'>;

/** Who changes a licence's status: its issuing authority (a client_id), or an operator (the CLI) acting for it. */
export type LicenceActor = string | { operator: string };

export interface IssuedLicence {
  licence: Licence;
  /** True when the idempotency key named a licence issued before. */
  replayed: boolean;
  /** Its leaf in the public issuance log (issue 14 §3). */
  transparency?: IssuanceLogRef;
}

const CLAIMS_AAD = 'tongban licence-claims v1';
const CREDENTIAL_AAD = 'tongban licence-credential v1';
/** validFrom may lie this far in the future (a licence issued ahead of the day it starts). */
const MAX_VALIDITY_MS = 100 * 366 * 86_400_000;

class EntryTaken extends Error {}

/**
 * Electronic licences as SD-JWT VCs (issue 13 §3, §4): issuance for the issuing authorities
 * (OAuth clients with licence:issue, allowed per type), the lifecycle (suspend, reinstate,
 * revoke; expiry), the register's changes followed (a cancelled or revoked enterprise's licences
 * revoked, a suspended one's suspended and reinstated with it, a deceased citizen's revoked), and
 * what the rest of tongban reads of a licence: get, listForHolder, statusOf, publicView.
 */
@Injectable()
export class LicencesService implements OnModuleInit, LicenceLookup {
  private readonly logger = new Logger('licences');
  private readonly store: LicenceStore;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly registry: RegistryService,
    private readonly pki: PkiService,
    private readonly keys: KeyStore,
    private readonly types: LicenceTypesService,
    private readonly clients: ClientStore,
    private readonly statusLists: StatusListsService,
    @Optional() private readonly audit?: AuditService,
    @Optional() private readonly issuanceLog?: IssuanceLog,
  ) {
    this.store = new LicenceStore(db);
  }

  onModuleInit(): void {
    this.registry.onEnterpriseStatusChange((changes) => this.followEnterprises(changes));
    this.registry.onCitizenStatusChange((changes) => this.followCitizens(changes));
    this.keys.registerRekeyHandler('licences', () => this.rekey());
  }

  // ---- issuance ----

  /**
   * Issues a licence: the client must be an issuing authority allowed the type, the holder of the
   * type's kind and active in the register, the claims valid for the type's schema (and naming the
   * holder where they carry an ID number or a USCC). One row, written whole or not at all, with
   * its status list entry; a failed issuance leaves nothing.
   */
  async issue(input: IssueLicenceInput, options: IssueLicenceOptions): Promise<IssuedLicence> {
    if (options.idempotencyKey) {
      const earlier = await this.store.findByIdempotencyKey(options.issuer, options.idempotencyKey);
      if (earlier) return this.replay(earlier, options);
    }
    const type = await this.types.find(input.type);
    if (!type)
      throw new ApiError(400, 'unknown_licence_type', `no licence type ${input.type} in the catalogue (see GET /api/v1/licence-types)`);
    const authority = await this.clients.licenceIssuer(options.issuer);
    if (!authority)
      throw new ApiError(
        403,
        'not_an_issuing_authority',
        `the client ${options.issuer} is not an issuing authority: it has no issuer code`,
      );
    if (!(await this.types.mayIssue(options.issuer, type.id)))
      throw new ApiError(403, 'licence_type_not_allowed', `the client ${options.issuer} may not issue ${type.id} licences`, {
        allowed: authority.licenceTypes,
      });
    const kind: HolderKind = 'idNumber' in input.holder ? 'citizen' : 'enterprise';
    if (kind !== type.holderKind)
      throw new ApiError(
        400,
        'holder_kind_mismatch',
        `a ${type.id} licence is held by ${type.holderKind === 'citizen' ? 'a citizen (holder.idNumber)' : 'an enterprise (holder.uscc)'}`,
      );
    const check = await this.types.validateClaims(type.id, input.claims);
    if (!check.ok) throw invalidClaims(check.errors);
    const { validFrom, validUntil } = this.validity(type, input);

    const holder = await this.activeHolder(input.holder);
    const mismatch = holderClaimErrors(input.claims, holder);
    if (mismatch.length) throw invalidClaims(mismatch);
    const cnf = options.cnf ?? (holder.kind === 'enterprise' ? await this.holderKey(holder.uscc) : undefined);

    const serial = await this.store.nextSerial();
    const id = makeLicenceId({ typeCode: type.code, issuerCode: authority.issuerCode, serial, version: 1 });
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const base = {
      id,
      type: type.id,
      holderKind: holder.kind,
      holderRef: holder.kind === 'citizen' ? holder.registryCitizenId : holder.uscc,
      holderName: holder.name,
      holderIdMasked: holder.kind === 'citizen' ? holder.idNumberMasked : null,
      issuerClient: options.issuer,
      issuerCode: authority.issuerCode,
      serial,
      version: 1,
      validFrom,
      validUntil,
      createdAt: now,
      ...(options.idempotencyKey
        ? { idempotencyKey: options.idempotencyKey, requestHash: await this.keyedHash(options.requestHash ?? Buffer.alloc(0)) }
        : {}),
    };

    let stored: { row: NewLicenceRow; entry: StatusEntry } | undefined;
    for (let attempt = 0; attempt < 8 && !stored; attempt++) {
      const entry = await this.statusLists.candidate(authority.issuerCode);
      const credential = await this.sign(type, input.claims, holder, entry, { now, validFrom, validUntil, cnf });
      const sealed = await this.seal(id, input.claims, credential);
      const row: NewLicenceRow = { ...base, ...sealed, statusList: entry.list, statusIdx: entry.idx };
      const outcome = await this.insert(row);
      if (outcome === 'inserted') stored = { row, entry };
      else if (outcome === 'taken' && options.idempotencyKey) {
        // Another request with this key won the race: its licence is the answer.
        const earlier = await this.store.findByIdempotencyKey(options.issuer, options.idempotencyKey);
        if (earlier) return this.replay(earlier, options);
      }
      // Otherwise the entry was taken by a concurrent issuance, or its list filled up: draw again.
    }
    if (!stored) throw new Error(`licence ${id} could not be stored: no status list entry could be claimed`);
    await this.recheckHolder(stored.row, stored.entry);
    this.logger.log(
      `issued ${type.id} licence ${id} to ${holder.kind === 'citizen' ? holder.idNumberMasked : holder.uscc} for ${options.issuer}, valid ${validFrom.toISOString()} to ${validUntil.toISOString()}`,
    );
    await this.audit?.append({
      action: 'licence.issue',
      actor: options.by?.actor ?? { kind: 'client', id: options.issuer },
      object: id,
      subject: holder.kind === 'citizen' ? await this.audit.citizenSubject(holder.idNumber!) : { kind: 'enterprise', uscc: holder.uscc },
      client: options.issuer,
      outcome: 'success',
      requestId: options.by?.requestId,
      details: { type: type.id },
    });
    // Stored first, then a leaf of the public issuance log before the answer (issue 14 §3; see IssuanceLog).
    const transparency = await this.issuanceLog?.logged('licence', id);
    return { licence: await this.get(id), replayed: false, ...(transparency ? { transparency } : {}) };
  }

  /** The licence an earlier request with the same idempotency key issued, with its leaf (logged now if a crash left it out). */
  private async replay(earlier: LicenceRow, options: IssueLicenceOptions): Promise<IssuedLicence> {
    const licence = await this.toLicence(await this.sameRequest(earlier, options));
    const transparency = await this.issuanceLog?.logged('licence', licence.id);
    return { licence, replayed: true, ...(transparency ? { transparency } : {}) };
  }

  /**
   * The electronic business licence's credential (issue 13 §1: the register's record as a
   * `business-licence` SD-JWT VC), issued with the licence certificate and bound to its key, valid
   * as long as the certificate. Null when the client is not allowed the type (it then gets the
   * certificate alone, as before).
   */
  async issueBusinessLicence(enterprise: Enterprise, certificatePem: string, issuer: string, by?: LicenceAuditBy): Promise<Licence | null> {
    if (!(await this.types.mayIssue(issuer, 'business-licence'))) return null;
    const certificate = new X509Certificate(certificatePem);
    const claims: Record<string, unknown> = {
      uscc: enterprise.uscc,
      name: enterprise.name,
      type: enterprise.type,
      // The register mirror keeps the legal representative's ID number (masked for display), not the name.
      legal_representative: enterprise.legalRepresentativeMasked,
      established: enterprise.established,
      address: enterprise.address,
    };
    const { licence } = await this.issue(
      {
        type: 'business-licence',
        holder: { uscc: enterprise.uscc },
        claims,
        validFrom: new Date(certificate.validFrom),
        validUntil: new Date(certificate.validTo),
      },
      { issuer, cnf: keyBinding(certificate), ...(by ? { by } : {}) },
    );
    return licence;
  }

  // ---- reading ----

  /** A licence, claims and credential included; 404 licence_not_found. */
  async get(id: string): Promise<Licence> {
    const licence = await this.find(id);
    if (!licence) throw notFound(id);
    return licence;
  }

  async find(id: string): Promise<Licence | null> {
    const row = await this.store.find(id.toUpperCase());
    return row ? this.toLicence(row) : null;
  }

  /** A licence for the client that issued it: 404 when there is none, 403 not_licence_issuer for another client. */
  async getForIssuer(id: string, clientId: string): Promise<Licence> {
    const row = await this.store.find(id.toUpperCase());
    if (!row) throw notFound(id);
    this.checkIssuer(row, clientId);
    return this.toLicence(row);
  }

  /** A holder's licences, newest first (revoked and expired ones included). */
  async listForHolder(lookup: HolderLookup): Promise<Licence[]> {
    let rows: LicenceRow[];
    if ('uscc' in lookup) rows = await this.store.forHolder('enterprise', [lookup.uscc.toUpperCase()]);
    else if ('registryCitizenId' in lookup) rows = await this.store.forHolder('citizen', [lookup.registryCitizenId]);
    else {
      const citizen = await this.registry.findCitizenByIdNumber(lookup.idNumber);
      rows = citizen ? await this.store.forHolder('citizen', [citizen.id]) : [];
    }
    return Promise.all(rows.map((row) => this.toLicence(row)));
  }

  /** What the status list says of a licence, with reason and dates; null when tongban issued no such licence. */
  async statusOf(id: string): Promise<LicenceStatusInfo | null> {
    const row = await this.store.find(id.toUpperCase());
    if (!row) return null;
    return {
      id: row.id,
      status: effectiveStatus(row),
      storedStatus: row.status,
      statusReason: row.statusReason,
      statusChangedAt: row.statusChangedAt,
      validFrom: row.validFrom,
      validUntil: row.validUntil,
      statusList: { idx: row.statusIdx, uri: this.statusLists.uriOf(row.statusList) },
    };
  }

  /**
   * What the public check page shows (type, issuer, status, validity, holder name masked for
   * citizens); undefined for an identifier tongban never issued. The check page's LicenceLookup.
   */
  async publicView(id: string): Promise<LicencePublicView | undefined> {
    const row = await this.store.find(id.toUpperCase());
    if (!row) return undefined;
    const [type, issuer] = await Promise.all([this.types.find(row.type), this.issuerOf(row)]);
    return {
      id: row.id,
      type: { id: row.type, name: type?.name ?? { zh: row.type, en: row.type } },
      issuer: { code: issuer.code, name: issuer.name ?? issuer.clientId, nameEn: issuer.nameEn },
      status: effectiveStatus(row),
      validFrom: row.validFrom,
      validUntil: row.validUntil,
      holder: { kind: row.holderKind, name: row.holderKind === 'citizen' ? maskPersonName(row.holderName) : row.holderName },
    };
  }

  // ---- lifecycle ----

  /** valid → suspended (by its issuer); a licence the register suspended becomes the issuer's suspension (it stays when the holder is active again). */
  async suspend(id: string, reason: string, by: LicenceActor, audit: LicenceAuditBy = {}): Promise<Licence> {
    const row = await this.issuersRow(id, by);
    const actor = actorName(by);
    const changed = await this.store.transition(row.id, [{ status: 'valid' }, { status: 'suspended', suspendedBy: 'registry' }], {
      to: 'suspended',
      suspendedBy: 'issuer',
      reason,
      by: actor,
    });
    if (!changed) throw await this.refused(row.id, 'suspend');
    return this.changed(changed, 'suspended', auditBy(by, audit));
  }

  /** suspended → valid (by its issuer), while the holder is active in the register. */
  async reinstate(id: string, reason: string, by: LicenceActor, audit: LicenceAuditBy = {}): Promise<Licence> {
    const row = await this.issuersRow(id, by);
    const actor = actorName(by);
    if (row.status === 'suspended') {
      const holder = await this.holderStatus(row);
      if (holder !== 'active')
        throw new ApiError(
          409,
          'holder_not_active',
          `the holder is ${holder} in the register: the licence can be reinstated when the holder is active again`,
        );
    }
    const changed = await this.store.transition(row.id, [{ status: 'suspended' }], {
      to: 'valid',
      suspendedBy: null,
      reason,
      by: actor,
    });
    if (!changed) throw await this.refused(row.id, 'reinstate');
    return this.changed(changed, 'reinstated', auditBy(by, audit));
  }

  /** valid or suspended → revoked, for good (by its issuer). */
  async revoke(id: string, reason: string, by: LicenceActor, audit: LicenceAuditBy = {}): Promise<Licence> {
    const row = await this.issuersRow(id, by);
    const actor = actorName(by);
    const changed = await this.store.transition(row.id, [{ status: 'valid' }, { status: 'suspended' }], {
      to: 'revoked',
      suspendedBy: null,
      reason,
      by: actor,
    });
    if (!changed) throw await this.refused(row.id, 'revoke');
    return this.changed(changed, 'revoked', auditBy(by, audit));
  }

  /**
   * What a change of an enterprise's register status does to its licences: cancelled or revoked
   * → revoked; suspended → suspended (by the register); active again after a suspension → the
   * licences the register suspended are valid again (those its issuer suspended stay suspended).
   */
  async followEnterprises(changes: EnterpriseStatusChange[]): Promise<void> {
    for (const change of changes) {
      if (change.from === null || change.from === change.to) continue;
      const ref = change.uscc;
      if (change.to === 'cancelled' || change.to === 'revoked') {
        const reason =
          change.to === 'cancelled'
            ? 'the enterprise was cancelled in the register (cessation of operation)'
            : "the enterprise's business licence was revoked by the register";
        await this.followed('enterprise', ref, ['valid', 'suspended'], { to: 'revoked', suspendedBy: null, reason, by: 'registry' });
      } else if (change.to === 'suspended') {
        await this.followed('enterprise', ref, ['valid'], {
          to: 'suspended',
          suspendedBy: 'registry',
          reason: 'the enterprise is suspended in the register',
          by: 'registry',
        });
      } else if (change.to === 'active' && change.from === 'suspended') {
        await this.followed('enterprise', ref, [{ status: 'suspended', suspendedBy: 'registry' }], {
          to: 'valid',
          suspendedBy: null,
          reason: 'the enterprise is active in the register again',
          by: 'registry',
        });
      }
    }
  }

  /** A citizen recorded dead in the population register: their licences are revoked. */
  async followCitizens(changes: CitizenStatusChange[]): Promise<void> {
    for (const change of changes) {
      if (change.from === null || change.to !== 'deceased') continue;
      await this.followed('citizen', change.id, ['valid', 'suspended'], {
        to: 'revoked',
        suspendedBy: null,
        reason: 'the holder died (population register)',
        by: 'registry',
      });
    }
  }

  // ---- internals ----

  private async followed(
    kind: HolderKind,
    ref: string,
    from: Array<StoredStatus | { status: StoredStatus; suspendedBy: SuspendedBy }>,
    change: { to: StoredStatus; suspendedBy: SuspendedBy | null; reason: string; by: string },
  ): Promise<void> {
    const touched: Array<{ id: string; statusList: number }> = [];
    for (const state of from)
      touched.push(...(await this.store.transitionHolder(kind, ref, typeof state === 'string' ? { status: state } : state, change)));
    if (!touched.length) return;
    this.statusLists.changed(new Set(touched.map((t) => t.statusList)));
    this.logger.log(`${change.to} ${touched.length} licence(s) of ${kind === 'citizen' ? 'a citizen' : ref}: ${change.reason}`);
    const action = change.to === 'revoked' ? 'licence.revoke' : change.to === 'suspended' ? 'licence.suspend' : 'licence.reinstate';
    await this.auditChange(
      action,
      touched.map((t) => t.id),
      kind,
      ref,
      undefined,
      { actor: { kind: 'system', id: 'registry' } },
    );
  }

  /** One audit entry per licence whose status changed, naming its holder (an enterprise, or a citizen's blind index). */
  private async auditChange(
    action: AuditAction,
    ids: string[],
    kind: HolderKind,
    ref: string,
    issuer: string | undefined,
    by: Pick<AuditEvent, 'actor' | 'requestId'>,
  ): Promise<void> {
    if (!this.audit) return;
    const subject = await this.holderSubject(kind, ref);
    const client = issuer ? { client: issuer } : {};
    await Promise.all(
      ids.map((id) => this.audit!.append({ action, ...by, object: id, ...(subject ? { subject } : {}), ...client, outcome: 'success' })),
    );
  }

  /** The holder as the audit log names them: an enterprise by USCC, a citizen by the blind index of the ID number. */
  async holderSubject(kind: HolderKind, ref: string): Promise<AuditSubject | undefined> {
    if (kind === 'enterprise') return { kind: 'enterprise', uscc: ref };
    const idNumber = await this.registry.revealCitizenIdNumber(ref);
    return idNumber && this.audit ? this.audit.citizenSubject(idNumber) : undefined;
  }

  private async changed(
    row: LicenceRow,
    what: 'suspended' | 'reinstated' | 'revoked',
    by: Pick<AuditEvent, 'actor' | 'requestId'>,
  ): Promise<Licence> {
    this.statusLists.changed([row.statusList]);
    this.logger.log(`${what} licence ${row.id} for ${row.statusChangedBy ?? '?'}: ${row.statusReason ?? ''}`);
    const action = ({ suspended: 'licence.suspend', reinstated: 'licence.reinstate', revoked: 'licence.revoke' } as const)[what];
    await this.auditChange(action, [row.id], row.holderKind, row.holderRef, row.issuerClient, by);
    return this.toLicence(row);
  }

  private async issuersRow(id: string, by: LicenceActor): Promise<LicenceRow> {
    const row = await this.store.find(id.toUpperCase());
    if (!row) throw notFound(id);
    if (typeof by === 'string') this.checkIssuer(row, by);
    return row;
  }

  private checkIssuer(row: LicenceRow, clientId: string): void {
    if (row.issuerClient !== clientId)
      throw new ApiError(
        403,
        'not_licence_issuer',
        `the licence ${row.id} was issued by another issuing authority: only it may read or change it`,
      );
  }

  /** Why a transition was refused (409 invalid_transition), from the licence's state now. */
  private async refused(id: string, action: 'suspend' | 'reinstate' | 'revoke'): Promise<ApiError> {
    const row = (await this.store.find(id))!;
    const current = effectiveStatus(row);
    const details = { status: current, ...(row.statusChangedAt ? { statusChangedAt: row.statusChangedAt.toISOString() } : {}) };
    if (row.status === 'revoked')
      return new ApiError(
        409,
        'invalid_transition',
        `the licence ${id} was revoked at ${row.statusChangedAt?.toISOString() ?? '?'}; a revocation is final`,
        details,
      );
    const message =
      action === 'reinstate'
        ? `the licence ${id} is ${current}, not suspended: there is nothing to reinstate`
        : `the licence ${id} is already suspended`;
    return new ApiError(409, 'invalid_transition', message, details);
  }

  private async holderStatus(row: LicenceRow): Promise<string> {
    if (row.holderKind === 'enterprise') return (await this.registry.findEnterprise(row.holderRef))?.status ?? 'absent';
    return (await this.registry.findCitizenById(row.holderRef))?.status ?? 'absent';
  }

  /** The request's hash as stored: an HMAC under the current data key (a bare SHA-256 of an ID number and claims could be guessed). */
  private async keyedHash(digest: Buffer): Promise<Buffer> {
    return this.keys.mac(this.keys.current('data').kid, digest);
  }

  private async sameRequest(earlier: LicenceRow, options: IssueLicenceOptions): Promise<LicenceRow> {
    let same = false;
    // Under any data key still usable: the one of the day it was stored may have been rotated since.
    if (earlier.requestHash && options.requestHash)
      for (const key of this.keys.usable('data')) {
        if ((await this.keys.mac(key.kid, options.requestHash)).equals(earlier.requestHash)) same = true;
        if (same) break;
      }
    if (!same)
      throw new ApiError(
        422,
        'idempotency_key_reused',
        `this Idempotency-Key was used for another request (it issued licence ${earlier.id}): use a new key for a new licence`,
      );
    return earlier;
  }

  private validity(type: LicenceType, input: IssueLicenceInput): { validFrom: Date; validUntil: Date } {
    const now = Date.now();
    const second = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);
    const validFrom = second(input.validFrom ?? new Date(now));
    const validUntil = second(input.validUntil ?? new Date(validFrom.getTime() + type.validityDays * 86_400_000));
    if (validUntil.getTime() <= validFrom.getTime()) throw new ApiError(400, 'invalid_validity', 'validUntil must be after validFrom');
    if (validUntil.getTime() <= now)
      throw new ApiError(400, 'invalid_validity', 'validUntil must be in the future: a licence is not issued expired');
    if (validUntil.getTime() - now > MAX_VALIDITY_MS)
      throw new ApiError(400, 'invalid_validity', 'validUntil may be at most 100 years ahead');
    return { validFrom, validUntil };
  }

  /** The holder, from the register: 404 holder_not_found, 409 holder_not_active. */
  private async activeHolder(input: HolderInput): Promise<LicenceHolder & { idNumber?: string }> {
    if ('idNumber' in input) {
      const idNumber = canonicalCitizenId(input.idNumber);
      const citizen: Citizen | null = idNumber ? await this.registry.findCitizenByIdNumber(idNumber) : null;
      if (!citizen || !idNumber) throw new ApiError(404, 'holder_not_found', 'no citizen with this ID number in the population register');
      if (citizen.status !== 'active')
        throw new ApiError(
          409,
          'holder_not_active',
          `the citizen is ${citizen.status} in the population register: only an active citizen gets a licence`,
        );
      return { kind: 'citizen', name: citizen.name, idNumberMasked: citizen.idNumberMasked, registryCitizenId: citizen.id, idNumber };
    }
    const uscc = canonicalUscc(input.uscc) ?? input.uscc.toUpperCase();
    const enterprise = await this.registry.findEnterprise(uscc);
    if (!enterprise) throw new ApiError(404, 'holder_not_found', `no enterprise ${uscc} in the register`);
    if (enterprise.status !== 'active')
      throw new ApiError(
        409,
        'holder_not_active',
        `the enterprise is ${enterprise.status} in the register: only an active enterprise gets a licence`,
      );
    return { kind: 'enterprise', name: enterprise.name, uscc: enterprise.uscc };
  }

  /**
   * The register may have changed while the licence was issued (its revocations ran before the
   * row was stored): read it again now that the row is stored. Either the register's change sees
   * the row, or this read sees the change — and then the licence, never handed out, is removed.
   */
  private async recheckHolder(row: NewLicenceRow, entry: StatusEntry): Promise<void> {
    const status = await this.holderStatus(row as LicenceRow);
    if (status === 'active') return;
    await this.store.delete(row.id);
    await this.statusLists.release(entry.list);
    throw new ApiError(409, 'holder_not_active', `the holder became ${status} in the register while the licence was issued`);
  }

  /**
   * The holder's key for cnf (RFC 7800): an enterprise's newest good licence certificate — its
   * JWK and certificate thumbprint, or the thumbprint alone for an SM2 key (JOSE has no SM2 JWK).
   * None for an enterprise without a wallet certificate, and for citizens (no holder keys yet).
   */
  private async holderKey(uscc: string): Promise<Record<string, unknown> | undefined> {
    const now = Date.now();
    const records = (await this.pki.certificatesForEnterprise(uscc))
      .filter(
        (r) => r.profile === 'enterprise-licence' && r.status === 'good' && r.notAfter.getTime() > now && r.notBefore.getTime() <= now,
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.notBefore.getTime() - a.notBefore.getTime());
    for (const record of records) {
      const certificate = await this.pki.certificate(record.serial);
      if (certificate) return keyBinding(new X509Certificate(certificate.pem));
    }
    return undefined;
  }

  private async sign(
    type: LicenceType,
    claims: Record<string, unknown>,
    holder: LicenceHolder,
    entry: StatusEntry,
    at: { now: Date; validFrom: Date; validUntil: Date; cnf?: Record<string, unknown> },
  ): Promise<string> {
    const kid = this.keys.current('licence').kid;
    let x5c: string[];
    try {
      x5c = this.pki.x5cFor(kid);
    } catch {
      await this.pki.ownCertificate('licence').catch(() => undefined);
      try {
        x5c = this.pki.x5cFor(kid);
      } catch {
        throw new ApiError(503, 'pki_unavailable', `the certificate authority is not ready: the licence key ${kid} has no certificate yet`);
      }
    }
    const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
    return issueSdJwtVc({
      header: { kid, x5c },
      claims,
      nonDisclosable: {
        iss: this.config.publicUrl,
        iat: seconds(at.now),
        nbf: seconds(at.validFrom),
        exp: seconds(at.validUntil),
        vct: type.vct,
        status: { status_list: { idx: entry.idx, uri: entry.uri } },
        // An enterprise is named by its USCC (public); a citizen by nothing that correlates across licences.
        ...(holder.kind === 'enterprise' ? { sub: holder.uscc } : {}),
        ...(at.cnf ? { cnf: at.cnf } : {}),
      },
      sign: (bytes) => this.keys.signWith(kid, bytes),
    });
  }

  private async seal(id: string, claims: Record<string, unknown>, credential: string) {
    for (;;) {
      const sealedClaims = await this.keys.sealText(JSON.stringify(claims), `${CLAIMS_AAD} ${id}`);
      const sealedCredential = await this.keys.sealText(credential, `${CREDENTIAL_AAD} ${id}`);
      // A rotation of the data key between the two: seal both again under the one key.
      if (sealedClaims.kid === sealedCredential.kid)
        return { claimsEnc: sealedClaims.value, credentialEnc: sealedCredential.value, dataKid: sealedClaims.kid };
    }
  }

  /** The row and its status list entry in one transaction: 'taken' when the idempotency key or the entry is someone else's, 'full' when the list filled up. */
  private async insert(row: NewLicenceRow): Promise<'inserted' | 'taken' | 'full'> {
    try {
      return await this.db.transaction(async (manager) => {
        if (!(await this.statusLists.claim(manager, row.statusList))) return 'full';
        if (!(await this.store.insert(manager, row))) throw new EntryTaken();
        return 'inserted';
      });
    } catch (err) {
      if (err instanceof EntryTaken) return 'taken';
      throw err;
    }
  }

  private async toLicence(row: LicenceRow): Promise<Licence> {
    const [type, issuer, claims, credential] = await Promise.all([
      this.types.find(row.type),
      this.issuerOf(row),
      this.keys.openText(row.claimsEnc, `${CLAIMS_AAD} ${row.id}`),
      this.keys.openText(row.credentialEnc, `${CREDENTIAL_AAD} ${row.id}`),
    ]);
    const holder: LicenceHolder =
      row.holderKind === 'citizen'
        ? { kind: 'citizen', name: row.holderName, idNumberMasked: row.holderIdMasked ?? '', registryCitizenId: row.holderRef }
        : { kind: 'enterprise', name: row.holderName, uscc: row.holderRef };
    return {
      id: row.id,
      type: {
        id: row.type,
        code: type?.code ?? '',
        name: type?.name ?? { zh: row.type, en: row.type },
        vct: type?.vct ?? this.types.vctOf(row.type),
      },
      status: effectiveStatus(row),
      storedStatus: row.status,
      statusReason: row.statusReason,
      statusChangedAt: row.statusChangedAt,
      suspendedBy: row.suspendedBy,
      holder,
      issuer,
      validFrom: row.validFrom,
      validUntil: row.validUntil,
      createdAt: row.createdAt,
      statusList: { idx: row.statusIdx, uri: this.statusLists.uriOf(row.statusList) },
      claims: JSON.parse(claims) as Record<string, unknown>,
      credential,
    };
  }

  private async issuerOf(row: LicenceRow): Promise<Licence['issuer']> {
    const metadata = await this.clients.metadataFor(row.issuerClient);
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    return {
      clientId: row.issuerClient,
      code: row.issuerCode,
      name: text(metadata?.client_name),
      nameEn: text(metadata?.['client_name#en']),
    };
  }

  /** Re-encrypts claims and credentials still under an older `data` key (after `tongban keys rotate --purpose data`). */
  private async rekey(batchSize = 500): Promise<{ rows: number }> {
    const current = this.keys.current('data').kid;
    let rows = 0;
    for (;;) {
      const batch = await this.store.sealedUnder(current, batchSize);
      if (!batch.length) return { rows };
      for (const row of batch) {
        const claims = await this.keys.openText(row.claimsEnc, `${CLAIMS_AAD} ${row.id}`);
        const credential = await this.keys.openText(row.credentialEnc, `${CREDENTIAL_AAD} ${row.id}`);
        const sealed = await this.seal(row.id, JSON.parse(claims) as Record<string, unknown>, credential);
        await this.store.reseal(row.id, sealed.claimsEnc, sealed.credentialEnc, sealed.dataKid);
      }
      rows += batch.length;
    }
  }
}

function actorName(by: LicenceActor): string {
  return typeof by === 'string' ? by : by.operator;
}

/** The audit entry's actor: the one given, else the issuer's client or the operator of `by`. */
function auditBy(by: LicenceActor, audit: LicenceAuditBy): Pick<AuditEvent, 'actor' | 'requestId'> {
  const actor = audit.actor ?? (typeof by === 'string' ? { kind: 'client', id: by } : { kind: 'operator', id: by.operator });
  return { actor, requestId: audit.requestId };
}

function notFound(id: string): ApiError {
  return new ApiError(404, 'licence_not_found', `tongban issued no licence ${id}`);
}

function invalidClaims(errors: ClaimError[]): ApiError {
  return new ApiError(400, 'invalid_claims', `the claims do not match the licence type (${errors.length} problem(s))`, errors);
}

/** The status now: revoked, or expired past validUntil, or the stored one. */
export function effectiveStatus(row: { status: StoredStatus; validUntil: Date }, now = Date.now()): LicenceStatus {
  if (row.status === 'revoked') return 'revoked';
  if (row.validUntil.getTime() <= now) return 'expired';
  return row.status;
}

/** Claims that identify the holder (an ID number, a USCC) must identify this holder. */
function holderClaimErrors(claims: Record<string, unknown>, holder: LicenceHolder & { idNumber?: string }): ClaimError[] {
  const errors: ClaimError[] = [];
  if (holder.kind === 'citizen' && typeof claims.id_number === 'string' && claims.id_number.toUpperCase() !== holder.idNumber)
    errors.push({ path: '/id_number', keyword: 'holder', message: "must be the holder's ID number (holder.idNumber)", params: {} });
  if (holder.kind === 'enterprise' && typeof claims.uscc === 'string' && claims.uscc.toUpperCase() !== holder.uscc)
    errors.push({ path: '/uscc', keyword: 'holder', message: `must be the holder's USCC (${holder.uscc})`, params: {} });
  return errors;
}

/** cnf for a certificate's key: its JWK (not for SM2, which JOSE cannot name) and its SHA-256 thumbprint. */
function keyBinding(certificate: X509Certificate): Record<string, unknown> {
  const thumbprint = createHash('sha256').update(certificate.raw).digest('base64url');
  const { spki } = parseCertificate(certificate.raw);
  const key = verificationKey(spki);
  if ('curve' in key && key.curve === 'sm2') return { 'x5t#S256': thumbprint };
  return { jwk: createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' }), 'x5t#S256': thumbprint };
}
