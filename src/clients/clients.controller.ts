import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { RequireScopes, accessTokenOf } from '../auth/access-token.guard.js';
import type { HttpRequest } from '../common/http.js';
import { requestIdOf } from '../site/not-found.js';
import { API_BODY_ERRORS, ApiErrors } from '../common/openapi.js';
import { IsUscc } from '../identifiers/validators.js';
import { LICENCE_TYPE_ID } from '../licences/types/licence-type.js';
import { ClientDto, ClientListDto, JWKS_EXAMPLE, RegisteredClientDto } from './clients.dto.js';
import { CLIENT_ID, ClientsService, type ClientAuditBy, type ClientRegistration } from './clients.service.js';

const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };
const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'];
const SECTOR = /^[\w.:-]{1,100}$/;

@ApiSchema({ name: 'JwksInput', description: 'A JSON Web Key Set (RFC 7517) of public keys' })
class JwksDto {
  @ApiProperty({
    description: 'the public keys (JWK objects, at most 20)',
    type: 'array',
    items: { type: 'object' },
    maxItems: 20,
    example: JWKS_EXAMPLE.keys,
  })
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  keys!: object[];
}

const uris = (what: string, example: string[]) =>
  ApiPropertyOptional({ description: `${what} (absolute http(s) URLs, at most 20)`, type: [String], format: 'uri', maxItems: 20, example });

@ApiSchema({
  name: 'ClientRegistration',
  description:
    "The CLI's `clients add` options: a portal has redirect_uris (authorization code), a service client has none (client credentials)",
})
export class ClientRegistrationDto implements ClientRegistration {
  @ApiProperty({ description: '3-100 characters of letters, digits, . _ : -', pattern: CLIENT_ID.source, example: 'tax-portal' })
  @Matches(CLIENT_ID, { message: 'client_id must be 3-100 characters of letters, digits, . _ : -' })
  client_id!: string;

