import { Injectable } from '@nestjs/common';
import type { Account, AccountClaims as Claims } from 'oidc-provider';
import { AccountsService } from '../accounts/accounts.service.js';

/**
 * What oidc-provider learns about an account: the claims of each scope, read fresh from the
 * account and the registry every time (a citizen marked deceased stops getting tokens).
 * `id_number` is decrypted only when the token's scope holds it, which only clients registered
 * for that scope can request.
 */
@Injectable()
export class AccountClaims {
  constructor(private readonly accounts: AccountsService) {}

  async find(accountId: string): Promise<Account | undefined> {
    const account = await this.accounts.findById(accountId);
    if (!account || account.status !== 'active') return undefined;
    return {
      accountId,
      claims: async (_use, scope): Promise<Claims> => {
        const scopes = new Set(scope.split(' '));
        return {
          sub: accountId,
          name: account.name,
          id_number_masked: account.idNumberMasked,
          ...(scopes.has('id_number') ? { id_number: await this.accounts.revealIdNumber(accountId) } : {}),
        };
      },
    };
  }
}
