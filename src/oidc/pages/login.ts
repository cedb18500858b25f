import { html, joinHtml, type HtmlValue } from '../../pages/html.js';
import { type FormBase, alertBox, documentShell, field, postForm, submitButton } from '../../pages/layout.js';
import { loginTabs } from './enterprise.js';
import { type Lang, t, tCount } from '../../pages/messages.js';

export type LoginError = 'invalid' | 'locked' | 'rate_limited' | 'csrf' | 'expired';

export interface LoginPageInput extends FormBase {
  /** POST target of `id_number` + `password` (POST /interaction/:uid/login). */
  actionUrl: string;
  /** POST target of the cancel form (it carries only `csrf`). */
  abortUrl: string;
  clientName: string;
  error?: LoginError;
  /** For `locked` and `rate_limited`: shown as "try again in N minutes" (rounded up, at least 1). */
  retryAfterMinutes?: number;
  /** The portal needs a second factor: say so before the password is entered. */
  loa2Required?: boolean;
  registerUrl?: string;
  /** Put in the ID number field: the citizen's own number (e.g. just registered with it, see LoginPrefill). */
  idNumber?: string;
  /** The citizen / enterprise tabs; with `enterprise` active the form is the first of its two steps. */
  tabs?: { active: 'citizen' | 'enterprise'; citizenUrl: string; enterpriseUrl: string };
}

const ERROR_ID = 'login-error';

function loginErrorText(lang: Lang, error: LoginError, clientName: string, minutes?: number): string {
  const n = minutes !== undefined && Number.isFinite(minutes) && minutes > 0 ? Math.ceil(minutes) : undefined;
  switch (error) {
    case 'invalid':
      return t(lang, 'login.error.invalid');
    case 'locked':
      return n === undefined ? t(lang, 'login.error.locked_later') : tCount(lang, 'login.error.locked', 'minutes', n);
    case 'rate_limited':
      return n === undefined ? t(lang, 'login.error.rate_limited_later') : tCount(lang, 'login.error.rate_limited', 'minutes', n);
    case 'csrf':
      return t(lang, 'login.error.csrf');
    case 'expired':
      return t(lang, 'login.error.expired', { clientName });
  }
}

/**
 * The sign-in page: ID number and password. The ID number field is filled only with the
 * citizen's own number given in `idNumber` (never from a URL); the password never is. With
 * `error: 'expired'` the interaction is gone, so only the message is shown: posting either form
 * could only fail again.
 */
export function loginPage(p: LoginPageInput): string {
  const { lang } = p;
  const parts: HtmlValue[] = [];
  if (p.tabs) parts.push(loginTabs(lang, p.tabs.active, p.tabs.citizenUrl, p.tabs.enterpriseUrl));
  parts.push(html`<h1>${t(lang, 'login.title')}</h1>`);
  parts.push(html`<p class="lead">${t(lang, 'login.lead', { clientName: p.clientName })}</p>`);
  if (p.error) parts.push(alertBox(ERROR_ID, loginErrorText(lang, p.error, p.clientName, p.retryAfterMinutes)));

  if (p.error !== 'expired') {
    if (p.loa2Required) parts.push(html`<p class="note">${t(lang, 'login.loa2')}</p>`);
    if (p.tabs?.active === 'enterprise') parts.push(html`<p class="note">${t(lang, 'login.enterprise_first')}</p>`);
    // Only a wrong ID number/password pair marks the fields invalid (both: which one is never said).
    const errorId = p.error === 'invalid' ? ERROR_ID : undefined;
    parts.push(
      postForm(p.actionUrl, p.csrf, [
        field({
          id: 'id_number',
          name: 'id_number',
          label: t(lang, 'login.id_number'),
          hint: t(lang, 'login.id_number_hint'),
          type: 'text',
          autocomplete: 'username',
          attrs: { maxlength: 18, autocapitalize: 'characters', spellcheck: 'false' },
          value: p.idNumber,
          errorId,
          autofocus: !p.idNumber,
        }),
        field({
          id: 'password',
          name: 'password',
          label: t(lang, 'login.password'),
          type: 'password',
          autocomplete: 'current-password',
          errorId,
          autofocus: Boolean(p.idNumber),
        }),
        submitButton(t(lang, 'login.submit'), 'btn-primary btn-block'),
      ]),
    );
    parts.push(
      postForm(p.abortUrl, p.csrf, submitButton(t(lang, 'common.cancel_return', { clientName: p.clientName }), 'btn-link'), 'after'),
    );
    if (p.registerUrl) {
      parts.push(html`<p class="after">${t(lang, 'login.no_account')} <a href="${p.registerUrl}">${t(lang, 'login.register')}</a></p>`);
    }
  }

  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'login.title'),
    body: joinHtml(parts),
    hasError: Boolean(p.error),
  });
}
