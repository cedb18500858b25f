import { Injectable, Optional } from '@nestjs/common';
import type { AuditEvent } from '../../audit/audit-event.js';
import { AuditService } from '../../audit/audit.service.js';
import { ApiError } from '../../common/api-error.js';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { RegistryService } from '../../registry/registry.service.js';
import {
  LicenceFontError,
  licenceCheckUrl,
  licenceClaimRows,
  LicenceSeals,
  renderLicenceOfd,
  renderLicencePdf,
  type LicenceView,
} from '../file/index.js';
import type { Licence } from '../issuance/licence.js';
import { LicencesService } from '../issuance/licences.service.js';
import { LicenceTypesService } from '../types/index.js';

export const LICENCE_FILE_FORMATS = ['ofd', 'pdf'] as const;
export type LicenceFileFormat = (typeof LICENCE_FILE_FORMATS)[number];

/** The media types of the two forms. */
export const LICENCE_FILE_MEDIA_TYPES: Readonly<Record<LicenceFileFormat, string>> = { ofd: 'application/ofd', pdf: 'application/pdf' };

export interface LicenceFile {
  readonly format: LicenceFileFormat;
  readonly mediaType: string;
  readonly bytes: Buffer;
  /** An ASCII file name naming the licence (licence-<id>.ofd) and one in Chinese with the type's name (居住证-<id>.ofd). */
  readonly fileName: string;
  readonly fileNameZh: string;
}

/**
 * The licence file (GB/T 36905, issue 13 §5) of a licence tongban issued, made when asked: its
 * view (the type's claim rows, the holder's name and identifier in full — a citizen's ID number
 * decrypted from the register — the issuing authority, the dates, the status as it is now, the
 * check URL for the QR code), then the OFD stamped with the issuing authority's seal (LicenceSeals,
 * tongban's SM2 licence key), or the same page as a PDF with the seal's picture. A licence that is
 * suspended, revoked or expired still has its file; the renderer prints its status across the top.
 * Nothing is kept: the file changes with the status and the seal.
 */
@Injectable()
export class LicenceFiles {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly seals: LicenceSeals,
    private readonly types: LicenceTypesService,
    private readonly registry: RegistryService,
    private readonly licences: LicencesService,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /**
   * The file. Refusals: 422 font_lacks_characters (a PDF of a character its fonts lack; the OFD
   * names fonts and has none), 422 licence_file_unrenderable (a claim too long to lay out), and
   * those of the authority's seal (409 issuing_authority_unnamed, 503 seal_maker_unavailable …).
   */
  async render(licence: Licence, format: LicenceFileFormat, by?: Pick<AuditEvent, 'actor' | 'requestId'>): Promise<LicenceFile> {
    const view = await this.view(licence);
    const seal = await this.seals.sealFor(licence.issuer.clientId);
    let bytes: Buffer;
    try {
      if (format === 'pdf') bytes = await renderLicencePdf(view, { sealPicture: seal.picture });
      else {
        const { ofd, stampArea } = renderLicenceOfd(view);
        bytes = await this.seals.stampWith(ofd, seal, stampArea);
        this.recordStamp(licence, seal.seal.esID, by);
      }
    } catch (err) {
      if (err instanceof LicenceFontError)
        throw new ApiError(422, 'font_lacks_characters', err.message, { characters: err.characters, fields: err.fields });
      if (err instanceof RangeError)
        throw new ApiError(422, 'licence_file_unrenderable', `the licence ${licence.id} cannot be laid out on its file: ${err.message}`);
      throw err;
    }
    const name = licence.type.name.zh.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '');
    return {
      format,
      mediaType: LICENCE_FILE_MEDIA_TYPES[format],
      bytes,
      fileName: `licence-${licence.id}.${format}`,
      fileNameZh: `${name || 'licence'}-${licence.id}.${format}`,
    };
  }

  /** A licence file stamped with its issuing authority's seal: in the holder's access log, in the background. */
  private recordStamp(licence: Licence, esID: string, by: Pick<AuditEvent, 'actor' | 'requestId'> | undefined): void {
    const audit = this.audit;
    if (!audit) return;
    const holder = licence.holder;
    void this.licences
      .holderSubject(holder.kind, holder.kind === 'citizen' ? holder.registryCitizenId : holder.uscc)
      .catch(() => undefined)
      .then((subject) =>
        audit.record({
          action: 'seal.stamp',
          actor: by?.actor ?? { kind: 'system', id: 'tongban' },
          object: esID,
          ...(subject ? { subject } : {}),
          client: licence.issuer.clientId,
          outcome: 'success',
          requestId: by?.requestId,
          details: { licence: licence.id, document: 'licence-file' },
        }),
      );
  }

  private async view(licence: Licence): Promise<LicenceView> {
    const type = await this.types.find(licence.type.id);
    if (!type) throw new ApiError(409, 'licence_type_missing', `the licence type ${licence.type.id} is no longer in the catalogue`);
    const identifier =
      licence.holder.kind === 'enterprise'
        ? licence.holder.uscc
        : ((await this.registry.revealCitizenIdNumber(licence.holder.registryCitizenId)) ?? licence.holder.idNumberMasked);
    return {
      id: licence.id,
      type: { id: type.id, name: type.name },
      holder: { kind: licence.holder.kind, name: licence.holder.name, identifier },
      claims: licenceClaimRows(type, licence.claims),
      issuer: {
        name: licence.issuer.name ?? licence.issuer.clientId,
        ...(licence.issuer.nameEn ? { nameEn: licence.issuer.nameEn } : {}),
        code: licence.issuer.code,
      },
      issuedAt: licence.createdAt,
      validFrom: licence.validFrom,
      validUntil: licence.validUntil,
      status: licence.status,
      checkUrl: licenceCheckUrl(this.config.publicUrl, licence.id),
    };
  }
}

/** `attachment` with the ASCII name and, for browsers that read it, the Chinese one (RFC 6266, RFC 8187). */
export function contentDisposition(file: Pick<LicenceFile, 'fileName' | 'fileNameZh'>): string {
  const encoded = encodeURIComponent(file.fileNameZh).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${file.fileName}"; filename*=UTF-8''${encoded}`;
}
