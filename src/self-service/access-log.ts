import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service.js';
import { EnterpriseAgentsService } from '../accounts/enterprise-agents.service.js';
import type { AuditAction, AuditEntry, AuditOutcome, AuditSubject } from '../audit/audit-event.js';
import { AuditService } from '../audit/audit.service.js';
import { portalName } from '../clients/client-names.js';
import { ClientStore } from '../clients/client-store.js';
import { ApiError } from '../common/api-error.js';
import { parseEnterpriseAccountId, type EnterpriseActor } from '../enterprise-login/enterprise-account.js';
import { canonicalLicenceId } from '../identifiers/licence-id.js';
import { loaOf } from '../oidc/assurance.js';
import { accessLog } from '../pages/messages/access-log.js';
import type { Lang } from '../pages/messages.js';
import { RegistryService } from '../registry/registry.service.js';
import { formatDateTime } from './pages/account.js';
import { accessLogText, type AccessLogKey } from './pages/access-log.js';

/**
 * The citizen's access log (issue 14 §4, "谁用了我的身份信息"): the audit entries whose subject is
 * the citizen — their account, or the blind index of their ID number (a failed sign-in, a registry
 * row) — and, for an enterprise's legal representative or an enterprise session, the enterprise's
 * (its USCC, its account), each in plain words. The API (src/audit/access-log.controller.ts) and
 * the account console's page (access-log.controller.ts) read it from here.
 *
 * The subjects come from the signed-in person only, never from the request: nobody can ask for
 * another person's entries. Entries are checked again against those subjects after they are read.
 */

/** A stable code for what happened, coarser than the audit action (the API's `kind`). */
export const ACCESS_LOG_KINDS = [
  'signin',
  'signin_second_factor',
  'signout',
  'second_factor_change',
  'consent_change',
  'token_grant',
  'id_number_release',
  'licence_verified',
  'verified',
  'share_opened',
  'share_change',
  'licence_change',
  'certificate_change',
  'seal_change',
  'seal_used',
  'registry_change',
  'operator_action',
  'other',
] as const;
export type AccessLogKind = (typeof ACCESS_LOG_KINDS)[number];

/** The most entries one page (or one API answer) holds. */
export const ACCESS_LOG_MAX_LIMIT = 100;
/** Entries on one page of the account console. */
export const ACCESS_LOG_PAGE_SIZE = 20;

/** Words in both languages. */
export interface Bilingual {
  zh: string;
  en: string;
}

export interface AccessLogItem {
  /** The entry's place in the audit log: the cursor of the next page (`before`). */
  seq: number;
  at: Date;
  kind: AccessLogKind;
  action: AuditAction;
  outcome: AuditOutcome;
  /** The portal (OAuth client) concerned, with its name. */
  portal?: { clientId: string; name: Bilingual };
  /** The level of a sign-in (and of the sign-in a portal redeemed a code of). */
  level?: { acr: string; loa: 1 | 2 | 3 };
  /** When the entry concerns an enterprise rather than the person. */
  enterprise?: { uscc: string; name: string | null };
  /** Who acted for the enterprise (a sign-in as the enterprise): their name in the register. */
  agent?: { name: string | null };
  /** The licence concerned, when it is one. */
  licenceId?: string;
  /** A verification's result. */
  verdict?: Verdict;
  /** The entry in one sentence. */
  summary: Bilingual;
  /** A second sentence: how it ended when it did not succeed, what to do about a sign-in that failed. */
  note?: Bilingual;
}

export interface AccessLogPage {
  items: AccessLogItem[];
  /** The `before` of the next (older) page; absent on the last. */
  nextBefore?: number;
}

/** Whose log is read: the subjects, and the enterprises among them. */
export interface AccessLogViewer {
  subjects: AuditSubject[];
  /** The enterprises whose entries are included (legal representative, or an enterprise session). */
  enterprises: Array<{ uscc: string; name: string }>;
  /** Set when the token speaks for an enterprise (an enterprise session): only its entries. */
  enterpriseSession?: { uscc: string; name: string };
}

