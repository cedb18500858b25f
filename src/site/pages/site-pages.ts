import { html, joinHtml, type HtmlValue, type SafeHtml } from '../../pages/html.js';
import { type PageBase, documentShell } from '../../pages/layout.js';
import { homeLicence } from '../../pages/messages/home-licence.js';
import { type Lang, t } from '../../pages/messages.js';
import { TERMS_VERSION } from '../../accounts/terms.js';

/**
 * tongban's own pages, outside any sign-in: the home page, help, forgotten passwords, the user
 * agreement and the privacy notice. Text only (no forms), so they carry no CSRF token; every
 * page works without script.
 */

/** The date the agreement and the privacy notice were last changed (shown on both): their version, which registration records. */
const POLICIES_UPDATED = new Date(`${TERMS_VERSION}T12:00:00+08:00`);

export interface HomePageInput extends PageBase {
  /** The demo websites (DEMO=1), linked from "sign in to government websites". */
  demoSites?: Array<{ name: string; url: string }>;
  /** The licence check form sent back: what was typed, and why it was not a licence number. */
  licenceCheck?: { value: string; error: 'empty' | 'malformed' };
}

/** A text of the home page's licence check, `{name}` placeholders filled. */
function licenceText(lang: Lang, key: keyof typeof homeLicence): string {
  return homeLicence[key][lang === 'en' ? 1 : 0];
}

/**
 * The licence check on the home page: a GET form to /v (the site controller sends a valid number
 * on to its check page /v/{number}), with the error beside the field when the number was not one.
 */
function licenceCheckOffer(lang: Lang, check: HomePageInput['licenceCheck']): SafeHtml {
  const error = check
    ? licenceText(lang, check.error === 'empty' ? 'home_licence.error.empty' : 'home_licence.error.malformed')
    : undefined;
  const describedBy = ['licence-number-hint', ...(error ? ['licence-number-error'] : [])].join(' ');
  return html`<li id="check-licence" style="grid-column:1/-1">
<h3>${licenceText(lang, 'home_licence.title')}</h3>
<p>${licenceText(lang, 'home_licence.body')}</p>
<form method="get" action="/v" class="licence-check" role="search" aria-label="${licenceText(lang, 'home_licence.title')}">
<div class="field${error ? ' has-error' : ''}">
<label for="licence-number">${licenceText(lang, 'home_licence.label')}</label>
<p class="hint" id="licence-number-hint" translate="no" style="overflow-wrap:anywhere">${licenceText(lang, 'home_licence.hint')}</p>
${
  error
    ? html`<div class="field-error" id="licence-number-error"><p>${error}</p></div>
`
    : ''
}<input type="text" id="licence-number" name="id" autocomplete="off" autocapitalize="characters" spellcheck="false" inputmode="text" maxlength="120" required aria-describedby="${describedBy}"${
    error ? html` aria-invalid="true" autofocus` : ''
  }${check?.value ? html` value="${check.value}"` : ''}>
</div>
<button type="submit" class="btn-primary">${licenceText(lang, 'home_licence.submit')}</button>
</form>
<p class="muted">${licenceText(lang, 'home_licence.qr')}</p>
</li>`;
}

/** `/`: what tongban offers a citizen. */
export function homePage(p: HomePageInput): string {
  const { lang } = p;
  const offer = (key: string, extra: HtmlValue, link?: { href: string; key: string }): SafeHtml =>
    html`<li>
<h3>${t(lang, `home.${key}.title`)}</h3>
<p>${t(lang, `home.${key}.body`)}</p>
${extra}${link ? html`<p><a href="${link.href}">${t(lang, link.key)}</a></p>` : ''}
</li>`;
  const demo = p.demoSites?.length
    ? html`<p>${t(lang, 'home.signin.demo')}</p>
<ul>${p.demoSites.map((s) => html`<li><a href="${s.url}">${s.name}</a></li>`)}</ul>`
    : '';
  const body = joinHtml([
    html`<h1>${t(lang, 'home.heading')}</h1>`,
    html`<p class="lead">${t(lang, 'home.lead')}</p>`,
    html`<h2 id="offers-title">${t(lang, 'home.offers')}</h2>`,
    html`<ul class="offers" aria-labelledby="offers-title">
${offer('signin', demo)}
${offer('register', '', { href: '/register', key: 'home.register.link' })}
${offer('account', '', { href: '/account', key: 'home.account.link' })}
${licenceCheckOffer(lang, p.licenceCheck)}
${offer('help', '', { href: '/help', key: 'home.help.link' })}
</ul>`,
  ]);
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'home.title'),
    body,
    wide: true,
    hasError: Boolean(p.licenceCheck),
  });
}

export interface HelpPageInput extends PageBase {
  /** tongban's address as the browser shows it (e.g. https://login.example.gov.cn). */
  origin: string;
}

