import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { unionValues } from '../common/openapi.js';
import type * as Result from './identifier-result.js';

/** The answers of the identifier checks, for the OpenAPI document (the checks build plain IdentifierResult objects). */

const ISSUE_CODES = unionValues<Result.IdentifierErrorCode | Result.IdentifierWarningCode>()(
  'TYPE',
  'LENGTH',
  'CHARSET',
  'PROVINCE',
  'BIRTH_DATE',
  'CHECKSUM',
  'REGION',
  'PREFIX',
  'FORMAT',
  'LEGACY_15_DIGIT',
  'ORG_CODE_CHECKSUM',
  'UNKNOWN_AUTHORITY',
  'UNKNOWN_ENTITY_TYPE',
  'TYPE_CODE_USCC',
  'ISSUER_CODE_USCC',
);

@ApiSchema({ name: 'IdentifierIssue' })
export class IdentifierIssueDto implements Result.IdentifierIssue {
  @ApiProperty({
    description:
      'stable code. Errors: LENGTH, CHARSET, PROVINCE, BIRTH_DATE, CHECKSUM (citizen ID), REGION (USCC), PREFIX, FORMAT (licence identifier); warnings: LEGACY_15_DIGIT, ORG_CODE_CHECKSUM, UNKNOWN_AUTHORITY, UNKNOWN_ENTITY_TYPE, TYPE_CODE_USCC, ISSUER_CODE_USCC',
    enum: ISSUE_CODES,
    example: 'CHECKSUM',
  })
  code!: string;

  @ApiProperty({ description: 'what is wrong, for people (never the birth date)', example: 'check character should be X, got 3' })
  message!: string;
}

@ApiSchema({ name: 'CitizenIdParsed' })
export class CitizenIdParsedDto implements Result.CitizenIdParsed {
  @ApiProperty({
    description: 'GB/T 2260 administrative division code of the place of registration',
    pattern: '^[0-9]{6}$',
    example: '110105',
  })
  region!: string;

  @ApiProperty({ description: 'date of birth', format: 'date', example: '1949-12-31' })
  birthDate!: string;

  @ApiProperty({ description: 'from the sequence code (odd: male)', enum: ['male', 'female'], example: 'female' })
  sex!: 'male' | 'female';
}

@ApiSchema({ name: 'UsccCode' })
export class UsccCodeDto {
  @ApiProperty({ description: 'the code character', example: '9' })
  code!: string;

  @ApiProperty({
    description: 'its meaning (GB 32100-2015 appendix), null when not a known code',
    type: String,
    nullable: true,
    example: '工商',
  })
  name!: string | null;
}

@ApiSchema({ name: 'UsccParsed' })
export class UsccParsedDto implements Result.UsccParsed {
  @ApiProperty({ description: 'registration authority (position 1)', type: UsccCodeDto, example: { code: '9', name: '工商' } })
  authority!: UsccCodeDto;

  @ApiProperty({ description: 'entity type under that authority (position 2)', type: UsccCodeDto, example: { code: '1', name: '企业' } })
  entityType!: UsccCodeDto;

  @ApiProperty({ description: 'GB/T 2260 administrative division code (positions 3-8)', pattern: '^[0-9]{6}$', example: '350100' })
  region!: string;

  @ApiProperty({ description: 'organisation code (positions 9-17)', example: 'M000100Y4' })
  organisationCode!: string;
}

@ApiSchema({ name: 'LicenceIdParsed' })
export class LicenceIdParsedDto implements Result.LicenceIdParsed {
  @ApiProperty({
    description: "the licence-type code (GB/T 36902): the defining authority's USCC and a 3-digit sequence",
    pattern: '^[0-9A-HJ-NP-RTUW-Y]{18}[0-9]{3}$',
    example: '11100000MB0143028R001',
  })
  typeCode!: string;

  @ApiProperty({
    description: 'the USCC of the authority that defined the licence type (the type code less its sequence)',
    example: '11100000MB0143028R',
  })
  typeDefiner!: string;

  @ApiProperty({ description: "the issuing authority's USCC", example: '11350100MB01234578' })
  issuerCode!: string;

  @ApiProperty({ description: "the issuer's serial number of the licence (1-32 digits and letters)", example: '2026000123' })
  serial!: string;

  @ApiProperty({
    description: 'the version: 1 for the first issue, counting up on each re-issue',
    type: 'integer',
    minimum: 1,
    maximum: 999,
    example: 1,
  })
  version!: number;

  @ApiProperty({ description: 'the ISO/IEC 7064 MOD 37,36 check character over type code, issuer code, serial and version', example: 'H' })
  checkCharacter!: string;
}

class IdentifierResultFields {
  @ApiProperty({ description: 'whether the value is a well-formed identifier (warnings do not make it invalid)', example: true })
  valid!: boolean;

  @ApiPropertyOptional({
    description: 'the canonical form (upper case; a legacy 15-digit citizen ID converted to 18 digits); only when valid',
    example: '11010519491231002X',
  })
  canonical?: string;

  @ApiPropertyOptional({ description: 'what makes it invalid; absent when there is nothing', type: [IdentifierIssueDto] })
  errors?: IdentifierIssueDto[];

  @ApiPropertyOptional({ description: 'remarks that do not make it invalid; absent when there are none', type: [IdentifierIssueDto] })
  warnings?: IdentifierIssueDto[];
}

@ApiSchema({ name: 'CitizenIdResult', description: 'The check of a citizen identity number (GB 11643-1999)' })
export class CitizenIdResultDto extends IdentifierResultFields implements Result.IdentifierResult<Result.CitizenIdParsed> {
  @ApiPropertyOptional({ description: 'what the number says; only when valid', type: CitizenIdParsedDto })
  parsed?: CitizenIdParsedDto;
}

@ApiSchema({ name: 'UsccResult', description: 'The check of a Unified Social Credit Code (GB 32100-2015)' })
export class UsccResultDto extends IdentifierResultFields implements Result.IdentifierResult<Result.UsccParsed> {
  @ApiPropertyOptional({ description: 'what the code says; only when valid', type: UsccParsedDto })
  parsed?: UsccParsedDto;
}

@ApiSchema({ name: 'LicenceIdResult', description: 'The check of an electronic licence identifier (GB/T 36904)' })
export class LicenceIdResultDto extends IdentifierResultFields implements Result.IdentifierResult<Result.LicenceIdParsed> {
  @ApiPropertyOptional({ description: 'what the identifier says; only when valid', type: LicenceIdParsedDto })
  parsed?: LicenceIdParsedDto;
}
