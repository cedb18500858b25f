import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { returning } from '../database/returning.js';
import { canonicalCitizenId } from '../identifiers/citizen-id.js';
import { canonicalUscc } from '../identifiers/uscc.js';
import { RegistryService, type Enterprise } from '../registry/registry.service.js';
import { AccountsService } from './accounts.service.js';
import { agentExpiryProblem, parseAgentExpiry } from './agent-expiry.js';

export const AGENT_ROLES = ['administrator', 'operator'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];
/** Who may act for an enterprise, and as what. */
export type EnterpriseRole = 'legal_representative' | AgentRole;

export interface EnterpriseAgent {
  id: string;
  uscc: string;
  role: AgentRole;
  expiresAt: Date;
  grantedAt: Date;
  grantedBy: string;
  /** `expired`: past its expiry but not withdrawn (a new grant to the person renews it). */
  status: 'active' | 'expired';
  /** Masked: the full ID number never leaves this service. */
  agent: { accountId: string; name: string | null; idNumberMasked: string | null };
}

interface AgentRow {
  id: string;
  uscc: string;
  agent_account_id: string;
  role: AgentRole;
  expires_at: Date | string;
  granted_by: string;
  granted_at: Date | string;
  live: boolean;
  created?: boolean;
}

const COLUMNS = 'id, uscc, agent_account_id, role, expires_at, granted_by, granted_at, expires_at > now() AS live';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const enterpriseNotFound = () =>
  new ApiError(404, 'enterprise_not_found', 'no enterprise with this unified social credit code in the register');
const notLegalRepresentative = () =>
  new ApiError(403, 'not_legal_representative', "only the enterprise's legal representative may manage its agents");
const agentNotFound = () => new ApiError(404, 'agent_not_found', 'no such agent of this enterprise');

/**
 * Enterprise agents (design §6): the legal representative — whoever the enterprise register names
 * at the moment of asking — grants people the right to act for the enterprise, as administrator or
 * operator, until an expiry at most three years ahead, and withdraws it. Enterprise sign-in asks
 * `authorisationFor` who may act.
 */
