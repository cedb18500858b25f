import { html, joinHtml, trusted, type HtmlValue, type SafeHtml } from '../../pages/html.js';
import { type FormBase, alertBox, codeField, csrfInput, documentShell, field, postForm, submitButton } from '../../pages/layout.js';
import { type Lang, t, tCount } from '../../pages/messages.js';
import { inlineField } from './fields.js';
import { loaOf } from '../../oidc/assurance.js';
import { passwordRules, strengthMeter } from './register.js';
import { myLicencesSection, type AccountLicence, type AccountShare } from './my-licences.js';
import { accessLogText } from './access-log.js';

/** The account-page inputs a flash error can point at (`code`: whichever TOTP code input is shown). */
export type AccountField = 'current_password' | 'new_password' | 'new_password_confirm' | 'code';

export interface AccountConsent {
  clientName: string;
  /** Claim/scope labels, already localised (see the `claim.*` messages). */
  items: string[];
  grantedAt: Date;
  /** POST target of this consent's "Withdraw" form. */
  withdrawUrl: string;
}

/** The password form's fields. */
export type PasswordField = 'current_password' | 'new_password' | 'new_password_confirm';

/** One successful sign-in, as the history lists it. */
export interface AccountSignIn {
  at: Date;
  /** The portal's name in the page's language. */
  portal: string;
  /** The level (acr) and the methods (amr: pwd, otp, swk). */
  acr?: string;
  amr: string[];
  /** Signed in to act for an enterprise. */
  enterprise?: boolean;
  /** Already masked, e.g. 203.0.113.* */
  ipMasked: string;
}

/** One of the citizen's sessions (a browser where they are signed in). */
export interface AccountSessionView {
  startedAt?: Date;
  acr?: string;
  amr: string[];
  enterprise?: boolean;
  /** The portals signed in to through it, named in the page's language. */
  portals: string[];
  /** This browser's own session. */
  current: boolean;
  /** POST target (csrf only) ending it; absent for the current session (which signs out as usual). */
  endUrl?: string;
}

export interface AccountPageInput extends FormBase {
  name: string;
  /** 我的证照: the citizen's licences and their recent shares (亮证); the section is left out when not given. */
  licences?: { licences: AccountLicence[]; shares: AccountShare[] };
  /** Masked by the caller (e.g. 110105********002X); the page never receives a full ID number. */
  idNumberMasked: string;
  /** POST target of current_password, new_password, new_password_confirm. */
  passwordUrl: string;
  totpEnabled: boolean;
  /** POST target (no fields but csrf) that starts TOTP enrolment. */
  totpStartUrl: string;
  /** POST target of `code` completing enrolment. */
  totpConfirmUrl: string;
  /** POST target of `code` turning TOTP off. */
  totpDisableUrl: string;
  /**
   * An enrolment in progress: the QR code as an SVG string (trusted, inserted raw) and the base32
   * secret; `expiresAt`, when the set-up is dropped.
   */
  totpEnrolment?: { qrSvg: string; secret: string; expiresAt?: Date };
  /** POST target of `code` (a one-time code or a recovery code) making new recovery codes. */
  recoveryCodesUrl?: string;
  /** With TOTP on: how many recovery codes are still unused. */
  recoveryCodesLeft?: number;
  /** Recovery codes just made: shown this once, never again. */
  recoveryCodes?: string[];
  /** An error about one of the two-step sign-in forms, shown right above its field. */
  totpError?: { form: TotpForm; text: string };
  consents: AccountConsent[];
  /** The last successful sign-ins, newest first. */
  signIns?: AccountSignIn[];
  /** The citizen's sessions, this browser's among them. */
  sessions?: AccountSessionView[];
  /** Errors of the password form, each shown beside its field. */
  passwordErrors?: Partial<Record<PasswordField, string[]>>;
  /** A message about ending a session, shown above the sessions. */
  sessionsNotice?: { kind: 'success' | 'error'; text: string };
  logoutUrl: string;
  /**
   * A message about the last action, already localised. Beyond the brief: `field` names the input
   * an error is about, which then gets aria-invalid, aria-describedby and focus.
   */
  flash?: { kind: 'success' | 'error'; text: string; field?: AccountField };
}

const FLASH_ID = 'flash';
const TOTP_ERROR_ID = 'totp-error';

