import { html, isWebUrl, joinHtml, trusted, type HtmlValue } from '../../pages/html.js';
import { type PageBase, documentShell } from '../../pages/layout.js';
import { type Lang, t } from '../../pages/messages.js';
import { type SignedInAs, whoText } from './who.js';

/**
 * The sign-out pages. What each choice does is what oidc-provider's end_session confirm does
 * (node_modules/oidc-provider/lib/actions/end_session.js), and the words say exactly that:
 *
 * - "全部退出" (logout=yes): every portal signed in through this session gets a back-channel
 *   logout, each grant not kept past logout (offline_access) is revoked with its tokens, and the
 *   tongban session is destroyed: every portal needs a new sign-in.
 * - "保持登录" when a portal asked (no logout parameter): only the asking portal gets the
 *   back-channel logout and loses its grant; the tongban session and every other portal stay
 *   signed in (entering the asking portal again needs no password).
 * - "保持登录" when no portal asked (e.g. from the account page): the provider would change
 *   nothing, so it is a plain link back and posts nothing.
 */

export interface LogoutPageInput extends PageBase {
  /**
   * The `<form id="op.logoutForm" …>` (with its hidden xsrf input) that oidc-provider hands to
   * `logoutSource`. Trusted: inserted raw. The buttons below submit it through `form="op.logoutForm"`.
   */
  form: string;
  /** The portal that asked to sign the person out (RP-initiated logout), if any. */
  clientName?: string;
  who?: SignedInAs;
  /** Every website signed in through this session (the asking one included), by name. */
  sites?: string[];
  /** Where "stay signed in" leads when no portal asked; default /account. */
  stayUrl?: string;
}

/** RP-initiated logout: who is signed in, where, and the two choices with what each does. */
export function logoutPage(p: LogoutPageInput): string {
  const { lang } = p;
  const sites = p.sites ?? [];
  const others = p.clientName ? sites.filter((name) => name !== p.clientName) : sites;
  const parts: HtmlValue[] = [html`<h1>${t(lang, 'logout.title')}</h1>`];
  if (p.who) parts.push(html`<p class="who">${nameInBold(lang, 'logout.who', p.who)}</p>`);
  parts.push(
    p.clientName
      ? html`<p class="lead">${t(lang, 'logout.from_client', { clientName: p.clientName })}</p>`
      : html`<p class="lead">${t(lang, 'logout.question')}</p>`,
  );
  if (sites.length) parts.push(html`<p>${t(lang, 'logout.sites')}</p>`, siteList(sites));
  parts.push(trusted(p.form));
  const stay = p.clientName
    ? html`<button type="submit" form="op.logoutForm" class="btn-secondary" aria-describedby="stay-detail">${t(lang, 'logout.stay', {
        clientName: p.clientName,
      })}</button>
<p id="stay-detail">${t(lang, 'logout.stay_detail', { clientName: p.clientName })}${
        others.length ? ` ${t(lang, 'logout.stay_others', { sites: others.join(t(lang, 'logout.list_separator')) })}` : ''
      }</p>`
    : html`<a class="btn-secondary" href="${p.stayUrl ?? '/account'}" aria-describedby="stay-detail">${t(lang, 'logout.stay_link')}</a>
<p id="stay-detail">${t(lang, 'logout.stay_link_detail')}</p>`;
  parts.push(html`<div class="choices">
<div class="choice">
<button type="submit" form="op.logoutForm" name="logout" value="yes" class="btn-primary" aria-describedby="confirm-detail" autofocus>${t(lang, 'logout.confirm')}</button>
<p id="confirm-detail">${t(lang, sites.length ? 'logout.confirm_detail' : 'logout.confirm_detail_no_sites')}</p>
</div>
<div class="choice">
${stay}
</div>
</div>`);
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title: t(lang, 'logout.title'), body: joinHtml(parts) });
}

export interface LogoutSuccessPageInput extends PageBase {
  /**
   * What is true now, read from the browser's session when the page is shown: `signed_out` (no
   * tongban session any more), `left_portal` (the asking portal was left, the session stays) or
   * `still_signed_in` (a session, and no portal named).
   */
  outcome?: 'signed_out' | 'left_portal' | 'still_signed_in';
  clientName?: string;
  /** The portal's post_logout_redirect_uri (with its state): the way back. Linked only when http(s). */
  returnUrl?: string;
  /** For `signed_out`: the websites that were signed out too. */
  signedOutSites?: string[];
  /** For the other outcomes: who is still signed in, and where. */
  who?: SignedInAs;
  stillSignedInSites?: string[];
  /** Where "sign out everywhere" starts (the logout page without a portal); default /session/end. */
  signOutUrl?: string;
}

