import type { HolderLookup, Licence } from '../issuance/licence.js';

/**
 * Who is asking for their own licences (issue 13 §6): a citizen — their account and the register's
 * reference the licences name them by — or an enterprise, by its USCC. Resolved from a citizen's
 * access token, an enterprise session's, a wallet proof (holder.guard.ts) or the account page's
 * session; never from anything the caller merely says.
 */
export type Holder =
  | { readonly kind: 'citizen'; readonly accountId: string; readonly registryCitizenId: string }
  | { readonly kind: 'enterprise'; readonly uscc: string };

/** How LicencesService.listForHolder names this holder. */
export function holderLookup(holder: Holder): HolderLookup {
  return holder.kind === 'citizen' ? { registryCitizenId: holder.registryCitizenId } : { uscc: holder.uscc };
}

/** The holder's own reference, as licences and shares store it (a registry reference, or a USCC). */
export function holderRef(holder: Holder): string {
  return holder.kind === 'citizen' ? holder.registryCitizenId : holder.uscc;
}

/** Whether the licence is this holder's. */
export function holds(holder: Holder, licence: Pick<Licence, 'holder'>): boolean {
  return holder.kind === 'citizen'
    ? licence.holder.kind === 'citizen' && licence.holder.registryCitizenId === holder.registryCitizenId
    : licence.holder.kind === 'enterprise' && licence.holder.uscc === holder.uscc;
}