/** The forms of the two-step sign-in section. */
export type TotpForm = 'start' | 'confirm' | 'disable' | 'regenerate';

/** Time of day in China Standard Time (e.g. 14:35), for "finish by" notes. */
function formatTime(lang: Lang, date: Date): string {
  return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' }).format(date);
}

/** A text input for a 6-digit one-time code or a recovery code (letters too: no numeric keyboard). */
function codeOrRecoveryField(f: { id: string; label: string; hint: string; errorId?: string; autofocus?: boolean }): SafeHtml {
  return field({
    ...f,
    name: 'code',
    type: 'text',
    autocomplete: 'one-time-code',
    className: 'code',
    attrs: { maxlength: 32, autocapitalize: 'none', spellcheck: 'false' },
  });
}

/** Date and time in the page language, in China Standard Time (e.g. 2024年6月15日 14:35 / Jun 15, 2024, 14:35). */
export function formatDateTime(lang: Lang, date: Date | undefined): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: lang === 'en' ? 'short' : 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    // Not hour12: false, with which English writes midnight as 24:15.
    hourCycle: 'h23',
    timeZone: 'Asia/Shanghai',
  }).format(date);
}

/**
 * The level of a sign-in and how it was reached, in words: 较高（密码 + 动态验证码）,
 * Higher (password + one-time code), …; the level from `acr`, else from the methods.
 */
export function levelInWords(lang: Lang, acr: string | undefined, amr: string[], enterprise = false): string {
  const known = ['pwd', 'otp', 'swk'].filter((m) => amr.includes(m));
  const methods = known.map((m) => t(lang, `account.method.${m}`)).join(' + ') || t(lang, 'account.method.unknown');
  const level = loaOf(acr) || (amr.includes('swk') ? 3 : amr.includes('otp') ? 2 : amr.includes('pwd') ? 1 : 0);
  const words = level ? t(lang, 'account.level', { level: t(lang, `account.level.${level}`), methods }) : methods;
  return enterprise ? t(lang, 'account.method.for_enterprise', { methods: words }) : words;
}

