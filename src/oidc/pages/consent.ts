import { html, isWebUrl, joinHtml, type HtmlValue } from '../../pages/html.js';
import { type FormBase, documentShell, postForm, submitButton } from '../../pages/layout.js';
import { type Lang, t } from '../../pages/messages.js';
import { type SignedInAs, signedInAsLine, whoText } from './who.js';

export interface ConsentPageInput extends FormBase {
  /** POST target of the confirmation (carries `remember=1` when the person ticks the box). */
  actionUrl: string;
  /** POST target of "Deny". */
  abortUrl: string;
  clientName: string;
  /** The portal's own address; linked only when it is an http(s) URL. */
  clientUri?: string;
  /** What the portal asks for, already localised by the caller (see the `claim.*` messages). */
  items: Array<{ label: string; detail?: string }>;
  /** Who is signed in: "当前以 张三 登录". */
  who?: SignedInAs;
  /** POST target of "不是您？": ends this session and signs in again for the same portal. */
  switchUrl?: string;
}

/** "当前以 张三 登录 · 不是您？", the question a button of its own form (CSRF-protected). */
function whoBar(p: ConsentPageInput): HtmlValue {
  if (!p.who) return '';
  const { lang } = p;
  const line = html`<span>${signedInAsLine(lang, p.who)}</span>`;
  if (!p.switchUrl) return html`<p class="who">${line}</p>`;
  return postForm(
    p.switchUrl,
    p.csrf,
    html`${line}<span aria-hidden="true">·</span>
<button type="submit" class="btn-link" aria-describedby="not-you-hint">${t(lang, 'session.not_you')}</button>
<span class="visually-hidden" id="not-you-hint">${t(lang, 'session.not_you_hint', { name: whoText(lang, p.who) })}</span>`,
    'who',
  );
}

/**
 * "{clientName} is asking for the following information": allow (and, if the person ticks it,
 * remember) or deny. Who is signed in is said first, with a way out for someone else at the keyboard.
 * "Remember" is never ticked in advance: remembering is the person's choice.
 */
export function consentPage(p: ConsentPageInput): string {
  const { lang } = p;
  const parts: HtmlValue[] = [whoBar(p), html`<h1 id="consent-title">${t(lang, 'consent.title', { clientName: p.clientName })}</h1>`];
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
<input type="checkbox" id="remember" name="remember" value="1" aria-describedby="remember-hint">
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
  // tongban's API scopes a citizen may be asked for, in words; any other resource scope (not
  // offered to citizens' clients today) gets a plain line, never the raw scope name.
  const worded = new Set(['licences', 'account']);
  for (const scopes of Object.values(missingResourceScopes)) {
    for (const scope of new Set(scopes.map((s) => (worded.has(s) ? s : 'other')))) items.push({ label: t(lang, `scope.${scope}`) });
  }
  return items;
}