type Key = AccessLogKey;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTERPRISE_ACCOUNT = /^enterprise:([0-9A-Z]{18})$/;

/** The enterprise's own account id, as pairwise subjects are computed from it (enterprise-account.ts, subjectKey). */
function enterpriseAccount(uscc: string): string {
  return `enterprise:${uscc}`;
}

/** The kind of an entry: by its action, except that anything tongban's staff did is an operator action. */
export function kindOf(entry: Pick<AuditEntry, 'action' | 'actor' | 'object' | 'details'>): AccessLogKind {
  if (entry.actor.kind === 'operator') return 'operator_action';
  switch (entry.action) {
    case 'signin':
      return 'signin';
    case 'signin.second-factor':
      return 'signin_second_factor';
    case 'signout':
      return 'signout';
    case 'second-factor.enrol':
    case 'second-factor.remove':
      return 'second_factor_change';
    case 'consent.grant':
    case 'consent.withdraw':
      return 'consent_change';
    case 'token.grant':
      return 'token_grant';
    case 'claim.id_number.release':
      return 'id_number_release';
    case 'verify':
      return entry.details?.kind === 'licence' || (entry.object && canonicalLicenceId(entry.object)) ? 'licence_verified' : 'verified';
    case 'licence.share.open':
      return 'share_opened';
    case 'licence.share.create':
    case 'licence.share.withdraw':
      return 'share_change';
    case 'licence.issue':
    case 'licence.suspend':
    case 'licence.reinstate':
    case 'licence.revoke':
    case 'licence.expire':
      return 'licence_change';
    case 'certificate.issue':
    case 'certificate.revoke':
    case 'certificate.hold':
    case 'certificate.release':
      return 'certificate_change';
    case 'seal.make':
    case 'seal.revoke':
      return 'seal_change';
    case 'seal.stamp':
      return 'seal_used';
    case 'registry.import':
    case 'registry.change':
      return 'registry_change';
    case 'operator.command':
      return 'operator_action';
    case 'client.add':
    case 'client.change':
    case 'client.remove':
    case 'key.init':
    case 'key.rotate':
    case 'trust.add':
    case 'trust.remove':
      return 'other';
  }
}

/** Reads of the audit log one page may take (entries left out make a read come up short). */
const READ_ROUNDS = 5;

/** Whether the access log lists the entry: all but a portal renewing its tokens. */
export function listable(entry: Pick<AuditEntry, 'action' | 'details'>): boolean {
  return !(entry.action === 'token.grant' && entry.details?.grant_type === 'refresh_token');
}

/** Whether two subjects are the same. */
function sameSubject(a: AuditSubject, b: AuditSubject): boolean {
  if (a.kind === 'account' && b.kind === 'account') return a.id === b.id;
  if (a.kind === 'enterprise' && b.kind === 'enterprise') return a.uscc.toUpperCase() === b.uscc.toUpperCase();
  if (a.kind === 'citizen-index' && b.kind === 'citizen-index') return a.index.toLowerCase() === b.index.toLowerCase();
  return false;
}

/** The enterprise an entry's subject names (its USCC, its account, or an enterprise session's account), if any. */
function enterpriseOfSubject(subject: AuditSubject | undefined): string | undefined {
  if (!subject) return undefined;
  if (subject.kind === 'enterprise') return subject.uscc.toUpperCase();
  if (subject.kind !== 'account') return undefined;
  return parseEnterpriseAccountId(subject.id)?.uscc ?? ENTERPRISE_ACCOUNT.exec(subject.id)?.[1];
}

/**
 * Whether an entry belongs in this viewer's log: its subject is one of theirs, or an enterprise
 * session of one of their enterprises (whose account names the person and the certificate too).
 */
export function belongsTo(entry: Pick<AuditEntry, 'subject'>, viewer: Pick<AccessLogViewer, 'subjects' | 'enterprises'>): boolean {
  const subject = entry.subject;
  if (!subject) return false;
  if (viewer.subjects.some((s) => sameSubject(s, subject))) return true;
  const uscc = subject.kind === 'account' ? parseEnterpriseAccountId(subject.id)?.uscc : undefined;
  return uscc !== undefined && viewer.enterprises.some((e) => e.uscc === uscc.toUpperCase());
}

