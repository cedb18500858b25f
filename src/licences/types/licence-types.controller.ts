import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ApiErrors } from '../../common/openapi.js';
import { ApiError } from '../../common/api-error.js';
import { BUSINESS_LICENCE } from './builtin-types.js';
import { LICENCE_TYPE_ID, type LicenceType } from './licence-type.js';
import { LicenceTypeDto, LicenceTypeListDto, TypeMetadataDto } from './licence-types.dto.js';
import { LicenceTypesService } from './licence-types.service.js';

class LicenceTypeIdParam {
  @ApiProperty({ description: 'the type id (a lower-case slug)', pattern: LICENCE_TYPE_ID.source, example: 'business-licence' })
  @Matches(LICENCE_TYPE_ID, { message: 'id must be a licence type id: a lower-case slug such as business-licence' })
  id!: string;
}

const EXAMPLE_TYPE = {
  id: BUSINESS_LICENCE.id,
  code: BUSINESS_LICENCE.code,
  vct: 'https://id.example.gov.cn/licence-types/business-licence',
  name: BUSINESS_LICENCE.name,
  description: BUSINESS_LICENCE.description,
  holderKind: BUSINESS_LICENCE.holderKind,
  validityDays: BUSINESS_LICENCE.validityDays,
  claimsSchema: BUSINESS_LICENCE.claimsSchema,
  claimDisplay: BUSINESS_LICENCE.claimDisplay,
  builtin: true,
  issuers: [
    {
      clientId: 'fuzhou-market-regulator',
      name: '福州市市场监督管理局',
      nameEn: 'Fuzhou Administration for Market Regulation',
      issuerCode: '11350100MB01234578',
    },
  ],
  createdAt: '2026-01-05T08:00:00.000Z',
};
const ABOUT =
  'Public (no access token): the catalogue of electronic licence types (GB/T 36902) — type code, names, holder kind, claims as a JSON Schema, ' +
  'default validity, and the issuing authorities allowed to issue each. Operators add types with `tongban licence-types add FILE.json`.';
const NOT_FOUND = { error: 'licence_type_not_found', message: 'no licence type fishing-licence' };

/** The public licence-type catalogue. */
@ApiTags('licences')
@Controller('api/v1/licence-types')
export class LicenceTypesController {
  constructor(private readonly types: LicenceTypesService) {}

  @Get()
  @ApiOperation({ operationId: 'listLicenceTypes', summary: 'The licence types: the catalogue of electronic licences', description: ABOUT })
  @ApiOkResponse({ description: 'every licence type, by id', type: LicenceTypeListDto, example: { licenceTypes: [EXAMPLE_TYPE] } })
  @ApiErrors({ 400: ['malformed_url'] })
  async list(): Promise<{ licenceTypes: LicenceType[] }> {
    return { licenceTypes: await this.types.list() };
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getLicenceType',
    summary: 'One licence type',
    description: `${ABOUT} Its \`vct\` URI serves the same as SD-JWT VC Type Metadata.`,
  })
  @ApiOkResponse({ description: 'the licence type', type: LicenceTypeDto, example: EXAMPLE_TYPE })
  @ApiErrors({
    400: [
      {
        error: 'validation_failed',
        message: 'the request is not valid',
        details: [{ field: 'id', problems: ['id must be a licence type id: a lower-case slug such as business-licence'] }],
      },
      'malformed_url',
    ],
    404: [NOT_FOUND],
  })
  get(@Param() { id }: LicenceTypeIdParam): Promise<LicenceType> {
    return this.types.get(id);
  }
}

/**
 * A licence type's vct URI (`PUBLIC_URL/licence-types/{id}`, outside /api/v1 because it is the
 * type's identifier): its SD-JWT VC Type Metadata, for wallets and verifiers, cacheable and
 * readable from any origin.
 */
@ApiTags('licences')
@Controller('licence-types')
export class TypeMetadataController {
  constructor(private readonly types: LicenceTypesService) {}

  @Get(':id')
  @Header('cache-control', 'public, max-age=300')
  @Header('access-control-allow-origin', '*')
  @ApiOperation({
    operationId: 'licenceTypeMetadata',
    summary: "A licence type's SD-JWT VC Type Metadata (its vct URI)",
    description:
      'Public. draft-ietf-oauth-sd-jwt-vc §6: `vct`, `name`, `description`, `display` and claim labels in zh-CN and en, and `schema`, the JSON Schema of a credential of the type.',
  })
  @ApiParam({
    name: 'id',
    description: 'the type id',
    schema: { type: 'string', pattern: LICENCE_TYPE_ID.source, example: 'business-licence' },
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'the type metadata', type: TypeMetadataDto })
  @ApiErrors({ 404: [NOT_FOUND] })
  async metadata(@Param('id') id: string): Promise<Record<string, unknown>> {
    if (!LICENCE_TYPE_ID.test(id)) throw new ApiError(404, 'licence_type_not_found', `no licence type ${id.slice(0, 64)}`);
    return this.types.typeMetadata(await this.types.get(id));
  }
}
