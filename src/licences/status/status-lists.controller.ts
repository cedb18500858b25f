import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiSchema, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { API_PARAM_ERRORS, ApiErrors } from '../../common/openapi.js';
import { STATUS_LIST_MEDIA_TYPE } from '../status-list/index.js';
import { STATUS_LIST_TTL_SECONDS, StatusListsService, type StatusListToken } from './status-lists.service.js';

const TOKEN_EXAMPLE =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6InN0YXR1c2xpc3Qrand0Iiwia2lkIjoic3RhdHVzLTEiLCJ4NWMiOlsiTUlJQi4uLiJdfQ.eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuZ292LmNuIiwic3ViIjoiaHR0cHM6Ly9pZC5leGFtcGxlLmdvdi5jbi9hcGkvdjEvc3RhdHVzLWxpc3RzLzEiLCJpYXQiOjE3NjU2MDAwMDAsImV4cCI6MTc2NTY0MzIwMCwidHRsIjo2MCwic3RhdHVzX2xpc3QiOnsiYml0cyI6MiwibHN0IjoiZU5ydEFURUJBQUFBd3FEMV8u4oCmIn19.MEUCIQ…';
const CACHING_HEADERS = {
  ETag: {
    description:
      'a weak entity tag of the list (its content, signing key and expiry window): the same on every replica; send it back in If-None-Match',
    schema: { type: 'string' as const },
    example: 'W/"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is"',
  },
  'Cache-Control': {
    description: `public, max-age=${STATUS_LIST_TTL_SECONDS} (the token's ttl)`,
    schema: { type: 'string' as const },
    example: `public, max-age=${STATUS_LIST_TTL_SECONDS}`,
  },
};

class StatusListParam {
  @ApiProperty({
    description: "the list's number, as in the credentials' status.status_list.uri",
    example: '1',
    pattern: '^[1-9][0-9]{0,8}$',
  })
  @Matches(/^[1-9][0-9]{0,8}$/, { message: 'n must be a status list number' })
  n!: string;
}

@ApiSchema({
  name: 'StatusListTokenJson',
  description: 'The status list token with what it says about itself, for a client that asks for JSON (Accept: application/json)',
})
class StatusListJsonDto {
  @ApiProperty({ description: "the list's URI: the token's sub", example: 'https://id.example.gov.cn/api/v1/status-lists/1' })
  uri!: string;

  @ApiProperty({
    description: 'the Status List Token (a compact JWS, typ statuslist+jwt), as served with Accept: application/statuslist+jwt',
    example: TOKEN_EXAMPLE,
  })
  token!: string;

  @ApiProperty({ description: 'bits per entry: 2 (0 valid, 1 invalid i.e. revoked, 2 suspended)', example: 2 })
  bits!: number;

  @ApiProperty({ description: 'entries in the list', example: 131072 })
  size!: number;

  @ApiProperty({ description: 'seconds the list may be cached (the token’s ttl)', example: STATUS_LIST_TTL_SECONDS })
  ttl!: number;

  @ApiProperty({ description: 'when the token was signed (NumericDate)', example: 1765600000 })
  iat!: number;

  @ApiProperty({ description: 'when the token expires (NumericDate)', example: 1765643200 })
  exp!: number;
}

/**
 * The Token Status Lists of tongban's licences (draft-ietf-oauth-status-list §8): public, like
 * CRLs; `application/statuslist+jwt` by default, with ETag, Cache-Control and If-None-Match.
 */
@ApiTags('licences')
@ApiExtraModels(StatusListJsonDto)
@Controller('api/v1/status-lists')
export class StatusListsController {
  constructor(private readonly lists: StatusListsService) {}

  @Get(':n')
  @ApiOperation({
    operationId: 'getStatusList',
    summary: "A Token Status List of tongban's licences (draft-ietf-oauth-status-list), signed",
    description:
      "Public (no access token). The list a credential's `status.status_list.uri` names: 2 bits per licence (0 valid, 1 invalid — revoked, 2 suspended), " +
      "compressed, in a JWT (`typ` statuslist+jwt) signed with tongban's `status` key, whose certificate chain to tongban's root is in `x5c`; `sub` is the list's URI, " +
      `with \`iat\`, \`exp\` and \`ttl\` (${STATUS_LIST_TTL_SECONDS} s). A change is in the list on every replica within 2 seconds. ` +
      '`Accept: application/json` gets the token inside a JSON object. `If-None-Match` with the ETag answers 304 while the list is unchanged.',
  })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'the ETag of the copy the client holds: 304 when the list has not changed',
    schema: { type: 'string', example: 'W/"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is"' },
  })
  @ApiResponse({
    status: 200,
    description: 'the signed list',
    headers: CACHING_HEADERS,
    content: {
      [STATUS_LIST_MEDIA_TYPE]: { schema: { type: 'string', description: 'the Status List Token (compact JWS)' }, example: TOKEN_EXAMPLE },
      'application/json': {
        schema: { $ref: getSchemaPath(StatusListJsonDto) },
        example: {
          uri: 'https://id.example.gov.cn/api/v1/status-lists/1',
          token: TOKEN_EXAMPLE,
          bits: 2,
          size: 131072,
          ttl: STATUS_LIST_TTL_SECONDS,
          iat: 1765600000,
          exp: 1765643200,
        },
      },
    },
  })
  @ApiResponse({ status: 304, description: 'the list has not changed since the copy whose ETag was sent', headers: CACHING_HEADERS })
  @ApiErrors({ ...API_PARAM_ERRORS, 404: [{ error: 'status_list_not_found', message: 'there is no status list 7' }] })
  @ApiErrors({ 503: [{ error: 'status_list_unavailable', message: 'the status list signer has no certificate yet' }] })
  async get(
    @Param() { n }: StatusListParam,
    @Headers('accept') accept: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const list: StatusListToken = await this.lists.token(Number(n));
    void res.header('etag', list.etag);
    void res.header('cache-control', `public, max-age=${list.ttl}`);
    void res.header('vary', 'Accept');
    // Public, like the type metadata: a verifier in a browser (a wallet, a portal's page) may read it from another origin.
    void res.header('access-control-allow-origin', '*');
    void res.header('access-control-expose-headers', 'ETag');
    void res.header('cross-origin-resource-policy', 'cross-origin');
    if (ifNoneMatch && matches(ifNoneMatch, list.etag)) {
      await res.status(304).send();
      return;
    }
    if (wantsJson(accept)) {
      await res.type('application/json; charset=utf-8').send({
        uri: list.uri,
        token: list.token,
        bits: 2,
        size: list.size,
        ttl: list.ttl,
        iat: list.iat,
        exp: list.exp,
      } satisfies StatusListJsonDto);
      return;
    }
    await res.type(STATUS_LIST_MEDIA_TYPE).send(list.token);
  }
}

/** If-None-Match: `*`, or a list of entity tags compared weakly (RFC 9110 §13.1.2). */
function matches(header: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/** JSON only when asked for and the token type is not (a verifier library asks for application/statuslist+jwt). */
function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.toLowerCase();
  return types.includes('application/json') && !types.includes('statuslist+jwt');
}
