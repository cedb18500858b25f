import { html, joinHtml, type HtmlValue, type SafeHtml } from '../../pages/html.js';
import { type FormBase, type PageBase, attributes, csrfInput, documentShell, submitButton } from '../../pages/layout.js';
import { type Lang, t } from '../../pages/messages.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../accounts/password-policy.js';
import { errorId, errorSummary, fieldErrors, inlineField } from './fields.js';

/** The registration inputs an error can point at, in the order of the form. */
export const REGISTER_FIELDS = ['id_number', 'name', 'password', 'password_confirm', 'accept_terms'] as const;
export type RegisterField = (typeof REGISTER_FIELDS)[number];

export interface RegisterPageInput extends FormBase {
  /** POST target of id_number, name, password, password_confirm, accept_terms (and `return`). */
  actionUrl: string;
  /** "Already registered? Sign in": the portal's sign-in page when the citizen came from one, else the account page. */
  loginUrl: string;
  /** The portal whose sign-in page the citizen came from (the `return` interaction uid is sent back with the form). */
  returnTo?: { uid: string; clientName: string };
  /** Every field's errors, already in the page's language. */
  errors?: Partial<Record<RegisterField, string[]>>;
  /** Errors about the form as a whole (an expired page, too many attempts), already localised. */
  formErrors?: string[];
  /** What the citizen typed, re-filled after an error: never the passwords. */
  values?: { id_number?: string; name?: string; accept_terms?: boolean };
  /** A password was typed and was not kept: say so at the field. */
  passwordsCleared?: boolean;
}

export interface RegisteredPageInput extends PageBase {
  name: string;
  idNumberMasked: string;
  /** Back to the portal's sign-in page (its ID number field filled in). */
  returnTo?: { url: string; clientName: string };
  /** The citizen came from a portal whose sign-in request has since expired: its address, when known. */
  expiredPortal?: { clientName: string; url?: string };
}

/** The password rules, stated before anything is typed: exactly those of src/accounts/password-policy.ts. */
export function passwordRules(lang: Lang, id: string, idRule: 'register' | 'account'): SafeHtml {
  const rule = (name: string, key: string, vars?: Record<string, string | number>) =>
    html`<li data-rule="${name}"><span class="rule-state visually-hidden"></span>${t(lang, key, vars)}</li>\n`;
  return html`<div class="password-rules" id="${id}">
<p class="rules-title">${t(lang, 'password_rules.title')}</p>
<ul class="rules">
${rule('length', 'password_rules.length', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })}${rule('id', `password_rules.id.${idRule}`)}${rule('common', 'password_rules.common')}</ul>
<p class="rules-advice">${t(lang, 'password_rules.advice')}</p>
</div>`;
}

/** The strength meter, hidden until its script runs (the page works without it). */
export function strengthMeter(lang: Lang, o: { inputId: string; idFieldId?: string; rulesId: string }): SafeHtml {
  const attrs: Array<[string, string | number | true]> = [
    ['class', 'meter'],
    ['data-password-meter', true],
    ['data-for', o.inputId],
    ['data-describes', o.rulesId],
    ['data-level', '0'],
    ['data-met', t(lang, 'password_rules.met')],
    ['data-unmet', t(lang, 'password_rules.unmet')],
    ['data-pending', ''],
    ['hidden', true],
  ];
  if (o.idFieldId) attrs.push(['data-id-field', o.idFieldId]);
  for (let level = 0; level <= 4; level++) attrs.push([`data-level-${level}`, t(lang, `password_meter.level${level}`)]);
  return html`<div${attributes(attrs)}>
<div class="meter-track" aria-hidden="true"><div class="meter-fill"></div></div>
<p class="meter-text" aria-hidden="true">${t(lang, 'password_meter.level0')}</p>
<p class="meter-spoken visually-hidden" aria-live="polite"></p>
</div>`;
}

/**
 * Citizen registration: the rules before typing, every field's errors at once beside the field
 * (and listed above the form), what was valid kept, the agreement and privacy notice accepted
 * with an unticked box.
 */