  @ApiPropertyOptional({ description: 'shown to citizens on the consent page', minLength: 1, maxLength: 200, example: '税务门户' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  client_name?: string;

  @ApiPropertyOptional({
    name: 'client_name#en',
    description: 'its name on pages shown in English (else client_name is shown there too)',
    minLength: 1,
    maxLength: 200,
    example: 'Tax portal',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  'client_name#en'?: string;

  @ApiPropertyOptional({
    description: 'the secret for client_secret_basic; generated (and returned once) when absent; not used with jwks/jwks_uri',
    minLength: 16,
    maxLength: 256,
    format: 'password',
    example: 's3cr3t-chosen-by-the-operator',
  })
  @IsOptional()
  @IsString()
  @Length(16, 256)
  client_secret?: string;

  @ApiPropertyOptional({
    description: 'where its public keys are published: the client then authenticates with private_key_jwt',
    format: 'uri',
    example: 'https://tax.example.gov.cn/jwks.json',
  })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  jwks_uri?: string;

  @ApiPropertyOptional({ description: 'its public keys: the client then authenticates with private_key_jwt', type: JwksDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => JwksDto)
  jwks?: JwksDto;

  @uris('where authorization answers may go: makes it a portal', ['https://tax.example.gov.cn/callback'])
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(URL_OPTIONS, { each: true })
  redirect_uris?: string[];

  @uris('where a logout may return to', ['https://tax.example.gov.cn/'])
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(URL_OPTIONS, { each: true })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    description: 'where logout tokens are posted (OIDC back-channel logout)',
    format: 'uri',
    example: 'https://tax.example.gov.cn/backchannel-logout',
  })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  backchannel_logout_uri?: string;

  @ApiPropertyOptional({
    description: 'the scopes it may ask for, space-separated (portals: `openid profile` when absent)',
    minLength: 1,
    maxLength: 1000,
    example: 'openid profile',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  scope?: string;

  @ApiPropertyOptional({
    description: 'the grants it may use (default: authorization_code + refresh_token for portals, client_credentials otherwise)',
    type: 'array',
    items: { type: 'string', enum: GRANT_TYPES },
    example: ['authorization_code', 'refresh_token'],
  })
  @IsOptional()
  @IsArray()
  @IsIn(GRANT_TYPES, { each: true })
  grant_types?: string[];

  @ApiPropertyOptional({
    description: 'the sector its pairwise subjects are computed for (portals of one sector see the same subject)',
    pattern: SECTOR.source,
    example: 'tax',
  })
  @IsOptional()
  @Matches(SECTOR)
  sector?: string;

  @ApiPropertyOptional({
    description: 'FAPI 2.0: pushed authorization requests, DPoP-bound tokens; needs jwks or jwks_uri',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  fapi?: boolean;

  @ApiPropertyOptional({
    description: 'the lowest level of assurance of a sign-in it accepts',
    type: 'integer',
    enum: [1, 2, 3],
    example: 2,
  })
  @IsOptional()
  @IsIn([1, 2, 3])
  minimum_loa?: number;

  @ApiPropertyOptional({
    description: 'subject identifiers: pairwise (default for portals) or public (default for service clients)',
    enum: ['pairwise', 'public'],
    example: 'pairwise',
  })
  @IsOptional()
  @IsIn(['pairwise', 'public'])
  subject_type?: 'pairwise' | 'public';

  @ApiPropertyOptional({ description: 'ID token signature algorithm', enum: ['ES256', 'RS256'], example: 'ES256' })
  @IsOptional()
  @IsIn(['ES256', 'RS256'])
  id_token_signed_response_alg?: 'ES256' | 'RS256';

  @ApiPropertyOptional({
    description:
      'an issuing authority: the licence types (ids, see GET /api/v1/licence-types) it may issue; needs the scope `licence:issue` and issuer_code',
    type: 'array',
    items: { type: 'string', pattern: LICENCE_TYPE_ID.source },
    maxItems: 50,
    example: ['food-business-permit'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(LICENCE_TYPE_ID, { each: true, message: 'each value in licence_types must be a licence type id (e.g. food-business-permit)' })
  licence_types?: string[];

  @ApiPropertyOptional({
    description:
      "an issuing authority: its unified social credit code (a government agency's), the issuer code in the licence identifiers it issues (GB/T 36904); needs the scope `licence:issue`",
    minLength: 18,
    maxLength: 18,
    example: '11350100MB01234578',
  })
  @IsOptional()
  @IsUscc()
  issuer_code?: string;
}

class ClientIdParam {
  @ApiProperty({ description: 'the client identifier', pattern: CLIENT_ID.source, example: 'tax-portal' })
  @Matches(CLIENT_ID)
  clientId!: string;
}

const PORTAL = {
  client_id: 'tax-portal',
  client_name: '税务门户',
  'client_name#en': 'Tax portal',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: ['https://tax.example.gov.cn/callback'],
  scope: 'openid profile',
  subject_type: 'pairwise',
  tongban_sector: 'tax',
};
const SERVICE = {
  client_id: 'market-regulator',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  scope: 'licence:issue',
  subject_type: 'public',
  tongban_issuer_code: '11350100MB01234578',
  tongban_licence_types: ['food-business-permit'],
};
const ABOUT = "Scope `clients:write` (client credentials of an operator's automation); the CLI's `tongban clients` does the same.";
const CLIENT_NOT_FOUND = { error: 'client_not_found', message: 'no client tax-portal' };

/** Client management for operators' automation (design §5); the CLI offers the same. */
@ApiTags('clients')
@RequireScopes('clients:write')
@Controller('api/v1/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @ApiOperation({
    operationId: 'registerClient',
    summary: 'Register a portal (authorization code) or service (client credentials) client; a generated secret is returned once',
    description: `${ABOUT} The metadata is checked as oidc-provider checks client metadata before it is stored.`,
  })
  @ApiCreatedResponse({
    description: 'the client as stored, and the generated secret (once)',
    type: RegisteredClientDto,
    examples: {
      portal: {
        summary: 'a portal, its secret generated',
        value: { client: PORTAL, client_secret: 'Yq3vR0x8sW2kT7nB5mJ1cL9dF4hG6aE0pZ8uQ2iK7oM' },
      },
      service: { summary: 'a service client with a secret of its own', value: { client: SERVICE } },
    },
  })
  @ApiErrors({
    ...API_BODY_ERRORS,
    400: [
      ...API_BODY_ERRORS[400],
      { error: 'invalid_client_metadata', message: 'a FAPI 2.0 client authenticates with private_key_jwt: give its jwks or jwks_uri' },
      { error: 'unknown_licence_type', message: 'no licence type fishing-licence in the catalogue (see GET /api/v1/licence-types)' },
    ],
    409: [{ error: 'client_exists', message: 'a client tax-portal is already registered' }],
  })
  register(@Body() body: ClientRegistrationDto, @Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply) {
    return this.clients.register(body, changedBy(req, res));
  }

  @Get()
  @ApiOperation({ operationId: 'listClients', summary: 'List clients (never their secrets)', description: ABOUT })
  @ApiOkResponse({ description: 'every client', type: ClientListDto, example: { clients: [SERVICE, PORTAL] } })
  async list() {
    return { clients: await this.clients.list() };
  }

  @Get(':clientId')
  @ApiOperation({ operationId: 'getClient', summary: "A client's metadata (never its secret)", description: ABOUT })
  @ApiOkResponse({ description: 'the client', type: ClientDto, example: PORTAL })
  @ApiErrors({ 400: ['validation_failed', 'malformed_url'], 404: [CLIENT_NOT_FOUND] })
  get(@Param() { clientId }: ClientIdParam) {
    return this.clients.get(clientId);
  }

  @Delete(':clientId')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'removeClient',
    summary: 'Remove a client and revoke everything issued to it',
    description: `${ABOUT} Its tokens and grants stop working at once.`,
  })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiErrors({
    400: ['validation_failed', 'malformed_url'],
    404: [CLIENT_NOT_FOUND],
    409: [{ error: 'client_protected', message: "tongban-account is tongban's own client and cannot be removed" }],
  })
  async remove(@Param() { clientId }: ClientIdParam, @Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply) {
    await this.clients.remove(clientId, changedBy(req, res));
  }
}

/** The client with clients:write that made the change, and the request (for the audit log). */
function changedBy(req: HttpRequest, res: FastifyReply): ClientAuditBy {
  return { actor: { kind: 'client', id: accessTokenOf(req).clientId }, requestId: requestIdOf(res) };
}
