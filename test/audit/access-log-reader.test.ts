import type { AccountsService } from '../../src/accounts/accounts.service.js';
import type { EnterpriseAgentsService } from '../../src/accounts/enterprise-agents.service.js';
import type { AuditEntry, AuditEvent, AuditSubject } from '../../src/audit/audit-event.js';
import type { AuditService } from '../../src/audit/audit.service.js';
import type { ClientStore } from '../../src/clients/client-store.js';
import { enterpriseAccountId } from '../../src/enterprise-login/enterprise-account.js';
import type { RegistryService } from '../../src/registry/registry.service.js';
import { AccessLog, belongsTo, kindOf, sentence, type AccessLogViewer } from '../../src/self-service/access-log.js';
import { accessLogPage } from '../../src/self-service/pages/access-log.js';

const ALICE = '6f1c2a3e-1111-4c5d-8e9f-0a1b2c3d4e5f';
const BOB = '6f1c2a3e-2222-4c5d-8e9f-0a1b2c3d4e5f';
const AGENT = '6f1c2a3e-3333-4c5d-8e9f-0a1b2c3d4e5f';
const USCC = '91350100MA2YTB8K4L';
const ALICE_INDEX = 'a'.repeat(64);

/** An audit log in memory with forSubjects as the service answers it: exact subjects, below beforeSeq, newest first. */
class MemoryAudit {
  entries: AuditEntry[] = [];
  reads = 0;

  add(event: AuditEvent): number {
    const seq = this.entries.length;
    this.entries.push({ ...event, seq, at: new Date(Date.UTC(2026, 11, 7, 6, 3) + seq * 1000).toISOString() });
    return seq;
  }

  forSubjects(subjects: AuditSubject[], page: { beforeSeq?: number; limit: number }): Promise<AuditEntry[]> {
    this.reads++;
    const key = (s: AuditSubject) => JSON.stringify(s);
    const wanted = new Set(subjects.map(key));
    return Promise.resolve(
      this.entries
        .filter((e) => e.subject && wanted.has(key(e.subject)) && e.seq < (page.beforeSeq ?? Infinity))
        .sort((a, b) => b.seq - a.seq)
        .slice(0, page.limit),
    );
  }

  citizenSubjects(): Promise<AuditSubject[]> {
    return Promise.resolve([{ kind: 'citizen-index', index: ALICE_INDEX }]);
  }
}

function reader(audit: MemoryAudit, options: { agentAuthorised?: boolean } = {}): AccessLog {
  const accounts = {
    revealIdNumber: (id: string) => Promise.resolve(id === ALICE ? '110105199003071239' : '110105199003072992'),
    findById: (id: string) => Promise.resolve(id === AGENT ? { name: '王五' } : null),
  } as unknown as AccountsService;
  const agents = {
    authorisationFor: () => Promise.resolve(options.agentAuthorised === false ? null : { role: 'operator' }),
  } as unknown as EnterpriseAgentsService;
  const registry = {
    enterprisesRepresentedBy: (idNumber: string) =>
      Promise.resolve(idNumber === '110105199003071239' ? [{ uscc: USCC, name: '福州示范科技有限公司' }] : []),
    findEnterprise: (uscc: string) => Promise.resolve(uscc === USCC ? { uscc, name: '福州示范科技有限公司' } : null),
  } as unknown as RegistryService;
  const clients = {
    get: (clientId: string) =>
      Promise.resolve(clientId === 'portal-a' ? { metadata: { client_name: '示范门户', 'client_name#en': 'Demo portal' } } : undefined),
  } as unknown as ClientStore;
  return new AccessLog(audit as unknown as AuditService, accounts, agents, registry, clients);
}