/** The account id of the person who acted for an enterprise in this entry, if the entry says. */
function agentAccountOf(entry: AuditEntry): string | undefined {
  const candidates = [
    entry.subject?.kind === 'account' ? entry.subject.id : undefined,
    entry.actor.kind === 'account' ? entry.actor.id : undefined,
    typeof entry.details?.agent === 'string' ? entry.details.agent : undefined,
  ];
  for (const id of candidates) {
    const actor = id ? parseEnterpriseAccountId(id) : undefined;
    if (actor) return actor.personAccountId;
  }
  if (entry.actor.kind === 'account' && UUID.test(entry.actor.id)) return entry.actor.id;
  const agent = entry.details?.agent;
  return typeof agent === 'string' && UUID.test(agent) ? agent : undefined;
}

/** The level of a sign-in, from the entry's details (`acr`, else `loa`). */
function levelOf(entry: AuditEntry): AccessLogItem['level'] {
  const acr = entry.details?.acr;
  const loa = loaOf(acr) || (typeof entry.details?.loa === 'number' ? entry.details.loa : 0);
  if (loa !== 1 && loa !== 2 && loa !== 3) return undefined;
  return { acr: typeof acr === 'string' ? acr : `urn:tongban:loa:${loa}`, loa };
}

/** What the sentences of one entry need, besides the language. */
interface Facts {
  at: Date;
  kind: AccessLogKind;
  action: AuditAction;
  outcome: AuditOutcome;
  portal?: Bilingual;
  level?: 1 | 2 | 3;
  enterprise?: string;
  /** Who acted for the enterprise: their name, null when it cannot be told (undefined: nobody did). */
  agent?: string | null;
  /** What a verification checked (the verification's `kind`: seal, certificate, signature, document, licence). */
  verified?: string;
  verdict?: Verdict;
}

/** A verification's result, from its indication (ETSI EN 319 102-1). */
export type Verdict = 'valid' | 'invalid' | 'indeterminate';

const VERDICTS: Record<string, Verdict> = { TOTAL_PASSED: 'valid', TOTAL_FAILED: 'invalid', INDETERMINATE: 'indeterminate' };

/** The verdict of a verification entry (its details' indication), if it has one. */
function verdictOf(entry: Pick<AuditEntry, 'action' | 'details'>): Verdict | undefined {
  const indication = entry.details?.indication;
  return entry.action === 'verify' && typeof indication === 'string' ? VERDICTS[indication] : undefined;
}

const STATUS_WORD: Partial<Record<AuditAction, Key>> = {
  'licence.issue': 'access_log.status.issue',
  'licence.suspend': 'access_log.status.suspend',
  'licence.reinstate': 'access_log.status.reinstate',
  'licence.revoke': 'access_log.status.revoke',
  'licence.expire': 'access_log.status.expire',
  'certificate.issue': 'access_log.status.issue',
  'certificate.revoke': 'access_log.status.revoke',
  'certificate.hold': 'access_log.status.hold',
  'certificate.release': 'access_log.status.release',
  'seal.make': 'access_log.status.make',
  'seal.revoke': 'access_log.status.revoke',
};

function actionWords(lang: Lang, action: AuditAction): string {
  const key = `access_log.action.${action}`;
  return Object.hasOwn(accessLog, key) ? accessLogText(lang, key as Key) : action;
}

