import { html, joinHtml, trusted, type HtmlValue } from '../../pages/html.js';
import { type PageBase, documentShell } from '../../pages/layout.js';
import { t } from '../../pages/messages.js';

export interface LogoutPageInput extends PageBase {
  /**
   * The `<form id="op.logoutForm" …>` (with its hidden xsrf input) that oidc-provider hands to
   * `logoutSource`. Trusted: inserted raw. The buttons below submit it through `form="op.logoutForm"`.
   */
  form: string;
  clientName?: string;
}

export interface LogoutSuccessPageInput extends PageBase {
  clientName?: string;
}

/** RP-initiated logout: confirm signing out of every portal, or stay signed in. */
export function logoutPage(p: LogoutPageInput): string {
  const { lang } = p;
  const parts: HtmlValue[] = [html`<h1>${t(lang, 'logout.title')}</h1>`];
  if (p.clientName) parts.push(html`<p class="lead">${t(lang, 'logout.from_client', { clientName: p.clientName })}</p>`);
  parts.push(html`<p>${t(lang, 'logout.question')}</p>`);
  parts.push(trusted(p.form));
  parts.push(html`<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" class="btn-primary" autofocus>${t(lang, 'logout.confirm')}</button>
<button type="submit" form="op.logoutForm" class="btn-secondary">${t(lang, 'logout.stay')}</button>
</div>`);
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title: t(lang, 'logout.title'), body: joinHtml(parts) });
}

/** Shown after the session ended. */
export function logoutSuccessPage(p: LogoutSuccessPageInput): string {
  const { lang } = p;
  const parts: HtmlValue[] = [html`<h1>${t(lang, 'logout_success.title')}</h1>`];
  if (p.clientName) parts.push(html`<p class="lead">${t(lang, 'logout_success.from_client', { clientName: p.clientName })}</p>`);
  parts.push(html`<p>${t(lang, 'logout_success.body')}</p>`);
  parts.push(html`<p class="muted">${t(lang, 'logout_success.shared_device')}</p>`);
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'logout_success.title'),
    body: joinHtml(parts),
  });
}