/** `/help`: how sign-in works, two-step sign-in and recovery codes, enterprises, trouble, contact. */
export function helpPage(p: HelpPageInput): string {
  const { lang } = p;
  const para = (key: string, vars?: Record<string, string>) => html`<p>${t(lang, key, vars)}</p>`;
  const body = joinHtml([
    html`<h1>${t(lang, 'help.title')}</h1>`,
    html`<p class="lead">${t(lang, 'help.lead')}</p>`,
    html`<h2 id="sign-in">${t(lang, 'help.signin.title')}</h2>`,
    para('help.signin.body1', { host: p.origin }),
    para('help.signin.body2'),
    para('help.signin.body3'),
    html`<h2 id="two-step">${t(lang, 'help.two_step.title')}</h2>`,
    para('help.two_step.body1'),
    html`<p>${t(lang, 'help.two_step.body2')} <a href="/account">${t(lang, 'home.account.link')}</a></p>`,
    html`<h2 id="recovery-codes">${t(lang, 'help.recovery.title')}</h2>`,
    para('help.recovery.body1'),
    para('help.recovery.body2'),
    html`<h2 id="enterprise">${t(lang, 'help.enterprise.title')}</h2>`,
    para('help.enterprise.body1'),
    para('help.enterprise.body2'),
    html`<h2 id="trouble">${t(lang, 'help.trouble.title')}</h2>`,
    html`<ul>
<li>${t(lang, 'help.trouble.forgot')} <a href="/forgot-password">${t(lang, 'help.trouble.forgot_link')}</a></li>
<li>${t(lang, 'help.trouble.locked')}</li>
<li>${t(lang, 'help.trouble.no_account')} <a href="/register">${t(lang, 'home.register.link')}</a></li>
</ul>`,
    html`<h2 id="contact">${t(lang, 'help.contact.title')}</h2>`,
    para('help.contact.body1'),
    para('help.contact.website'),
    html`<p class="note">${t(lang, 'help.contact.body2')}</p>`,
  ]);
  return prosePage(p, t(lang, 'help.title'), body);
}

/** `/forgot-password`: how a password is reset today (in person), and what is coming (online). */
export function forgotPasswordPage(p: PageBase): string {
  const { lang } = p;
  const body = joinHtml([
    html`<h1>${t(lang, 'forgot.title')}</h1>`,
    html`<p class="note">${t(lang, 'forgot.online')}</p>`,
    html`<h2>${t(lang, 'forgot.hall.title')}</h2>`,
    html`<p>${t(lang, 'forgot.hall.body')}</p>`,
    html`<p class="muted">${t(lang, 'forgot.hall.note')}</p>`,
    html`<h2>${t(lang, 'forgot.register.title')}</h2>`,
    html`<p>${t(lang, 'forgot.register.body')}</p>`,
    html`<p>${t(lang, 'forgot.locked')}</p>`,
    html`<p>${t(lang, 'forgot.no_account')} <a href="/register">${t(lang, 'forgot.register_link')}</a></p>`,
    html`<p><a href="/help#contact">${t(lang, 'error.go.help')}</a></p>`,
  ]);
  return prosePage(p, t(lang, 'forgot.title'), body);
}

/** `/terms`: the user agreement (用户协议). */
export function termsPage(p: PageBase): string {
  const { lang } = p;
  const section = (key: string, paragraphs: string[]) =>
    joinHtml([html`<h2>${t(lang, `terms.${key}.title`)}</h2>`, ...paragraphs.map((k) => html`<p>${t(lang, `terms.${key}.${k}`)}</p>`)]);
  const body = joinHtml([
    html`<h1>${t(lang, 'terms.title')}</h1>`,
    updated(lang),
    html`<p class="lead">${t(lang, 'terms.lead')}</p>`,
    section('service', ['body']),
    section('account', ['body1', 'body2', 'body3']),
    html`<h2>${t(lang, 'terms.sharing.title')}</h2>`,
    html`<p>${t(lang, 'terms.sharing.body')} <a href="/privacy">${t(lang, 'site.nav.privacy')}</a></p>`,
    section('enterprise', ['body']),
    section('changes', ['body']),
    section('contact', ['body']),
  ]);
  return prosePage(p, t(lang, 'terms.title'), body);
}

/** `/privacy`: what tongban keeps, what websites receive, what the citizen controls (隐私政策). */
export function privacyPage(p: PageBase): string {
  const { lang } = p;
  const list = (keys: string[]) => html`<ul>\n${keys.map((k) => html`<li>${t(lang, k)}</li>\n`)}</ul>`;
  const body = joinHtml([
    html`<h1>${t(lang, 'privacy.title')}</h1>`,
    updated(lang),
    html`<p class="lead">${t(lang, 'privacy.lead')}</p>`,
    html`<h2>${t(lang, 'privacy.keeps.title')}</h2>`,
    list(['privacy.keeps.id', 'privacy.keeps.password', 'privacy.keeps.two_step', 'privacy.keeps.consents', 'privacy.keeps.sessions']),
    html`<h2>${t(lang, 'privacy.websites.title')}</h2>`,
    list(['privacy.websites.number', 'privacy.websites.claims', 'privacy.websites.level', 'privacy.websites.never']),
    html`<h2>${t(lang, 'privacy.control.title')}</h2>`,
    html`<p>${t(lang, 'privacy.control.body')} <a href="/account">${t(lang, 'home.account.link')}</a></p>`,
    html`<h2>${t(lang, 'privacy.cookies.title')}</h2>`,
    html`<p>${t(lang, 'privacy.cookies.body')}</p>`,
    html`<h2>${t(lang, 'privacy.contact.title')}</h2>`,
    html`<p>${t(lang, 'privacy.contact.body')}</p>`,
  ]);
  return prosePage(p, t(lang, 'privacy.title'), body);
}

function updated(lang: Lang): HtmlValue {
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(POLICIES_UPDATED);
  return html`<p class="muted">${t(lang, 'site.updated', { date })}</p>`;
}

function prosePage(p: PageBase, title: string, body: HtmlValue): string {
  return documentShell({
    lang: p.lang,
    switchLangUrl: p.switchLangUrl,
    title,
    body: html`<div class="prose">
${body}
<p class="after"><a href="/">${t(p.lang, 'site.back_home')}</a></p>
</div>`,
    wide: true,
  });
}
