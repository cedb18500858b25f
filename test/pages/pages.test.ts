import { consentItems, consentPage, loginPage, logoutPage, logoutSuccessPage, otpPage } from '../../src/oidc/pages/index.js';
import { errorPage, langFromRequest, type Lang, messages, t } from '../../src/pages/index.js';
import { ERROR_KINDS } from '../../src/pages/error.js';
import { forgotPasswordPage, helpPage, homePage, privacyPage, termsPage } from '../../src/site/pages/site-pages.js';
import { escapeHtml, safeUrl } from '../../src/pages/html.js';
import { accountPage, groupSecret } from '../../src/self-service/pages/account.js';
import { registerPage, registeredPage } from '../../src/self-service/pages/register.js';

// ---------------------------------------------------------------------------------------------
// A tiny HTML reader: enough for pages we generate ourselves (double-quoted attributes only).
// ---------------------------------------------------------------------------------------------

type Attrs = Record<string, string | true>;

interface Tag {
  name: string;
  attrs: Attrs;
  index: number;
}

const VOID = new Set(['meta', 'input', 'br', 'hr', 'img', 'link', 'source', 'wbr', 'area', 'base', 'col', 'embed', 'track']);

function withoutStyle(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/g, '<style></style>');
}

function parseAttrs(text: string): Attrs {
  const attrs: Attrs = {};
  for (const m of text.matchAll(/([^\s=/>]+)(?:="([^"]*)")?/g)) attrs[m[1]] = m[2] ?? true;
  return attrs;
}

function tags(html: string, name?: string): Tag[] {
  const out: Tag[] = [];
  for (const m of withoutStyle(html).matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^>]*?)?)\s*\/?>/g)) {
    const tagName = m[1].toLowerCase();
    if (name === undefined || tagName === name) out.push({ name: tagName, attrs: parseAttrs(m[2] ?? ''), index: m.index });
  }
  return out;
}

interface Form {
  attrs: Attrs;
  inner: string;
  index: number;
}