export function registerPage(p: RegisterPageInput): string {
  const { lang } = p;
  const errors = p.errors ?? {};
  const firstInvalid = REGISTER_FIELDS.find((f) => errors[f]?.length);
  const summary = REGISTER_FIELDS.flatMap((f) => (errors[f] ?? []).map((text) => ({ fieldId: f, text })));

  const parts: HtmlValue[] = [html`<h1>${t(lang, 'register.title')}</h1>`, html`<p class="lead">${t(lang, 'register.lead')}</p>`];
  if (p.returnTo) parts.push(html`<p class="note">${t(lang, 'register.returning', { clientName: p.returnTo.clientName })}</p>`);
  parts.push(errorSummary(lang, summary, p.formErrors));

  const acceptInvalid = Boolean(errors.accept_terms?.length);
  const acceptAttrs: Array<[string, string | number | true]> = [
    ['type', 'checkbox'],
    ['id', 'accept_terms'],
    ['name', 'accept_terms'],
    ['value', 'yes'],
  ];
  if (p.values?.accept_terms) acceptAttrs.push(['checked', true]);
  if (acceptInvalid) acceptAttrs.push(['aria-invalid', 'true'], ['aria-describedby', errorId('accept_terms')]);
  if (firstInvalid === 'accept_terms') acceptAttrs.push(['autofocus', true]);
  const newTab = html`<span class="visually-hidden">${t(lang, 'register.opens_new_tab')}</span>`;

  parts.push(html`<form method="post" action="${p.actionUrl}" novalidate>
${csrfInput(p.csrf)}
${p.returnTo ? html`<input type="hidden" name="return" value="${p.returnTo.uid}">` : ''}
${inlineField(lang, {
  id: 'id_number',
  name: 'id_number',
  label: t(lang, 'register.id_number'),
  hint: t(lang, 'login.id_number_hint'),
  type: 'text',
  autocomplete: 'username',
  attrs: { maxlength: 18, autocapitalize: 'characters', spellcheck: 'false', inputmode: 'text' },
  value: p.values?.id_number,
  errors: errors.id_number,
  autofocus: firstInvalid ? firstInvalid === 'id_number' : true,
})}
${inlineField(lang, {
  id: 'name',
  name: 'name',
  label: t(lang, 'register.name'),
  hint: t(lang, 'register.name_hint'),
  type: 'text',
  autocomplete: 'name',
  attrs: { maxlength: 100, spellcheck: 'false' },
  value: p.values?.name,
  errors: errors.name,
  autofocus: firstInvalid === 'name',
})}
${inlineField(lang, {
  id: 'password',
  name: 'password',
  label: t(lang, 'register.password'),
  hint: p.passwordsCleared ? t(lang, 'register.password_again') : undefined,
  type: 'password',
  autocomplete: 'new-password',
  attrs: { maxlength: 1024 },
  before: passwordRules(lang, 'password-rules', 'register'),
  describedBy: ['password-rules'],
  errors: errors.password,
  autofocus: firstInvalid === 'password',
  after: strengthMeter(lang, { inputId: 'password', idFieldId: 'id_number', rulesId: 'password-rules' }),
})}
${inlineField(lang, {
  id: 'password_confirm',
  name: 'password_confirm',
  label: t(lang, 'register.password_confirm'),
  type: 'password',
  autocomplete: 'new-password',
  attrs: { maxlength: 1024 },
  errors: errors.password_confirm,
  autofocus: firstInvalid === 'password_confirm',
})}
<div class="field terms${acceptInvalid ? ' has-error' : ''}">
${fieldErrors(lang, 'accept_terms', errors.accept_terms)}
<div class="check">
<input${attributes(acceptAttrs)}>
<label for="accept_terms">${t(lang, 'register.accept_before')}<a href="/terms" target="_blank" rel="noopener">${t(
    lang,
    'register.terms',
  )}${newTab}</a>${t(lang, 'register.accept_and')}<a href="/privacy" target="_blank" rel="noopener">${t(lang, 'register.privacy')}${newTab}</a></label>
</div>
</div>
${submitButton(t(lang, 'register.submit'), 'btn-primary btn-block')}
</form>`);
  parts.push(html`<p class="after">${t(lang, 'register.have_account')} <a href="${p.loginUrl}">${t(lang, 'register.login')}</a></p>`);
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'register.title'),
    body: joinHtml(parts),
    hasError: summary.length > 0 || Boolean(p.formErrors?.length),
    scripts: ['password-strength'],
  });
}

/** 注册成功: the account exists; back to the portal's sign-in page, whose ID number field is filled in. */
export function registeredPage(p: RegisteredPageInput): string {
  const { lang } = p;
  const parts: HtmlValue[] = [
    html`<div class="success-panel">
<h1>${t(lang, 'registered.title')}</h1>
<p>${t(lang, 'registered.lead')}</p>
</div>`,
    html`<dl class="profile">
<dt>${t(lang, 'account.name')}</dt><dd>${p.name}</dd>
<dt>${t(lang, 'account.id_number')}</dt><dd class="id-masked" translate="no">${p.idNumberMasked}</dd>
</dl>`,
  ];
  if (p.returnTo) {
    parts.push(html`<p class="section">${t(lang, 'registered.next_portal', { clientName: p.returnTo.clientName })}</p>
<p><a class="btn-primary" href="${p.returnTo.url}">${t(lang, 'registered.continue', { clientName: p.returnTo.clientName })}</a></p>`);
  } else if (p.expiredPortal) {
    parts.push(html`<p class="section note">${t(lang, 'registered.expired', { clientName: p.expiredPortal.clientName })}</p>
${p.expiredPortal.url ? html`<p><a class="btn-primary" href="${p.expiredPortal.url}">${t(lang, 'registered.to_portal', { clientName: p.expiredPortal.clientName })}</a></p>` : ''}`);
  } else {
    parts.push(html`<p class="section">${t(lang, 'registered.next_account')}</p>
<p><a class="btn-primary" href="/account">${t(lang, 'registered.to_account')}</a></p>`);
  }
  parts.push(html`<p class="muted">${t(lang, 'registered.two_step')}</p>`);
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title: t(lang, 'registered.title'), body: joinHtml(parts) });
}
