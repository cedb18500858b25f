import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { RequireScopes, citizenAccountOf } from '../auth/access-token.guard.js';
import { API_BODY_ERRORS, ApiErrors } from '../common/openapi.js';
import { IsCitizenId, IsUscc } from '../identifiers/validators.js';
import { AGENT_MAX_YEARS, IsAgentExpiry } from './agent-expiry.js';
import { AGENT_ROLES, EnterpriseAgentsService, type AgentRole, type EnterpriseAgent } from './enterprise-agents.service.js';

const USCC_EXAMPLE = '91350100MA2YTB8K4L';
const AGENT_ID_EXAMPLE = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

class EnterpriseParams {
  @ApiProperty({ description: "the enterprise's unified social credit code", example: USCC_EXAMPLE })
  @IsUscc()
  uscc!: string;
}

class AgentParams extends EnterpriseParams {
  @ApiProperty({ description: 'the grant (the `id` of an agent in the list)', format: 'uuid', example: AGENT_ID_EXAMPLE })
  @IsUUID()
  id!: string;
}

@ApiSchema({ name: 'AgentGrant' })
class GrantAgentBody {
  @ApiProperty({
    description: "the agent's 18-digit citizen ID number; they must have a tongban account (never echoed)",
    example: '110105199003070236',
  })
  @IsCitizenId()
  id_number!: string;

  @ApiProperty({ description: 'what the agent may do for the enterprise', enum: AGENT_ROLES, example: 'operator' })
  @IsIn(AGENT_ROLES)
  role!: AgentRole;

  @ApiProperty({
    description: `ISO 8601: a date-time with offset, or a date (valid through that day, China time); in the future and at most ${AGENT_MAX_YEARS} years ahead`,
    example: '2027-06-30',
  })
  @IsString()
  @IsAgentExpiry()
  expires_at!: string;
}

@ApiSchema({ name: 'AgentPerson' })
class AgentPersonDto {
  @ApiProperty({
    description: 'the name in the population register (null if the account is gone)',
    type: String,
    nullable: true,
    example: '张三',
  })
  name!: string | null;

  @ApiProperty({ description: 'the ID number, masked', type: String, nullable: true, example: '110105********0236' })
  id_number_masked!: string | null;
}

@ApiSchema({ name: 'Agent', description: 'A grant to act for an enterprise' })
class AgentDto implements AgentView {
  @ApiProperty({ description: 'the grant', format: 'uuid', example: AGENT_ID_EXAMPLE })
  id!: string;

  @ApiProperty({ description: 'what the agent may do', enum: AGENT_ROLES, example: 'operator' })
  role!: AgentRole;

  @ApiProperty({
    description: '`expired`: past its expiry but not withdrawn (granting again renews it)',
    enum: ['active', 'expired'],
    example: 'active',
  })
  status!: 'active' | 'expired';

  @ApiProperty({ description: 'when the grant ends', format: 'date-time', example: '2027-06-30T16:00:00.000Z' })
  expires_at!: string;

  @ApiProperty({ description: 'when it was granted (or last changed)', format: 'date-time', example: '2026-11-27T08:00:00.000Z' })
  granted_at!: string;

  @ApiProperty({ description: 'who the agent is', type: AgentPersonDto })
  agent!: AgentPersonDto;
}

@ApiSchema({ name: 'AgentList' })
class AgentListDto {
  @ApiProperty({ description: 'the grants not withdrawn, oldest first', type: [AgentDto] })
  agents!: AgentDto[];
}

export interface AgentView {
  id: string;
  role: AgentRole;
  status: 'active' | 'expired';
  expires_at: string;
  granted_at: string;
  agent: { name: string | null; id_number_masked: string | null };
}

function view(agent: EnterpriseAgent): AgentView {
  return {
    id: agent.id,
    role: agent.role,
    status: agent.status,
    expires_at: agent.expiresAt.toISOString(),
    granted_at: agent.grantedAt.toISOString(),
    agent: { name: agent.agent.name, id_number_masked: agent.agent.idNumberMasked },
  };
}