/** Long date in the page language, in China Standard Time (e.g. 2024年6月15日 / June 15, 2024). */
export function formatDate(lang: Lang, date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(date);
}

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP" for typing it into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** The citizen's self-service page: details, password, two-step sign-in, authorised portals, sign-out. */
export function accountPage(p: AccountPageInput): string {
  const { lang } = p;
  const errorField = p.flash?.kind === 'error' ? p.flash.field : undefined;
  // Focus goes where the citizen has to act: the field of an error, else the code of an enrolment
  // in progress; otherwise nothing is focused, so the page is read from the top.
  const focus: AccountField | undefined = errorField ?? (p.totpEnrolment && !p.totpEnabled ? 'code' : undefined);
  const fieldState = (f: AccountField) => ({
    errorId: errorField === f ? FLASH_ID : undefined,
    autofocus: focus === f,
  });

  const parts: HtmlValue[] = [html`<h1>${t(lang, 'account.title')}</h1>`];

  // An error about a password field stands beside that field instead (see the password section).
  if (p.flash && !(errorField && errorField !== 'code')) {
    const role = p.flash.kind === 'error' ? 'alert' : 'status';
    parts.push(html`<div class="flash ${p.flash.kind}" role="${role}" id="${FLASH_ID}"><p>${p.flash.text}</p></div>`);
  }

  // 1. Profile
  parts.push(html`<section class="section first" aria-labelledby="profile-title">
<h2 id="profile-title">${t(lang, 'account.profile')}</h2>
<dl class="profile">
<dt>${t(lang, 'account.name')}</dt><dd>${p.name}</dd>
<dt>${t(lang, 'account.id_number')}</dt><dd translate="no">${p.idNumberMasked}</dd>
</dl>
</section>`);

  // 我的证照: the licences, their files and 亮证, right after who the citizen is.
  if (p.licences) parts.push(myLicencesSection({ lang, ...p.licences }));

  // 2. Password: the rules before typing, each error beside its field.
  const pwErrors = p.passwordErrors ?? {};
  const firstPasswordError = (['current_password', 'new_password', 'new_password_confirm'] as const).find((f) => pwErrors[f]?.length);
  const pwField = (f: PasswordField) => ({
    errors: pwErrors[f] ?? (errorField === f && p.flash ? [p.flash.text] : undefined),
    autofocus: firstPasswordError ? firstPasswordError === f : focus === f,
  });
  parts.push(html`<section class="section" aria-labelledby="password-title">
<h2 id="password-title">${t(lang, 'account.password')}</h2>
<form method="post" action="${p.passwordUrl}" novalidate>
${csrfInput(p.csrf)}
${[
  inlineField(lang, {
    id: 'current_password',
    name: 'current_password',
    label: t(lang, 'account.current_password'),
    type: 'password',
    autocomplete: 'current-password',
    ...pwField('current_password'),
  }),
  inlineField(lang, {
    id: 'new_password',
    name: 'new_password',
    label: t(lang, 'account.new_password'),
    type: 'password',
    autocomplete: 'new-password',
    attrs: { maxlength: 1024 },
    before: passwordRules(lang, 'new-password-rules', 'account'),
    describedBy: ['new-password-rules'],
    after: strengthMeter(lang, { inputId: 'new_password', rulesId: 'new-password-rules' }),
    ...pwField('new_password'),
  }),
  inlineField(lang, {
    id: 'new_password_confirm',
    name: 'new_password_confirm',
    label: t(lang, 'account.new_password_confirm'),
    type: 'password',
    autocomplete: 'new-password',
    ...pwField('new_password_confirm'),
  }),
  submitButton(t(lang, 'account.password_submit')),
]}
</form>
</section>`);

  // 3. Two-step sign-in
  const totpError = p.totpError;
  /** The alert and field state of one of the section's forms: an error sits right above its form. */
  const totpFormState = (form: TotpForm, fallback: AccountField | undefined) =>
    totpError?.form === form
      ? { alert: alertBox(TOTP_ERROR_ID, totpError.text), state: { errorId: TOTP_ERROR_ID, autofocus: true } }
      : { alert: undefined, state: fallback ? fieldState(fallback) : {} };
  let totp: SafeHtml;
  if (p.totpEnabled) {
    const disable = totpFormState('disable', 'code');
    const regenerate = totpFormState('regenerate', undefined);
    let recovery: SafeHtml;
    if (p.recoveryCodes?.length) {
      recovery = html`<div class="recovery-new">
<h3 id="recovery-new-title">${t(lang, 'account.recovery_new_title')}</h3>
<p class="note">${t(lang, 'account.recovery_new_text')}</p>
<ol class="recovery-codes" translate="no">
${p.recoveryCodes.map((code) => html`<li><code>${code}</code></li>\n`)}</ol>
<p><a href="/account">${t(lang, 'account.recovery_saved')}</a></p>
</div>`;
    } else {
      const left = p.recoveryCodesLeft ?? 0;
      const status =
        left === 0
          ? html`<p class="note warn">${t(lang, 'account.recovery_none')}</p>`
          : left <= 2
            ? html`<p class="note warn">${tCount(lang, 'account.recovery_low', 'count', left)}</p>`
            : html`<p>${tCount(lang, 'account.recovery_left', 'count', left)}</p>`;
      recovery = html`<h3 id="recovery-title">${t(lang, 'account.recovery')}</h3>
${status}
${
  p.recoveryCodesUrl
    ? html`${regenerate.alert ?? ''}${postForm(p.recoveryCodesUrl, p.csrf, [
        codeOrRecoveryField({
          id: 'totp-regenerate-code',
          label: t(lang, 'account.totp_code_or_recovery'),
          hint: t(lang, 'account.recovery_regenerate_hint'),
          ...regenerate.state,
        }),
        submitButton(t(lang, 'account.recovery_regenerate'), 'btn-secondary'),
      ])}`
    : ''
}`;
    }
    totp = html`<p><span class="status status-on">${t(lang, 'account.totp_status_on')}</span> ${t(lang, 'account.totp_on')}</p>
${recovery}
<h3 id="totp-disable-title">${t(lang, 'account.totp_disable')}</h3>
${disable.alert ?? ''}${postForm(p.totpDisableUrl, p.csrf, [
      codeOrRecoveryField({
        id: 'totp-disable-code',
        label: t(lang, 'account.totp_code_or_recovery'),
        hint: t(lang, 'account.totp_disable_hint_recovery'),
        ...disable.state,
      }),
      submitButton(t(lang, 'account.totp_disable'), 'btn-secondary'),
    ])}`;
  } else if (p.totpEnrolment) {
    const confirm = totpFormState('confirm', 'code');
    const expiresAt = p.totpEnrolment.expiresAt;
    const expiry =
      expiresAt instanceof Date && !Number.isNaN(expiresAt.getTime())
        ? html`<p class="muted">${t(lang, 'account.totp_expires', { time: formatTime(lang, expiresAt) })}</p>\n`
        : '';
    totp = html`${expiry}<p>${t(lang, 'account.totp_step_scan')}</p>
<figure class="qr" role="img" aria-label="${t(lang, 'account.totp_qr_alt')}">${trusted(p.totpEnrolment.qrSvg)}</figure>
<p>${t(lang, 'account.totp_manual')}</p>
<p><code class="secret" translate="no">${groupSecret(p.totpEnrolment.secret)}</code></p>
<p>${t(lang, 'account.totp_step_confirm')}</p>
${confirm.alert ?? ''}${postForm(p.totpConfirmUrl, p.csrf, [
      codeField({
        id: 'totp-confirm-code',
        name: 'code',
        label: t(lang, 'account.totp_confirm_code'),
        ...confirm.state,
      }),
      submitButton(t(lang, 'account.totp_confirm')),
    ])}`;
  } else {
    const start = totpFormState('start', undefined);
    totp = html`<p><span class="status status-off">${t(lang, 'account.totp_status_off')}</span> ${t(lang, 'account.totp_off')}</p>
${start.alert ?? ''}${postForm(p.totpStartUrl, p.csrf, submitButton(t(lang, 'account.totp_start')))}`;
  }
  parts.push(html`<section class="section" aria-labelledby="totp-title">
<h2 id="totp-title">${t(lang, 'account.totp')}</h2>
${totp}
</section>`);

  // 4. Authorised portals
  let consents: SafeHtml;
  if (p.consents.length === 0) {
    consents = html`<p>${t(lang, 'account.consents_none')}</p>`;
  } else {
    const head = (key: string) => t(lang, key);
    const rows = p.consents.map((c) => {
      const valid = c.grantedAt instanceof Date && !Number.isNaN(c.grantedAt.getTime());
      const date = valid ? html`<time datetime="${c.grantedAt.toISOString()}">${formatDate(lang, c.grantedAt)}</time>` : '—';
      const withdraw = submitButton(
        html`${t(lang, 'account.withdraw')}<span class="visually-hidden">${t(lang, 'account.withdraw_target', { clientName: c.clientName })}</span>`,
        'btn-secondary',
      );
      return html`<tr>
<td class="portal" data-label="${head('account.consent_portal')}">${c.clientName}</td>
<td data-label="${head('account.consent_items')}">${c.items.join(t(lang, 'account.list_separator'))}</td>
<td class="date" data-label="${head('account.consent_date')}">${date}</td>
<td>${postForm(c.withdrawUrl, p.csrf, withdraw, 'inline-form')}</td>
</tr>`;
    });
    consents = html`<p class="muted">${t(lang, 'account.consents_hint')}</p>
<table class="consents">
<thead><tr><th scope="col">${head('account.consent_portal')}</th><th scope="col">${head(
      'account.consent_items',
    )}</th><th scope="col">${head('account.consent_date')}</th><th scope="col"><span class="visually-hidden">${head(
      'account.consent_action',
    )}</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  }
  parts.push(html`<section class="section" aria-labelledby="consents-title">
<h2 id="consents-title">${t(lang, 'account.consents')}</h2>
${consents}
</section>`);

  // 5. Where the citizen is signed in now, and 6. the last sign-ins.
  parts.push(sessionsSection(p));
  parts.push(historySection(p));

  // 7. Sign out
  parts.push(html`<p class="section"><a href="${p.logoutUrl}">${t(lang, 'account.logout')}</a></p>`);

  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'account.title'),
    body: html`<div class="account-console">
${joinHtml(parts)}
</div>`,
    hasError: p.flash?.kind === 'error' || Object.values(pwErrors).some((e) => e?.length),
    wide: true,
    scripts: ['password-strength'],
  });
}

/** The citizen's sessions: when each began, how, the portals signed in through it; "sign out this session" for the others. */
function sessionsSection(p: AccountPageInput): SafeHtml {
  const { lang } = p;
  const sessions = p.sessions ?? [];
  const head = (key: string) => t(lang, key);
  const notice = p.sessionsNotice
    ? html`<div class="flash ${p.sessionsNotice.kind}" role="${p.sessionsNotice.kind === 'error' ? 'alert' : 'status'}" id="sessions-notice"><p>${
        p.sessionsNotice.text
      }</p></div>`
    : '';
  const rows = sessions.map((s) => {
    const when = html`<time datetime="${s.startedAt?.toISOString() ?? ''}">${formatDateTime(lang, s.startedAt)}</time>${
      s.current ? html`<span class="badge-line"><span class="badge">${t(lang, 'account.sessions_this_device')}</span></span>` : ''
    }`;
    const portals = s.portals.length
      ? html`<ul class="plain">${s.portals.map((name) => html`<li>${name}</li>`)}</ul>`
      : t(lang, 'account.sessions_no_portals');
    const action = s.endUrl
      ? postForm(
          s.endUrl,
          p.csrf,
          submitButton(
            html`${t(lang, 'account.sessions_end')}<span class="visually-hidden">${t(lang, 'account.sessions_end_target', {
              time: formatDateTime(lang, s.startedAt),
            })}</span>`,
            'btn-secondary',
          ),
          'inline-form',
        )
      : html`<a href="${p.logoutUrl}">${t(lang, 'account.logout')}</a>`;
    return html`<tr${s.current ? html` class="current"` : ''}>
<td class="when" data-label="${head('account.sessions_started')}">${when}</td>
<td data-label="${head('account.sessions_level')}">${levelInWords(lang, s.acr, s.amr, s.enterprise)}</td>
<td data-label="${head('account.sessions_portals')}">${portals}</td>
<td>${action}</td>
</tr>`;
  });
  const table = sessions.length
    ? html`<table class="sessions">
<thead><tr><th scope="col">${head('account.sessions_started')}</th><th scope="col">${head('account.sessions_level')}</th><th scope="col">${head(
        'account.sessions_portals',
      )}</th><th scope="col"><span class="visually-hidden">${head('account.consent_action')}</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : html`<p>${t(lang, 'account.sessions_none')}</p>`;
  return html`<section class="section" aria-labelledby="sessions-title">
<h2 id="sessions-title">${t(lang, 'account.sessions')}</h2>
<p class="muted">${t(lang, 'account.sessions_hint')}</p>
${notice}${table}
</section>`;
}

/** The last successful sign-ins: time (Beijing), portal, how, network. */
function historySection(p: AccountPageInput): SafeHtml {
  const { lang } = p;
  const signIns = p.signIns ?? [];
  const head = (key: string) => t(lang, key);
  const rows = signIns.map(
    (s) => html`<tr>
<td class="when" data-label="${head('account.history_time')}"><time datetime="${s.at.toISOString()}">${formatDateTime(lang, s.at)}</time></td>
<td class="portal" data-label="${head('account.history_portal')}">${s.portal}</td>
<td data-label="${head('account.history_level')}">${levelInWords(lang, s.acr, s.amr, s.enterprise)}</td>
<td class="ip" data-label="${head('account.history_ip')}" translate="no"><span class="mono">${s.ipMasked}</span></td>
</tr>`,
  );
  const table = signIns.length
    ? html`<table class="history">
<thead><tr><th scope="col">${head('account.history_time')}</th><th scope="col">${head('account.history_portal')}</th><th scope="col">${head(
        'account.history_level',
      )}</th><th scope="col">${head('account.history_ip')}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : html`<p>${t(lang, 'account.history_none')}</p>`;
  return html`<section class="section" aria-labelledby="history-title">
<h2 id="history-title">${t(lang, 'account.history')}</h2>
<p class="muted">${t(lang, 'account.history_hint')}</p>
${table}
<p class="after" id="access-log-link"><a href="/account/access-log">${accessLogText(lang, 'access_log.link')}</a><span class="detail">${accessLogText(lang, 'access_log.link_hint')}</span></p>
</section>`;
}
