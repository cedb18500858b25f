import { html, joinHtml, type HtmlValue } from '../../pages/html.js';
import { type FormBase, alertBox, codeField, documentShell, postForm, submitButton } from '../../pages/layout.js';
import { t } from '../../pages/messages.js';

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
  const parts: HtmlValue[] = [
    html`<h1>${t(lang, 'otp.title')}</h1>`,
    html`<p class="lead">${t(lang, 'otp.lead', { account: p.accountNameMasked })}</p>`,
  ];
  if (p.error) {
    parts.push(alertBox(ERROR_ID, t(lang, p.error === 'csrf' ? 'error.csrf' : 'otp.error.invalid_code')));
  }
  parts.push(
    postForm(p.actionUrl, p.csrf, [
      codeField({
        id: 'code',
        name: 'code',
        label: t(lang, 'otp.code'),
        hint: t(lang, 'otp.code_hint'),
        errorId: p.error === 'invalid_code' ? ERROR_ID : undefined,
        autofocus: true,
      }),
      submitButton(t(lang, 'otp.submit'), 'btn-primary btn-block'),
    ]),
  );
  parts.push(
    postForm(p.abortUrl, p.csrf, submitButton(t(lang, 'common.cancel_return', { clientName: p.clientName }), 'btn-link'), 'after'),
  );
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'otp.title'),
    body: joinHtml(parts),
    hasError: Boolean(p.error),
  });
}
