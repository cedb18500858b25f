import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { returning } from '../database/returning.js';
import { sessionSubject } from './oidc-audit.js';

export interface RememberedConsent {
  clientId: string;
  scope: string;
  claims: string[];
  grantedAt: Date;
}

/**
 * Consents a citizen chose to have remembered (the "remember" box on the consent page), so a new
 * session at the same portal does not ask again. Withdrawing one also revokes the grants and
 * tokens the portal holds.
 */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly audit?: AuditService,
  ) {}

  async remember(accountId: string, clientId: string, scope: string, claims: string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oidc_consents (account_id, client_id, scope, claims) VALUES ($1, $2, $3, $4::text[])
       ON CONFLICT (account_id, client_id) DO UPDATE SET scope = EXCLUDED.scope, claims = EXCLUDED.claims, granted_at = now()`,
      [accountId, clientId, scope, claims],
    );
  }

  async find(accountId: string, clientId: string): Promise<RememberedConsent | undefined> {
    return (await this.query(`WHERE account_id = $1 AND client_id = $2`, [accountId, clientId]))[0];
  }

  list(accountId: string): Promise<RememberedConsent[]> {
    return this.query(`WHERE account_id = $1 ORDER BY granted_at DESC`, [accountId]);
  }

  /**
   * Forgets the consent and revokes every grant (with its tokens) of this account at this client;
   * the withdrawal is in the audit log before this returns.
   */
  async withdraw(accountId: string, clientId: string, requestId?: string): Promise<boolean> {
    const withdrawn = await this.dataSource.transaction(async (manager) => {
      const forgotten = await returning(manager, `DELETE FROM oidc_consents WHERE account_id = $1 AND client_id = $2 RETURNING 1`, [
        accountId,
        clientId,
      ]);
      const grants = await returning<{ id: string }>(
        manager,
        `DELETE FROM oidc_payloads WHERE kind = 'Grant' AND payload->>'accountId' = $1 AND payload->>'clientId' = $2 RETURNING id`,
        [accountId, clientId],
      );
      if (grants.length) await manager.query(`DELETE FROM oidc_payloads WHERE grant_id = ANY($1::text[])`, [grants.map((g) => g.id)]);
      return { remembered: forgotten.length > 0, grants: grants.length };
    });
    if (!withdrawn.remembered && !withdrawn.grants) return false;
    await this.audit?.append({
      action: 'consent.withdraw',
      actor: { kind: 'account', id: accountId },
      subject: sessionSubject(accountId),
      client: clientId,
      outcome: 'success',
      ...(requestId ? { requestId } : {}),
      details: { remembered: withdrawn.remembered, grants: withdrawn.grants },
    });
    return true;
  }

  private async query(where: string, params: unknown[]): Promise<RememberedConsent[]> {
    const rows: Array<{ client_id: string; scope: string; claims: string[]; granted_at: Date }> = await this.dataSource.query(
      `SELECT client_id, scope, claims, granted_at FROM oidc_consents ${where}`,
      params,
    );
    return rows.map((row) => ({ clientId: row.client_id, scope: row.scope, claims: row.claims, grantedAt: new Date(row.granted_at) }));
  }
}
