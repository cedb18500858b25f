import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBase64,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsUscc } from '../identifiers/validators.js';
import { IssuanceLogRefDto } from '../audit/issuance/issuance-log-ref.dto.js';
import { parseCertificate } from '../pki/x509.js';
import { SEAL_REVOCATION_REASONS, type SealAlgorithm, type SealRecord, type SealRevocationReason } from './seal-store.js';
import { IsSealTime } from './seal-times.js';
import { decodeSealV4 } from './asn1/decode.js';
import { readPngInfo } from './picture/png.js';
import { isSealType, SEAL_TYPES, SEAL_TYPE_CODES } from './seal-types.js';
import { MAX_PICTURE_BYTES, SIGN_ALG_ID } from './seals.service.js';

export const USCC_EXAMPLE = '91350100MA2YTB8K4L';
export const ES_ID_EXAMPLE = '35010000000001';
const NAME_EXAMPLE = '福州通办示范科技有限公司';
const PEM_EXAMPLE =
  '-----BEGIN CERTIFICATE-----\nMIICLzCCAdWgAwIBAgIQXaSY7AMK6y6NqDSUp5QfrDAKBggqhkjOPQQDAjA…\n-----END CERTIFICATE-----\n';
const TYPES_TEXT = SEAL_TYPE_CODES.map((code) => `${code} ${SEAL_TYPES[code].name} (${SEAL_TYPES[code].english})`).join(', ');

export class SealIdParam {
  @ApiProperty({
    description: "the seal's esID: the 6-digit administrative division of the holder's USCC, then an 8-digit serial",
    example: ES_ID_EXAMPLE,
  })
  @Matches(/^\d{14}$/, { message: 'id must be a seal esID (14 digits)' })
  id!: string;
}

export class SealEnterpriseParam {
  @ApiProperty({ description: "the enterprise's unified social credit code (lower case accepted)", example: USCC_EXAMPLE })
  @IsUscc()
  uscc!: string;
}

@ApiSchema({ name: 'SealHolder' })
export class SealHolderDto {
  @ApiProperty({
    description: 'the enterprise the seal is made for: its unified social credit code; it must be active in the register',
    example: USCC_EXAMPLE,
  })
  @IsUscc()
  uscc!: string;
}

@ApiSchema({ name: 'SealPictureRequest' })
export class SealPictureDto {
  @ApiProperty({ description: 'the picture format: PNG only', enum: ['PNG'], example: 'PNG' })
  @IsIn(['PNG'])
  type!: 'PNG';

  @ApiProperty({
    description: `the PNG file, base64 (at most ${MAX_PICTURE_BYTES / 1024} KiB; its structure is checked and its size read from IHDR; at least 4 pixels per millimetre, in the proportions of widthMm × heightMm)`,
    format: 'byte',
    maxLength: 350_000,
    example: 'iVBORw0KGgoAAAANSUhEUgAAAZAAAAGQCAMAAAC3Ycb+AAAA…',
  })
  @IsString()
  @MaxLength(350_000, { message: `picture.data may be at most ${MAX_PICTURE_BYTES / 1024} KiB (base64)` })
  @IsBase64(undefined, { message: 'picture.data must be base64' })
  data!: string;

  @ApiPropertyOptional({
    description: "the seal's printed width in millimetres (default: 42, or 40 for an invoice seal)",
    minimum: 10,
    maximum: 100,
    example: 42,
  })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(100)
  widthMm?: number;

  @ApiPropertyOptional({
    description: "the seal's printed height in millimetres (default: 42, or 30 for an invoice seal)",
    minimum: 10,
    maximum: 100,
    example: 42,
  })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(100)
  heightMm?: number;
}

