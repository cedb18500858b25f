import { html, joinHtml, type SafeHtml } from '../../pages/html.js';
import { documentShell, type PageBase } from '../../pages/layout.js';
import { accessLog } from '../../pages/messages/access-log.js';
import type { Lang } from '../../pages/messages.js';
import type { AccessLogItem, Bilingual } from '../access-log.js';

export type AccessLogKey = keyof typeof accessLog;

/** A text of the access log in `lang`, `{name}` placeholders filled. */
export function accessLogText(lang: Lang, key: AccessLogKey, vars: Record<string, string | number> = {}): string {
  const text = accessLog[key][lang === 'en' ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** One entry as the page shows it: its sentence, and a second one when it did not succeed. */
export interface AccessLogRow {
  at: Date;
  kind: AccessLogItem['kind'];
  outcome: AccessLogItem['outcome'];
  summary: string;
  note?: string;
  licenceId?: string;
}

export interface AccessLogPageInput extends PageBase {
  rows: AccessLogRow[];
  /** The link to the older entries, when there are any. */
  earlierUrl?: string;
  /** This page is not the newest (a `before` was given): a link back to it. */
  newestUrl?: string;
  /** The enterprises whose entries are listed too (the citizen is their legal representative). */
  enterprises: string[];
}

/** An item's words in the page's language. */
export function inLang(lang: Lang, words: Bilingual): string {
  return lang === 'en' ? words.en : words.zh;
}

export function accessLogRow(lang: Lang, item: AccessLogItem): AccessLogRow {
  return {
    at: item.at,
    kind: item.kind,
    outcome: item.outcome,
    summary: inLang(lang, item.summary),
    ...(item.note ? { note: inLang(lang, item.note) } : {}),
    ...(item.licenceId ? { licenceId: item.licenceId } : {}),
  };
}

/**
 * /account/access-log, 谁用了我的身份信息: what the list holds and that nobody can change it, then
 * one sentence per entry (newest first), a page at a time, with "Earlier" below. Every state says
 * so in words: nothing recorded yet, nothing earlier.
 */
export function accessLogPage(p: AccessLogPageInput): string {
  const { lang } = p;
  const say = (key: AccessLogKey, vars?: Record<string, string | number>) => accessLogText(lang, key, vars);
  const parts: Array<SafeHtml | string> = [
    html`<h1>${say('access_log.title')}</h1>`,
    html`<p class="lead">${say('access_log.lead')}</p>`,
    html`<p class="muted">${say('access_log.unalterable')}</p>`,
  ];
  if (p.enterprises.length)
    parts.push(
      html`<p class="note">${say('access_log.enterprises', { enterprises: p.enterprises.join(lang === 'en' ? ', ' : '、') })}</p>`,
    );

  const rows = p.rows.map((row) => {
    const failed = row.outcome !== 'success';
    return html`<li class="access-entry${failed ? ' not-success' : ''}" data-kind="${row.kind}" data-at="${row.at.toISOString()}">
<p>${row.summary}</p>${
      row.licenceId
        ? html`\n<p class="detail" style="overflow-wrap:anywhere">${say('access_log.licence_number', { id: row.licenceId })}</p>`
        : ''
    }${row.note ? html`\n<p class="detail${failed ? ' warn' : ''}">${row.note}</p>` : ''}
</li>`;
  });
  const list = p.rows.length
    ? html`<ol class="offers access-log" style="grid-template-columns:1fr" aria-label="${say('access_log.list_label')}">
${rows}
</ol>${
        p.earlierUrl
          ? ''
          : html`
<p class="muted after">${say('access_log.no_earlier')}</p>`
      }`
    : html`<div class="note" role="status"><p>${say(p.newestUrl ? 'access_log.no_earlier' : 'access_log.empty')}</p></div>`;
  parts.push(html`<div class="section">
${list}
${
  p.earlierUrl || p.newestUrl
    ? html`<nav class="actions" aria-label="${say('access_log.paging')}">${
        p.earlierUrl ? html`<a class="btn-secondary" href="${p.earlierUrl}" rel="next">${say('access_log.earlier')}</a>` : ''
      }${p.newestUrl ? html` <a href="${p.newestUrl}">${say('access_log.newest')}</a>` : ''}</nav>`
    : ''
}
</div>`);
  parts.push(html`<p class="section"><a href="/account">${say('access_log.back')}</a></p>`);
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title: say('access_log.title'), body: joinHtml(parts), wide: true });
}
