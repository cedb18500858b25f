import { html, isWebUrl, joinHtml, type HtmlValue } from '../../pages/html.js';
import { type FormBase, documentShell, postForm, submitButton } from '../../pages/layout.js';
import { type Lang, t } from '../../pages/messages.js';

export interface ConsentPageInput extends FormBase {
  /** POST target of the confirmation (carries `remember=1` when the box stays ticked). */
  actionUrl: string;
  /** POST target of "Deny". */
  abortUrl: string;
  clientName: string;
  /** The portal's own address; linked only when it is an http(s) URL. */
  clientUri?: string;
  /** What the portal asks for, already localised by the caller (see the `claim.*` messages). */
  items: Array<{ label: string; detail?: string }>;
}

/** "{clientName} is requesting access to the following information": allow (and remember) or deny. */
export function consentPage(p: ConsentPageInput): string {
  const { lang } = p;
  const parts: HtmlValue[] = [html`<h1 id="consent-title">${t(lang, 'consent.title', { clientName: p.clientName })}</h1>`];
  if (p.clientUri && isWebUrl(p.clientUri)) {
    parts.push(html`<p class="muted">${t(lang, 'consent.site')}<a href="${p.clientUri}" rel="noopener noreferrer">${p.clientUri}</a></p>`);
  }
  if (p.items.length > 0) {
    const items = p.items.map((item) => html`<li>${item.label}${item.detail ? html`<span class="detail">${item.detail}</span>` : ''}</li>`);
    parts.push(html`<ul class="claims" aria-labelledby="consent-title">\n${items}\n</ul>`);
  } else {
    parts.push(html`<p>${t(lang, 'consent.none')}</p>`);
  }
  parts.push(
    postForm(
      p.actionUrl,
      p.csrf,
      html`<div class="check">
<input type="checkbox" id="remember" name="remember" value="1" checked aria-describedby="remember-hint">
<div><label for="remember">${t(lang, 'consent.remember')}</label>
<p class="hint" id="remember-hint">${t(lang, 'consent.remember_hint')}</p></div>
</div>
${submitButton(t(lang, 'consent.allow'), 'btn-primary btn-block')}`,
    ),
  );
  parts.push(postForm(p.abortUrl, p.csrf, submitButton(t(lang, 'consent.deny'), 'btn-secondary btn-block'), 'after'));
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'consent.title', { clientName: p.clientName }),
    body: joinHtml(parts),
  });
}

/** Consent-page lines for what a portal asks: one per scope, labelled in the page's language. */
export function consentItems(lang: Lang, details: unknown): Array<{ label: string; detail?: string }> {
  const { missingOIDCScope = [], missingResourceScopes = {} } = (details ?? {}) as {
    missingOIDCScope?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const items: Array<{ label: string; detail?: string }> = missingOIDCScope.map((scope) => ({ label: t(lang, `claim.${scope}`) }));
  for (const [resource, scopes] of Object.entries(missingResourceScopes)) items.push({ label: scopes.join(' '), detail: resource });
  return items;
}
