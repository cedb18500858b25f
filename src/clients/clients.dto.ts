import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** What /api/v1/clients answers with, for the OpenAPI document (the service returns oidc-provider's client metadata). */

const JWKS_EXAMPLE = {
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
      use: 'sig',
      kid: 'portal-1',
    },
  ],
};

@ApiSchema({
  name: 'Jwks',
  description: 'A JSON Web Key Set (RFC 7517): the public keys of a client that authenticates with private_key_jwt',
})
export class JwksSchema {
  @ApiProperty({
    description: 'the public keys (at most 20)',
    type: 'array',
    items: { type: 'object' },
    maxItems: 20,
    example: JWKS_EXAMPLE.keys,
  })
  keys!: object[];
}

@ApiSchema({
  name: 'Client',
  description: "A client's OIDC metadata as stored (RFC 7591 names, and tongban's `tongban_*`); never its secret",
})
export class ClientDto {
  @ApiProperty({ description: 'the client identifier', example: 'tax-portal' })
  client_id!: string;

  @ApiPropertyOptional({ description: 'shown to citizens on the consent page', example: '税务门户' })
  client_name?: string;

  @ApiPropertyOptional({ name: 'client_name#en', description: 'its name on pages shown in English', example: 'Tax portal' })
  'client_name#en'?: string;

  @ApiProperty({
    description: 'how the client authenticates at the token endpoint',
    enum: ['client_secret_basic', 'private_key_jwt', 'none'],
    example: 'client_secret_basic',
  })
  token_endpoint_auth_method!: string;

  @ApiProperty({ description: 'the grants it may use', type: [String], example: ['authorization_code', 'refresh_token'] })
  grant_types!: string[];

  @ApiProperty({ description: '`["code"]` for portals, empty for service clients', type: [String], example: ['code'] })
  response_types!: string[];

  @ApiProperty({
    description: 'where authorization answers may go (portals)',
    type: [String],
    format: 'uri',
    example: ['https://tax.example.gov.cn/callback'],
  })
  redirect_uris!: string[];

  @ApiPropertyOptional({ description: 'where a logout may return to', type: [String], example: ['https://tax.example.gov.cn/'] })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({
    description: 'where logout tokens are posted (OIDC back-channel logout)',
    format: 'uri',
    example: 'https://tax.example.gov.cn/backchannel-logout',
  })
  backchannel_logout_uri?: string;

  @ApiPropertyOptional({ description: 'true with a back-channel logout URI: logout tokens carry the session id', example: true })
  backchannel_logout_session_required?: boolean;

  @ApiPropertyOptional({ description: 'the scopes it may ask for, space-separated', example: 'openid profile' })
  scope?: string;

  @ApiProperty({
    description: '`pairwise` (a subject per sector) for portals, `public` for service clients',
    enum: ['pairwise', 'public'],
    example: 'pairwise',
  })
  subject_type!: string;

  @ApiPropertyOptional({ description: 'ID token signature algorithm', enum: ['ES256', 'RS256'], example: 'ES256' })
  id_token_signed_response_alg?: string;

  @ApiPropertyOptional({ description: 'its public keys (private_key_jwt)', type: JwksSchema })
  jwks?: JwksSchema;

  @ApiPropertyOptional({
    description: 'where its public keys are published (private_key_jwt)',
    format: 'uri',
    example: 'https://tax.example.gov.cn/jwks.json',
  })
  jwks_uri?: string;

  @ApiPropertyOptional({
    description: 'the sector its pairwise subjects are computed for (portals of one sector share them)',
    example: 'tax',
  })
  tongban_sector?: string;

  @ApiPropertyOptional({ description: 'the lowest level of assurance it accepts (1 to 3)', type: 'integer', enum: [1, 2, 3], example: 2 })
  tongban_minimum_loa?: number;

  @ApiPropertyOptional({
    description: 'FAPI 2.0 profile: pushed authorization requests and DPoP-bound tokens required',
    enum: ['2.0'],
    example: '2.0',
  })
  tongban_fapi?: string;

  @ApiPropertyOptional({ description: 'FAPI: authorization requests must be pushed (PAR)', example: true })
  require_pushed_authorization_requests?: boolean;

  @ApiPropertyOptional({ description: 'FAPI: its access tokens are DPoP-bound', example: true })
  dpop_bound_access_tokens?: boolean;

  @ApiPropertyOptional({
    description: "an issuing authority's USCC: the issuer code in the licence identifiers it issues (GB/T 36904)",
    example: '11350100MB01234578',
  })
  tongban_issuer_code?: string;

  @ApiPropertyOptional({
    description: 'an issuing authority: the licence types it may issue (with the scope licence:issue)',
    type: [String],
    example: ['food-business-permit'],
  })
  tongban_licence_types?: string[];
}

@ApiSchema({ name: 'RegisteredClient' })
export class RegisteredClientDto {
  @ApiProperty({ description: 'the client as stored', type: ClientDto })
  client!: ClientDto;

  @ApiPropertyOptional({
    description: 'the generated secret, when none was given and the client uses client_secret_basic: shown this once, stored encrypted',
    example: 'Yq3vR0x8sW2kT7nB5mJ1cL9dF4hG6aE0pZ8uQ2iK7oM',
  })
  client_secret?: string;
}

@ApiSchema({ name: 'ClientList' })
export class ClientListDto {
  @ApiProperty({ description: 'every client, by client_id (tongban’s own first-party clients included)', type: [ClientDto] })
  clients!: ClientDto[];
}

export { JWKS_EXAMPLE };
