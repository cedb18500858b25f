import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { IssuanceLogRefDto } from '../../audit/issuance/issuance-log-ref.dto.js';
import { IsCitizenId, IsLicenceId, IsUscc } from '../../identifiers/validators.js';
import { LICENCE_TYPE_ID } from '../types/index.js';
import { LICENCE_STATUSES, type Licence, type LicenceStatus } from './licence.js';

export const LICENCE_ID_EXAMPLE = '1.2.156.3005.2.11100000000013127D901.11350100MB0D345794.7.001.B';
export const USCC_EXAMPLE = '91350100MA2YTB8K4L';
const CREDENTIAL_EXAMPLE =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6ImRjK3NkLWp3dCIsImtpZCI6ImxpY2VuY2UtMSIsIng1YyI6WyJNSUlCLi4uIl19.eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuZ292LmNuIiwidmN0IjoiaHR0cHM6Ly9pZC5leGFtcGxlLmdvdi5jbi9saWNlbmNlLXR5cGVzL3Jlc2lkZW5jZS1wZXJtaXQifQ.MEUCIQ…~WyJfMjZiYzRMVC1hYzZxMkxJNmNCVzVlcyIsIm5hbWUiLCLlvKDkuIkiXQ~';
const ISO_WITH_OFFSET = { strict: true, strictSeparator: true };

export class LicenceIdParam {
  @ApiProperty({ description: 'the licence identifier (GB/T 36904; lower case accepted)', example: LICENCE_ID_EXAMPLE })
  @IsLicenceId()
  id!: string;
}

@ApiSchema({
  name: 'LicenceHolderRequest',
  description:
    'Who the licence is for: a citizen by ID number, or an enterprise by USCC (exactly one, the kind the licence type is held by)',
})
export class LicenceHolderRequest {
  @ApiPropertyOptional({
    description:
      "a citizen's 18-digit identity number (GB 11643); never stored or shown in clear: the licence keeps the register's reference and the masked number",
    example: '110105199003071239',
  })
  @IsOptional()
  @IsCitizenId()
  idNumber?: string;

  @ApiPropertyOptional({ description: "an enterprise's unified social credit code (lower case accepted)", example: USCC_EXAMPLE })
  @IsOptional()
  @IsUscc()
  uscc?: string;
}

@ApiSchema({ name: 'IssueLicenceRequest' })
export class IssueLicenceRequest {
  @ApiProperty({ description: 'the licence type (GET /api/v1/licence-types): one the client may issue', example: 'residence-permit' })
  @IsString()
  @Matches(LICENCE_TYPE_ID, { message: 'type must be a licence type id' })
  type!: string;

  @ApiProperty({ description: 'the holder, who must be in the register and active', type: LicenceHolderRequest })
  @IsDefined()
  @ValidateNested()
  @Type(() => LicenceHolderRequest)
  holder!: LicenceHolderRequest;

  @ApiProperty({
    description:
      "the licence's claims, as the type's JSON Schema says (400 invalid_claims lists every problem); each becomes a selectively disclosable claim of the credential. An id_number or uscc claim must be the holder's",
    type: 'object',
    additionalProperties: true,
    example: {
      name: '张三',
      id_number: '110105199003071239',
      sex: 'male',
      residence_address: '福建省福州市鼓楼区五四路1号',
      issuing_authority: '福州市公安局鼓楼分局',
    },
  })
  @IsObject()
  claims!: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'start of validity, ISO 8601 with an offset (default: now); the credential’s nbf',
    format: 'date-time',
    example: '2026-12-01T00:00:00+08:00',
  })
  @IsOptional()
  @IsISO8601(ISO_WITH_OFFSET)
  validFrom?: string;

  @ApiPropertyOptional({
    description: "end of validity, ISO 8601 with an offset (default: validFrom plus the type's default validity); the credential’s exp",
    format: 'date-time',
    example: '2027-12-01T00:00:00+08:00',
  })
  @IsOptional()
  @IsISO8601(ISO_WITH_OFFSET)
  validUntil?: string;
}

@ApiSchema({ name: 'LicenceStatusChangeRequest' })
export class LicenceStatusChangeRequest {
  @ApiProperty({
    description: 'why (kept with the licence and shown to its issuer)',
    minLength: 1,
    maxLength: 500,
    example: '持证人已迁出本市',
  })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

@ApiSchema({ name: 'LicenceHolder', description: 'The holder: a citizen (name and masked ID number) or an enterprise (name and USCC)' })
class LicenceHolderDto {
  @ApiProperty({ description: 'citizen or enterprise', enum: ['citizen', 'enterprise'], example: 'citizen' })
  kind!: 'citizen' | 'enterprise';

  @ApiProperty({ description: "the holder's name in the register", example: '张三' })
  name!: string;

