import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { LICENCE_TYPE_CODE } from '../../identifiers/licence-id.js';
import { BUSINESS_LICENCE } from './builtin-types.js';
import * as Types from './licence-type.js';

/**
 * A licence type's definition (what `tongban licence-types add FILE.json` reads, checked by these
 * rules before the schema itself is), and the catalogue's answers for the OpenAPI document.
 */

@ApiSchema({ name: 'LocalisedText', description: 'Text in Chinese (zh-CN) and English' })
export class LocalisedTextDto implements Types.LocalisedText {
  @ApiProperty({ description: 'in Chinese', minLength: 1, maxLength: 1000, example: '营业执照' })
  @IsString()
  @Length(1, 1000)
  zh!: string;

  @ApiProperty({ description: 'in English', minLength: 1, maxLength: 2000, example: 'Business licence' })
  @IsString()
  @Length(1, 2000)
  en!: string;
}

@ApiSchema({ name: 'ClaimDisplay', description: 'The label of one claim of a licence type, in Chinese and English' })
export class ClaimDisplayDto implements Types.ClaimDisplay {
  @ApiProperty({
    description: 'where the claim is: property names from the top, null for every element of an array (SD-JWT VC claim path)',
    type: 'array',
    items: { type: 'string', nullable: true },
    minItems: 1,
    maxItems: 10,
    example: ['legal_representative'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  path!: Array<string | null>;

  @ApiProperty({ description: 'the label', type: LocalisedTextDto, example: { zh: '法定代表人', en: 'Legal representative' } })
  @ValidateNested()
  @Type(() => LocalisedTextDto)
  label!: LocalisedTextDto;

  @ApiPropertyOptional({ description: 'what the claim means, for holders and clerks', type: LocalisedTextDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocalisedTextDto)
  description?: LocalisedTextDto;
}

/** The checks on a definition file; the claims schema is then checked as a JSON Schema (claims-schema.ts). */
export class LicenceTypeDefinitionDto implements Types.LicenceTypeDefinition {
  @Matches(Types.LICENCE_TYPE_ID, {
    message: 'id must be a lower-case slug of 2-64 letters, digits and single hyphens (e.g. food-business-permit)',
  })
  id!: string;

  @Matches(LICENCE_TYPE_CODE, {
    message: "code must be 21 characters: the defining authority's USCC (18) and a 3-digit sequence, e.g. 11100000MB0143028R001",
  })
  code!: string;

  @ValidateNested()
  @Type(() => LocalisedTextDto)
  name!: LocalisedTextDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => LocalisedTextDto)
  description?: LocalisedTextDto;

  @IsIn(Types.HOLDER_KINDS)
  holderKind!: Types.HolderKind;

  @IsInt()
  @Min(1)
  @Max(Types.MAX_VALIDITY_DAYS)
  validityDays!: number;

  @IsObject()
  claimsSchema!: Record<string, unknown>;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ClaimDisplayDto)
  claimDisplay!: ClaimDisplayDto[];
}

@ApiSchema({ name: 'LicenceIssuer', description: 'An issuing authority allowed to issue a licence type' })
export class LicenceIssuerDto {
  @ApiProperty({ description: "the authority's OAuth client (scope licence:issue)", example: 'fuzhou-market-regulator' })
  clientId!: string;

  @ApiProperty({ description: 'its name', type: String, nullable: true, example: '福州市市场监督管理局' })
  name!: string | null;

  @ApiProperty({ description: 'its name in English', type: String, nullable: true, example: 'Fuzhou Administration for Market Regulation' })
  nameEn!: string | null;

  @ApiProperty({
    description: 'its USCC: the issuer code in the licence identifiers it issues (GB/T 36904)',
    example: '11350100MB01234578',
  })
  issuerCode!: string;
}

const EXAMPLE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { uscc: { type: 'string', pattern: '^[0-9A-HJ-NP-RTUW-Y]{18}$' }, name: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['uscc', 'name'],
  additionalProperties: false,
};

@ApiSchema({ name: 'LicenceType', description: 'A licence type of the catalogue (GB/T 36902)' })
export class LicenceTypeDto {
  @ApiProperty({ description: 'the type id: a lower-case slug', pattern: Types.LICENCE_TYPE_ID.source, example: 'business-licence' })
  id!: string;

  @ApiProperty({
    description: "the GB/T 36904 type code used in licence identifiers: the defining authority's USCC and a 3-digit sequence",
    pattern: LICENCE_TYPE_CODE.source,
    example: BUSINESS_LICENCE.code,
  })
  code!: string;

  @ApiProperty({
    description: "the type's URI, the `vct` of its SD-JWT VCs; GET it for the SD-JWT VC Type Metadata",
    format: 'uri',
    example: 'https://id.example.gov.cn/licence-types/business-licence',
  })
  vct!: string;

  @ApiProperty({ description: 'its name', type: LocalisedTextDto, example: BUSINESS_LICENCE.name })
  name!: LocalisedTextDto;

  @ApiPropertyOptional({ description: 'what it is', type: LocalisedTextDto })
  description?: LocalisedTextDto;

  @ApiProperty({ description: 'who holds one', enum: Types.HOLDER_KINDS, example: 'enterprise' })
  holderKind!: Types.HolderKind;

  @ApiProperty({ description: 'default validity of a licence of this type, in days', type: 'integer', minimum: 1, example: 3650 })
  validityDays!: number;

  @ApiProperty({
    description: 'its claims: a JSON Schema (2020-12) a licence’s claims must match',
    type: 'object',
    additionalProperties: true,
    example: EXAMPLE_SCHEMA,
  })
  claimsSchema!: Record<string, unknown>;

  @ApiProperty({ description: 'the labels of its claims', type: [ClaimDisplayDto] })
  claimDisplay!: ClaimDisplayDto[];

  @ApiProperty({ description: 'defined by tongban itself (true) or added by an operator', example: true })
  builtin!: boolean;

  @ApiProperty({ description: 'the issuing authorities allowed to issue it', type: [LicenceIssuerDto] })
  issuers!: LicenceIssuerDto[];

  @ApiProperty({ description: 'when it was added to the catalogue', format: 'date-time', example: '2026-01-05T08:00:00.000Z' })
  createdAt!: string;
}

@ApiSchema({ name: 'LicenceTypeList' })
export class LicenceTypeListDto {
  @ApiProperty({ description: 'every licence type, by id', type: [LicenceTypeDto] })
  licenceTypes!: LicenceTypeDto[];
}

@ApiSchema({ name: 'TypeMetadataDisplay', description: 'How the type is named in one language' })
class TypeMetadataDisplayDto {
  @ApiProperty({ description: 'the language (RFC 5646), as drafts up to -12 name it', example: 'zh-CN' })
  lang!: string;

  @ApiProperty({ description: 'the same language, as later drafts name it', example: 'zh-CN' })
  locale!: string;

  @ApiProperty({ description: 'the name in that language', example: '营业执照' })
  name!: string;

  @ApiPropertyOptional({ description: 'what it is, in that language', example: '市场主体登记机关颁发的电子营业执照' })
  description?: string;
}

@ApiSchema({
  name: 'TypeMetadataClaim',
  description: 'One claim: where it is, its label per language, and that it is selectively disclosable',
})
class TypeMetadataClaimDto {
  @ApiProperty({ description: 'the claim path', type: 'array', items: { type: 'string', nullable: true }, example: ['name'] })
  path!: Array<string | null>;

  @ApiProperty({
    description: 'labels per language (`lang`/`locale`, `label`, `description`?)',
    type: 'array',
    items: { type: 'object' },
    example: [
      { lang: 'zh-CN', locale: 'zh-CN', label: '名称' },
      { lang: 'en', locale: 'en', label: 'Name' },
    ],
  })
  display!: object[];

  @ApiProperty({ description: 'always: tongban issues every claim selectively disclosable', enum: ['always'], example: 'always' })
  sd!: 'always';
}

@ApiSchema({
  name: 'TypeMetadata',
  description: 'SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §6) of a licence type, served at its vct URI',
})
export class TypeMetadataDto {
  @ApiProperty({ description: 'the type URI', format: 'uri', example: 'https://id.example.gov.cn/licence-types/business-licence' })
  vct!: string;

  @ApiProperty({ description: 'its name (English), for developers', example: 'Business licence' })
  name!: string;

  @ApiPropertyOptional({ description: 'what it is (English), for developers', example: 'The electronic business licence …' })
  description?: string;

  @ApiProperty({ description: 'names per language: zh-CN, en', type: [TypeMetadataDisplayDto] })
  display!: TypeMetadataDisplayDto[];

  @ApiProperty({ description: 'its claims, with labels', type: [TypeMetadataClaimDto] })
  claims!: TypeMetadataClaimDto[];

  @ApiProperty({
    description: 'the claims schema (JSON Schema 2020-12), embedded',
    type: 'object',
    additionalProperties: true,
    example: EXAMPLE_SCHEMA,
  })
  schema!: Record<string, unknown>;
}
