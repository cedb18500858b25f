/**
 * The account of an enterprise session: the enterprise is the subject (Corppass style, design
 * §5) and the person acting for it rides along, with the licence certificate they presented.
 * oidc-provider keeps one string per session, so all three are encoded in it:
 * `enterprise:<USCC>:<person's account id>:<certificate serial>`. The session lasts only while
 * that certificate is good.
 */
export interface EnterpriseActor {
  uscc: string;
  personAccountId: string;
  certificateSerial: string;
}

const PREFIX = 'enterprise:';

export function enterpriseAccountId(actor: EnterpriseActor): string {
  return `${PREFIX}${actor.uscc}:${actor.personAccountId}:${actor.certificateSerial}`;
}

export function parseEnterpriseAccountId(accountId: string): EnterpriseActor | undefined {
  if (!accountId.startsWith(PREFIX)) return undefined;
  const [uscc, personAccountId, certificateSerial] = accountId.slice(PREFIX.length).split(':');
  return uscc && personAccountId && certificateSerial ? { uscc, personAccountId, certificateSerial } : undefined;
}

/** What a pairwise subject is computed from: the enterprise alone, not who is acting for it. */
export function subjectKey(accountId: string): string {
  const actor = parseEnterpriseAccountId(accountId);
  return actor ? `${PREFIX}${actor.uscc}` : accountId;
}
