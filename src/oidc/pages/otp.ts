import { html, joinHtml, type HtmlValue } from '../../pages/html.js';
import { type FormBase, alertBox, codeField, documentShell, field, postForm, submitButton } from '../../pages/layout.js';
import { type Lang, t, tCount } from '../../pages/messages.js';

export type OtpError = 'invalid_code' | 'invalid_recovery_code' | 'locked' | 'csrf';

export interface OtpPageInput extends FormBase {
  /** POST target of `code`. */
  actionUrl: string;
  abortUrl: string;
  clientName: string;
  error?: OtpError;
  /** For `locked`: minutes until codes are taken again (rounded up). */
  retryAfterMinutes?: number;
  /** How the account is named to the user (its holder's name), already masked by the caller if need be. */
  accountNameMasked: string;
  /** The masked ID number of the account (e.g. 110105********002X); never a full one. */
  idNumberMasked?: string;
  /** `recovery`: the form for a recovery code instead of the one-time code. */
  mode?: 'code' | 'recovery';
  /** POST target of `recovery_code` (the recovery form). */
  recoveryActionUrl?: string;
  /** The page with the recovery-code form ("use a recovery code instead"). */
  recoveryUrl?: string;
  /** Back to the one-time-code form, from the recovery form. */
  codeUrl?: string;
  /** Help for a citizen who has lost the phone and the codes. */
  helpUrl?: string;
}

const ERROR_ID = 'otp-error';

function errorText(lang: Lang, error: OtpError, minutes?: number): string {
  switch (error) {
    case 'csrf':
      return t(lang, 'error.csrf');
    case 'invalid_code':
      return t(lang, 'otp.error.invalid_code');
    case 'invalid_recovery_code':
      return t(lang, 'otp.error.invalid_recovery_code');
    case 'locked':
      return minutes !== undefined && Number.isFinite(minutes) && minutes > 0
        ? tCount(lang, 'otp.error.locked', 'minutes', Math.ceil(minutes))
        : t(lang, 'otp.error.locked_later');
  }
}

/**
 * The second step of sign-in: who is signing in, where the code is, the one-time-code form (or a
 * recovery code's), and what to do without the phone. An error is announced and shown right above
 * the form of the field it concerns (alerts come before forms on every page).
 */
export function otpPage(p: OtpPageInput): string {
  const { lang } = p;
  const recovery = p.mode === 'recovery' && Boolean(p.recoveryActionUrl);
  const title = t(lang, recovery ? 'otp.recovery_title' : 'otp.title');
  const alert = p.error ? alertBox(ERROR_ID, errorText(lang, p.error, p.retryAfterMinutes)) : undefined;
  // A CSRF failure is about the page, not the field.
  const fieldErrorId = p.error && p.error !== 'csrf' ? ERROR_ID : undefined;

  const who = p.idNumberMasked
    ? html`<strong>${p.accountNameMasked}</strong> <span class="id-masked" translate="no">${p.idNumberMasked}</span>`
    : html`<strong>${p.accountNameMasked}</strong>`;
  const parts: HtmlValue[] = [
    html`<h1>${title}</h1>`,
    html`<p class="lead">${t(lang, 'otp.signing_in_to', { clientName: p.clientName })}</p>`,
    html`<p class="signing-in">${t(lang, 'otp.signing_in_as')}${who}</p>`,
  ];

  if (recovery) {
    parts.push(html`<p>${t(lang, 'otp.recovery_where')}</p>`, alert);
    parts.push(
      postForm(p.recoveryActionUrl!, p.csrf, [
        field({
          id: 'recovery_code',
          name: 'recovery_code',
          label: t(lang, 'otp.recovery_code'),
          hint: t(lang, 'otp.recovery_code_hint'),
          type: 'text',
          autocomplete: 'off',
          attrs: { maxlength: 32, autocapitalize: 'none', spellcheck: 'false' },
          className: 'code',
          errorId: fieldErrorId,
          autofocus: true,
        }),
        submitButton(t(lang, 'otp.recovery_submit'), 'btn-primary btn-block'),
      ]),
    );
    if (p.codeUrl) parts.push(html`<p class="after"><a href="${p.codeUrl}">${t(lang, 'otp.use_code')}</a></p>`);
    if (p.helpUrl) parts.push(html`<p>${t(lang, 'otp.no_recovery_codes')} <a href="${p.helpUrl}">${t(lang, 'otp.help')}</a></p>`);
  } else {
    parts.push(html`<p>${t(lang, 'otp.where')}</p>`, alert);
    parts.push(
      postForm(p.actionUrl, p.csrf, [
        codeField({
          id: 'code',
          name: 'code',
          label: t(lang, 'otp.code'),
          hint: t(lang, 'otp.code_hint'),
          errorId: fieldErrorId,
          autofocus: true,
        }),
        submitButton(t(lang, 'otp.submit'), 'btn-primary btn-block'),
      ]),
    );
    if (p.recoveryUrl) parts.push(html`<p class="after"><a href="${p.recoveryUrl}">${t(lang, 'otp.use_recovery_code')}</a></p>`);
    parts.push(html`<section class="section" aria-labelledby="lost-phone-title">
<h2 id="lost-phone-title">${t(lang, 'otp.lost_phone')}</h2>
<p>${t(lang, 'otp.lost_phone_text')}${p.helpUrl ? html` <a href="${p.helpUrl}">${t(lang, 'otp.help')}</a>` : ''}</p>
</section>`);
  }
  parts.push(
    postForm(p.abortUrl, p.csrf, submitButton(t(lang, 'common.cancel_return', { clientName: p.clientName }), 'btn-link'), 'after'),
  );
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title,
    body: joinHtml(parts),
    hasError: Boolean(p.error),
  });
}
