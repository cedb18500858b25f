import { html, joinHtml, type HtmlValue } from './html.js';
import { type PageBase, documentShell } from './layout.js';
import { t } from './messages.js';

export interface ErrorPageInput extends PageBase {
  /** Heading; default "出错了" / "Something went wrong". */
  title?: string;
  /** What happened and what to do, already localised (see the `error.*` messages). */
  message: string;
  /** A machine code shown small, e.g. "invalid_request". */
  code?: string;
  backUrl?: string;
}

/** OIDC errors shown to the user, expired interactions, unknown pages in the flow. */
export function errorPage(p: ErrorPageInput): string {
  const { lang } = p;
  const title = p.title ?? t(lang, 'error.title');
  const parts: HtmlValue[] = [html`<h1>${title}</h1>`, html`<p>${p.message}</p>`];
  if (p.code) {
    // The code goes inside <code>, in the place the localised template puts {code}.
    const [before = '', after = ''] = t(lang, 'error.code', { code: '\u0000' }).split('\u0000');
    parts.push(html`<p class="code-small">${before}<code>${p.code}</code>${after}</p>`);
  }
  if (p.backUrl) parts.push(html`<p class="after"><a href="${p.backUrl}">${t(lang, 'error.back')}</a></p>`);
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title, body: joinHtml(parts) });
}
