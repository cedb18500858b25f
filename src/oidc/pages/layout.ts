import { escapeHtml, url } from './escape.js';
import { type Lang, t } from './messages.js';
import { styles } from './styles.js';

export type { Lang } from './messages.js';

/** What every page needs: its language and the URL of the same page in the other language. */
export interface PageBase {
  lang: Lang;
  switchLangUrl: string;
}

/** Pages with POST forms also need the CSRF token every form carries. */
export interface FormBase extends PageBase {
  csrf: string;
}

/** The complete HTML5 document around a page's card. `title` is plain text (escaped here). */
export function documentShell(o: {
  lang: Lang;
  switchLangUrl: string;
  title: string;
  body: string;
  hasError?: boolean;
  wide?: boolean;
}): string {
  const { lang } = o;
  const other: Lang = lang === 'en' ? 'zh-CN' : 'en';
  const title = `${o.hasError ? t(lang, 'title.error_prefix') : ''}${o.title} - ${t(lang, 'service.title')}`;
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="format-detection" content="telephone=no">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body>
<header class="topbar">
<div class="topbar-inner">
<span class="brand">${escapeHtml(t(lang, 'service.name'))}</span>
<a class="lang-switch" href="${url(o.switchLangUrl)}" hreflang="${other}" lang="${other}">${escapeHtml(t(lang, 'lang.switch'))}</a>
</div>
</header>
<main class="page${o.wide ? ' wide' : ''}">
<div class="card">
${o.body}
</div>
</main>
<footer class="footer"><p>${escapeHtml(t(lang, 'footer.security'))}</p></footer>
</body>
</html>
`;
}

/** The hidden CSRF field of a POST form. */
export function csrfInput(csrf: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
}

/** A POST form with its CSRF field; `inner` is already-rendered HTML. */
export function postForm(action: string, csrf: string, inner: string, className?: string): string {
  const cls = className ? ` class="${escapeHtml(className)}"` : '';
  return `<form method="post" action="${url(action)}"${cls}>
${csrfInput(csrf)}
${inner}
</form>`;
}

/** An error message announced to assistive technology, placed before the form it concerns. */
export function alertBox(id: string, text: string): string {
  return `<div class="alert" role="alert" id="${escapeHtml(id)}"><p>${escapeHtml(text)}</p></div>`;
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
export function field(f: FieldOptions): string {
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
  const attrText = attrs.map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${escapeHtml(v)}"`)).join('');
  return `<div class="field">
<label for="${escapeHtml(f.id)}">${escapeHtml(f.label)}</label>
${hintId ? `<p class="hint" id="${escapeHtml(hintId)}">${escapeHtml(f.hint!)}</p>\n` : ''}<input${attrText}>
</div>`;
}

/** A one-time-code input (6-digit TOTP): numeric keyboard, one-time-code autofill. */
export function codeField(f: Omit<FieldOptions, 'type' | 'autocomplete' | 'attrs' | 'className' | 'value'>): string {
  return field({
    ...f,
    type: 'text',
    autocomplete: 'one-time-code',
    className: 'code',
    attrs: { inputmode: 'numeric', maxlength: 8, spellcheck: 'false' },
  });
}

/** A submit button. `html` is already-rendered content (normally escaped text). */
export function submitButton(html: string, className = 'btn-primary', extra = ''): string {
  return `<button type="submit" class="${escapeHtml(className)}"${extra}>${html}</button>`;
}