/** The entry in one sentence, in `lang`: who, when, what, for whom. */
export function sentence(lang: Lang, f: Facts): string {
  const time = formatDateTime(lang, f.at);
  const portal = f.portal ? (lang === 'en' ? f.portal.en : f.portal.zh) : accessLogText(lang, 'access_log.someone');
  const whose = f.enterprise
    ? accessLogText(lang, 'access_log.whose.enterprise', { enterprise: f.enterprise })
    : accessLogText(lang, 'access_log.whose.you');
  const whom = f.enterprise
    ? accessLogText(lang, 'access_log.whom.enterprise', { enterprise: f.enterprise })
    : accessLogText(lang, 'access_log.whom.you');
  const level = f.level ? accessLogText(lang, `access_log.level.${f.level}`) : '';
  const what = actionWords(lang, f.action);
  const status = STATUS_WORD[f.action] ? accessLogText(lang, STATUS_WORD[f.action]!) : what;
  const agent = f.agent ?? accessLogText(lang, 'access_log.someone');
  const vars = { time, portal, whose, whom, level, what, agent, enterprise: f.enterprise ?? '' };
  const say = (key: Key) => accessLogText(lang, key, vars);
  switch (f.kind) {
    case 'signin':
      if (f.outcome === 'failure') return say('access_log.signin.failed');
      if (f.outcome === 'refused') return say('access_log.signin.refused');
      if (f.enterprise && f.agent !== undefined)
        return say(f.level ? 'access_log.signin.enterprise' : 'access_log.signin.enterprise_no_level');
      return say(f.level ? 'access_log.signin' : 'access_log.signin.no_level');
    case 'signin_second_factor':
      return say(f.outcome === 'success' ? 'access_log.second_factor.success' : 'access_log.second_factor.failure');
    case 'signout':
      return say('access_log.signout');
    case 'second_factor_change':
      return say(f.action === 'second-factor.enrol' ? 'access_log.second_factor_enrol' : 'access_log.second_factor_remove');
    case 'consent_change':
      return say(f.action === 'consent.grant' ? 'access_log.consent_grant' : 'access_log.consent_withdraw');
    case 'token_grant':
      return say(f.level ? 'access_log.token_grant' : 'access_log.token_grant.no_level');
    case 'id_number_release':
      return say('access_log.id_number_release');
    case 'licence_verified':
      return say('access_log.licence_verified');
    case 'verified':
      return say(
        f.verified === 'seal'
          ? 'access_log.verified.seal'
          : f.verified === 'certificate'
            ? 'access_log.verified.certificate'
            : f.verified === 'signature' || f.verified === 'document'
              ? 'access_log.verified.document'
              : 'access_log.verified',
      );
    case 'share_opened':
      return say('access_log.share_opened');
    case 'share_change':
      return say(f.action === 'licence.share.create' ? 'access_log.share_create' : 'access_log.share_withdraw');
    case 'licence_change':
      return f.action === 'licence.issue' && f.portal
        ? say('access_log.licence_issue')
        : accessLogText(lang, 'access_log.licence_status', { ...vars, what: status });
    case 'certificate_change':
      return accessLogText(lang, 'access_log.certificate_status', { ...vars, what: status });
    case 'seal_change':
      return accessLogText(lang, 'access_log.seal_status', { ...vars, what: status });
    case 'seal_used':
      return say('access_log.seal_used');
    case 'registry_change':
      return say('access_log.registry_change');
    case 'operator_action':
      return say('access_log.operator_action');
    case 'other':
      return say('access_log.other');
  }
}

/**
 * A second sentence: a verification's result; what to do about a failed sign-in; that a shown
 * licence's link no longer worked; how anything else that did not succeed ended.
 */
export function noteOf(lang: Lang, f: Pick<Facts, 'kind' | 'outcome' | 'verdict'>): string | undefined {
  if (f.verdict) return accessLogText(lang, `access_log.verdict.${f.verdict}`);
  if (f.outcome === 'success') return undefined;
  if (f.kind === 'share_opened') return accessLogText(lang, 'access_log.share_opened.refused');
  if (f.kind === 'signin' || f.kind === 'signin_second_factor') return accessLogText(lang, 'access_log.not_you');
  return accessLogText(lang, f.outcome === 'failure' ? 'access_log.outcome.failure' : 'access_log.outcome.refused');
}

const both = (make: (lang: Lang) => string): Bilingual => ({ zh: make('zh-CN'), en: make('en') });

