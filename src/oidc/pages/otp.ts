import { escapeHtml } from './escape.js';
import { type FormBase, alertBox, codeField, documentShell, postForm, submitButton } from './layout.js';
import { t } from './messages.js';

export interface OtpPageInput extends FormBase {
  /** POST target of `code`. */
  actionUrl: string;
  abortUrl: string;
  clientName: string;
  error?: 'invalid_code' | 'csrf';
  /** How the account is named to the user, already masked by the caller (e.g. "张*" or a masked ID number). */
  accountNameMasked: string;
}

const ERROR_ID = 'otp-error';

/** The second factor: a one-time code from the citizen's authenticator app. */
export function otpPage(p: OtpPageInput): string {
  const { lang } = p;
  const parts: string[] = [
    `<h1>${escapeHtml(t(lang, 'otp.title'))}</h1>`,
    `<p class="lead">${escapeHtml(t(lang, 'otp.lead', { account: p.accountNameMasked }))}</p>`,
  ];
  if (p.error) {
    parts.push(alertBox(ERROR_ID, t(lang, p.error === 'csrf' ? 'error.csrf' : 'otp.error.invalid_code')));
  }
  parts.push(
    postForm(
      p.actionUrl,
      p.csrf,
      [
        codeField({
          id: 'code',
          name: 'code',
          label: t(lang, 'otp.code'),
          hint: t(lang, 'otp.code_hint'),
          errorId: p.error === 'invalid_code' ? ERROR_ID : undefined,
          autofocus: true,
        }),
        submitButton(escapeHtml(t(lang, 'otp.submit')), 'btn-primary btn-block'),
      ].join('\n'),
    ),
  );
  parts.push(
    postForm(
      p.abortUrl,
      p.csrf,
      submitButton(escapeHtml(t(lang, 'common.cancel_return', { clientName: p.clientName })), 'btn-link'),
      'after',
    ),
  );
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'otp.title'),
    body: parts.join('\n'),
    hasError: Boolean(p.error),
  });
}