function forms(html: string): Form[] {
  return [...withoutStyle(html).matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map((m) => ({
    attrs: parseAttrs(m[1]),
    inner: m[2],
    index: m.index,
  }));
}

function postForms(html: string): Form[] {
  return forms(html).filter((f) => String(f.attrs['method']).toLowerCase() === 'post' && f.attrs['id'] !== 'op.logoutForm');
}

function formPostingTo(html: string, action: string): Form {
  const found = forms(html).filter((f) => f.attrs['action'] === escapeHtml(action));
  expect(found).toHaveLength(1);
  return found[0];
}

function input(html: string, id: string): Attrs {
  const found = tags(html, 'input').filter((i) => i.attrs['id'] === id);
  expect(found).toHaveLength(1);
  return found[0].attrs;
}

function byRole(html: string, role: string): Array<{ attrs: Attrs; text: string; index: number }> {
  return [...withoutStyle(html).matchAll(/<(div|p|section)\b([^>]*\brole="([^"]+)"[^>]*)>([\s\S]*?)<\/\1>/g)]
    .filter((m) => m[3] === role)
    .map((m) => ({ attrs: parseAttrs(m[2]), text: textOf(m[4]), index: m.index }));
}

function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Text of the element with this id (div, p, span, h1, h2, button, label). */
function textById(html: string, id: string): string {
  const m = new RegExp(`<([a-z0-9]+)\\b[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(withoutStyle(html));
  return m ? textOf(m[2]) : '';
}

/** Start and end tags balance (void elements and `/>` excepted). */
function expectWellFormed(html: string): void {
  const stack: string[] = [];
  for (const m of withoutStyle(html).matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = m;
    const name = rawName.toLowerCase();
    if (VOID.has(name) || selfClosing) continue;
    if (!closing) stack.push(name);
    else expect(`${stack.pop()} closed by ${name}`).toBe(`${name} closed by ${name}`);
  }
  expect(stack).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const LANGS: Lang[] = ['zh-CN', 'en'];
const CSRF = 'csrf-token-123';
const SWITCH = { 'zh-CN': '/interaction/abc?lang=en', en: '/interaction/abc?lang=zh-CN' } as const;
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><path fill="#000" d="M0 0h1v1H0z"/></svg>';
const PROVIDER_FORM =
  '<form id="op.logoutForm" method="post" action="/session/end/confirm"><input type="hidden" name="xsrf" value="x5rf-secret"/></form>';

function base(lang: Lang) {
  return { lang, switchLangUrl: SWITCH[lang], csrf: CSRF };
}

const login = (lang: Lang, extra: Partial<Parameters<typeof loginPage>[0]> = {}) =>
  loginPage({
    ...base(lang),
    actionUrl: '/interaction/abc/login',
    abortUrl: '/interaction/abc/abort',
    clientName: '电子税务局',
    registerUrl: '/register',
    ...extra,
  });

const otp = (lang: Lang, extra: Partial<Parameters<typeof otpPage>[0]> = {}) =>
  otpPage({
    ...base(lang),
    actionUrl: '/interaction/abc/otp',
    abortUrl: '/interaction/abc/abort',
    clientName: '电子税务局',
    accountNameMasked: '张*',
    ...extra,
  });

const consent = (lang: Lang, extra: Partial<Parameters<typeof consentPage>[0]> = {}) =>
  consentPage({
    ...base(lang),
    actionUrl: '/interaction/abc/confirm',
    abortUrl: '/interaction/abc/abort',
    clientName: '国家政务服务平台',
    clientUri: 'https://portal.example.gov.cn/',
    items: [
      { label: t(lang, 'claim.openid') },
      { label: t(lang, 'claim.profile') },
      { label: 'api', detail: 'https://api.example.gov.cn/' },
    ],
    who: { name: '张三', idNumberMasked: '110105********002X' },
    switchUrl: '/interaction/abc/switch',
    ...extra,
  });

const logout = (lang: Lang, extra: Partial<Parameters<typeof logoutPage>[0]> = {}) =>
  logoutPage({
    lang,
    switchLangUrl: SWITCH[lang],
    form: PROVIDER_FORM,
    clientName: '电子税务局',
    who: { name: '张三', idNumberMasked: '110105********002X' },
    sites: ['电子税务局', '上海市民云'],
    ...extra,
  });

const logoutSuccess = (lang: Lang, extra: Partial<Parameters<typeof logoutSuccessPage>[0]> = {}) =>
  logoutSuccessPage({
    lang,
    switchLangUrl: SWITCH[lang],
    clientName: '电子税务局',
    outcome: 'signed_out',
    returnUrl: '/etax/after-logout?state=s1',
    signedOutSites: ['电子税务局', '上海市民云'],
    ...extra,
  });

const error = (lang: Lang, extra: Partial<Parameters<typeof errorPage>[0]> = {}) =>
  errorPage({
    lang,
    switchLangUrl: SWITCH[lang],
    error: 'interaction_expired',
    requestId: 'req-7f3c-01',
    ...extra,
  });

const CONSENTS = [
  {
    clientName: '电子税务局',
    items: ['openid', 'profile', 'enterprise'],
    grantedAt: new Date('2024-06-15T20:00:00Z'), // 16 June in China Standard Time
    withdrawUrl: '/account/consents/1/withdraw',
  },
  {
    clientName: '上海市民云',
    items: ['openid', 'id_number_masked'],
    grantedAt: new Date('2025-01-02T02:00:00Z'),
    withdrawUrl: '/account/consents/2/withdraw',
  },
];

const account = (lang: Lang, extra: Partial<Parameters<typeof accountPage>[0]> = {}) =>
  accountPage({
    ...base(lang),
    name: '张三',
    idNumberMasked: '110105********002X',
    passwordUrl: '/account/password',
    totpEnabled: false,
    totpStartUrl: '/account/totp/start',
    totpConfirmUrl: '/account/totp/confirm',
    totpDisableUrl: '/account/totp/disable',
    consents: CONSENTS.map((c) => ({ ...c, items: c.items.map((k) => t(lang, `claim.${k}`)) })),
    logoutUrl: '/session/end',
    ...extra,
  });

const register = (lang: Lang, extra: Partial<Parameters<typeof registerPage>[0]> = {}) =>
  registerPage({ ...base(lang), actionUrl: '/register', loginUrl: '/account', ...extra });

/** Every page in many states, for the checks all pages must pass. */
function allPages(lang: Lang): Array<[string, string]> {
  return [
    ['login', login(lang)],
    ['login loa2', login(lang, { loa2Required: true })],
    ...(['invalid', 'locked', 'rate_limited', 'csrf', 'expired'] as const).map((e): [string, string] => [
      `login ${e}`,
      login(lang, { error: e, retryAfterMinutes: 5 }),
    ]),
    ['otp', otp(lang)],
    ['otp invalid_code', otp(lang, { error: 'invalid_code' })],
    ['otp csrf', otp(lang, { error: 'csrf' })],
    ['consent', consent(lang)],
    ['consent, nothing asked', consent(lang, { items: [], clientUri: undefined })],
    ['logout', logout(lang)],
    ['logout without client', logout(lang, { clientName: undefined })],
    ['logout success', logoutSuccess(lang)],
    ['logout success, nothing named', logoutSuccess(lang, { clientName: undefined, returnUrl: undefined, signedOutSites: [] })],
    [
      'logout success, left one website',
      logoutSuccess(lang, { outcome: 'left_portal', who: { name: '张三' }, stillSignedInSites: ['上海市民云'], signedOutSites: undefined }),
    ],
    ['logout success, still signed in', logoutSuccess(lang, { outcome: 'still_signed_in', clientName: undefined, who: { name: '张三' } })],
    ['error', error(lang)],
    ['error two-step', error(lang, { error: 'unmet_authentication_requirements', portal: { name: '电子税务局', url: '/etax' } })],
    ['error minimal', errorPage({ lang, switchLangUrl: SWITCH[lang] })],
    ['home', homePage({ lang, switchLangUrl: SWITCH[lang], demoSites: [{ name: '示范网站', url: '/demo/portal-a' }] })],
    ['help', helpPage({ lang, switchLangUrl: SWITCH[lang], origin: 'https://login.example.gov.cn' })],
    ['forgot password', forgotPasswordPage({ lang, switchLangUrl: SWITCH[lang] })],
    ['terms', termsPage({ lang, switchLangUrl: SWITCH[lang] })],
    ['privacy', privacyPage({ lang, switchLangUrl: SWITCH[lang] })],
    ['account', account(lang)],
    ['account with success flash', account(lang, { flash: { kind: 'success', text: t(lang, 'flash.password_changed') } })],
    ['account enrolling', account(lang, { totpEnrolment: { qrSvg: SVG, secret: 'JBSWY3DPEHPK3PXP' } })],
    [
      'account totp on, error flash',
      account(lang, {
        totpEnabled: true,
        consents: [],
        flash: { kind: 'error', text: t(lang, 'flash.invalid_code'), field: 'code' },
      }),
    ],
    ['register', register(lang)],
    [
      'register error',
      register(lang, {
        errors: {
          password_confirm: [t(lang, 'register.error.password_confirm.differs')],
          accept_terms: [t(lang, 'register.error.accept_terms.required')],
        },
        values: { name: '张三' },
      }),
    ],
    ['register, from a portal', register(lang, { returnTo: { uid: 'abcdefghij0123456789_', clientName: '电子税务局' } })],
    ['registered', registeredPage({ ...base(lang), name: '张三', idNumberMasked: '110105********002X' })],
    [
      'registered, back to a portal',
      registeredPage({
        ...base(lang),
        name: '张三',
        idNumberMasked: '110105********002X',
        returnTo: { url: '/interaction/abc', clientName: '电子税务局' },
      }),
    ],
  ];
}

// ---------------------------------------------------------------------------------------------
// What every page must do
// ---------------------------------------------------------------------------------------------

describe.each(LANGS)('every page, %s', (lang) => {
  const pages = allPages(lang);

  test.each(pages)('%s: an HTML5 document in the right language with the switch link', (_name, html) => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="' + lang + '">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).toContain(lang === 'en' ? 'tongban · Unified Identity' : '通办 · 统一身份认证');
    const switchLinks = tags(html, 'a').filter((a) => a.attrs['href'] === escapeHtml(SWITCH[lang]));
    expect(switchLinks).toHaveLength(1);
    const switchText = /<a class="lang-switch"[^>]*>([^<]*)<\/a>/.exec(html)?.[1];
    expect(switchText).toBe(lang === 'en' ? '中文' : 'English');
    expect(switchLinks[0].attrs['lang']).toBe(lang === 'en' ? 'zh-CN' : 'en');
    expect(tags(html, 'h1')).toHaveLength(1);
    expectWellFormed(html);
  });

  test.each(pages)('%s: no scripts but its own page scripts, and no external assets', (_name, html) => {
    // A page may load tongban's own enhancement scripts (/assets, CSP script-src 'self'), nothing inline.
    html = html.replace(/<script src="\/assets\/[a-z0-9-]+\.js\?v=[\w-]+" defer><\/script>\n/g, '');
    expect(html).not.toMatch(/<script/i);
    // One link element: tongban's own icon.
    expect(tags(html, 'link').map((l) => l.attrs)).toEqual([{ rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' }]);
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toMatch(/<iframe\b/i);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
    expect(html).not.toMatch(/@import|@font-face|url\(/i);
    expect(html).not.toMatch(/\bsrc(set)?=/i);
    const allowed = new Set([
      SWITCH[lang],
      '/',
      'https://portal.example.gov.cn/', // the portal's own address on the consent page
    ]);
    for (const tag of tags(html)) {
      for (const attr of ['href', 'action', 'formaction']) {
        const value = tag.attrs[attr];
        if (typeof value === 'string' && /^(https?:)?\/\//i.test(value)) expect(allowed).toContain(value);
      }
    }
  });

  test.each(pages)('%s: every POST form carries the CSRF token first; buttons are real submits', (_name, html) => {
    for (const form of postForms(html)) {
      expect(form.inner.trimStart().startsWith(`<input type="hidden" name="csrf" value="${CSRF}">`)).toBe(true);
      expect(form.inner.match(/name="csrf"/g)).toHaveLength(1);
    }
    // Every form posts, except a search that changes nothing (the home page's licence check, a GET to /v).
    for (const form of forms(html)) {
      const method = String(form.attrs['method']).toLowerCase();
      if (method === 'get')
        expect({ role: form.attrs['role'], csrf: form.inner.includes('name="csrf"') }).toEqual({ role: 'search', csrf: false });
      else expect(method).toBe('post');
    }
    // …except a page script's own button, rendered hidden: never shown where it would do nothing (the password's show/hide).
    for (const button of tags(html, 'button'))
      expect(button.attrs['type'] === 'submit' || (button.attrs['type'] === 'button' && button.attrs['hidden'] === true)).toBe(true);
  });

  test.each(pages)('%s: labels bound to inputs, ids unique, ARIA references resolve', (_name, html) => {
    const ids = tags(html)
      .map((tag) => tag.attrs['id'])
      .filter((id): id is string => typeof id === 'string');
    expect(new Set(ids).size).toBe(ids.length);
    const labelFors = tags(html, 'label').map((l) => l.attrs['for']);
    const visibleInputs = tags(html, 'input').filter((i) => i.attrs['type'] !== 'hidden');
    for (const i of visibleInputs) {
      expect(typeof i.attrs['id']).toBe('string');
      expect(labelFors).toContain(i.attrs['id']);
      expect(typeof i.attrs['name']).toBe('string');
    }
    for (const f of labelFors) expect(visibleInputs.map((i) => i.attrs['id'])).toContain(f);
    for (const tag of tags(html)) {
      for (const attr of ['aria-describedby', 'aria-labelledby']) {
        const value = tag.attrs[attr];
        if (typeof value === 'string') for (const ref of value.split(' ')) expect(ids).toContain(ref);
      }
      if (tag.attrs['aria-invalid'] !== undefined) {
        expect(tag.attrs['aria-invalid']).toBe('true');
        expect(tag.attrs['aria-describedby']).toBeDefined();
      }
    }
    // At most one autofocus, and alerts come before the forms.
    expect(tags(html).filter((tag) => tag.attrs['autofocus'] === true).length).toBeLessThanOrEqual(1);
    const firstForm = forms(html).find((f) => f.attrs['id'] !== 'op.logoutForm');
    for (const alert of byRole(html, 'alert')) if (firstForm) expect(alert.index).toBeLessThan(firstForm.index);
  });

  test.each(pages)('%s: never a password value, never a full ID number', (_name, html) => {
    for (const i of tags(html, 'input').filter((i) => i.attrs['type'] === 'password')) expect(i.attrs['value']).toBeUndefined();
    for (const i of tags(html, 'input').filter((i) => i.attrs['name'] === 'id_number')) expect(i.attrs['value']).toBeUndefined();
    expect(html).not.toMatch(/\d{17}[\dXx]/);
  });
});

// ---------------------------------------------------------------------------------------------
// Login
// ---------------------------------------------------------------------------------------------

describe('loginPage', () => {
  test.each(LANGS)('%s: posts id_number and password to the action, with the right autocomplete', (lang) => {
    const html = login(lang);
    const form = formPostingTo(html, '/interaction/abc/login');
    expect(form.inner).toContain('name="id_number"');
    expect(form.inner).toContain('name="password"');
    const id = input(html, 'id_number');
    expect(id).toMatchObject({
      type: 'text',
      name: 'id_number',
      autocomplete: 'username',
      maxlength: '18',
      autocapitalize: 'characters',
      spellcheck: 'false',
      autofocus: true,
    });
    expect(input(html, 'password')).toMatchObject({ type: 'password', name: 'password', autocomplete: 'current-password' });
    expect(input(html, 'password')['autofocus']).toBeUndefined();
    expect(textById(html, 'id_number-hint')).not.toBe('');
    expect(html).toContain(`<label for="id_number">${lang === 'en' ? 'ID number' : '身份证号'}</label>`);
    expect(html).toContain(`<label for="password">${lang === 'en' ? 'Password' : '密码'}</label>`);
    // Keyboard order: ID number, password, sign in, cancel.
    expect(html.indexOf('id="id_number"')).toBeLessThan(html.indexOf('id="password"'));
    expect(form.inner.indexOf('id="password"')).toBeLessThan(form.inner.indexOf('<button'));
  });

  test.each(LANGS)('%s: the cancel form posts only the CSRF token, naming the portal', (lang) => {
    const html = login(lang);
    const abort = formPostingTo(html, '/interaction/abc/abort');
    expect(tags(abort.inner, 'input')).toHaveLength(1);
    expect(textOf(abort.inner)).toContain(lang === 'en' ? 'Cancel and return to 电子税务局' : '取消，返回 电子税务局');
    expect(abort.index).toBeGreaterThan(formPostingTo(html, '/interaction/abc/login').index);
  });

  test('register link only when given', () => {
    expect(tags(login('zh-CN'), 'a').map((a) => a.attrs['href'])).toContain('/register');
    expect(tags(login('zh-CN', { registerUrl: undefined }), 'a').map((a) => a.attrs['href'])).not.toContain('/register');
  });

  test.each([
    ['zh-CN', 'invalid', '身份证号或密码不正确'],
    ['en', 'invalid', 'The ID number or password is incorrect'],
    ['zh-CN', 'locked', '请 5 分钟后再试'],
    ['en', 'locked', 'Too many failed attempts for this ID number. Try again in 5 minutes.'],
    ['zh-CN', 'rate_limited', '您所在网络的登录尝试过于频繁'],
    ['en', 'rate_limited', 'Too many sign-in attempts from your network'],
    ['zh-CN', 'csrf', '页面已过期'],
    ['en', 'csrf', 'This form has expired'],
    ['zh-CN', 'expired', '请返回“电子税务局”，重新发起登录'],
    ['en', 'expired', 'Return to 电子税务局 and start again'],
  ] as const)('%s %s: the message is in role="alert"', (lang, err, text) => {
    const html = login(lang, { error: err, retryAfterMinutes: 5 });
    const alerts = byRole(html, 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].text).toContain(text);
    expect(html).toMatch(new RegExp(`<title>${lang === 'en' ? 'Error: ' : '错误：'}`));
  });

  test('a wrong ID number/password marks both fields invalid, described by the alert', () => {
    for (const lang of LANGS) {
      const html = login(lang, { error: 'invalid' });
      const alertId = byRole(html, 'alert')[0].attrs['id'];
      for (const id of ['id_number', 'password']) {
        expect(input(html, id)['aria-invalid']).toBe('true');
        expect(String(input(html, id)['aria-describedby']).split(' ')).toContain(alertId);
      }
    }
  });

  test('other errors do not mark the fields invalid', () => {
    for (const err of ['locked', 'rate_limited', 'csrf'] as const) {
      const html = login('zh-CN', { error: err });
      expect(input(html, 'id_number')['aria-invalid']).toBeUndefined();
      expect(input(html, 'password')['aria-invalid']).toBeUndefined();
    }
  });

  test('the lock message never says whether the account exists, and handles minutes', () => {
    const zh = byRole(login('zh-CN', { error: 'locked', retryAfterMinutes: 14.2 }), 'alert')[0].text;
    expect(zh).toContain('15 分钟');
    expect(zh).not.toMatch(/账户已|账号已|不存在|已注册/);
    expect(byRole(login('en', { error: 'locked', retryAfterMinutes: 1 }), 'alert')[0].text).toContain('Try again in 1 minute.');
    expect(byRole(login('en', { error: 'locked' }), 'alert')[0].text).toContain('Try again later.');
    expect(byRole(login('en', { error: 'rate_limited', retryAfterMinutes: 30 }), 'alert')[0].text).toContain('30 minutes');
    expect(byRole(login('zh-CN', { error: 'rate_limited' }), 'alert')[0].text).toContain('请稍后再试');
  });

  test('an expired request shows only the message: no form can succeed', () => {
    const html = login('en', { error: 'expired' });
    expect(forms(html)).toHaveLength(0);
    expect(byRole(html, 'alert')).toHaveLength(1);
  });

  test('loa2Required adds the one-time-code note', () => {
    const note = (html: string) => /<p class="note">([^<]*)<\/p>/.exec(html)?.[1];
    expect(note(login('zh-CN', { loa2Required: true }))).toContain('动态验证码');
    expect(note(login('zh-CN'))).toBeUndefined();
    expect(note(login('en', { loa2Required: true }))).toContain('one-time code');
    // Before the form, so it is read before the password is typed.
    const html = login('en', { loa2Required: true });
    expect(html.indexOf('class="note"')).toBeLessThan(html.indexOf('<form'));
  });
});

// ---------------------------------------------------------------------------------------------
// Second factor
// ---------------------------------------------------------------------------------------------

describe('otpPage', () => {
  test.each(LANGS)('%s: posts `code` with a numeric one-time-code input', (lang) => {
    const html = otp(lang);
    const form = formPostingTo(html, '/interaction/abc/otp');
    expect(form.inner).toContain('name="code"');
    expect(input(html, 'code')).toMatchObject({
      type: 'text',
      name: 'code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      autofocus: true,
    });
    expect(html).toContain('张*');
    formPostingTo(html, '/interaction/abc/abort');
    expect(html).toContain(lang === 'en' ? 'Cancel and return to 电子税务局' : '取消，返回 电子税务局');
  });

  test('invalid_code: alert and aria-invalid; csrf: alert only', () => {
    const bad = otp('en', { error: 'invalid_code' });
    expect(byRole(bad, 'alert')[0].text).toContain('The code is incorrect');
    expect(input(bad, 'code')['aria-invalid']).toBe('true');
    expect(String(input(bad, 'code')['aria-describedby'])).toContain('otp-error');
    const csrf = otp('zh-CN', { error: 'csrf' });
    expect(byRole(csrf, 'alert')[0].text).toContain('页面已过期');
    expect(input(csrf, 'code')['aria-invalid']).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Consent
// ---------------------------------------------------------------------------------------------

describe('consentPage', () => {
  test.each(LANGS)('%s: lists what is asked, remember not ticked, allow and deny forms', (lang) => {
    const html = consent(lang);
    expect(textOf(tags(html, 'h1').length ? /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)![1] : '')).toBe(
      lang === 'en' ? '国家政务服务平台 is asking for the following information' : '“国家政务服务平台”请求获取以下信息',
    );
    expect(html).toContain(`<li>${escapeHtml(t(lang, 'claim.openid'))}</li>`);
    expect(html).toContain(`<li>${escapeHtml(t(lang, 'claim.profile'))}</li>`);
    expect(html).toContain('<span class="detail">https://api.example.gov.cn/</span>');
    const allow = formPostingTo(html, '/interaction/abc/confirm');
    expect(input(allow.inner, 'remember')).toMatchObject({ type: 'checkbox', name: 'remember', value: '1' });
    expect(input(allow.inner, 'remember')['checked']).toBeUndefined();
    expect(allow.inner).toContain(
      `<label for="remember">${lang === 'en' ? 'Remember my decision for this website' : '记住我对该网站的授权'}</label>`,
    );
    expect(textOf(allow.inner)).toContain(lang === 'en' ? 'Allow and continue' : '同意并继续');
    const deny = formPostingTo(html, '/interaction/abc/abort');
    expect(textOf(deny.inner)).toContain(lang === 'en' ? 'Deny' : '拒绝');
    expect(tags(deny.inner, 'input')).toHaveLength(1);
    expect(tags(html, 'a').map((a) => a.attrs['href'])).toContain('https://portal.example.gov.cn/');
  });

  test.each(LANGS)('%s: says who is signed in, before the heading, with "not you?" as a form of its own', (lang) => {
    const html = consent(lang);
    const switchForm = formPostingTo(html, '/interaction/abc/switch');
    expect(switchForm.index).toBeLessThan(html.indexOf('<h1'));
    expect(textOf(switchForm.inner).replace(/\s+/g, ' ')).toContain(
      lang === 'en' ? 'Signed in as 张三 (110105********002X)· Not you?' : '当前以 张三（110105********002X） 登录· 不是您？',
    );
    expect(tags(switchForm.inner, 'button')).toHaveLength(1);
    expect(tags(switchForm.inner, 'input')).toHaveLength(1); // the CSRF token only
    expect(textById(html, 'not-you-hint')).toContain('张三');
    // Without a session to name, nothing is said.
    expect(consent(lang, { who: undefined, switchUrl: undefined })).not.toContain('/interaction/abc/switch');
  });

  test('plain words: no "匿名标识", no "portal"', () => {
    for (const lang of LANGS) {
      const text = textOf(withoutStyle(consent(lang))).replace(/https?:\/\/\S+/g, '');
      expect(text).not.toContain('匿名标识');
      expect(text).not.toMatch(/portal|门户/i);
    }
    expect(t('zh-CN', 'claim.openid')).toBe(
      '确认您的身份（该网站会得到一个代表您的编号；其他业务领域的网站得到的编号不同，无法用它认出您）',
    );
  });

  test('a client URI that is not http(s) is shown nowhere as a link', () => {
    const html = consent('zh-CN', { clientUri: 'javascript:alert(1)' });
    expect(html).not.toContain('javascript:');
  });

  test('nothing asked: says so', () => {
    expect(consent('en', { items: [] })).toContain('only needs to know that you are signed in');
  });
});

// ---------------------------------------------------------------------------------------------
// Logout
// ---------------------------------------------------------------------------------------------

describe('consentItems', () => {
  test.each(LANGS)('tongban API scopes are asked for in words, never by their code or the resource URL (%s)', (lang) => {
    const items = consentItems(lang, {
      missingOIDCScope: ['openid', 'profile'],
      missingResourceScopes: { 'http://localhost:3000/api': ['licences', 'account', 'verify', 'seal:make'] },
    });
    expect(items).toHaveLength(5);
    const text = items.map((item) => `${item.label} ${item.detail ?? ''}`).join('\n');
    for (const code of ['seal:make', 'http://localhost:3000/api']) expect(text).not.toContain(code);
    for (const item of items) expect(['licences', 'account', 'verify', 'seal:make']).not.toContain(item.label.trim());
    expect(items.every((item) => item.detail === undefined)).toBe(true);
    expect(items[2].label).toBe(t(lang, 'scope.licences'));
    expect(items[4].label).toBe(t(lang, 'scope.other'));
  });
});

describe('logoutPage and logoutSuccessPage', () => {
  test.each(LANGS)('%s: who, where, and two choices saying what each does; both submit the provider form', (lang) => {
    const html = logout(lang);
    expect(html).toContain(PROVIDER_FORM);
    const buttons = tags(html, 'button');
    expect(buttons).toHaveLength(2);
    for (const b of buttons) expect(b.attrs['form']).toBe('op.logoutForm');
    expect(buttons[0].attrs).toMatchObject({ name: 'logout', value: 'yes', autofocus: true, 'aria-describedby': 'confirm-detail' });
    expect(buttons[1].attrs['name']).toBeUndefined();
    expect(buttons[1].attrs['aria-describedby']).toBe('stay-detail');
    const text = textOf(html);
    expect(text).toContain(
      lang === 'en'
        ? 'You are signed in to tongban as 张三 (110105********002X).'
        : '当前以 张三（110105********002X） 登录通办统一身份认证。',
    );
    expect(text).toContain(lang === 'en' ? '电子税务局 has asked to sign you out.' : '“电子税务局”请求为您退出登录。');
    expect(html).toMatch(lang === 'en' ? />Sign out everywhere<\/button>/ : />全部退出<\/button>/);
    expect(html).toMatch(lang === 'en' ? />Stay signed in, leave only 电子税务局<\/button>/ : />保持登录，只退出“电子税务局”<\/button>/);
    expect(textById(html, 'stay-detail')).toContain(lang === 'en' ? 'Still signed in: 上海市民云.' : '仍保持登录的网站：上海市民云。');
    for (const site of ['电子税务局', '上海市民云']) expect(html).toContain(`<li>${site}</li>`);
  });

  test.each(LANGS)('%s: no website asked: staying is a link that changes nothing', (lang) => {
    const html = logout(lang, { clientName: undefined });
    expect(tags(html, 'button')).toHaveLength(1);
    const stay = tags(html, 'a').find((a) => a.attrs['aria-describedby'] === 'stay-detail');
    expect(stay?.attrs['href']).toBe('/account');
    expect(textById(html, 'stay-detail')).toBe(t(lang, 'logout.stay_link_detail'));
  });

  test.each(LANGS)('%s: signed out: what was signed out, the way back to the website, advice for shared devices', (lang) => {
    const html = logoutSuccess(lang);
    expect(html).toContain(lang === 'en' ? '<h1>You have signed out</h1>' : '<h1>您已安全退出</h1>');
    for (const site of ['电子税务局', '上海市民云']) expect(html).toContain(`<li>${site}</li>`);
    const back = tags(html, 'a').find((a) => a.attrs['href'] === '/etax/after-logout?state=s1');
    expect(back).toBeUndefined(); // only http(s) URLs are linked as the way back
    const withUrl = logoutSuccess(lang, { returnUrl: 'https://etax.example.gov.cn/bye?state=s1' });
    expect(tags(withUrl, 'a').map((a) => a.attrs['href'])).toContain('https://etax.example.gov.cn/bye?state=s1');
    expect(textOf(withUrl)).toContain(lang === 'en' ? 'Back to 电子税务局' : '返回“电子税务局”');
    expect(textOf(html)).toContain(t(lang, 'logout_success.shared_device'));
    expect(forms(html)).toHaveLength(0);
  });

  test.each(LANGS)('%s: left one website: says who is still signed in where, offers signing out everywhere', (lang) => {
    const html = logoutSuccess(lang, { outcome: 'left_portal', who: { name: '张三' }, stillSignedInSites: ['上海市民云'] });
    expect(html).toContain(lang === 'en' ? '<h1>You have left 电子税务局</h1>' : '<h1>您已退出“电子税务局”</h1>');
    expect(textOf(html)).toContain(lang === 'en' ? 'still signed in to tongban as 张三' : '您仍以 张三 登录通办统一身份认证');
    expect(html).toContain('<li>上海市民云</li>');
    expect(tags(html, 'a').map((a) => a.attrs['href'])).toContain('/session/end');
    expect(textOf(html)).not.toContain(t(lang, 'logout_success.title'));
  });
});

// ---------------------------------------------------------------------------------------------
// Error
// ---------------------------------------------------------------------------------------------

describe('errorPage', () => {
  test.each(LANGS)('%s: a title and explanation in plain words, ways forward, the reference; never the code', (lang) => {
    const html = error(lang);
    expect(html).toContain(`<h1>${t(lang, 'error.expired.title')}</h1>`);
    expect(html).toContain(escapeHtml(t(lang, 'error.expired.body')));
    expect(textOf(html)).toContain(t(lang, 'error.reference', { ref: 'req-7f3c-01' }));
    expect(tags(html, 'a').map((a) => a.attrs['href'])).toEqual(expect.arrayContaining(['/', '/help']));
    expect(html).not.toContain('interaction_expired');
  });

  test.each(LANGS)('%s: two-step sign-in required: turn it on in the account, then back to the website', (lang) => {
    const html = error(lang, {
      error: 'unmet_authentication_requirements',
      portal: { name: '电子税务局', url: 'https://etax.example.gov.cn/' },
    });
    expect(html).toContain(lang === 'en' ? '<h1>This service requires two-step sign-in</h1>' : '<h1>此服务要求两步验证</h1>');
    const links = tags(html, 'a').map((a) => a.attrs['href']);
    expect(links.indexOf('/account')).toBeGreaterThanOrEqual(0);
    expect(links.indexOf('https://etax.example.gov.cn/')).toBeGreaterThan(links.indexOf('/account'));
    expect(textOf(html)).toContain(lang === 'en' ? 'Then go back to 电子税务局 and sign in again' : '开启后，返回“电子税务局”重新登录');
  });

  test('every mapped code, and codes nobody mapped, in both languages: words of their kind, no code in the text', () => {
    const codes = [...Object.keys(ERROR_KINDS), 'some_future_error', 'http_418'];
    for (const lang of LANGS) {
      for (const code of codes) {
        const html = errorPage({
          lang,
          switchLangUrl: SWITCH[lang],
          error: code,
          requestId: 'ref-1',
          portal: { name: '电子税务局', url: 'https://etax.example.gov.cn/' },
        });
        const text = textOf(withoutStyle(html));
        for (const raw of codes) if (raw.includes('_')) expect([code, text.includes(raw)]).toEqual([code, false]);
        expect(text).not.toMatch(/[a-z]+_[a-z_]+/);
        expect(tags(html, 'h1')).toHaveLength(1);
        expect(text).toContain('ref-1');
      }
    }
  });

  test('a portal address that is not http(s) is never linked', () => {
    const html = error('en', { error: 'access_denied', portal: { name: 'x', url: 'javascript:alert(1)' } });
    expect(html).not.toContain('javascript:');
    expect(textOf(html)).toContain(t('en', 'error.go.portal_unknown'));
  });

  test('title and message overrides are escaped', () => {
    const html = error('en', { title: '<b>t</b>', message: '<i>m</i>', requestId: '"><x>' });
    expect(html).toContain('<h1>&lt;b&gt;t&lt;/b&gt;</h1>');
    expect(html).toContain('&lt;i&gt;m&lt;/i&gt;');
    expect(html).toContain('<code>&quot;&gt;&lt;x&gt;</code>');
  });
});

// ---------------------------------------------------------------------------------------------
// Account
// ---------------------------------------------------------------------------------------------

describe('accountPage', () => {
  test.each(LANGS)('%s: profile and password form', (lang) => {
    const html = account(lang);
    expect(html).toContain('张三');
    expect(html).toContain('110105********002X');
    const form = formPostingTo(html, '/account/password');
    expect(input(form.inner, 'current_password')).toMatchObject({
      type: 'password',
      name: 'current_password',
      autocomplete: 'current-password',
    });
    expect(input(form.inner, 'new_password')).toMatchObject({ type: 'password', name: 'new_password', autocomplete: 'new-password' });
    expect(input(form.inner, 'new_password_confirm')).toMatchObject({
      type: 'password',
      name: 'new_password_confirm',
      autocomplete: 'new-password',
    });
    expect(tags(html, 'a').map((a) => a.attrs['href'])).toContain('/session/end');
    expect(textOf(html)).toContain(lang === 'en' ? 'Sign out' : '退出登录');
  });

  test.each(LANGS)('%s: one row per consent, each with its own withdraw form', (lang) => {
    const html = account(lang);
    const rows = [...html.matchAll(/<tr>\s*<td[\s\S]*?<\/tr>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(CONSENTS.length);
    CONSENTS.forEach((c, i) => {
      const row = rows[i];
      expect(row).toContain(c.clientName);
      for (const k of c.items) expect(row).toContain(escapeHtml(t(lang, `claim.${k}`)));
      const rowForms = forms(row);
      expect(rowForms).toHaveLength(1);
      expect(rowForms[0].attrs['action']).toBe(c.withdrawUrl);
      expect(rowForms[0].inner).toContain(`name="csrf" value="${CSRF}"`);
      expect(textOf(rowForms[0].inner)).toContain(lang === 'en' ? 'Withdraw' : '撤销授权');
      expect(textOf(rowForms[0].inner)).toContain(c.clientName); // the accessible name says which portal
    });
    expect(rows[0]).toContain(lang === 'en' ? 'June 16, 2024' : '2024年6月16日');
    expect(rows[0]).toContain('datetime="2024-06-15T20:00:00.000Z"');
    expect(rows[1]).toContain(lang === 'en' ? 'January 2, 2025' : '2025年1月2日');
  });

  test('no consents: says so, no table', () => {
    const html = account('zh-CN', { consents: [] });
    expect(html).toContain('您目前没有授权任何网站');
    expect(html).not.toContain('<table');
  });

  test('TOTP off: a start form with only the token', () => {
    const html = account('zh-CN');
    const start = formPostingTo(html, '/account/totp/start');
    expect(tags(start.inner, 'input')).toHaveLength(1);
    expect(textOf(start.inner)).toContain('开启两步验证');
    expect(html).not.toContain('/account/totp/confirm');
    expect(html).not.toContain('/account/totp/disable');
  });

  test('TOTP enrolment: QR raw in a labelled figure, grouped secret, confirm form focused', () => {
    const html = account('en', { totpEnrolment: { qrSvg: SVG, secret: 'JBSWY3DPEHPK3PXPJBSWY3DP' } });
    const figure = /<figure\b([^>]*)>([\s\S]*?)<\/figure>/.exec(html)!;
    expect(figure[2]).toBe(SVG);
    expect(parseAttrs(figure[1])).toMatchObject({ role: 'img', 'aria-label': 'QR code for adding this account to your authenticator app' });
    expect(html).toContain('JBSW Y3DP EHPK 3PXP JBSW Y3DP');
    const confirm = formPostingTo(html, '/account/totp/confirm');
    expect(input(confirm.inner, 'totp-confirm-code')).toMatchObject({
      name: 'code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      autofocus: true,
    });
    expect(html).not.toContain('/account/totp/start');
  });

  test('TOTP on: status and a disable form posting `code`', () => {
    const html = account('zh-CN', { totpEnabled: true });
    expect(html).toContain('已开启');
    const disable = formPostingTo(html, '/account/totp/disable');
    // A one-time code or a recovery code (letters too): no numeric keyboard.
    expect(input(disable.inner, 'totp-disable-code')).toMatchObject({ name: 'code', type: 'text', autocomplete: 'one-time-code' });
    expect(input(disable.inner, 'totp-disable-code')['inputmode']).toBeUndefined();
    expect(html).not.toContain('/account/totp/start');
  });

  test('flash: success is a status, an error an alert; a field error marks and focuses the field', () => {
    const ok = account('zh-CN', { flash: { kind: 'success', text: t('zh-CN', 'flash.password_changed') } });
    expect(byRole(ok, 'status')[0].text).toBe('密码已修改。');
    expect(byRole(ok, 'alert')).toHaveLength(0);
    expect(tags(ok).filter((tag) => tag.attrs['autofocus'])).toHaveLength(0);

    // A password field's error stands beside the field, not at the top.
    const bad = account('en', { flash: { kind: 'error', text: t('en', 'flash.wrong_password'), field: 'current_password' } });
    expect(byRole(bad, 'alert')).toHaveLength(0);
    expect(bad).toContain('<div class="field-error" id="current_password-error">');
    expect(textOf(bad)).toContain('Your current password is incorrect.');
    expect(input(bad, 'current_password')).toMatchObject({
      'aria-invalid': 'true',
      'aria-describedby': 'current_password-error',
      autofocus: true,
    });
    expect(input(bad, 'new_password')['aria-invalid']).toBeUndefined();
    const both = account('zh-CN', {
      passwordErrors: { new_password: ['太短', '常见'], new_password_confirm: ['不一致'] },
    });
    expect(input(both, 'new_password')).toMatchObject({
      'aria-invalid': 'true',
      'aria-describedby': 'new_password-error new-password-rules',
      autofocus: true,
    });
    expect(input(both, 'new_password_confirm')).toMatchObject({ 'aria-invalid': 'true', 'aria-describedby': 'new_password_confirm-error' });
    expect(input(both, 'current_password')['aria-invalid']).toBeUndefined();

    const code = account('en', { totpEnabled: true, flash: { kind: 'error', text: 'x', field: 'code' } });
    expect(input(code, 'totp-disable-code')).toMatchObject({ 'aria-invalid': 'true', autofocus: true });
  });

  test('groupSecret', () => {
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
    expect(groupSecret('ABCD EFGH')).toBe('ABCD EFGH');
    expect(groupSecret('ABCDEFGH')).toBe('ABCD EFGH');
  });
});

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------

describe('registerPage', () => {
  test.each(LANGS)('%s: posts id_number, name, password, password_confirm, accept_terms; the rules are stated', (lang) => {
    const html = register(lang);
    const form = formPostingTo(html, '/register');
    for (const name of ['id_number', 'name', 'password', 'password_confirm', 'accept_terms'])
      expect(form.inner).toContain(`name="${name}"`);
    expect(input(html, 'id_number')).toMatchObject({ autocomplete: 'username', maxlength: '18', autofocus: true });
    expect(input(html, 'name')).toMatchObject({ autocomplete: 'name' });
    expect(input(html, 'password')).toMatchObject({ type: 'password', autocomplete: 'new-password', 'aria-describedby': 'password-rules' });
    expect(input(html, 'password_confirm')).toMatchObject({ type: 'password', autocomplete: 'new-password' });
    expect(input(html, 'accept_terms')).toMatchObject({ type: 'checkbox', value: 'yes' });
    expect(input(html, 'accept_terms')['checked']).toBeUndefined();
    expect(tags(html, 'a').map((a) => a.attrs['href'])).toEqual(expect.arrayContaining(['/account', '/terms', '/privacy']));
    expect(textOf(html)).toContain(lang === 'en' ? 'have 8 to 128 characters' : '8–128 个字符');
    expect(html).toMatch(/<div class="meter" data-password-meter [^>]*\bhidden\b/);
  });

  test('errors: each next to its field and in the summary; what was typed is kept, never a password', () => {
    const html = register('zh-CN', {
      errors: { password_confirm: [t('zh-CN', 'register.error.password_confirm.differs')], accept_terms: ['请勾选'] },
      values: { name: '张"三<', id_number: '11010519491231002X', accept_terms: false },
    });
    expect(byRole(html, 'alert')[0].text).toContain('请修改以下 2 处后再提交');
    expect(input(html, 'password_confirm')).toMatchObject({
      'aria-invalid': 'true',
      'aria-describedby': 'password_confirm-error',
      autofocus: true,
    });
    expect(input(html, 'accept_terms')).toMatchObject({ 'aria-invalid': 'true', 'aria-describedby': 'accept_terms-error' });
    expect(html).toContain('<div class="field-error" id="password_confirm-error">');
    expect(input(html, 'id_number')['autofocus']).toBeUndefined();
    expect(input(html, 'name')['value']).toBe('张&quot;三&lt;');
    expect(input(html, 'id_number')['value']).toBe('11010519491231002X');
    expect(input(html, 'password')['value']).toBeUndefined();
  });

  test('a form-level error marks no field', () => {
    const html = register('en', { formErrors: ['No.'] });
    expect(byRole(html, 'alert')[0].text).toContain('No.');
    expect(tags(html).filter((tag) => tag.attrs['aria-invalid'])).toHaveLength(0);
  });

  test('from a portal: the interaction goes back with the form, and the sign-in link leads to it', () => {
    const html = register('zh-CN', {
      returnTo: { uid: 'abcdefghij0123456789_', clientName: '电子税务局' },
      loginUrl: '/interaction/abcdefghij0123456789_',
    });
    expect(formPostingTo(html, '/register').inner).toContain('<input type="hidden" name="return" value="abcdefghij0123456789_">');
    expect(textOf(html)).toContain('注册完成后，您将回到“电子税务局”的登录页面');
    expect(tags(html, 'a').map((a) => a.attrs['href'])).toContain('/interaction/abcdefghij0123456789_');
  });
});

// ---------------------------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------------------------

describe('escaping', () => {
  const EVIL = '<script>alert(1)</script>';
  const EVIL_URL = '/x?a="><script>alert(1)</script>&b=\'';

  test('escapeHtml escapes & < > " \'', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml(42)).toBe('42');
  });

  test('safeUrl neutralises other schemes, keeps relative and http(s) URLs', () => {
    expect(safeUrl('javascript:alert(1)')).toBe('#');
    expect(safeUrl(' java\tscript:alert(1)')).toBe('#');
    expect(safeUrl('data:text/html,x')).toBe('#');
    expect(safeUrl('/interaction/abc?lang=en')).toBe('/interaction/abc?lang=en');
    expect(safeUrl('https://a.example/')).toBe('https://a.example/');
  });

  test('a hostile client name and hostile URLs come out escaped on every page', () => {
    const b = { lang: 'zh-CN' as const, switchLangUrl: EVIL_URL, csrf: `"><x '` };
    const pages = [
      loginPage({ ...b, actionUrl: EVIL_URL, abortUrl: EVIL_URL, clientName: EVIL, registerUrl: EVIL_URL, error: 'expired' }),
      loginPage({ ...b, actionUrl: EVIL_URL, abortUrl: EVIL_URL, clientName: EVIL, registerUrl: EVIL_URL }),
      otpPage({ ...b, actionUrl: EVIL_URL, abortUrl: EVIL_URL, clientName: EVIL, accountNameMasked: EVIL }),
      consentPage({
        ...b,
        actionUrl: EVIL_URL,
        abortUrl: EVIL_URL,
        clientName: EVIL,
        clientUri: `https://a.example/${EVIL_URL}`,
        items: [{ label: EVIL, detail: EVIL }],
      }),
      logoutPage({ ...b, form: PROVIDER_FORM, clientName: EVIL, who: { name: EVIL, idNumberMasked: EVIL }, sites: [EVIL] }),
      logoutSuccessPage({ ...b, clientName: EVIL, returnUrl: `https://a.example/${EVIL_URL}`, signedOutSites: [EVIL] }),
      logoutSuccessPage({ ...b, clientName: EVIL, outcome: 'left_portal', who: { name: EVIL }, stillSignedInSites: [EVIL] }),
      errorPage({ ...b, title: EVIL, message: EVIL, requestId: EVIL, portal: { name: EVIL, url: `https://a.example/${EVIL_URL}` } }),
      accountPage({
        ...b,
        name: EVIL,
        idNumberMasked: EVIL,
        passwordUrl: EVIL_URL,
        totpEnabled: false,
        totpStartUrl: EVIL_URL,
        totpConfirmUrl: EVIL_URL,
        totpDisableUrl: EVIL_URL,
        totpEnrolment: { qrSvg: SVG, secret: EVIL },
        consents: [{ clientName: EVIL, items: [EVIL], grantedAt: new Date(0), withdrawUrl: EVIL_URL }],
        logoutUrl: EVIL_URL,
        flash: { kind: 'error', text: EVIL },
      }),
      registerPage({ ...b, actionUrl: EVIL_URL, loginUrl: EVIL_URL, formErrors: [EVIL], values: { name: EVIL } }),
    ];
    for (const page of pages) {
      // Its own page scripts (/assets) aside, no script at all.
      const html = page.replace(/<script src="\/assets\/[a-z0-9-]+\.js\?v=[\w-]+" defer><\/script>\n/g, '');
      expect(html).not.toContain('<script');
      expect(html).not.toContain('"><x');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain(`href="${escapeHtml(EVIL_URL)}"`);
      expect(escapeHtml(EVIL_URL)).toBe('/x?a=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;b=&#39;');
      expectWellFormed(html);
    }
    // The CSRF token is escaped in its attribute.
    expect(pages[1]).toContain('<input type="hidden" name="csrf" value="&quot;&gt;&lt;x &#39;">');
  });
});