@Injectable()
export class AccessLog {
  constructor(
    private readonly audit: AuditService,
    private readonly accounts: AccountsService,
    private readonly agents: EnterpriseAgentsService,
    private readonly registry: RegistryService,
    private readonly clients: ClientStore,
  ) {}

  /**
   * A person's log: their account, their ID number's blind indexes, and the enterprises whose
   * legal representative they are in the register (each by its USCC and its account).
   */
  async ofPerson(accountId: string): Promise<AccessLogViewer> {
    const idNumber = await this.accounts.revealIdNumber(accountId).catch((err: unknown) => {
      if (err instanceof ApiError && err.getStatus() < 500) return undefined;
      throw err;
    });
    const [indexes, enterprises] = await Promise.all([
      idNumber ? this.audit.citizenSubjects(idNumber) : [],
      idNumber ? this.registry.enterprisesRepresentedBy(idNumber) : [],
    ]);
    const represented = enterprises.map((e) => ({ uscc: e.uscc, name: e.name }));
    return {
      subjects: [{ kind: 'account', id: accountId }, ...indexes, ...represented.flatMap((e) => enterpriseSubjects(e.uscc))],
      enterprises: represented,
    };
  }

  /**
   * An enterprise session's log: the enterprise's entries only, while the person still acts for
   * it (as the session itself lasts: design §5). 403 not_authorised otherwise.
   */
  async ofEnterpriseSession(actor: EnterpriseActor): Promise<AccessLogViewer> {
    const [enterprise, authorisation] = await Promise.all([
      this.registry.findEnterprise(actor.uscc),
      this.agents.authorisationFor(actor.uscc, actor.personAccountId),
    ]);
    if (!enterprise || !authorisation)
      throw new ApiError(403, 'not_authorised', 'the person who signed in no longer acts for this enterprise');
    const named = { uscc: enterprise.uscc, name: enterprise.name };
    return { subjects: enterpriseSubjects(enterprise.uscc), enterprises: [named], enterpriseSession: named };
  }

  /** The log of whoever an access token or a session speaks for (an account id, or an enterprise session's). */
  async of(accountId: string): Promise<AccessLogViewer> {
    const actor = parseEnterpriseAccountId(accountId);
    return actor ? this.ofEnterpriseSession(actor) : this.ofPerson(accountId);
  }

  /**
   * One page of the viewer's log, newest first: entries before `before` (a seq), at most `limit`.
   * A portal renewing its tokens (a refresh-token grant) is left out: the sign-in it follows is
   * listed, and a renewal every few minutes would bury it.
   */
  async page(viewer: AccessLogViewer, page: { before?: number; limit: number }): Promise<AccessLogPage> {
    const limit = Math.max(1, Math.min(page.limit, ACCESS_LOG_MAX_LIMIT));
    const listed: AuditEntry[] = [];
    let before = page.before;
    let exhausted = false;
    // Reads until the page is full and one more is seen (whether there is an older page), a few rounds at most.
    for (let round = 0; round < READ_ROUNDS && listed.length <= limit && !exhausted; round++) {
      const read = await this.audit.forSubjects(viewer.subjects, {
        ...(before !== undefined ? { beforeSeq: before } : {}),
        limit: limit + 1,
      });
      exhausted = read.length <= limit;
      for (const entry of read) {
        before = before === undefined ? entry.seq : Math.min(before, entry.seq);
        if (listed.length <= limit && belongsTo(entry, viewer) && listable(entry)) listed.push(entry);
      }
      if (!read.length) exhausted = true;
    }
    listed.sort((a, b) => b.seq - a.seq);
    const shown = listed.slice(0, limit);
    const more = listed.length > limit || (!exhausted && before !== undefined);
    const cursor = listed.length > limit ? shown[shown.length - 1].seq : before;
    const names = new Names(this.clients, this.registry, this.accounts, viewer);
    const items = await Promise.all(shown.map((e) => this.item(e, names)));
    return { items, ...(more && cursor !== undefined ? { nextBefore: cursor } : {}) };
  }

