import { html, joinHtml, trusted, type HtmlValue, type SafeHtml } from './html.js';
import { type Lang, t } from './messages.js';
import { pageScriptUrl } from './scripts/index.js';
import { styles } from './styles.js';

export type { Lang } from './messages.js';

/**
 * The stylesheet, inserted as it is: a constant of this code, and CSS inside <style> is raw text
 * (escaping it would turn the quotes of font names and the `>` of selectors into entities that
 * CSS does not read).
 */
const STYLE_TEXT = trusted(styles);

/** tongban's icon (src/site/favicon.ts), linked from every page. */
export const FAVICON_URL = '/favicon.svg';

/** What every page needs: its language and the URL of the same page in the other language. */
export interface PageBase {
  lang: Lang;
  switchLangUrl: string;
}

/** Pages with POST forms also need the CSRF token every form carries. */
export interface FormBase extends PageBase {
  csrf: string;
}

/** The complete HTML5 document around a page's card. `title` is plain text. */
export function documentShell(o: {
  lang: Lang;
  switchLangUrl: string;
  title: string;
  body: HtmlValue;
  hasError?: boolean;
  wide?: boolean;
  /** Reload (or go to `url`) after `seconds`: pages that wait for something without script. */
  refresh?: { seconds: number; url: string; /** Only without script (a page script does the waiting). */ noscript?: boolean };
  /** Page scripts (src/pages/scripts) to load: enhancements only, the page works without them. */
  scripts?: string[];
}): string {
  const { lang } = o;
  const other: Lang = lang === 'en' ? 'zh-CN' : 'en';
  const title = `${o.hasError ? t(lang, 'title.error_prefix') : ''}${o.title} - ${t(lang, 'service.title')}`;
  return html`<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${o.refresh ? refreshMeta(o.refresh) : ''}<meta name="robots" content="noindex, nofollow">
<meta name="format-detection" content="telephone=no">
<title>${title}</title>
<link rel="icon" href="${FAVICON_URL}" type="image/svg+xml">
<style>${STYLE_TEXT}</style>
${(o.scripts ?? []).map((name) => html`<script src="${pageScriptUrl(name)}" defer></script>\n`)}</head>
<body>
<header class="topbar">
<div class="topbar-inner">
<a class="brand" href="/">${t(lang, 'service.name')}</a>
<a class="lang-switch" href="${o.switchLangUrl}" hreflang="${other}" lang="${other}">${t(lang, 'lang.switch')}</a>
</div>
</header>
<main class="page${o.wide ? ' wide' : ''}">
<div class="card">
${o.body}
</div>
</main>
<footer class="footer">
<p>${t(lang, 'footer.security')}</p>
<nav class="footer-nav" aria-label="${t(lang, 'site.nav.label')}"><a href="/">${t(lang, 'site.nav.home')}</a> <a href="/help">${t(lang, 'site.nav.help')}</a> <a href="/terms">${t(lang, 'site.nav.terms')}</a> <a href="/privacy">${t(lang, 'site.nav.privacy')}</a></nav>
</footer>
</body>
</html>
`.value;
}

/** The hidden CSRF field of a POST form. */
export function csrfInput(csrf: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}

/** A POST form with its CSRF field around `inner`. */
export function postForm(action: string, csrf: string, inner: HtmlValue, className?: string): SafeHtml {
  return html`<form method="post" action="${action}"${className ? html` class="${className}"` : ''}>
${csrfInput(csrf)}
${inner}
</form>`;
}

/** An error message announced to assistive technology, placed before the form it concerns. */
export function alertBox(id: string, text: string): SafeHtml {
  return html`<div class="alert" role="alert" id="${id}"><p>${text}</p></div>`;
}

export interface FieldOptions {
  id: string;
  name: string;
  label: string;
  type: 'text' | 'password';
  autocomplete: string;
  hint?: string;
  /** Id of the alert describing an error in this field: sets aria-invalid and aria-describedby. */
  errorId?: string;
  autofocus?: boolean;
  required?: boolean;
  /** Only for non-secret fields (never passwords, never ID numbers). */
  value?: string;
  /** Extra attributes, as name → value (`true`: attribute without value). */
  attrs?: Record<string, string | number | true>;
  className?: string;
}

/** A labelled input (label `for` = input `id`), with its hint and error wired up by aria-describedby. */
export function field(f: FieldOptions): SafeHtml {
  const hintId = f.hint ? `${f.id}-hint` : undefined;
  const describedBy = [f.errorId, hintId].filter(Boolean).join(' ');
  const attrs: Array<[string, string | number | true]> = [
    ['type', f.type],
    ['id', f.id],
    ['name', f.name],
    ['autocomplete', f.autocomplete],
  ];
  if (f.className) attrs.push(['class', f.className]);
  for (const [k, v] of Object.entries(f.attrs ?? {})) attrs.push([k, v]);
  if (f.value !== undefined && f.type !== 'password') attrs.push(['value', f.value]);
  if (f.required !== false) attrs.push(['required', true]);
  if (f.errorId) attrs.push(['aria-invalid', 'true']);
  if (describedBy) attrs.push(['aria-describedby', describedBy]);
  if (f.autofocus) attrs.push(['autofocus', true]);
  return html`<div class="field">
<label for="${f.id}">${f.label}</label>
${hintId ? html`<p class="hint" id="${hintId}">${f.hint}</p>\n` : ''}<input${attributes(attrs)}>
</div>`;
}

/** ` name="value"` pairs; attribute names are the caller's constants, values are escaped. */
export function attributes(attrs: Array<[string, string | number | true]>): SafeHtml {
  return joinHtml(
    attrs.map(([name, value]) => {
      if (!ATTRIBUTE_NAME.test(name)) throw new Error(`not an attribute name: ${name}`);
      return value === true ? html` ${name}` : html` ${name}="${value}"`;
    }),
    '',
  );
}

const ATTRIBUTE_NAME = /^[a-z][a-z0-9-]*$/;

/** A one-time-code input (6-digit TOTP): numeric keyboard, one-time-code autofill. */
export function codeField(f: Omit<FieldOptions, 'type' | 'autocomplete' | 'attrs' | 'className' | 'value'>): SafeHtml {
  return field({
    ...f,
    type: 'text',
    autocomplete: 'one-time-code',
    className: 'code',
    attrs: { inputmode: 'numeric', maxlength: 8, spellcheck: 'false' },
  });
}

/** A submit button around `content` (text, or markup made with `html`). */
export function submitButton(content: HtmlValue, className = 'btn-primary', extra?: SafeHtml): SafeHtml {
  return html`<button type="submit" class="${className}"${extra}>${content}</button>`;
}

/** The no-script reload of a waiting page, in <head> (inside <noscript> when a page script waits instead). */
function refreshMeta(refresh: { seconds: number; url: string; noscript?: boolean }): SafeHtml {
  const meta = html`<meta http-equiv="refresh" content="${refresh.seconds};url=${refresh.url}">`;
  return refresh.noscript ? html`<noscript>${meta}</noscript>\n` : html`${meta}\n`;
}
