import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { IsLicenceId } from '../../identifiers/validators.js';
import { LICENCE_ID_EXAMPLE, LicenceDto, licenceView } from '../issuance/licences.dto.js';
import type { Licence } from '../issuance/licence.js';
import { LICENCE_FILE_FORMATS, type LicenceFileFormat } from './licence-files.js';
import {
  SHARE_TTL_DEFAULT_SECONDS,
  SHARE_TTL_MAX_SECONDS,
  SHARE_TTL_MIN_SECONDS,
  type CreatedShare,
  type HolderShare,
} from './licence-shares.service.js';

export const SHARE_ID_EXAMPLE = '5d1f0b7e-3c1a-4b8e-9a3e-1f2d3c4b5a69';
export const SHARE_URL_EXAMPLE = 'https://id.example.gov.cn/s/q3Xk0p9b1lJ0m0b6yVZ8n2Qe4Wc7tR5uY1iO3aS6dF8';
const QR_EXAMPLE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAPoAAAD6AQAAAACgl2eQAAAB…';

export class LicenceFileQuery {
  @ApiPropertyOptional({
    description:
      'ofd (default): the OFD stamped with the issuing authority’s seal; pdf: the same page as a PDF (fonts embedded, the seal’s picture, no signature)',
    enum: LICENCE_FILE_FORMATS,
    example: 'pdf',
  })
  @IsOptional()
  @IsIn(LICENCE_FILE_FORMATS, { message: 'format must be ofd or pdf' })
  format?: LicenceFileFormat;
}

export class ShareParams {
  @ApiProperty({ description: 'the licence identifier (GB/T 36904; lower case accepted)', example: LICENCE_ID_EXAMPLE })
  @IsLicenceId()
  id!: string;

  @ApiProperty({ description: 'the share (its id, as POST …/shares answered it)', format: 'uuid', example: SHARE_ID_EXAMPLE })
  @IsUUID()
  shareId!: string;
}

@ApiSchema({
  name: 'LicenceFileJson',
  description: 'The licence file inside a JSON object, for a client that asks for JSON (Accept: application/json)',
})
export class LicenceFileJsonDto {
  @ApiProperty({ description: 'the licence identifier', example: LICENCE_ID_EXAMPLE })
  id!: string;

  @ApiProperty({ description: 'ofd or pdf', enum: LICENCE_FILE_FORMATS, example: 'ofd' })
  format!: LicenceFileFormat;

  @ApiProperty({ description: 'the file’s media type', example: 'application/ofd' })
  mediaType!: string;

  @ApiProperty({ description: 'a file name for it', example: `licence-${LICENCE_ID_EXAMPLE}.ofd` })
  fileName!: string;

  @ApiProperty({ description: 'its size in bytes', example: 31842 })
  size!: number;

  @ApiProperty({ description: 'its SHA-256, hex', example: '9f2c5e0d7a1b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5' })
  sha256!: string;

  @ApiProperty({ description: 'the file, base64', example: 'UEsDBBQAAAAIA…' })
  data!: string;
}

@ApiSchema({
  name: 'HeldLicence',
  description: "A licence as its holder sees it: the issuer's view of it with the claims, and the credential to present",
})
export class HeldLicenceDto extends LicenceDto {
  @ApiProperty({
    description: 'the claims as issued (each one a selectively disclosable claim of the credential): what a share may disclose, by name',
    type: 'object',
    additionalProperties: true,
    example: { name: '张三', id_number: '110105199003071239', residence_address: '福建省福州市鼓楼区五四路1号' },
  })
  claims!: Record<string, unknown>;
}

@ApiSchema({ name: 'HeldLicences', description: "The holder's licences, newest first (suspended, revoked and expired ones too)" })
export class HeldLicencesDto {
  @ApiProperty({ description: 'the licences', type: [HeldLicenceDto] })
  licences!: HeldLicenceDto[];
}

export function heldLicenceView(licence: Licence): HeldLicenceDto {
  return { ...licenceView(licence), claims: licence.claims };
}