// ---------------------------------------------------------------------------------------------
// Messages and language choice
// ---------------------------------------------------------------------------------------------

describe('t and messages', () => {
  test('interpolation, repeated and missing variables', () => {
    expect(t('zh-CN', 'common.cancel_return', { clientName: '电子税务局' })).toBe('取消，返回 电子税务局');
    expect(t('en', 'common.cancel_return', { clientName: 'X' })).toBe('Cancel and return to X');
    expect(t('en', 'login.error.locked', { minutes: 15 })).toBe('Too many failed attempts for this ID number. Try again in 15 minutes.');
    expect(t('en', 'common.cancel_return')).toBe('Cancel and return to {clientName}');
    expect(t('en', 'common.cancel_return', { other: 'x' })).toBe('Cancel and return to {clientName}');
  });

  test('falls back to zh-CN, then to the key', () => {
    messages['zh-CN']['test.only_zh'] = '仅中文 {n}';
    try {
      expect(t('en', 'test.only_zh', { n: 1 })).toBe('仅中文 1');
    } finally {
      delete messages['zh-CN']['test.only_zh'];
    }
    expect(t('en', 'no.such.key')).toBe('no.such.key');
    expect(t('zh-CN', 'no.such.key', { a: 1 })).toBe('no.such.key');
    expect(t('en', 'toString')).toBe('toString');
  });

  test('the catalogue has the keys controllers rely on, in both languages', () => {
    const required = [
      'claim.openid',
      'claim.profile',
      'claim.id_number',
      'claim.id_number_masked',
      'claim.phone',
      'claim.enterprise',
      'claim.offline_access',
      'flash.password_changed',
      'flash.totp_enabled',
      'flash.totp_disabled',
      'flash.consent_withdrawn',
      'flash.wrong_password',
      'flash.passwords_differ',
      'flash.invalid_code',
      'flash.weak_password',
    ];
    for (const key of required) {
      expect(messages['zh-CN'][key]).toBeTruthy();
      expect(messages.en[key]).toBeTruthy();
    }
    expect(t('zh-CN', 'claim.profile')).toBe('姓名');
    expect(t('en', 'claim.openid')).toContain('Confirm who you are');
    expect(t('zh-CN', 'claim.id_number')).toBe('完整身份证号码');
  });

  test('every text exists in both languages, is not empty, and has the same placeholders in both', () => {
    expect(Object.keys(messages.en).sort()).toEqual(Object.keys(messages['zh-CN']).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, zh] of Object.entries(messages['zh-CN'])) {
      const en = messages.en[key];
      expect([key, zh.trim().length > 0, en.trim().length > 0]).toEqual([key, true, true]);
      // A singular form (`.one`) spells its count out.
      if (!key.endsWith('.one')) expect([key, placeholders(en)]).toEqual([key, placeholders(zh)]);
    }
  });
});

