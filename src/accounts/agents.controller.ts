import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IsIn, IsString, IsUUID } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { RequireScopes, citizenAccountOf } from '../auth/access-token.guard.js';
import { IsCitizenId, IsUscc } from '../identifiers/validators.js';
import { AGENT_MAX_YEARS, IsAgentExpiry } from './agent-expiry.js';
import { AGENT_ROLES, EnterpriseAgentsService, type AgentRole, type EnterpriseAgent } from './enterprise-agents.service.js';

class EnterpriseParams {
  @ApiProperty({ example: '91350100MA2YTB8K3X', description: 'unified social credit code' })
  @IsUscc()
  uscc!: string;
}

class AgentParams extends EnterpriseParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

class GrantAgentBody {
  @ApiProperty({ example: '11010519491231002X', description: 'the agent\'s 18-digit citizen ID number; they must have a tongban account' })
  @IsCitizenId()
  id_number!: string;

  @ApiProperty({ enum: AGENT_ROLES })
  @IsIn(AGENT_ROLES)
  role!: AgentRole;

  @ApiProperty({
    example: '2027-06-30',
    description: `ISO 8601: a date-time with offset, or a date (valid through that day, China time); in the future and at most ${AGENT_MAX_YEARS} years ahead`,
  })
  @IsString()
  @IsAgentExpiry()
  expires_at!: string;
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

const error = (code: string, message: string) => ({ schema: { example: { error: code, message } } });
const EXAMPLE: AgentView = {
  id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  role: 'operator',
  status: 'active',
  expires_at: '2027-06-30T16:00:00.000Z',
  granted_at: '2026-11-27T08:00:00.000Z',
  agent: { name: '张三', id_number_masked: '110105********1239' },
};

/**
 * The enterprise's legal representative manages its agents (design §6). Citizen tokens only: a
 * first-party client's access token with the scope `account`, whose subject is the citizen.
 */
@ApiTags('enterprise agents')
@RequireScopes('account')
@Controller('api/v1/enterprises/:uscc/agents')
@ApiBadRequestResponse({ description: '`validation_failed` (the ID number is never echoed)' })
@ApiForbiddenResponse(error('not_legal_representative', 'only the enterprise\'s legal representative may manage its agents'))
@ApiNotFoundResponse(error('enterprise_not_found', 'no enterprise with this unified social credit code in the register'))
export class AgentsController {
  constructor(private readonly agents: EnterpriseAgentsService) {}

  @Post()
  @ApiOperation({ summary: 'Grant a person the right to act for the enterprise (or change the role and expiry of their grant)' })
  @ApiCreatedResponse({ description: 'a new grant', schema: { example: EXAMPLE } })
  @ApiOkResponse({ description: 'the person\'s standing grant, changed', schema: { example: EXAMPLE } })
  @ApiConflictResponse({ description: '`enterprise_not_active`, `agent_is_legal_representative`' })
  @ApiUnprocessableEntityResponse({ description: '`agent_has_no_account`, `agent_not_active`' })
  async grant(@Param() { uscc }: EnterpriseParams, @Body() body: GrantAgentBody, @Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<AgentView> {
    const granted = await this.agents.grant(uscc, citizenAccountOf(req), { idNumber: body.id_number, role: body.role, expiresAt: body.expires_at });
    res.code(granted.created ? 201 : 200);
    return view(granted);
  }

  @Get()
  @ApiOperation({ summary: 'The enterprise\'s agents (withdrawn ones left out; expired ones marked), with masked ID numbers' })
  @ApiOkResponse({ schema: { example: { agents: [EXAMPLE] } } })
  async list(@Param() { uscc }: EnterpriseParams, @Req() req: HttpRequest): Promise<{ agents: AgentView[] }> {
    return { agents: (await this.agents.list(uscc, citizenAccountOf(req))).map(view) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw an agent\'s grant, at once' })
  @ApiNoContentResponse({ description: 'withdrawn' })
  async withdraw(@Param() { uscc, id }: AgentParams, @Req() req: HttpRequest): Promise<void> {
    await this.agents.withdraw(uscc, id, citizenAccountOf(req));
  }
}