  private async item(entry: AuditEntry, names: Names): Promise<AccessLogItem> {
    const kind = kindOf(entry);
    const clientId = entry.client ?? (entry.actor.kind === 'client' ? entry.actor.id : undefined);
    const uscc = enterpriseOfSubject(entry.subject);
    const agentId = uscc ? agentAccountOf(entry) : undefined;
    const [portal, enterprise, agent] = await Promise.all([
      clientId ? names.portal(clientId) : undefined,
      uscc ? names.enterprise(uscc) : undefined,
      agentId ? names.person(agentId) : undefined,
    ]);
    // A portal redeeming the code of a sign-in (the SSO session's, when no password was asked) says at which level too.
    const level = kind === 'signin' || kind === 'token_grant' ? levelOf(entry) : undefined;
    const licenceId = entry.object ? (canonicalLicenceId(entry.object) ?? undefined) : undefined;
    const verdict = verdictOf(entry);
    const verified = entry.action === 'verify' && typeof entry.details?.kind === 'string' ? entry.details.kind : undefined;
    const at = new Date(entry.at);
    const facts: Facts = {
      at,
      kind,
      action: entry.action,
      outcome: entry.outcome,
      ...(portal ? { portal } : {}),
      ...(level ? { level: level.loa } : {}),
      ...(uscc ? { enterprise: enterprise ?? uscc } : {}),
      ...(agentId ? { agent: agent ?? null } : {}),
      ...(verified ? { verified } : {}),
      ...(verdict ? { verdict } : {}),
    };
    const note = noteOf('zh-CN', facts) ? both((lang) => noteOf(lang, facts)!) : undefined;
    return {
      seq: entry.seq,
      at,
      kind,
      action: entry.action,
      outcome: entry.outcome,
      ...(clientId && portal ? { portal: { clientId, name: portal } } : {}),
      ...(level ? { level } : {}),
      ...(uscc ? { enterprise: { uscc, name: enterprise ?? null } } : {}),
      ...(agentId ? { agent: { name: agent ?? null } } : {}),
      ...(licenceId ? { licenceId } : {}),
      ...(verdict ? { verdict } : {}),
      summary: both((lang) => sentence(lang, facts)),
      ...(note ? { note } : {}),
    };
  }
}

/** An enterprise's subjects: its USCC and its account. */
function enterpriseSubjects(uscc: string): AuditSubject[] {
  return [
    { kind: 'enterprise', uscc },
    { kind: 'account', id: enterpriseAccount(uscc) },
  ];
}

/** Names looked up once per page: portals (both languages), enterprises, people who acted for an enterprise. */
class Names {
  private readonly portals = new Map<string, Promise<Bilingual>>();
  private readonly enterprises = new Map<string, Promise<string | undefined>>();
  private readonly people = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly clients: ClientStore,
    private readonly registry: RegistryService,
    private readonly accounts: AccountsService,
    viewer: AccessLogViewer,
  ) {
    for (const e of viewer.enterprises) this.enterprises.set(e.uscc, Promise.resolve(e.name));
  }

  portal(clientId: string): Promise<Bilingual> {
    let found = this.portals.get(clientId);
    if (!found) {
      found = this.clients.get(clientId).then((client) => {
        const metadata = client?.metadata as Record<string, unknown> | undefined;
        return { zh: portalName(metadata, 'zh-CN', clientId), en: portalName(metadata, 'en', clientId) };
      });
      this.portals.set(clientId, found);
    }
    return found;
  }

  enterprise(uscc: string): Promise<string | undefined> {
    let found = this.enterprises.get(uscc);
    if (!found) {
      found = this.registry.findEnterprise(uscc).then((e) => e?.name);
      this.enterprises.set(uscc, found);
    }
    return found;
  }

  person(accountId: string): Promise<string | undefined> {
    let found = this.people.get(accountId);
    if (!found) {
      found = this.accounts.findById(accountId).then((a) => a?.name);
      this.people.set(accountId, found);
    }
    return found;
  }
}
