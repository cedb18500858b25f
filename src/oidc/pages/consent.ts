import { escapeHtml, isWebUrl, url } from './escape.js';
import { type FormBase, documentShell, postForm, submitButton } from './layout.js';
import { t } from './messages.js';

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
  const parts: string[] = [
    `<h1 id="consent-title">${escapeHtml(t(lang, 'consent.title', { clientName: p.clientName }))}</h1>`,
  ];
  if (p.clientUri && isWebUrl(p.clientUri)) {
    parts.push(
      `<p class="muted">${escapeHtml(t(lang, 'consent.site'))}<a href="${url(p.clientUri)}" rel="noopener noreferrer">${escapeHtml(
        p.clientUri,
      )}</a></p>`,
    );
  }
  if (p.items.length > 0) {
    const items = p.items
      .map(
        (item) =>
          `<li>${escapeHtml(item.label)}${item.detail ? `<span class="detail">${escapeHtml(item.detail)}</span>` : ''}</li>`,
      )
      .join('\n');
    parts.push(`<ul class="claims" aria-labelledby="consent-title">\n${items}\n</ul>`);
  } else {
    parts.push(`<p>${escapeHtml(t(lang, 'consent.none'))}</p>`);
  }
  parts.push(
    postForm(
      p.actionUrl,
      p.csrf,
      `<div class="check">
<input type="checkbox" id="remember" name="remember" value="1" checked aria-describedby="remember-hint">
<div><label for="remember">${escapeHtml(t(lang, 'consent.remember'))}</label>
<p class="hint" id="remember-hint">${escapeHtml(t(lang, 'consent.remember_hint'))}</p></div>
</div>
${submitButton(escapeHtml(t(lang, 'consent.allow')), 'btn-primary btn-block')}`,
    ),
  );
  parts.push(postForm(p.abortUrl, p.csrf, submitButton(escapeHtml(t(lang, 'consent.deny')), 'btn-secondary btn-block'), 'after'));
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'consent.title', { clientName: p.clientName }),
    body: parts.join('\n'),
  });
}
