import { html, joinHtml, type HtmlValue, type SafeHtml } from '../../pages/html.js';
import { attributes } from '../../pages/layout.js';
import { type Lang, t } from '../../pages/messages.js';

/**
 * Form fields whose errors stand next to them (registration, the account page's password form):
 * label, hint, then the field's own error messages, then the input — the input marked
 * `aria-invalid` and described by its errors first, then its hint — as GOV.UK's and the national
 * platform's forms do. A summary above the form (errorSummary) lists the same errors, each a
 * link to its field.
 */

export interface InlineFieldOptions {
  id: string;
  name: string;
  label: string;
  type: 'text' | 'password';
  autocomplete: string;
  hint?: HtmlValue;
  /** The field's errors, already in the page's language (every one is shown). */
  errors?: string[];
  /** Extra description after the hint (e.g. the password rules): ids of elements on the page. */
  describedBy?: string[];
  value?: string;
  autofocus?: boolean;
  attrs?: Record<string, string | number | true>;
  /** Markup after the input, inside the field (e.g. the strength meter). */
  after?: HtmlValue;
  /** Markup between the hint and the errors (e.g. the password rules). */
  before?: HtmlValue;
}

export const errorId = (fieldId: string) => `${fieldId}-error`;
const hintId = (fieldId: string) => `${fieldId}-hint`;

/** The errors of one field, as a paragraph each, with the id the input points at. */
export function fieldErrors(lang: Lang, fieldId: string, errors: string[] | undefined): SafeHtml | '' {
  if (!errors?.length) return '';
  return html`<div class="field-error" id="${errorId(fieldId)}">
${errors.map((text) => html`<p><span class="visually-hidden">${t(lang, 'form.error_prefix')}</span>${text}</p>\n`)}</div>`;
}

export function inlineField(lang: Lang, f: InlineFieldOptions): SafeHtml {
  const invalid = Boolean(f.errors?.length);
  const describedBy = [invalid ? errorId(f.id) : undefined, f.hint ? hintId(f.id) : undefined, ...(f.describedBy ?? [])]
    .filter(Boolean)
    .join(' ');
  const attrs: Array<[string, string | number | true]> = [
    ['type', f.type],
    ['id', f.id],
    ['name', f.name],
    ['autocomplete', f.autocomplete],
  ];
  for (const [k, v] of Object.entries(f.attrs ?? {})) attrs.push([k, v]);
  if (f.value !== undefined && f.type !== 'password') attrs.push(['value', f.value]);
  attrs.push(['required', true]);
  if (invalid) attrs.push(['aria-invalid', 'true']);
  if (describedBy) attrs.push(['aria-describedby', describedBy]);
  if (f.autofocus) attrs.push(['autofocus', true]);
  return html`<div class="field${invalid ? ' has-error' : ''}">
<label for="${f.id}">${f.label}</label>
${f.hint ? html`<p class="hint" id="${hintId(f.id)}">${f.hint}</p>\n` : ''}${f.before ?? ''}${fieldErrors(lang, f.id, f.errors)}
<input${attributes(attrs)}>
${f.after ?? ''}
</div>`;
}

/**
 * "There is a problem" above a form: how many fields need changing and a link to each, in the
 * order of the form. role="alert": read out when the page comes back with errors.
 */
export function errorSummary(lang: Lang, items: Array<{ fieldId: string; text: string }>, formLevel: string[] = []): SafeHtml | '' {
  if (!items.length && !formLevel.length) return '';
  const count = new Set(items.map((item) => item.fieldId)).size;
  const title = count
    ? t(lang, count === 1 ? 'form.error_summary.one' : 'form.error_summary', { count })
    : t(lang, 'form.error_summary.form');
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">${title}</h2>
${joinHtml(formLevel.map((text) => html`<p>${text}</p>`))}
${items.length ? html`<ul>\n${items.map((item) => html`<li><a href="#${item.fieldId}">${item.text}</a></li>\n`)}</ul>` : ''}
</div>`;
}