@ApiSchema({ name: 'SealRequest', description: 'A seal to make (GB/T 38540-2020 SESeal, version 4)' })
export class MakeSealRequest {
  @ApiProperty({ description: 'whose seal it is', type: SealHolderDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SealHolderDto)
  holder!: SealHolderDto;

  @ApiProperty({ description: `the seal type (SES_ESPropertyInfo.type): ${TYPES_TEXT}`, enum: SEAL_TYPE_CODES, example: 1 })
  @IsIn(SEAL_TYPE_CODES)
  type!: number;

  @ApiProperty({
    description: "the seal's name: exactly the enterprise's registered name",
    minLength: 1,
    maxLength: 100,
    example: NAME_EXAMPLE,
  })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({
    description:
      "the seal's picture; without it tongban draws the usual red seal (round: the name along the arc, a star in the middle, the purpose under it, the esID along the bottom; an invoice seal oval with the USCC across it) as a PNG at 16 pixels per millimetre",
    type: SealPictureDto,
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SealPictureDto)
  picture?: SealPictureDto;

  @ApiProperty({
    description:
      "the enterprise's electronic business licence certificates (PEM, one each; 1 to 8) whose keys may stamp with the seal: issued by tongban to this enterprise, not revoked or expired, SM2 or ECDSA P-256",
    type: [String],
    minItems: 1,
    maxItems: 8,
    example: [PEM_EXAMPLE],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MaxLength(16_384, { each: true })
  signerCertificates!: string[];

  @ApiPropertyOptional({
    description: 'ISO 8601 date (from the start of that day, China time) or date-time with offset; default now; not in the past',
    example: '2026-12-01',
  })
  @IsOptional()
  @IsString()
  @IsSealTime('start')
  validStart?: string;

  @ApiProperty({
    description:
      "ISO 8601 date (through the end of that day, China time) or date-time with offset: after validStart, and not after the latest signer certificate's end or the seal maker certificate's",
    example: '2027-06-30',
  })
  @IsString()
  @IsSealTime('end')
  validEnd!: string;

  @ApiPropertyOptional({
    description:
      "the seal maker's signature: `sm2` (SM2 with SM3, 1.2.156.10197.1.501, user ID 1234567812345678; the default) or `p256` (ECDSA P-256 with SHA-256)",
    enum: ['sm2', 'p256'],
    example: 'sm2',
  })
  @IsOptional()
  @IsIn(['sm2', 'p256'])
  algorithm?: SealAlgorithm;
}

@ApiSchema({ name: 'SealRevocation' })
export class RevokeSealRequest {
  @ApiProperty({
    description:
      'why: `compromised` (the seal or a signer key is out of the holder’s control), `superseded` (replaced by a new seal), `nameChanged`, `cessationOfOperation`, `privilegeWithdrawn`, or `unspecified`',
    enum: SEAL_REVOCATION_REASONS,
    example: 'superseded',
  })
  @IsIn(SEAL_REVOCATION_REASONS)
  reason!: SealRevocationReason;
}

// ---- answers ----

@ApiSchema({ name: 'SealHolderView' })
class SealHolderViewDto {
  @ApiProperty({ description: 'unified social credit code', example: USCC_EXAMPLE })
  uscc!: string;
}

@ApiSchema({ name: 'SealPicture' })
class SealPictureViewDto {
  @ApiProperty({ description: 'the picture format in the seal', example: 'PNG' })
  type!: string;

  @ApiProperty({ description: 'printed width, millimetres', example: 42 })
  widthMm!: number;

  @ApiProperty({ description: 'printed height, millimetres', example: 42 })
  heightMm!: number;

  @ApiPropertyOptional({ description: 'width in pixels (from the PNG)', example: 672 })
  widthPx?: number;

  @ApiPropertyOptional({ description: 'height in pixels (from the PNG)', example: 672 })
  heightPx?: number;

  @ApiProperty({ description: 'whether tongban drew it (true) or the request brought it', example: true })
  drawn!: boolean;
}

@ApiSchema({ name: 'SealSigner' })
class SealSignerDto {
  @ApiProperty({ description: "the licence certificate's serial number (lowercase hex)", example: '5f1e0c3a9b7d2e4f6a8c0b1d3e5f7a9c' })
  serial!: string;

  @ApiProperty({ description: "the certificate's end of validity", format: 'date-time', example: '2027-12-01T08:00:00.000Z' })
  notAfter!: string;
}

const SEAL_STATUSES = ['valid', 'not_yet_valid', 'expired', 'revoked'] as const;

@ApiSchema({ name: 'Seal', description: 'An electronic seal tongban made (GB/T 38540-2020 SESeal, version 4)' })
export class SealDto {
  @ApiProperty({ description: 'the esID', example: ES_ID_EXAMPLE })
  id!: string;

  @ApiProperty({ description: 'now: revoked, or by its validity', enum: SEAL_STATUSES, example: 'valid' })
  status!: (typeof SEAL_STATUSES)[number];

  @ApiProperty({ description: `the seal type: ${TYPES_TEXT}`, enum: SEAL_TYPE_CODES, example: 1 })
  type!: number;

  @ApiProperty({ description: "the type's name", example: '公章' })
  typeName!: string;

  @ApiProperty({ description: "the seal's name (the enterprise's registered name when it was made)", example: NAME_EXAMPLE })
  name!: string;

  @ApiProperty({ description: 'whose seal it is', type: SealHolderViewDto })
  holder!: SealHolderViewDto;

  @ApiProperty({ description: "the maker's signature algorithm", enum: ['sm2', 'p256'], example: 'sm2' })
  algorithm!: SealAlgorithm;

  @ApiProperty({ description: 'its object identifier (signAlgID)', example: '1.2.156.10197.1.501' })
  signAlgID!: string;

  @ApiProperty({ description: 'start of validity', format: 'date-time', example: '2026-12-01T08:00:00.000Z' })
  validStart!: string;

  @ApiProperty({ description: 'end of validity', format: 'date-time', example: '2027-06-30T16:00:00.000Z' })
  validEnd!: string;

  @ApiProperty({ description: 'when it was made (createDate)', format: 'date-time', example: '2026-12-01T08:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ description: 'when it was revoked, or null', type: String, format: 'date-time', nullable: true, example: null })
  revokedAt!: string | null;

  @ApiProperty({ description: 'why it was revoked, or null', enum: SEAL_REVOCATION_REASONS, nullable: true, example: null })
  revocationReason!: SealRevocationReason | null;

  @ApiProperty({ description: 'the licence certificates that may stamp with it (its certList)', type: [SealSignerDto] })
  signers!: SealSignerDto[];

  @ApiProperty({ description: 'the seal picture', type: SealPictureViewDto })
  picture!: SealPictureViewDto;

  @ApiProperty({
    description: "SHA-256 of the seal's DER (lowercase hex): how a verifier finds it",
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  })
  sha256!: string;

  @ApiPropertyOptional({
    description: 'the seal, DER, base64 (not in lists)',
    format: 'byte',
    example: 'MIIMxjCCDDIwGRYCRVMCAQQWB3RvbmdiYW4…',
  })
  seal?: string;

  @ApiPropertyOptional({
    description:
      'in the answer of POST /api/v1/seals (and its replays): the seal’s leaf in the public issuance log (issue 14 §3), to check with GET /api/v1/transparency/issuance/proofs/inclusion',
    type: IssuanceLogRefDto,
  })
  transparency?: IssuanceLogRefDto;
}

@ApiSchema({ name: 'SealList' })
export class SealListDto {
  @ApiProperty({ description: "the enterprise's seals, newest first (without their DER: GET each for it)", type: [SealDto] })
  seals!: SealDto[];
}

export type SealView = Omit<SealDto, 'holder' | 'picture' | 'signers'> & {
  holder: { uscc: string };
  picture: SealPictureViewDto;
  signers: Array<{ serial: string; notAfter: string }>;
};

/** A seal as the API shows it: its record, and what its DER says (picture, signer certificates). */
export function sealView(seal: SealRecord, options: { withDer: boolean }, now = new Date()): SealView {
  const { property, picture } = decodeSealV4(seal.der).eSealInfo;
  let pixels: { widthPx?: number; heightPx?: number } = {};
  try {
    const png = readPngInfo(picture.data);
    pixels = { widthPx: png.width, heightPx: png.height };
  } catch {
    // tongban makes PNG pictures only; without one there is no pixel size to show
  }
  const certs = property.certList.kind === 'certs' ? property.certList.certs : [];
  const status =
    seal.status === 'revoked' ? 'revoked' : now < seal.validStart ? 'not_yet_valid' : now > seal.validEnd ? 'expired' : 'valid';
  return {
    id: seal.esID,
    status,
    type: seal.type,
    typeName: isSealType(seal.type) ? SEAL_TYPES[seal.type].name : String(seal.type),
    name: seal.name,
    holder: { uscc: seal.uscc },
    algorithm: seal.algorithm,
    signAlgID: SIGN_ALG_ID[seal.algorithm],
    validStart: seal.validStart.toISOString(),
    validEnd: seal.validEnd.toISOString(),
    createdAt: seal.createdAt.toISOString(),
    revokedAt: seal.revokedAt?.toISOString() ?? null,
    revocationReason: seal.revocationReason,
    signers: certs.map((der) => {
      const parts = parseCertificate(der);
      return { serial: parts.serial, notAfter: parts.notAfter.toISOString() };
    }),
    picture: { type: picture.type, widthMm: picture.width, heightMm: picture.height, ...pixels, drawn: seal.pictureDrawn },
    sha256: seal.sha256.toString('hex'),
    ...(options.withDer ? { seal: seal.der.toString('base64') } : {}),
  };
}
