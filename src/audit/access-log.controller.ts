import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { citizenAccountOf, RequireScopes } from '../auth/access-token.guard.js';
import { LICENCE_ID_EXAMPLE } from '../licences/issuance/licences.dto.js';
import type { HttpRequest } from '../common/http.js';
import { API_PARAM_ERRORS, ApiErrors } from '../common/openapi.js';
import {
  ACCESS_LOG_KINDS,
  ACCESS_LOG_MAX_LIMIT,
  ACCESS_LOG_PAGE_SIZE,
  AccessLog,
  type AccessLogItem,
  type AccessLogKind,
  type Verdict,
} from '../self-service/access-log.js';
import { AUDIT_ACTIONS, type AuditAction, type AuditOutcome } from './audit-event.js';

/** A whole number from the query string; anything else is left as it is, for the validators to refuse. */
const wholeNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;

export class AccessLogQuery {
  @ApiPropertyOptional({
    description: 'the `nextBefore` of the previous answer: entries older than this one (by their place in the log); none for the newest',
    type: 'integer',
    minimum: 1,
    example: 1042,
  })
  @IsOptional()
  @Transform(wholeNumber)
  @IsInt({ message: 'before must be a whole number (the nextBefore of the previous answer)' })
  @Min(1)
  before?: number;

  @ApiPropertyOptional({
    description: `how many entries at most (default ${ACCESS_LOG_PAGE_SIZE})`,
    type: 'integer',
    minimum: 1,
    maximum: ACCESS_LOG_MAX_LIMIT,
    example: 20,
  })
  @IsOptional()
  @Transform(wholeNumber)
  @IsInt({ message: `limit must be a whole number from 1 to ${ACCESS_LOG_MAX_LIMIT}` })
  @Min(1)
  @Max(ACCESS_LOG_MAX_LIMIT)
  limit?: number;
}

@ApiSchema({ name: 'AccessLogText', description: 'The same words in Chinese and in English' })
class BilingualDto {
  @ApiProperty({
    description: 'in Chinese (times in China time)',
    example: '示范税务服务（网站 A） 于 2026年12月7日 14:03 以“较高”级别为您登录。',
  })
  zh!: string;

  @ApiProperty({
    description: 'in English (times in China time)',
    example: 'On Dec 7, 2026, 14:03, Demo tax service (website A) signed you in at the higher level.',
  })
  en!: string;
}

@ApiSchema({ name: 'AccessLogPortal' })
class AccessLogPortalDto {
  @ApiProperty({ description: 'the portal’s client_id', example: 'demo-portal-a' })
  clientId!: string;

  @ApiProperty({ description: 'its name, as the citizen knows it', type: BilingualDto })
  name!: BilingualDto;
}

@ApiSchema({ name: 'AccessLogLevel', description: 'The level of assurance of a sign-in' })
class AccessLogLevelDto {
  @ApiProperty({ description: 'the acr value', example: 'urn:tongban:loa:2' })
  acr!: string;

  @ApiProperty({ description: '1 basic (password), 2 higher (with a one-time code), 3 high (certificate)', enum: [1, 2, 3], example: 2 })
  loa!: 1 | 2 | 3;
}

@ApiSchema({ name: 'AccessLogEnterprise' })
class AccessLogEnterpriseDto {
  @ApiProperty({ description: 'its unified social credit code', example: '91350100MA2YTB8K4L' })
  uscc!: string;

  @ApiProperty({
    description: 'its name in the register (null if it is not there)',
    type: String,
    nullable: true,
    example: '示范科技有限公司',
  })
  name!: string | null;
}

@ApiSchema({ name: 'AccessLogAgent', description: 'Who acted for the enterprise' })
class AccessLogAgentDto {
  @ApiProperty({
    description: 'their name in the population register (null if the account is gone)',
    type: String,
    nullable: true,
    example: '张三',
  })
  name!: string | null;
}

@ApiSchema({ name: 'AccessLogEntry', description: 'One entry of the access log' })
class AccessLogEntryDto {
  @ApiProperty({ description: 'its place in the audit log', type: 'integer', example: 1043 })
  seq!: number;

  @ApiProperty({ description: 'when it happened', format: 'date-time', example: '2026-12-07T06:03:12.345Z' })
  time!: string;

  @ApiProperty({ description: 'what happened, a stable code', enum: ACCESS_LOG_KINDS, example: 'signin' })
  kind!: AccessLogKind;

  @ApiProperty({ description: 'the audit action (finer than `kind`)', enum: AUDIT_ACTIONS, example: 'signin' })
  action!: AuditAction;

  @ApiProperty({ description: 'how it ended', enum: ['success', 'failure', 'refused'], example: 'success' })
  outcome!: AuditOutcome;

  @ApiProperty({ description: 'what happened, in one sentence', type: BilingualDto })
  summary!: BilingualDto;

  @ApiPropertyOptional({ description: 'what to do about it, or how it ended, when it did not succeed', type: BilingualDto })
  note?: BilingualDto;

  @ApiPropertyOptional({
    description: 'the portal concerned (it signed the citizen in, received the ID number, verified a licence…)',
    type: AccessLogPortalDto,
  })
  portal?: AccessLogPortalDto;

  @ApiPropertyOptional({ description: 'the level of a sign-in (or of the sign-in whose code a portal redeemed)', type: AccessLogLevelDto })
  level?: AccessLogLevelDto;

  @ApiPropertyOptional({ description: 'the enterprise the entry concerns, when it is not the citizen', type: AccessLogEnterpriseDto })
  enterprise?: AccessLogEnterpriseDto;

