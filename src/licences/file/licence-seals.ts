import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { portalName } from '../../clients/client-names.js';
import { ClientStore, LICENCE_ISSUE_SCOPE } from '../../clients/client-store.js';
import { ApiError } from '../../common/api-error.js';
import { KeyStore } from '../../keys/keystore.service.js';
import { PkiService } from '../../pki/pki.service.js';
import { parseCertificate } from '../../pki/x509.js';
import { decodeSealV4 } from '../../seals/index.js';
import { SealsService, type SealRecord } from '../../seals/seals.service.js';
import type { LicenceStampArea } from './licence-layout.js';
import { stampLicenceOfd } from './stamp-licence.js';

/** `made_by` of the seals made here: the licence files, not an API client. */
export const LICENCE_SEALS_MADE_BY = 'tongban:licence-files';
/** A seal is used while it has at least this long to run; after that the next one is made. */
const RENEW_BEFORE_MS = 24 * 3600_000;
/** How long this process reuses a seal it found without asking the store again (a revocation is seen within this). */
const CACHE_MS = 3000;
/** Revoked or ending seals of one authority, key and name skipped before giving up. */
const MAX_GENERATIONS = 50;

/** An issuing authority's seal and the tongban key that stamps with it. */
export interface AuthoritySeal {
  /** The seal as stored (esID, DER, validity, status). */
  readonly seal: SealRecord;
  /** The certificate the seal's certList lists: tongban's SM2 `licence` key, whose kid signs. */
  readonly signer: { readonly kid: string; readonly certificate: Buffer };
  /** The picture inside the seal (PNG), to print on a licence PDF (renderLicencePdf's sealPicture). */
  readonly picture: { readonly png: Buffer; readonly widthMm: number; readonly heightMm: number };
  /** The authority: its issuer code (USCC) and the name on the seal. */
  readonly authority: { readonly issuerCode: string; readonly name: string };
}

/**
 * The seals of the licence-issuing authorities (issue 13 §5), one per authority, made by tongban
 * the first time the authority's licence file is stamped, and the stamping itself.
 *
 * An issuing authority is an OAuth client with the scope licence:issue and an issuer code (its
 * USCC; ClientStore). Its seal (SealsService.makeAuthoritySeal) carries its Chinese name
 * (client_name) and lists one signer: the certificate of tongban's current SM2 `licence` key (the
 * licence-issuer certificate of the SM2 hierarchy, src/pki/ca.ts), signed by the SM2 `seal-maker`
 * key. Stamping signs with that key inside the KeyStore (`signWith(kid, …, 'der')`, the kid of the
 * certificate the seal lists, so a key rotated meanwhile cannot sign under the wrong certificate);
 * the key never leaves it, and no authority holds a key of its own.
 *
 * One seal per authority, name and licence key: its idempotency key names the issuer code, the
 * certificate's serial, the name's hash and a generation, so two processes stamping at the same
 * moment get the same seal, a renamed authority or a rotated key gets a new one, and a seal that
 * was revoked (or ends within a day) is passed over for the next generation.
 */
@Injectable()
export class LicenceSeals {
  private readonly cache = new Map<string, { at: number; seal: AuthoritySeal }>();

  constructor(
    private readonly seals: SealsService,
    private readonly pki: PkiService,
    private readonly keys: KeyStore,
    private readonly clients: ClientStore,
  ) {}

  /**
   * The seal of the issuing authority that is client `clientId`, made if it has none yet. 403
   * not_an_issuing_authority for a client without the scope licence:issue or an issuer code; 409
   * issuing_authority_unnamed for one without a name to put on a seal; the seal service's errors
   * (503 seal_maker_unavailable, 422 font_lacks_characters / name_too_long_to_draw).
   */
  async sealFor(clientId: string): Promise<AuthoritySeal> {
    const authority = await this.authority(clientId);
    return this.sealOf(authority);
  }

