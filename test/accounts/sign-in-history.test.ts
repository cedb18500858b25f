import { DataSource } from 'typeorm';
import { AccountsService, SIGN_IN_HISTORY_LIMIT } from '../../src/accounts/accounts.service.js';
import { maskIp } from '../../src/accounts/ip-mask.js';
import { checkNewPassword, commonPasswordSet } from '../../src/accounts/password-policy.js';
import { TERMS_VERSION } from '../../src/accounts/terms.js';
import { portalName } from '../../src/clients/client-names.js';
import { ClientStore } from '../../src/clients/client-store.js';
import { ClientsService } from '../../src/clients/clients.service.js';
import { OidcProviderService } from '../../src/oidc/oidc-provider.service.js';
import { encodedCommonPasswords, fnv1a32 } from '../../src/pages/scripts/password-strength.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { newCitizen } from '../support/citizens.js';
import { backend } from '../support/test-env.js';

describe('maskIp: what the sign-in history keeps of an address', () => {
  test.each([
    ['203.0.113.57', '203.0.113.*'],
    ['::ffff:198.51.100.7', '198.51.100.*'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3:…:*'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:…:*'],
    ['::1', '0:0:0:…:*'],
    ['fe80::1%eth0', 'fe80:0:0:…:*'],
    ['', '—'],
    [undefined, '—'],
    ['not an address', '—'],
  ])('%s → %s', (ip, masked) => {
    expect(maskIp(ip)).toBe(masked);
  });
});

describe('the password meter knows what the server knows', () => {
  test('every common password of 8 to 128 characters is in the meter’s list, by its hash', () => {
    const bytes = Buffer.from(encodedCommonPasswords(), 'base64');
    const hashes = new Set<number>();
    let value = 0;
    let delta = 0;
    let scale = 1;
    for (const b of bytes) {
      delta += (b & 0x7f) * scale;
      if (b & 0x80) {
        scale *= 128;
        continue;
      }
      value += delta;
      hashes.add(value);
      delta = 0;
      scale = 1;
    }
    let checked = 0;
    for (const password of commonPasswordSet()) {
      if (password.length < 8) continue;
      expect(checkNewPassword(password, null)).toContain('COMMON');
      expect(hashes.has(fnv1a32(password))).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(hashes.has(fnv1a32('lantern river copper morning'))).toBe(false);
  });

  test('FNV-1a 32 as the page computes it (reference vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(fnv1a32('密码')).toBe(0xdbaf4155); // over the UTF-8 bytes, as TextEncoder gives them
  });
});

describe('portalName: a portal in the page’s language', () => {
  test('the tagged name for the language, else client_name, else the id', () => {
    const metadata = { client_name: '税务门户', 'client_name#en': 'Tax portal' };
    expect(portalName(metadata, 'zh-CN', 'tax')).toBe('税务门户');
    expect(portalName(metadata, 'en', 'tax')).toBe('Tax portal');
    expect(portalName({ client_name: '税务门户' }, 'en', 'tax')).toBe('税务门户');
    expect(portalName({ client_name: 'x · y', 'client_name#zh-CN': '通办账户中心' }, 'zh-CN', 'a')).toBe('通办账户中心');
    expect(portalName(undefined, 'en', 'tax')).toBe('tax');
    expect(portalName({ client_name: '  ' }, 'en', 'tax')).toBe('tax');
  });
});

describe(`sign-in history, terms acceptance and English portal names on ${backend}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('a sign-in is recorded with the address masked; only the newest 20 are kept, newest first', async () => {
    const accounts = t.app.get(AccountsService);
    const citizen = await newCitizen(t.app);
    const other = await newCitizen(t.app);
    await accounts.recordSignIn({
      accountId: other.accountId,
      clientId: 'portal-x',
      acr: 'urn:tongban:loa:1',
      amr: ['pwd'],
      ip: '192.0.2.1',
    });
    for (let i = 0; i < SIGN_IN_HISTORY_LIMIT + 5; i++) {
      await accounts.recordSignIn({
        accountId: citizen.accountId,
        clientId: `portal-${i}`,
        acr: i % 2 ? 'urn:tongban:loa:2' : 'urn:tongban:loa:1',
        amr: i % 2 ? ['pwd', 'otp'] : ['pwd'],
        ip: `203.0.113.${i}`,
      });
    }
    const history = await accounts.signInHistory(citizen.accountId);
    expect(history).toHaveLength(SIGN_IN_HISTORY_LIMIT);
    expect(history[0]).toMatchObject({
      clientId: `portal-${SIGN_IN_HISTORY_LIMIT + 4}`,
      acr: 'urn:tongban:loa:1',
      amr: ['pwd'],
      enterprise: false,
      ipMasked: '203.0.113.*',
    });
    expect(history.at(-1)!.clientId).toBe('portal-5');
    const [{ n }] = await t.app
      .get(DataSource)
      .query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM accounts_sign_ins WHERE account_id = $1`, [citizen.accountId]);
    expect(n).toBe(SIGN_IN_HISTORY_LIMIT);
    // No full address is stored anywhere in the table.
    const stored = await t.app.get(DataSource).query<Array<{ ip_masked: string }>>(`SELECT ip_masked FROM accounts_sign_ins`);
    expect(stored.every((row) => row.ip_masked.endsWith('*'))).toBe(true);
    // The other account's history is its own.
    expect(await accounts.signInHistory(other.accountId)).toHaveLength(1);
    expect(await accounts.signInHistory('not-a-uuid')).toEqual([]);
  });

  test('registration stores the version of the terms accepted, and when', async () => {
    const accounts = t.app.get(AccountsService);
    const citizen = await newCitizen(t.app, { account: false });
    const before = Date.now();
    const account = await accounts.register({ ...citizen, termsVersion: TERMS_VERSION });
    const acceptance = await accounts.termsAcceptance(account.id);
    expect(acceptance?.version).toBe(TERMS_VERSION);
    expect(acceptance!.acceptedAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
    // Without them (the demo seed, tests): nothing recorded.
    const seeded = await newCitizen(t.app);
    expect(await accounts.termsAcceptance(seeded.accountId)).toBeNull();
  });

  test('a client registers an English name (client_name#en); the provider still loads it', async () => {
    const clients = t.app.get(ClientsService);
    await clients.register({
      client_id: 'tax-portal-en',
      client_name: '税务门户',
      'client_name#en': 'Tax portal',
      redirect_uris: ['https://tax.example.gov.cn/callback'],
    });
    const stored = await clients.get('tax-portal-en');
    expect(stored).toMatchObject({ client_name: '税务门户', 'client_name#en': 'Tax portal' });
    expect(await t.app.get(ClientStore).exists('tax-portal-en')).toBe(true);
    // oidc-provider drops the tagged name when it loads the client, and loads it all the same.
    const loaded = await t.app.get(OidcProviderService).provider.Client.find('tax-portal-en');
    expect(loaded?.clientName).toBe('税务门户');
  });

  test('the OpenAPI document offers client_name#en', async () => {
    const doc = await t.http.get('/api/docs/openapi.json').expect(200);
    expect(doc.body.components.schemas.ClientRegistration.properties['client_name#en']).toMatchObject({ type: 'string', maxLength: 200 });
    expect(doc.body.components.schemas.Client.properties['client_name#en']).toMatchObject({ type: 'string' });
  });
});
