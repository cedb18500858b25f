import { html, joinHtml, type HtmlValue } from '../../pages/html.js';
import { type FormBase, alertBox, documentShell, field, postForm, submitButton } from '../../pages/layout.js';
import { t } from '../../pages/messages.js';

/** The registration inputs an error can point at. */
export type RegisterField = 'id_number' | 'name' | 'password' | 'password_confirm';

export interface RegisterPageInput extends FormBase {
  /** POST target of id_number, name, password, password_confirm. */
  actionUrl: string;
  loginUrl?: string;
  /**
   * Already localised (see the `register.error.*` messages). Beyond the brief: `field` names the
   * input the error is about, which then gets aria-invalid, aria-describedby and focus.
   */
  error?: { text: string; field?: RegisterField };
  /** Re-filled after an error. The ID number and passwords never are. */
  name?: string;
}

const ERROR_ID = 'register-error';

/** Citizen registration. */
export function registerPage(p: RegisterPageInput): string {
  const { lang } = p;
  const errorField = p.error?.field;
  const state = (f: RegisterField) => ({
    errorId: errorField === f ? ERROR_ID : undefined,
    autofocus: errorField ? errorField === f : f === 'id_number',
  });
  const parts: HtmlValue[] = [html`<h1>${t(lang, 'register.title')}</h1>`, html`<p class="lead">${t(lang, 'register.lead')}</p>`];
  if (p.error) parts.push(alertBox(ERROR_ID, p.error.text));
  parts.push(
    postForm(p.actionUrl, p.csrf, [
      field({
        id: 'id_number',
        name: 'id_number',
        label: t(lang, 'register.id_number'),
        hint: t(lang, 'login.id_number_hint'),
        type: 'text',
        autocomplete: 'username',
        attrs: { maxlength: 18, autocapitalize: 'characters', spellcheck: 'false' },
        ...state('id_number'),
      }),
      field({
        id: 'name',
        name: 'name',
        label: t(lang, 'register.name'),
        hint: t(lang, 'register.name_hint'),
        type: 'text',
        autocomplete: 'name',
        attrs: { maxlength: 64, spellcheck: 'false' },
        value: p.name,
        ...state('name'),
      }),
      field({
        id: 'password',
        name: 'password',
        label: t(lang, 'register.password'),
        hint: t(lang, 'register.password_hint'),
        type: 'password',
        autocomplete: 'new-password',
        ...state('password'),
      }),
      field({
        id: 'password_confirm',
        name: 'password_confirm',
        label: t(lang, 'register.password_confirm'),
        type: 'password',
        autocomplete: 'new-password',
        ...state('password_confirm'),
      }),
      submitButton(t(lang, 'register.submit'), 'btn-primary btn-block'),
    ]),
  );
  if (p.loginUrl) {
    parts.push(html`<p class="after">${t(lang, 'register.have_account')} <a href="${p.loginUrl}">${t(lang, 'register.login')}</a></p>`);
  }
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'register.title'),
    body: joinHtml(parts),
    hasError: Boolean(p.error),
  });
}