@Injectable()
export class EnterpriseAgentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * Grants (or, for a person who already has a grant that is not withdrawn, changes the role and
   * expiry of) an agent. `created` tells the two apart.
   */
  async grant(
    uscc: string,
    byAccountId: string,
    input: { idNumber: string; role: AgentRole; expiresAt: Date | string },
    now: Date = new Date(),
  ): Promise<EnterpriseAgent & { created: boolean }> {
    const expiresAt = input.expiresAt instanceof Date ? input.expiresAt : parseAgentExpiry(input.expiresAt);
    const expiryProblem = agentExpiryProblem(expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt : null, now);
    if (expiryProblem) throw new ApiError(400, 'invalid_expiry', `expires_at ${expiryProblem}`);
    if (!AGENT_ROLES.includes(input.role)) throw new ApiError(400, 'invalid_role', `role must be one of ${AGENT_ROLES.join(', ')}`);
    const idNumber = canonicalCitizenId(input.idNumber);
    if (!idNumber) throw new ApiError(400, 'invalid_id_number', 'id_number is not a valid citizen ID number');

    const enterprise = await this.requireLegalRepresentative(uscc, byAccountId);
    if (enterprise.status !== 'active')
      throw new ApiError(409, 'enterprise_not_active', `the enterprise is ${enterprise.status} in the register: no agents can be granted`);
    const agent = await this.accounts.findByIdNumber(idNumber);
    if (!agent) throw new ApiError(422, 'agent_has_no_account', 'this person has no tongban account: they must register first');
    if (agent.status !== 'active') throw new ApiError(422, 'agent_not_active', 'this person is not active in the population register');
    if (agent.id === byAccountId)
      throw new ApiError(409, 'agent_is_legal_representative', 'the legal representative acts for the enterprise already');

    const [row] = await this.dataSource.query<AgentRow[]>(
      `INSERT INTO accounts_enterprise_agents (uscc, agent_account_id, role, expires_at, granted_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (uscc, agent_account_id) WHERE withdrawn_at IS NULL
       DO UPDATE SET role = EXCLUDED.role, expires_at = EXCLUDED.expires_at, granted_by = EXCLUDED.granted_by, granted_at = now()
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [enterprise.uscc, agent.id, input.role, expiresAt!.toISOString(), byAccountId],
    );
    return { ...toAgent(row, agent), created: Boolean(row.created) };
  }

  /** The enterprise's grants that are not withdrawn (expired ones included, marked so); legal representative only. */
  async list(uscc: string, byAccountId: string): Promise<EnterpriseAgent[]> {
    const enterprise = await this.requireLegalRepresentative(uscc, byAccountId);
    const rows: AgentRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM accounts_enterprise_agents WHERE uscc = $1 AND withdrawn_at IS NULL ORDER BY granted_at, id`,
      [enterprise.uscc],
    );
    const agents: EnterpriseAgent[] = [];
    for (const row of rows) agents.push(toAgent(row, await this.accounts.findById(row.agent_account_id)));
    return agents;
  }

  /** Ends a grant at once; legal representative only. 404 agent_not_found for an unknown or already withdrawn one. */
  async withdraw(uscc: string, agentId: string, byAccountId: string): Promise<void> {
    const enterprise = await this.requireLegalRepresentative(uscc, byAccountId);
    if (!UUID.test(agentId)) throw agentNotFound();
    const rows = await returning(
      this.dataSource,
      `UPDATE accounts_enterprise_agents SET withdrawn_at = now(), withdrawn_by = $3
        WHERE id = $1 AND uscc = $2 AND withdrawn_at IS NULL RETURNING id`,
      [agentId, enterprise.uscc, byAccountId],
    );
    if (!rows.length) throw agentNotFound();
  }

  /**
   * Whether this citizen account may act for the enterprise now, and as what: its legal
   * representative in the register (which wins over any grant), or an agent whose grant is
   * neither withdrawn nor expired. Null otherwise — and when the enterprise is not active in the
   * register, or the person is not (or no longer) an active citizen.
   */
  async authorisationFor(uscc: string, accountId: string): Promise<{ role: EnterpriseRole } | null> {
    const canonical = canonicalUscc(uscc);
    if (!canonical || !UUID.test(accountId)) return null;
    const enterprise = await this.registry.findEnterprise(canonical);
    if (!enterprise || enterprise.status !== 'active') return null;
    const account = await this.accounts.findById(accountId);
    if (!account || account.status !== 'active') return null;
    if (await this.represents(canonical, accountId)) return { role: 'legal_representative' };
    const rows: Array<{ role: AgentRole }> = await this.dataSource.query(
      `SELECT role FROM accounts_enterprise_agents
        WHERE uscc = $1 AND agent_account_id = $2 AND withdrawn_at IS NULL AND expires_at > now()`,
      [canonical, accountId],
    );
    return rows[0] ? { role: rows[0].role } : null;
  }

  /** 404 for an unknown enterprise, 403 unless the account is its legal representative (and an active citizen). */
  private async requireLegalRepresentative(uscc: string, byAccountId: string): Promise<Enterprise> {
    const canonical = canonicalUscc(uscc);
    const enterprise = canonical && (await this.registry.findEnterprise(canonical));
    if (!enterprise) throw enterpriseNotFound();
    const account = await this.accounts.findById(byAccountId);
    if (!account || account.status !== 'active' || !(await this.represents(enterprise.uscc, byAccountId))) throw notLegalRepresentative();
    return enterprise;
  }

  private async represents(uscc: string, accountId: string): Promise<boolean> {
    const idNumber = await this.accounts.revealIdNumber(accountId);
    return (await this.registry.enterprisesRepresentedBy(idNumber)).some((e) => e.uscc === uscc);
  }
}

function toAgent(row: AgentRow, account: { id: string; name: string; idNumberMasked: string } | null): EnterpriseAgent {
  return {
    id: row.id,
    uscc: row.uscc,
    role: row.role,
    expiresAt: new Date(row.expires_at),
    grantedAt: new Date(row.granted_at),
    grantedBy: row.granted_by,
    status: row.live ? 'active' : 'expired',
    agent: { accountId: row.agent_account_id, name: account?.name ?? null, idNumberMasked: account?.idNumberMasked ?? null },
  };
}