  /** The seal of an authority given by its issuer code and name (the caller has checked it is one). */
  async sealOf(authority: { issuerCode: string; name: string }): Promise<AuthoritySeal> {
    const cacheKey = `${authority.issuerCode}\u0000${authority.name}`;
    const cached = this.cache.get(cacheKey);
    const now = Date.now();
    if (cached && now - cached.at < CACHE_MS && this.usable(cached.seal, now)) return cached.seal;

    const current = await this.pki.ownCertificate('licence', 'sm2');
    const serial = parseCertificate(current.der).serial;
    const nameHash = createHash('sha256').update(authority.name).digest('hex').slice(0, 16);
    for (let generation = 1; generation <= MAX_GENERATIONS; generation++) {
      const idempotencyKey = `authority-seal:${authority.issuerCode}:${serial}:${nameHash}:${generation}`;
      const requestHash = createHash('sha256')
        .update(JSON.stringify({ uscc: authority.issuerCode, name: authority.name, signer: serial, generation }))
        .digest();
      const { seal } = await this.seals.makeAuthoritySeal(
        { uscc: authority.issuerCode, name: authority.name },
        { madeBy: LICENCE_SEALS_MADE_BY, idempotencyKey, requestHash },
      );
      const found = this.withSigner(seal, authority);
      if (found && this.usable(found, Date.now())) {
        if (this.cache.size > 1000) this.cache.clear();
        this.cache.set(cacheKey, { at: Date.now(), seal: found });
        return found;
      }
    }
    throw new ApiError(
      409,
      'authority_seal_unavailable',
      `the issuing authority ${authority.issuerCode} has had ${MAX_GENERATIONS} seals revoked or ended: ask an operator`,
    );
  }

  /**
   * Stamps a licence file (renderLicenceOfd's OFD) with the seal of the issuing authority that is
   * client `clientId`, at `area` (renderLicenceOfd's stampArea).
   */
  async stamp(ofd: Uint8Array, clientId: string, area: LicenceStampArea, signingTime?: Date): Promise<Buffer> {
    return this.stampWith(ofd, await this.sealFor(clientId), area, signingTime);
  }

  /** Stamps with a seal sealFor or sealOf answered. */
  async stampWith(ofd: Uint8Array, seal: AuthoritySeal, area: LicenceStampArea, signingTime?: Date): Promise<Buffer> {
    return stampLicenceOfd(ofd, {
      seal: seal.seal.der,
      certificate: seal.signer.certificate,
      sign: (bytes) => this.keys.signWith(seal.signer.kid, bytes, 'der'),
      area,
      ...(signingTime ? { signingTime } : {}),
    });
  }

  private async authority(clientId: string): Promise<{ issuerCode: string; name: string }> {
    const issuer = await this.clients.licenceIssuer(clientId);
    if (!issuer || !issuer.scope.includes(LICENCE_ISSUE_SCOPE))
      throw new ApiError(403, 'not_an_issuing_authority', `the client ${clientId} is not an issuing authority of licences`);
    const client = await this.clients.get(clientId);
    const name = portalName(client?.metadata, 'zh-CN', '').trim();
    if (!name)
      throw new ApiError(
        409,
        'issuing_authority_unnamed',
        `the issuing authority ${clientId} has no name (client_name) to put on its seal`,
      );
    return { issuerCode: issuer.issuerCode, name };
  }

  /** The seal with the tongban key its certList names, when that key may still sign (it is current). */
  private withSigner(seal: SealRecord, authority: { issuerCode: string; name: string }): AuthoritySeal | undefined {
    const decoded = decodeSealV4(seal.der);
    const list = decoded.eSealInfo.property.certList;
    if (list.kind !== 'certs' || list.certs.length !== 1) return undefined;
    const certificate = list.certs[0];
    const key = this.keys
      .usable('licence')
      .find((k) => k.alg === 'SM2SM3' && k.state === 'current' && this.pki.certificateForKey(k.kid)?.der.equals(certificate));
    if (!key) return undefined;
    const { picture } = decoded.eSealInfo;
    return {
      seal,
      signer: { kid: key.kid, certificate },
      picture: { png: picture.data, widthMm: picture.width, heightMm: picture.height },
      authority,
    };
  }

  private usable(seal: AuthoritySeal, now: number): boolean {
    return seal.seal.status === 'valid' && seal.seal.validEnd.getTime() - now > RENEW_BEFORE_MS && seal.seal.validStart.getTime() <= now;
  }
}
