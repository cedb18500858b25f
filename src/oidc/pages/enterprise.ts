import { escapeHtml, url } from './escape.js';
import { type FormBase, alertBox, documentShell, postForm, submitButton } from './layout.js';
import { type Lang, t } from './messages.js';

export type EnterpriseLoginError = 'expired' | 'failed';

export interface EnterpriseLoginPageInput extends FormBase {
  clientName: string;
  /** Who is signed in and will act for the enterprise (masked). */
  actingPerson: string;
  /** The QR code of the challenge, an SVG made by the caller (inserted raw). */
  qrSvg: string;
  /** The same challenge as text, for a wallet on this computer (`tongban wallet login …`). */
  challengeText: string;
  expiresAt: Date;
  /** Where the page reloads itself to see whether the wallet has answered (no JavaScript). */
  pollUrl: string;
  /** A fresh challenge (after expiry or failure). */
  restartUrl: string;
  abortUrl: string;
  error?: EnterpriseLoginError;
  failure?: string;
}

/** The tabs of the sign-in page: a person for themselves, or acting for an enterprise. */
export function loginTabs(lang: Lang, active: 'citizen' | 'enterprise', citizenUrl: string, enterpriseUrl: string): string {
  const tab = (which: 'citizen' | 'enterprise', href: string) =>
    `<a class="tab${active === which ? ' active' : ''}" href="${url(href)}"${active === which ? ' aria-current="page"' : ''}>${escapeHtml(t(lang, `tabs.${which}`))}</a>`;
  return `<nav class="tabs" aria-label="${escapeHtml(t(lang, 'tabs.label'))}">${tab('citizen', citizenUrl)}${tab('enterprise', enterpriseUrl)}</nav>`;
}

/**
 * Enterprise sign-in, second step (design §6): the signed-in person presents the enterprise's
 * electronic business licence from their wallet by answering this one-time challenge. The page
 * reloads itself every few seconds (a meta refresh, no script) until the wallet has answered.
 */
export function enterpriseLoginPage(p: EnterpriseLoginPageInput): string {
  const { lang } = p;
  const parts = [`<h1>${escapeHtml(t(lang, 'enterprise.title'))}</h1>`];
  parts.push(`<p class="lead">${escapeHtml(t(lang, 'enterprise.lead', { clientName: p.clientName, person: p.actingPerson }))}</p>`);
  if (p.error) parts.push(alertBox('enterprise-error', p.error === 'expired' ? t(lang, 'enterprise.error.expired') : t(lang, 'enterprise.error.failed', { reason: p.failure ?? '' })));
  if (!p.error) {
    parts.push(`<figure class="qr" role="img" aria-label="${escapeHtml(t(lang, 'enterprise.qr_label'))}">${p.qrSvg}</figure>`);
    parts.push(`<p>${escapeHtml(t(lang, 'enterprise.scan'))}</p>`);
    parts.push(`<p class="muted">${escapeHtml(t(lang, 'enterprise.text'))}</p><p><code class="secret" id="challenge-text">${escapeHtml(p.challengeText)}</code></p>`);
    parts.push(`<p class="muted" role="status">${escapeHtml(t(lang, 'enterprise.waiting', { time: p.expiresAt.toISOString().slice(11, 19) }))} <a href="${url(p.pollUrl)}">${escapeHtml(t(lang, 'enterprise.check_now'))}</a></p>`);
  } else {
    parts.push(`<p><a href="${url(p.restartUrl)}">${escapeHtml(t(lang, 'enterprise.restart'))}</a></p>`);
  }
  parts.push(postForm(p.abortUrl, p.csrf, submitButton(escapeHtml(t(lang, 'common.cancel_return', { clientName: p.clientName })), 'btn-link'), 'after'));
  const html = documentShell({ lang, switchLangUrl: p.switchLangUrl, title: t(lang, 'enterprise.title'), body: parts.join('\n'), hasError: Boolean(p.error) });
  return p.error ? html : html.replace('<meta name="robots"', `<meta http-equiv="refresh" content="3;url=${url(p.pollUrl)}">\n<meta name="robots"`);
}