/** After the sign-out page: what was signed out, what is still signed in, the way back, advice for shared devices. */
export function logoutSuccessPage(p: LogoutSuccessPageInput): string {
  const { lang } = p;
  const outcome = p.outcome ?? (p.who ? (p.clientName ? 'left_portal' : 'still_signed_in') : 'signed_out');
  const back =
    p.returnUrl && isWebUrl(p.returnUrl)
      ? html`<a class="btn-primary" href="${p.returnUrl}">${t(lang, 'logout_success.back', { clientName: p.clientName ?? p.returnUrl })}</a>`
      : '';
  const home = html`<a href="/">${t(lang, 'logout_success.home')}</a>`;
  const signOut = html`<a class="${back ? 'btn-secondary' : 'btn-primary'}" href="${p.signOutUrl ?? '/session/end'}">${t(
    lang,
    'logout_success.sign_out_everywhere',
  )}</a>`;
  const parts: HtmlValue[] = [];
  let title: string;
  if (outcome === 'signed_out') {
    title = t(lang, 'logout_success.title');
    parts.push(html`<h1>${title}</h1>`);
    const sites = p.signedOutSites ?? [];
    if (sites.length) parts.push(html`<p>${t(lang, 'logout_success.body_sites')}</p>`, siteList(sites));
    else parts.push(html`<p>${t(lang, 'logout_success.body')}</p>`);
    parts.push(html`<p class="note">${t(lang, 'logout_success.shared_device')}</p>`);
    parts.push(html`<div class="actions">${back}${home}</div>`);
  } else {
    title =
      outcome === 'left_portal' && p.clientName
        ? t(lang, 'logout_success.portal_title', { clientName: p.clientName })
        : t(lang, 'logout_success.signed_in_title');
    parts.push(html`<h1>${title}</h1>`);
    if (p.who) parts.push(html`<p>${nameInBold(lang, 'logout_success.still_signed_in', p.who)}</p>`);
    const still = p.stillSignedInSites ?? [];
    if (still.length) parts.push(html`<p>${t(lang, 'logout_success.still_sites')}</p>`, siteList(still));
    parts.push(html`<p class="note">${t(lang, 'logout_success.shared_device_stay')}</p>`);
    parts.push(html`<div class="actions">${back}${signOut}${home}</div>`);
  }
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title, body: joinHtml(parts) });
}

function siteList(sites: string[]): HtmlValue {
  return html`<ul class="sites">\n${sites.map((name) => html`<li>${name}</li>\n`)}</ul>`;
}

/** A message with `{name}` in it, the name (with masked ID number, enterprise) in bold. */
function nameInBold(lang: Lang, key: string, who: SignedInAs): HtmlValue {
  const [before = '', after = ''] = t(lang, key, { name: '\u0000' }).split('\u0000');
  return html`${before}<strong>${whoText(lang, who)}</strong>${after}`;
}

export interface LogoutPassingPageInput extends PageBase {
  /** oidc-provider's end_session_confirm URL. */
  action: string;
  /** The hidden fields oidc-provider asks to send there (its xsrf token, logout=yes). */
  fields: Record<string, string>;
}

/**
 * A sign-out request when nobody is signed in to tongban in this browser: nothing to ask, so the
 * step passes itself on (a page script sends the form; without script, its button). Replaces
 * oidc-provider's own English auto-submit page.
 */
export function logoutPassingPage(p: LogoutPassingPageInput): string {
  const { lang } = p;
  const fields = Object.entries(p.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  const body = joinHtml([
    html`<h1>${t(lang, 'logout.passing_title')}</h1>`,
    html`<p>${t(lang, 'logout.passing_body')}</p>`,
    html`<form method="post" action="${p.action}" data-auto-submit>
${fields}
<button type="submit" class="btn-primary">${t(lang, 'logout.passing_continue')}</button>
</form>`,
  ]);
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title: t(lang, 'logout.passing_title'), body, scripts: ['auto-submit'] });
}
