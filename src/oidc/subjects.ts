import { createHmac } from 'node:crypto';
import { subjectKey } from '../enterprise-login/enterprise-account.js';

interface SubjectClient {
  clientId: string;
  subjectType?: string;
  sectorIdentifier?: string;
  [key: string]: unknown;
}

/**
 * The `sub` a client sees for an account. Pairwise clients get HMAC(salt, sector ‖ account):
 * portals of one sector (e.g. all tax services) see the same value, other sectors another one.
 * An enterprise session's subject is the enterprise, whoever acts for it.
 */
export function subjectFor(salt: Buffer, client: SubjectClient, accountId: string): string {
  const key = subjectKey(accountId);
  if (client.subjectType !== 'pairwise') return key;
  const sector = (client['tongban_sector'] as string | undefined) ?? client.sectorIdentifier ?? client.clientId;
  return createHmac('sha256', salt).update(`${sector}\u0000${key}`).digest('base64url');
}