const signin = (subject: AuditSubject, extra: Partial<AuditEvent> = {}): AuditEvent => ({
  action: 'signin',
  actor: subject.kind === 'account' ? { kind: 'account', id: subject.id } : { kind: 'system', id: 'anonymous' },
  subject,
  client: 'portal-a',
  outcome: 'success',
  details: { acr: 'urn:tongban:loa:2' },
  ...extra,
});
const refresh = (subject: AuditSubject): AuditEvent => ({
  action: 'token.grant',
  actor: { kind: 'client', id: 'portal-a' },
  subject,
  client: 'portal-a',
  outcome: 'success',
  details: { grant_type: 'refresh_token' },
});

/**
 * AccessLog without a database (the HTTP and browser tests run it on one): whose entries it reads,
 * how it pages when entries are left out (refresh-token grants), enterprise sessions, the words.
 */
describe('AccessLog', () => {
  const alice = { kind: 'account', id: ALICE } as const;

  it("a person's subjects: the account, the ID number's blind indexes, and the enterprises they represent", async () => {
    const viewer = await reader(new MemoryAudit()).ofPerson(ALICE);
    expect(viewer.subjects).toEqual([
      alice,
      { kind: 'citizen-index', index: ALICE_INDEX },
      { kind: 'enterprise', uscc: USCC },
      { kind: 'account', id: `enterprise:${USCC}` },
    ]);
    expect(viewer.enterprises).toEqual([{ uscc: USCC, name: '福州示范科技有限公司' }]);
    expect((await reader(new MemoryAudit()).ofPerson(BOB)).subjects).toEqual([
      { kind: 'account', id: BOB },
      { kind: 'citizen-index', index: ALICE_INDEX },
    ]);
  });

  it("an enterprise session reads the enterprise's entries only, while the person still acts for it", async () => {
    const session = enterpriseAccountId({ uscc: USCC, personAccountId: AGENT, certificateSerial: '0A1B' });
    const viewer = await reader(new MemoryAudit()).of(session);
    expect(viewer.subjects).toEqual([
      { kind: 'enterprise', uscc: USCC },
      { kind: 'account', id: `enterprise:${USCC}` },
    ]);
    expect(viewer.enterpriseSession).toEqual({ uscc: USCC, name: '福州示范科技有限公司' });
    await expect(reader(new MemoryAudit(), { agentAuthorised: false }).of(session)).rejects.toMatchObject({
      response: { error: 'not_authorised' },
    });
  });

  it('pages past refresh-token grants: the cursor where the next page starts, no gap and no repeat', async () => {
    const audit = new MemoryAudit();
    const listed: number[] = [];
    for (let i = 0; i < 40; i++) {
      listed.push(audit.add(signin(alice)));
      // Many renewals between sign-ins: a read of limit+1 entries comes up short.
      for (let j = 0; j < 7; j++) audit.add(refresh(alice));
    }
    audit.add(signin({ kind: 'account', id: BOB }));
    const log = reader(audit);
    const viewer = await log.ofPerson(ALICE);
    const seen: number[] = [];
    let before: number | undefined;
    for (let page = 0; page < 20; page++) {
      const answer = await log.page(viewer, { before, limit: 6 });
      expect(answer.items.length).toBeLessThanOrEqual(6);
      if (answer.nextBefore !== undefined) expect(answer.items.length).toBeGreaterThan(0);
      seen.push(...answer.items.map((i) => i.seq));
      expect(answer.items.every((i) => i.kind === 'signin')).toBe(true);
      if (answer.nextBefore === undefined) break;
      before = answer.nextBefore;
    }
    expect(seen).toEqual([...listed].reverse());
  });

  it('a page is full when there are enough entries, and the last one says there is nothing older', async () => {
    const audit = new MemoryAudit();
    for (let i = 0; i < 5; i++) audit.add(signin(alice));
    const log = reader(audit);
    const viewer = await log.ofPerson(ALICE);
    const first = await log.page(viewer, { limit: 3 });
    expect(first.items.map((i) => i.seq)).toEqual([4, 3, 2]);
    expect(first.nextBefore).toBe(2);
    const last = await log.page(viewer, { before: 2, limit: 3 });
    expect(last.items.map((i) => i.seq)).toEqual([1, 0]);
    expect(last.nextBefore).toBeUndefined();
    expect(await log.page(viewer, { before: 0, limit: 3 })).toEqual({ items: [] });
  });

  it("an entry of someone else's that the store returned anyway is not shown", async () => {
    const audit = new MemoryAudit();
    const mine = audit.add(signin(alice));
    const theirs = audit.add(signin({ kind: 'account', id: BOB }));
    // A store that answers too much: every entry, whoever it concerns.
    audit.forSubjects = (_subjects, page) => Promise.resolve(audit.entries.filter((e) => e.seq < (page.beforeSeq ?? Infinity)).reverse());
    const log = reader(audit);
    const items = (await log.page(await log.ofPerson(ALICE), { limit: 10 })).items.map((i) => i.seq);
    expect(items).toEqual([mine]);
    expect(items).not.toContain(theirs);
  });

  it("the legal representative's view names who signed in for the enterprise, from the actor (the person, or the session's account)", async () => {
    const audit = new MemoryAudit();
    const session = enterpriseAccountId({ uscc: USCC, personAccountId: AGENT, certificateSerial: '0A1B' });
    audit.add(signin({ kind: 'enterprise', uscc: USCC }, { actor: { kind: 'account', id: AGENT }, details: { acr: 'urn:tongban:loa:3' } }));
    audit.add(signin({ kind: 'account', id: `enterprise:${USCC}` }, { actor: { kind: 'account', id: session } }));
    const log = reader(audit);
    const { items } = await log.page(await log.ofPerson(ALICE), { limit: 10 });
    expect(items.map((i) => [i.enterprise, i.agent])).toEqual([
      [{ uscc: USCC, name: '福州示范科技有限公司' }, { name: '王五' }],
      [{ uscc: USCC, name: '福州示范科技有限公司' }, { name: '王五' }],
    ]);
    expect(items[1].summary).toEqual({
      zh: '王五 于 2026年12月7日 14:03 代表福州示范科技有限公司以“高”级别登录 示范门户。',
      en: 'On Dec 7, 2026, 14:03, 王五 signed in to Demo portal for 福州示范科技有限公司 at the high level.',
    });
    // Bob represents nothing: none of it is his.
    expect((await log.page(await log.ofPerson(BOB), { limit: 10 })).items).toEqual([]);
  });

  it("a verification says what was checked and its result; a shown licence's dead link says nothing was shown", async () => {
    const audit = new MemoryAudit();
    const check = (details: Record<string, string>) =>
      audit.add({
        action: 'verify',
        actor: { kind: 'client', id: 'portal-a' },
        client: 'portal-a',
        subject: alice,
        outcome: 'success',
        details,
      });
    check({ kind: 'seal', indication: 'TOTAL_FAILED' });
    check({ kind: 'licence', indication: 'TOTAL_PASSED' });
    check({ kind: 'document', indication: 'INDETERMINATE' });
    audit.add({ action: 'licence.share.open', actor: { kind: 'system', id: 'anonymous' }, subject: alice, outcome: 'refused' });
    const log = reader(audit);
    const { items } = await log.page(await log.ofPerson(ALICE), { limit: 10 });
    expect(items.map((i) => [i.kind, i.verdict, i.summary.zh, i.note?.zh])).toEqual([
      ['share_opened', undefined, '有人于 2026年12月7日 14:03 打开了您出示证照（亮证）的链接。', '链接已失效，对方没有看到证照内容。'],
      ['verified', 'indeterminate', '示范门户 于 2026年12月7日 14:03 核验了一份盖有您的电子印章的文件。', '核验结果：暂时无法确定。'],
      ['licence_verified', 'valid', '示范门户 于 2026年12月7日 14:03 核验了您的电子证照。', '核验结果：有效。'],
      ['verified', 'invalid', '示范门户 于 2026年12月7日 14:03 核验了您的电子印章。', '核验结果：无效。'],
    ]);
    expect(items[3].note?.en).toBe('The result: not valid.');
  });

  it('belongsTo: only the viewer’s subjects, or an enterprise session of their enterprise', () => {
    const viewer: Pick<AccessLogViewer, 'subjects' | 'enterprises'> = {
      subjects: [alice, { kind: 'enterprise', uscc: USCC }],
      enterprises: [{ uscc: USCC, name: 'x' }],
    };
    expect(belongsTo({ subject: alice }, viewer)).toBe(true);
    expect(belongsTo({ subject: { kind: 'account', id: BOB } }, viewer)).toBe(false);
    expect(belongsTo({}, viewer)).toBe(false);
    expect(belongsTo({ subject: { kind: 'account', id: `enterprise:${USCC}:${AGENT}:0A` } }, viewer)).toBe(true);
    expect(belongsTo({ subject: { kind: 'account', id: `enterprise:91110000MA00000000:${AGENT}:0A` } }, viewer)).toBe(false);
    expect(belongsTo({ subject: { kind: 'citizen-index', index: ALICE_INDEX } }, viewer)).toBe(false);
  });

  it('says each kind in a sentence without protocol words; a failed one says what to do', () => {
    const at = new Date(Date.UTC(2026, 11, 7, 6, 3));
    const portal = { zh: '浙里办', en: 'Zhelibao' };
    expect(sentence('zh-CN', { at, kind: 'signin', action: 'signin', outcome: 'success', portal, level: 3 })).toBe(
      '浙里办 于 2026年12月7日 14:03 以“高”级别为您登录。',
    );
    expect(sentence('en', { at, kind: 'signin', action: 'signin', outcome: 'success', portal, level: 3 })).toBe(
      'On Dec 7, 2026, 14:03, Zhelibao signed you in at the high level.',
    );
    expect(kindOf({ action: 'verify', actor: { kind: 'client', id: 'x' }, object: 'not-a-licence' })).toBe('verified');
    expect(kindOf({ action: 'licence.revoke', actor: { kind: 'operator', id: 'ops' } })).toBe('operator_action');
    const texts = (
      [
        ['claim.id_number.release', 'id_number_release'],
        ['licence.share.open', 'share_opened'],
        ['licence.suspend', 'licence_change'],
        ['seal.stamp', 'seal_used'],
        ['second-factor.enrol', 'second_factor_change'],
        ['consent.withdraw', 'consent_change'],
        ['key.rotate', 'other'],
      ] as const
    ).flatMap(([action, kind]) =>
      (['zh-CN', 'en'] as const).map((lang) => sentence(lang, { at, kind, action, outcome: 'success', portal, enterprise: '某公司' })),
    );
    for (const text of texts) expect(text).not.toMatch(/\{|\}|urn:|acr|id_number|access_log\.|undefined/);
    expect(texts[0]).toBe('浙里办 于 2026年12月7日 14:03 获得了您的身份证号。');
  });

  it('the page says so when nothing is recorded, or nothing earlier', () => {
    const base = { lang: 'zh-CN' as const, switchLangUrl: '/account/access-log?lang=en', enterprises: [] };
    const empty = accessLogPage({ ...base, rows: [] });
    expect(empty).toContain('还没有任何记录。');
    expect(empty).not.toContain('更早的记录');
    const past = accessLogPage({ ...base, rows: [], newestUrl: '/account/access-log' });
    expect(past).toContain('没有更早的记录了。');
    expect(past).toContain('回到最新的记录');
    const represented = accessLogPage({ ...base, rows: [], enterprises: ['甲公司', '乙公司'] });
    expect(represented).toContain('您是甲公司、乙公司的法定代表人');
  });
});
