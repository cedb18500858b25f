import { html, joinHtml, trusted, type HtmlValue, type SafeHtml } from '../../pages/html.js';
import { type FormBase, alertBox, documentShell, postForm, submitButton } from '../../pages/layout.js';
import { type Lang, t } from '../../pages/messages.js';

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
export function loginTabs(lang: Lang, active: 'citizen' | 'enterprise', citizenUrl: string, enterpriseUrl: string): SafeHtml {
  const tab = (which: 'citizen' | 'enterprise', href: string) =>
    html`<a class="tab${active === which ? ' active' : ''}" href="${href}"${active === which && html` aria-current="page"`}>${t(lang, `tabs.${which}`)}</a>`;
  return html`<nav class="tabs" aria-label="${t(lang, 'tabs.label')}">${tab('citizen', citizenUrl)}${tab('enterprise', enterpriseUrl)}</nav>`;
}

/**
 * Enterprise sign-in, second step (design §6): the signed-in person presents the enterprise's
 * electronic business licence from their wallet by answering this one-time challenge. The page
 * reloads itself every few seconds (a meta refresh, no script) until the wallet has answered.
 */
export function enterpriseLoginPage(p: EnterpriseLoginPageInput): string {
  const { lang } = p;
  const parts: HtmlValue[] = [html`<h1>${t(lang, 'enterprise.title')}</h1>`];
  parts.push(html`<p class="lead">${t(lang, 'enterprise.lead', { clientName: p.clientName, person: p.actingPerson })}</p>`);
  if (p.error)
    parts.push(
      alertBox(
        'enterprise-error',
        p.error === 'expired' ? t(lang, 'enterprise.error.expired') : t(lang, 'enterprise.error.failed', { reason: p.failure ?? '' }),
      ),
    );
  if (!p.error) {
    parts.push(html`<figure class="qr" role="img" aria-label="${t(lang, 'enterprise.qr_label')}">${trusted(p.qrSvg)}</figure>`);
    parts.push(html`<p>${t(lang, 'enterprise.scan')}</p>`);
    parts.push(
      html`<p class="muted">${t(lang, 'enterprise.text')}</p><p><code class="secret" id="challenge-text">${p.challengeText}</code></p>`,
    );
    parts.push(
      html`<p class="muted" role="status">${t(lang, 'enterprise.waiting', { time: p.expiresAt.toISOString().slice(11, 19) })} <a href="${p.pollUrl}">${t(lang, 'enterprise.check_now')}</a></p>`,
    );
  } else {
    parts.push(html`<p><a href="${p.restartUrl}">${t(lang, 'enterprise.restart')}</a></p>`);
  }
  parts.push(
    postForm(p.abortUrl, p.csrf, submitButton(t(lang, 'common.cancel_return', { clientName: p.clientName }), 'btn-link'), 'after'),
  );
  // Without script, the page reloads itself every few seconds until the wallet has answered.
  const refresh = p.error ? undefined : { seconds: 3, url: p.pollUrl };
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'enterprise.title'),
    body: joinHtml(parts),
    hasError: Boolean(p.error),
    refresh,
  });
}