  @ApiPropertyOptional({ description: 'who signed in as the enterprise', type: AccessLogAgentDto })
  agent?: AccessLogAgentDto;

  @ApiPropertyOptional({ description: 'the licence concerned (its number)', example: LICENCE_ID_EXAMPLE })
  licenceId?: string;

  @ApiPropertyOptional({
    description: 'a verification’s result: valid (TOTAL-PASSED), invalid (TOTAL-FAILED), indeterminate',
    enum: ['valid', 'invalid', 'indeterminate'],
    example: 'valid',
  })
  verdict?: Verdict;
}

@ApiSchema({ name: 'AccessLog' })
class AccessLogDto {
  @ApiProperty({ description: 'newest first', type: [AccessLogEntryDto] })
  entries!: AccessLogEntryDto[];

  @ApiPropertyOptional({ description: 'the `before` of the next (older) page; absent on the last page', type: 'integer', example: 1020 })
  nextBefore?: number;
}

function view(item: AccessLogItem): AccessLogEntryDto {
  return {
    seq: item.seq,
    time: item.at.toISOString(),
    kind: item.kind,
    action: item.action,
    outcome: item.outcome,
    summary: item.summary,
    ...(item.note ? { note: item.note } : {}),
    ...(item.portal ? { portal: item.portal } : {}),
    ...(item.level ? { level: item.level } : {}),
    ...(item.enterprise ? { enterprise: item.enterprise } : {}),
    ...(item.agent ? { agent: item.agent } : {}),
    ...(item.licenceId ? { licenceId: item.licenceId } : {}),
    ...(item.verdict ? { verdict: item.verdict } : {}),
  };
}

const EXAMPLE: AccessLogDto = {
  entries: [
    {
      seq: 1043,
      time: '2026-12-07T06:03:12.345Z',
      kind: 'signin',
      action: 'signin',
      outcome: 'success',
      summary: {
        zh: '示范税务服务（网站 A） 于 2026年12月7日 14:03 以“较高”级别为您登录。',
        en: 'On Dec 7, 2026, 14:03, Demo tax service (website A) signed you in at the higher level.',
      },
      portal: { clientId: 'demo-portal-a', name: { zh: '示范税务服务（网站 A）', en: 'Demo tax service (website A)' } },
      level: { acr: 'urn:tongban:loa:2', loa: 2 },
    },
    {
      seq: 1021,
      time: '2026-12-06T01:30:00.000Z',
      kind: 'id_number_release',
      action: 'claim.id_number.release',
      outcome: 'success',
      summary: {
        zh: '示范社保服务（网站 B） 于 2026年12月6日 09:30 获得了您的身份证号。',
        en: 'On Dec 6, 2026, 09:30, Demo social-security service (website B) received your ID number.',
      },
      portal: { clientId: 'demo-portal-b', name: { zh: '示范社保服务（网站 B）', en: 'Demo social-security service (website B)' } },
    },
  ],
  nextBefore: 1021,
};

/**
 * The citizen's access log (issue 14 §4): who used their identity — which portals signed them in
 * and at which level, which received their ID number, who verified their licences, who opened a
 * licence they showed, what tongban's staff did to their record — newest first, a page at a time.
 * A legal representative sees their enterprises' entries too (sign-ins as the enterprise, by
 * which agent); an enterprise session's token, the enterprise's. Citizen tokens only (scope
 * `account`, a first-party client's): whose log it is comes from the token, never from the request.
 */
@ApiTags('access log')
@RequireScopes('account')
@Controller('api/v1/me/access-log')
export class AccessLogController {
  constructor(private readonly log: AccessLog) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'getMyAccessLog',
    summary: 'Who used my identity: the citizen’s access log, newest first',
    description:
      "Scope `account`: a citizen's access token from a first-party client (e.g. the account console); its subject is whose log it is. " +
      'The entries concerning the citizen — their account, or their ID number (a failed sign-in with it) — and, for the legal representative of an enterprise, the enterprise’s; ' +
      'an enterprise session’s token reads the enterprise’s only. Each entry says what happened in words (Chinese and English) and as a stable `kind`, with the portal’s name, the level of a sign-in and the outcome. ' +
      `Pages of \`limit\` entries (at most ${ACCESS_LOG_MAX_LIMIT}); \`nextBefore\` is the \`before\` of the next, older page. A portal renewing its tokens is not listed (the sign-in it follows is).`,
  })
  @ApiOkResponse({ description: 'the entries', type: AccessLogDto, example: EXAMPLE })
  @ApiErrors({
    400: [
      API_PARAM_ERRORS[400][1],
      {
        error: 'validation_failed',
        message: 'the request is not valid',
        details: [{ field: 'limit', problems: [`limit must not be greater than ${ACCESS_LOG_MAX_LIMIT}`] }],
      },
    ],
    403: [
      { error: 'citizen_token_required', message: 'this call needs a citizen access token (scope account, from a first-party client)' },
      { error: 'not_authorised', message: 'the person who signed in no longer acts for this enterprise' },
    ],
  })
  async list(@Query() query: AccessLogQuery, @Req() req: HttpRequest): Promise<AccessLogDto> {
    const viewer = await this.log.of(citizenAccountOf(req));
    const page = await this.log.page(viewer, { before: query.before, limit: query.limit ?? ACCESS_LOG_PAGE_SIZE });
    return { entries: page.items.map(view), ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}) };
  }
}