const EXAMPLE: AgentView = {
  id: AGENT_ID_EXAMPLE,
  role: 'operator',
  status: 'active',
  expires_at: '2027-06-30T16:00:00.000Z',
  granted_at: '2026-11-27T08:00:00.000Z',
  agent: { name: '张三', id_number_masked: '110105********0236' },
};

const ABOUT =
  "Scope `account`: a citizen's access token from a first-party client (e.g. the account console), acting as the enterprise's legal representative in the register.";

/**
 * The enterprise's legal representative manages its agents (design §6). Citizen tokens only: a
 * first-party client's access token with the scope `account`, whose subject is the citizen.
 */
@ApiTags('enterprise agents')
@RequireScopes('account')
@ApiErrors({
  400: ['validation_failed', 'malformed_url'],
  403: [
    { error: 'citizen_token_required', message: 'this call needs a citizen access token (scope account, from a first-party client)' },
    { error: 'not_legal_representative', message: "only the enterprise's legal representative may manage its agents" },
  ],
  404: [{ error: 'enterprise_not_found', message: 'no enterprise with this unified social credit code in the register' }],
})
@Controller('api/v1/enterprises/:uscc/agents')
export class AgentsController {
  constructor(private readonly agents: EnterpriseAgentsService) {}

  @Post()
  @ApiOperation({
    operationId: 'grantEnterpriseAgent',
    summary: 'Grant a person the right to act for the enterprise (or change the role and expiry of their grant)',
    description: `${ABOUT} A person has at most one standing grant: granting again changes it (200) instead of adding one (201).`,
  })
  @ApiCreatedResponse({ description: 'a new grant', type: AgentDto, example: EXAMPLE })
  @ApiOkResponse({ description: "the person's standing grant, changed", type: AgentDto, example: { ...EXAMPLE, role: 'administrator' } })
  @ApiErrors({
    ...API_BODY_ERRORS,
    409: [
      { error: 'enterprise_not_active', message: 'the enterprise is suspended in the register: no agents can be granted' },
      { error: 'agent_is_legal_representative', message: 'the legal representative acts for the enterprise already' },
    ],
    422: [
      { error: 'agent_has_no_account', message: 'this person has no tongban account: they must register first' },
      { error: 'agent_not_active', message: 'this person is not active in the population register' },
    ],
  })
  async grant(
    @Param() { uscc }: EnterpriseParams,
    @Body() body: GrantAgentBody,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<AgentView> {
    const granted = await this.agents.grant(uscc, citizenAccountOf(req), {
      idNumber: body.id_number,
      role: body.role,
      expiresAt: body.expires_at,
    });
    res.code(granted.created ? 201 : 200);
    return view(granted);
  }

  @Get()
  @ApiOperation({
    operationId: 'listEnterpriseAgents',
    summary: "The enterprise's agents (withdrawn ones left out; expired ones marked), with masked ID numbers",
    description: ABOUT,
  })
  @ApiOkResponse({ description: 'the grants', type: AgentListDto, example: { agents: [EXAMPLE] } })
  async list(@Param() { uscc }: EnterpriseParams, @Req() req: HttpRequest): Promise<{ agents: AgentView[] }> {
    return { agents: (await this.agents.list(uscc, citizenAccountOf(req))).map(view) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'withdrawEnterpriseAgent',
    summary: "Withdraw an agent's grant, at once",
    description: `${ABOUT} The grant is kept, marked withdrawn.`,
  })
  @ApiNoContentResponse({ description: 'withdrawn' })
  @ApiErrors({ 404: [{ error: 'agent_not_found', message: 'no such agent of this enterprise' }] })
  async withdraw(@Param() { uscc, id }: AgentParams, @Req() req: HttpRequest): Promise<void> {
    await this.agents.withdraw(uscc, id, citizenAccountOf(req));
  }
}