@ApiSchema({ name: 'CreateShareRequest' })
export class CreateShareRequest {
  @ApiProperty({
    description:
      "the names of the licence's claims to disclose (its `claims`); none: the share shows only the type, issuer, status and validity. A name the licence has no claim under: 400 unknown_claim",
    type: [String],
    maxItems: 100,
    example: ['name', 'residence_address'],
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  disclose!: string[];

  @ApiPropertyOptional({
    description: `how long the link works, in seconds (${SHARE_TTL_MIN_SECONDS} to ${SHARE_TTL_MAX_SECONDS}; default ${SHARE_TTL_DEFAULT_SECONDS}); outside: 400 invalid_ttl`,
    type: 'integer',
    minimum: SHARE_TTL_MIN_SECONDS,
    maximum: SHARE_TTL_MAX_SECONDS,
    example: 120,
  })
  @IsOptional()
  @IsInt({ message: 'ttlSeconds must be a whole number of seconds' })
  ttlSeconds?: number;
}

@ApiSchema({ name: 'CreatedShare', description: 'A share (亮证): the link to show, its QR code and when it stops working' })
export class CreatedShareDto {
  @ApiProperty({ description: 'the share, for GET …/shares', format: 'uuid', example: SHARE_ID_EXAMPLE })
  id!: string;

  @ApiProperty({ description: 'the licence shown', example: LICENCE_ID_EXAMPLE })
  licenceId!: string;

  @ApiProperty({
    description:
      'the link to show (PUBLIC_URL/s/<256 random bits>): whoever opens it before expiresAt sees the type, issuer, live status and the disclosed claims',
    example: SHARE_URL_EXAMPLE,
  })
  url!: string;

  @ApiProperty({ description: 'the QR code of `url`, a PNG image as a data URL (data:image/png;base64,…)', example: QR_EXAMPLE })
  qr!: string;

  @ApiProperty({ description: 'the claims disclosed', type: [String], example: ['name', 'residence_address'] })
  disclosed!: string[];

  @ApiProperty({ description: 'when it was made', format: 'date-time', example: '2026-12-01T02:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({
    description: 'when the link stops working (then it says the share has expired)',
    format: 'date-time',
    example: '2026-12-01T02:02:00.000Z',
  })
  expiresAt!: string;
}

export function createdShareView(share: CreatedShare): CreatedShareDto {
  return {
    id: share.id,
    licenceId: share.licenceId,
    url: share.url,
    qr: `data:image/png;base64,${share.qrPng.toString('base64')}`,
    disclosed: share.disclosed,
    createdAt: share.createdAt.toISOString(),
    expiresAt: share.expiresAt.toISOString(),
  };
}

@ApiSchema({ name: 'ShareOpening', description: 'Someone opened the link' })
class ShareOpeningDto {
  @ApiProperty({ description: 'when', format: 'date-time', example: '2026-12-01T02:00:41.000Z' })
  openedAt!: string;

  @ApiProperty({ description: 'their network, masked (203.0.113.*, 2001:db8:85a3:…:*)', example: '203.0.113.*' })
  ipMasked!: string;

  @ApiProperty({ description: 'their browser’s family, never the whole user agent', example: 'WeChat on Android' })
  browser!: string;

  @ApiProperty({
    description: 'shown (within the lifetime), expired (after it: nothing was shown) or ended (after the holder ended the share)',
    enum: ['shown', 'expired', 'ended'],
    example: 'shown',
  })
  outcome!: string;
}

@ApiSchema({ name: 'HolderShare', description: 'A share as its holder sees it: what was disclosed, for how long, and every opening' })
export class HolderShareDto {
  @ApiProperty({ description: 'the share', format: 'uuid', example: SHARE_ID_EXAMPLE })
  id!: string;

  @ApiProperty({ description: 'the licence shown', example: LICENCE_ID_EXAMPLE })
  licenceId!: string;

  @ApiProperty({ description: 'the claims disclosed', type: [String], example: ['name'] })
  disclosed!: string[];

  @ApiProperty({ description: 'open, expired, or ended by the holder', enum: ['open', 'expired', 'ended'], example: 'open' })
  state!: string;

  @ApiPropertyOptional({ description: 'the link, while the share is open', example: SHARE_URL_EXAMPLE })
  url?: string;

  @ApiProperty({ description: 'when it was made', format: 'date-time', example: '2026-12-01T02:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ description: 'when it stops (or stopped) working', format: 'date-time', example: '2026-12-01T02:02:00.000Z' })
  expiresAt!: string;

  @ApiProperty({ description: 'when the holder ended it', nullable: true, type: String, format: 'date-time', example: null })
  endedAt!: string | null;

  @ApiProperty({ description: 'the openings, newest first (at most the first 100 are recorded)', type: [ShareOpeningDto] })
  openings!: ShareOpeningDto[];
}

@ApiSchema({ name: 'HolderShares', description: "A licence's shares, newest first (the last 50)" })
export class HolderSharesDto {
  @ApiProperty({ description: 'the shares', type: [HolderShareDto] })
  shares!: HolderShareDto[];
}

export function holderShareView(share: HolderShare): HolderShareDto {
  return {
    id: share.id,
    licenceId: share.licenceId,
    disclosed: share.disclosed,
    state: share.state,
    ...(share.url ? { url: share.url } : {}),
    createdAt: share.createdAt.toISOString(),
    expiresAt: share.expiresAt.toISOString(),
    endedAt: share.endedAt?.toISOString() ?? null,
    openings: share.openings.map((o) => ({
      openedAt: o.openedAt.toISOString(),
      ipMasked: o.ipMasked,
      browser: o.browser,
      outcome: o.outcome,
    })),
  };
}
