import { html, joinHtml, type HtmlValue } from '../../pages/html.js';
import { type FormBase, alertBox, documentShell, field, postForm, submitButton } from '../../pages/layout.js';
import { countdown, loginTabs, withMarkup } from './enterprise.js';
import { type Lang, t, tCount } from '../../pages/messages.js';
import { beijingClock } from './beijing-time.js';

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
  /**
   * After a wrong pair: how many more failures the ID number takes before it is locked — the
   * count of the number typed, kept the same whether or not it has an account (docs/decisions.md).
   */
  attemptsLeft?: number;
  /** LOGIN_LOCK_MINUTES: how long the lock that follows lasts. */
  lockMinutes?: number;
  /** For `locked` and `rate_limited`: when sign-in may be tried again (shown in 北京时间). */
  retryAt?: Date;
  /** "忘记密码？" and the help link (tongban's own pages). */
  forgotUrl?: string;
  helpUrl?: string;
  /**
   * Enterprise sign-in, QR code first: the wallet has answered for this enterprise; the person
   * signs in now, before `holdUntil` (the countdown goes to `expiredUrl` at zero).
   */
  enterpriseAnswered?: { enterpriseName: string; holdUntil: Date; expiredUrl: string };
  now?: Date;
}

const ERROR_ID = 'login-error';

function loginErrorText(p: LoginPageInput, error: LoginError): string {
  const { lang, clientName } = p;
  const now = p.now ?? new Date();
  const untilMinutes = p.retryAt ? (p.retryAt.getTime() - now.getTime()) / 60_000 : undefined;
  const minutes = p.retryAfterMinutes ?? untilMinutes;
  const n = minutes !== undefined && Number.isFinite(minutes) && minutes > 0 ? Math.ceil(minutes) : undefined;
  // When the lock (or the network's limit) ends, as a Beijing clock time: "15:42 解除（北京时间）".
  const until = (key: string, retryAt: Date, minutes: number) =>
    t(lang, minutes === 1 ? `${key}.one` : key, { time: beijingClock(retryAt, lang, 'up', now), minutes });
  switch (error) {
    case 'invalid':
      if (p.attemptsLeft === undefined || !(p.attemptsLeft > 0)) return t(lang, 'login.error.invalid');
      return t(lang, p.attemptsLeft === 1 ? 'login.error.invalid_attempts.one' : 'login.error.invalid_attempts', {
        n: p.attemptsLeft,
        minutes: p.lockMinutes ?? 15,
      });
    case 'locked':
      if (n !== undefined && p.retryAt) return until('login.error.locked_until', p.retryAt, n);
      return n === undefined ? t(lang, 'login.error.locked_later') : tCount(lang, 'login.error.locked', 'minutes', n);
    case 'rate_limited':
      if (n !== undefined && p.retryAt) return until('login.error.rate_limited_until', p.retryAt, n);
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
  if (p.error) parts.push(alertBox(ERROR_ID, loginErrorText(p, p.error)));

  if (p.error !== 'expired') {
    if (p.enterpriseAnswered) parts.push(answeredNote(p, p.enterpriseAnswered));
    // (Not on the enterprise tab: the licence gives that level, the code is asked only of those who turned it on.)
    if (p.loa2Required && p.tabs?.active !== 'enterprise') parts.push(html`<p class="note">${t(lang, 'login.loa2')}</p>`);
    if (p.tabs?.active === 'enterprise' && !p.enterpriseAnswered)
      parts.push(html`<p class="note">${t(lang, 'login.enterprise_first')}</p>`);
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
        passwordWithToggle(
          lang,
          field({
            id: 'password',
            name: 'password',
            label: t(lang, 'login.password'),
            type: 'password',
            autocomplete: 'current-password',
            errorId,
            autofocus: Boolean(p.idNumber),
          }),
        ),
        submitButton(t(lang, 'login.submit'), 'btn-primary btn-block'),
      ]),
    );
    const links = [
      p.forgotUrl && html`<a href="${p.forgotUrl}">${t(lang, 'login.forgot')}</a>`,
      p.helpUrl && html`<a href="${p.helpUrl}">${t(lang, 'login.help')}</a>`,
    ].filter(Boolean);
    if (links.length) parts.push(html`<nav class="login-links" aria-label="${t(lang, 'login.links_label')}">${links}</nav>`);
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
    scripts: p.error === 'expired' ? undefined : p.enterpriseAnswered ? ['password-toggle', 'countdown'] : ['password-toggle'],
  });
}

/**
 * The password field with a "显示 / Show" button inside it on the right (GOV.UK's pattern): the
 * `password-toggle` page script shows the button and switches the field between hidden and
 * shown text, the button's name saying what a press does ("显示密码" / "隐藏密码") and a status
 * line announcing the new state; the password is hidden again before the form is sent. Without
 * script the button stays `hidden`: a button that does nothing is never shown.
 */
function passwordWithToggle(lang: Lang, passwordField: HtmlValue): HtmlValue {
  return html`<div class="password-field">
${passwordField}
<button type="button" class="password-toggle" hidden data-password-toggle aria-controls="password" aria-label="${t(lang, 'login.password_show_label')}" data-show-text="${t(lang, 'login.password_show')}" data-hide-text="${t(lang, 'login.password_hide')}" data-show-label="${t(lang, 'login.password_show_label')}" data-hide-label="${t(lang, 'login.password_hide_label')}" data-shown-status="${t(lang, 'login.password_shown')}" data-hidden-status="${t(lang, 'login.password_hidden')}" data-status="password-toggle-status">${t(lang, 'login.password_show')}</button>
<span class="visually-hidden" role="status" id="password-toggle-status"></span>
</div>`;
}

/** Enterprise sign-in after the wallet's answer: whose licence arrived, and until when the person may sign in. */
function answeredNote(p: LoginPageInput, answered: NonNullable<LoginPageInput['enterpriseAnswered']>): HtmlValue {
  const { lang } = p;
  const now = p.now ?? new Date();
  const seconds = Math.max(0, (answered.holdUntil.getTime() - now.getTime()) / 1000);
  const time = beijingClock(answered.holdUntil, lang, 'down', now);
  return html`<div class="note success" id="enterprise-answered">
<p class="note-title">${t(lang, 'login.enterprise_answered_title')}</p>
<p>${t(lang, 'login.enterprise_answered', { enterprise: answered.enterpriseName })}</p>
<p>${withMarkup(lang, 'login.enterprise_answered_until', { time }, 'left', countdown(lang, seconds, answered.expiredUrl))}</p>
</div>`;
}
