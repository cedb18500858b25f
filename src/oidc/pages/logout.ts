import { escapeHtml } from './escape.js';
import { type PageBase, documentShell } from './layout.js';
import { t } from './messages.js';

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
  const parts: string[] = [`<h1>${escapeHtml(t(lang, 'logout.title'))}</h1>`];
  if (p.clientName) parts.push(`<p class="lead">${escapeHtml(t(lang, 'logout.from_client', { clientName: p.clientName }))}</p>`);
  parts.push(`<p>${escapeHtml(t(lang, 'logout.question'))}</p>`);
  parts.push(p.form);
  parts.push(`<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" class="btn-primary" autofocus>${escapeHtml(t(lang, 'logout.confirm'))}</button>
<button type="submit" form="op.logoutForm" class="btn-secondary">${escapeHtml(t(lang, 'logout.stay'))}</button>
</div>`);
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title: t(lang, 'logout.title'), body: parts.join('\n') });
}

/** Shown after the session ended. */
export function logoutSuccessPage(p: LogoutSuccessPageInput): string {
  const { lang } = p;
  const parts: string[] = [`<h1>${escapeHtml(t(lang, 'logout_success.title'))}</h1>`];
  if (p.clientName) parts.push(`<p class="lead">${escapeHtml(t(lang, 'logout_success.from_client', { clientName: p.clientName }))}</p>`);
  parts.push(`<p>${escapeHtml(t(lang, 'logout_success.body'))}</p>`);
  parts.push(`<p class="muted">${escapeHtml(t(lang, 'logout_success.shared_device'))}</p>`);
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'logout_success.title'),
    body: parts.join('\n'),
  });
}