  @ApiPropertyOptional({ description: "a citizen's ID number, masked", example: '110105********1239' })
  idNumberMasked?: string;

  @ApiPropertyOptional({ description: "an enterprise's USCC", example: USCC_EXAMPLE })
  uscc?: string;
}

@ApiSchema({ name: 'LicenceIssuer', description: 'The issuing authority' })
class LicenceIssuerDto {
  @ApiProperty({ description: 'its OAuth client', example: 'demo-licence-authority' })
  clientId!: string;

  @ApiProperty({ description: 'its USCC: the issuer code in the licence identifier', example: '11350100MB0D345794' })
  code!: string;

  @ApiProperty({ description: 'its name (client_name)', nullable: true, type: String, example: '示范证照签发机关' })
  name!: string | null;
}

@ApiSchema({ name: 'LicenceStatusListEntry', description: "Where the licence's status is published (the credential's status.status_list)" })
class LicenceStatusListDto {
  @ApiProperty({ description: 'the index in the list (drawn at random)', example: 90211 })
  idx!: number;

  @ApiProperty({
    description: 'the status list (GET it: application/statuslist+jwt)',
    example: 'https://id.example.gov.cn/api/v1/status-lists/1',
  })
  uri!: string;
}

@ApiSchema({ name: 'LocalisedName', description: 'A name in Chinese and English' })
class LocalisedNameDto {
  @ApiProperty({ description: 'in Chinese', example: '居住证' })
  zh!: string;

  @ApiProperty({ description: 'in English', example: 'Residence permit' })
  en!: string;
}

@ApiSchema({ name: 'Licence', description: 'An electronic licence as its issuing authority sees it, with its credential' })
export class LicenceDto {
  @ApiProperty({ description: 'the licence identifier (GB/T 36904)', example: LICENCE_ID_EXAMPLE })
  id!: string;

  @ApiProperty({
    description:
      'the SD-JWT VC (typ dc+sd-jwt, vct the type URI, x5c to tongban’s root, every claim selectively disclosable), for the holder',
    example: CREDENTIAL_EXAMPLE,
  })
  credential!: string;

  @ApiProperty({ description: 'valid, suspended, revoked, or expired (past validUntil)', enum: LICENCE_STATUSES, example: 'valid' })
  status!: LicenceStatus;

  @ApiProperty({ description: 'the licence type', example: 'residence-permit' })
  type!: string;

  @ApiProperty({ description: "the type's name", type: LocalisedNameDto })
  typeName!: LocalisedNameDto;

  @ApiProperty({ description: 'the holder', type: LicenceHolderDto })
  holder!: LicenceHolderDto;

  @ApiProperty({ description: 'the issuing authority', type: LicenceIssuerDto })
  issuer!: LicenceIssuerDto;

  @ApiProperty({ description: 'start of validity', format: 'date-time', example: '2026-12-01T00:00:00.000Z' })
  validFrom!: string;

  @ApiProperty({ description: 'end of validity', format: 'date-time', example: '2027-12-01T00:00:00.000Z' })
  validUntil!: string;

  @ApiProperty({ description: 'the status list entry', type: LicenceStatusListDto })
  statusList!: LicenceStatusListDto;

  @ApiProperty({ description: 'why it last changed status (null while it never did)', nullable: true, type: String, example: null })
  statusReason!: string | null;

  @ApiProperty({ description: 'when it last changed status', nullable: true, type: String, format: 'date-time', example: null })
  statusChangedAt!: string | null;

  @ApiProperty({ description: 'when it was issued', format: 'date-time', example: '2026-12-01T00:00:00.000Z' })
  createdAt!: string;

  @ApiPropertyOptional({
    description:
      'in the answer of POST /api/v1/licences (and its replays): the licence’s leaf in the public issuance log (issue 14 §3), to check with GET /api/v1/transparency/issuance/proofs/inclusion',
    type: IssuanceLogRefDto,
  })
  transparency?: IssuanceLogRefDto;
}

export type LicenceView = LicenceDto;

export function licenceView(licence: Licence): LicenceView {
  return {
    id: licence.id,
    credential: licence.credential,
    status: licence.status,
    type: licence.type.id,
    typeName: licence.type.name,
    holder:
      licence.holder.kind === 'citizen'
        ? { kind: 'citizen', name: licence.holder.name, idNumberMasked: licence.holder.idNumberMasked }
        : { kind: 'enterprise', name: licence.holder.name, uscc: licence.holder.uscc },
    issuer: { clientId: licence.issuer.clientId, code: licence.issuer.code, name: licence.issuer.name },
    validFrom: licence.validFrom.toISOString(),
    validUntil: licence.validUntil.toISOString(),
    statusList: licence.statusList,
    statusReason: licence.statusReason,
    statusChangedAt: licence.statusChangedAt?.toISOString() ?? null,
    createdAt: licence.createdAt.toISOString(),
  };
}