describe('langFromRequest', () => {
  test('the query wins, as a value or as the query object', () => {
    expect(langFromRequest('en', 'zh-CN', 'zh-CN')).toBe('en');
    expect(langFromRequest({ lang: 'en' }, 'zh-CN', 'zh-CN')).toBe('en');
    expect(langFromRequest('zh-CN', 'en', 'en')).toBe('zh-CN');
    expect(langFromRequest(['en', 'zh-CN'], undefined, undefined)).toBe('en');
  });

  test('then the cookie, then Accept-Language', () => {
    expect(langFromRequest(undefined, 'en', 'zh-CN')).toBe('en');
    expect(langFromRequest('fr', 'en', undefined)).toBe('en');
    expect(langFromRequest({}, 'zh-CN', 'en-US,en')).toBe('zh-CN');
    expect(langFromRequest(undefined, 'garbage', 'en-US,en;q=0.9')).toBe('en');
  });

  test('Accept-Language: English only when preferred over Chinese', () => {
    expect(langFromRequest(undefined, undefined, 'en-GB,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(langFromRequest(undefined, undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(langFromRequest(undefined, undefined, 'fr-FR,en;q=0.5')).toBe('en');
    expect(langFromRequest(undefined, undefined, 'en;q=0.5,zh-TW;q=0.7')).toBe('zh-CN');
    expect(langFromRequest(undefined, undefined, 'en, zh')).toBe('en');
    expect(langFromRequest(undefined, undefined, 'zh, en')).toBe('zh-CN');
    expect(langFromRequest(undefined, undefined, 'en;q=0')).toBe('zh-CN');
    expect(langFromRequest(undefined, undefined, 'fr, de')).toBe('zh-CN');
  });

  test('defaults to zh-CN for anything odd', () => {
    expect(langFromRequest(undefined, undefined, undefined)).toBe('zh-CN');
    expect(langFromRequest(null, 42, {})).toBe('zh-CN');
    expect(langFromRequest({ lang: 7 }, [], '')).toBe('zh-CN');
  });
});
