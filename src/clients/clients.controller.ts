import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUrl, Length, Matches, ValidateNested } from 'class-validator';
import { RequireScopes } from '../auth/access-token.guard.js';
import { CLIENT_ID, ClientsService, type ClientRegistration } from './clients.service.js';

const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

class JwksDto {
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  keys!: object[];
}

export class ClientRegistrationDto implements ClientRegistration {
  @Matches(CLIENT_ID, { message: 'client_id must be 3-100 characters of letters, digits, . _ : -' })
  client_id!: string;

  @IsOptional() @IsString() @Length(1, 200) client_name?: string;
  @IsOptional() @IsString() @Length(16, 256) client_secret?: string;
  @IsOptional() @IsUrl(URL_OPTIONS) jwks_uri?: string;
  @IsOptional() @ValidateNested() @Type(() => JwksDto) jwks?: JwksDto;
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUrl(URL_OPTIONS, { each: true }) redirect_uris?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUrl(URL_OPTIONS, { each: true }) post_logout_redirect_uris?: string[];
  @IsOptional() @IsUrl(URL_OPTIONS) backchannel_logout_uri?: string;
  @IsOptional() @IsString() @Length(1, 1000) scope?: string;
  @IsOptional() @IsArray() @IsIn(['authorization_code', 'refresh_token', 'client_credentials'], { each: true }) grant_types?: string[];
  @IsOptional() @Matches(/^[\w.:-]{1,100}$/) sector?: string;
  @IsOptional() @IsBoolean() fapi?: boolean;
  @IsOptional() @IsIn([1, 2, 3]) minimum_loa?: number;
  @IsOptional() @IsIn(['pairwise', 'public']) subject_type?: 'pairwise' | 'public';
  @IsOptional() @IsIn(['ES256', 'RS256']) id_token_signed_response_alg?: 'ES256' | 'RS256';
}

class ClientIdParam {
  @Matches(CLIENT_ID)
  clientId!: string;
}

/** Client management for operators' automation (design §5); the CLI offers the same. */
@ApiTags('clients')
@RequireScopes('clients:write')
@Controller('api/v1/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @ApiOperation({ summary: 'Register a portal (authorization code) or service (client credentials) client; a generated secret is returned once' })
  register(@Body() body: ClientRegistrationDto) {
    return this.clients.register(body);
  }

  @Get()
  @ApiOperation({ summary: 'List clients (never their secrets)' })
  async list() {
    return { clients: await this.clients.list() };
  }

  @Get(':clientId')
  get(@Param() { clientId }: ClientIdParam) {
    return this.clients.get(clientId);
  }

  @Delete(':clientId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a client and revoke everything issued to it' })
  async remove(@Param() { clientId }: ClientIdParam) {
    await this.clients.remove(clientId);
  }
}
