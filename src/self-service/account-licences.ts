import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service.js';
import type { Licence } from '../licences/issuance/licence.js';
import { LicencesService } from '../licences/issuance/licences.service.js';
import { holderLookup, LicenceSharesService, type Holder, type HolderShare } from '../licences/holders/index.js';
import { licenceClaimRows, type LicenceClaimRow } from '../licences/file/index.js';
import { LicenceTypesService, type LicenceType } from '../licences/types/index.js';
import type { Lang } from '../pages/messages.js';
import {
  claimValueForForm,
  DEFAULT_DISCLOSED,
  type AccountLicence,
  type AccountShare,
  type LicenceState,
  type ShareableClaim,
} from './pages/my-licences.js';

/** Shares listed on the account page. */
const SHARES_ON_PAGE = 10;

/**
 * 我的证照 for the account page: the signed-in citizen as a holder of licences, their licences
 * and recent shares in the page's words, and the claims of a licence to choose from when showing it.
 */
@Injectable()
export class AccountLicences {
  constructor(
    private readonly accounts: AccountsService,
    private readonly licences: LicencesService,
    private readonly shares: LicenceSharesService,
    private readonly types: LicenceTypesService,
  ) {}

  /** The citizen of the account as a holder (undefined for an account that is gone or not active). */
  async holder(accountId: string): Promise<Holder | undefined> {
    const account = await this.accounts.findById(accountId);
    if (!account || account.status !== 'active') return undefined;
    return { kind: 'citizen', accountId: account.id, registryCitizenId: account.registryCitizenId };
  }

  /** The section's data: each licence with its links, and the recent shares. */
  async section(holder: Holder, lang: Lang): Promise<{ licences: AccountLicence[]; shares: AccountShare[] }> {
    const [licences, shares] = await Promise.all([
      this.licences.listForHolder(holderLookup(holder)),
      this.shares.list(holder, { limit: SHARES_ON_PAGE }),
    ]);
    const byId = new Map(licences.map((l) => [l.id, l]));
    const types = await this.typesOf(licences);
    return {
      licences: licences.map((l) => this.accountLicence(l, lang)),
      shares: shares
        .filter((s) => byId.has(s.licenceId))
        .map((s) => {
          const licence = byId.get(s.licenceId)!;
          return this.accountShare(s, licence, types.get(licence.type.id), lang);
        }),
    };
  }

  accountLicence(licence: Licence, lang: Lang): AccountLicence {
    const path = `/account/licences/${encodeURIComponent(licence.id)}`;
    const state = stateOf(licence);
    return {
      id: licence.id,
      type: lang === 'en' ? licence.type.name.en : licence.type.name.zh,
      issuer: issuerName(licence, lang),
      state,
      statusReason: licence.statusReason,
      validFrom: licence.validFrom,
      validUntil: licence.validUntil,
      ofdUrl: `${path}/file`,
      pdfUrl: `${path}/file?format=pdf`,
      ...(licence.status === 'valid' ? { showUrl: `${path}/show` } : {}),
    };
  }

  /** The licence's top-level claims to tick, labelled in the page's language (the holder's name ticked unless `chosen` says otherwise). */
  async shareableClaims(licence: Licence, lang: Lang, chosen?: readonly string[]): Promise<ShareableClaim[]> {
    const type = await this.types.find(licence.type.id);
    const rows = type ? topLevelRows(type, licence.claims) : [];
    const ticked = new Set<string>(chosen ?? DEFAULT_DISCLOSED);
    return rows.map((row) => {
      const name = row.path[0] as string;
      return {
        name,
        label: lang === 'en' ? row.label.en : row.label.zh,
        value: claimValueForForm(name, row.value),
        checked: ticked.has(name),
      };
    });
  }

  /** The claims a share discloses, with their labels and values as the holder sees them on the share's page. */
  async sharedClaims(licence: Licence, disclosed: readonly string[], lang: Lang): Promise<Array<{ label: string; value: string }>> {
    const claims = await this.shareableClaims(licence, lang, disclosed);
    return claims.filter((c) => c.checked).map(({ label, value }) => ({ label, value }));
  }

  private accountShare(share: HolderShare, licence: Licence, type: LicenceType | undefined, lang: Lang): AccountShare {
    const labels = new Map(
      (type ? topLevelRows(type, licence.claims) : []).map((r) => [r.path[0] as string, lang === 'en' ? r.label.en : r.label.zh]),
    );
    return {
      createdAt: share.createdAt,
      type: lang === 'en' ? licence.type.name.en : licence.type.name.zh,
      claims: share.disclosed.map((name) => labels.get(name) ?? name),
      state: share.state,
      expiresAt: share.expiresAt,
      openings: share.openingsCounted,
      detailsUrl: `/account/licences/shares/${share.id}`,
    };
  }

  private async typesOf(licences: Licence[]): Promise<Map<string, LicenceType>> {
    const ids = [...new Set(licences.map((l) => l.type.id))];
    const found = await Promise.all(ids.map((id) => this.types.find(id)));
    return new Map(found.filter((t): t is LicenceType => t !== null).map((t) => [t.id, t]));
  }
}

/** The rows of the top-level claims (a nested claim is shown, and disclosed, with the claim it is in). */
function topLevelRows(type: LicenceType, claims: Record<string, unknown>): LicenceClaimRow[] {
  return licenceClaimRows(type, claims).filter((row) => row.path.length === 1 && typeof row.path[0] === 'string');
}

export function stateOf(licence: Pick<Licence, 'status' | 'validFrom'>, now = Date.now()): LicenceState {
  if (licence.status === 'valid' && licence.validFrom.getTime() > now) return 'not_yet_valid';
  return licence.status;
}

export function issuerName(licence: Licence, lang: Lang): string {
  return (lang === 'en' ? licence.issuer.nameEn : null) ?? licence.issuer.name ?? licence.issuer.clientId;
}
