import { html, joinHtml, trusted, type HtmlValue, type SafeHtml } from '../../pages/html.js';
import { type FormBase, alertBox, documentShell, postForm, submitButton } from '../../pages/layout.js';
import { type Lang, t } from '../../pages/messages.js';
import { beijingClock, countdownText } from './beijing-time.js';
import { type SignedInAs, signedInAsLine, whoText } from './who.js';

/**
 * What the enterprise tab shows:
 * - `waiting`: the QR code, its expiry and countdown; the wallet has not answered (yet);
 * - `expired`: the QR code's five minutes are over;
 * - `hold_expired`: the wallet answered, but nobody signed in within the time its answer is held;
 * - `failed`: refused answers spent the QR code (`refusal` says the last reason);
 * - `not_authorised`: the person who signed in may not act for the enterprise that answered;
 * - `licence_gone`: the licence was revoked or lapsed between the wallet's answer and the person's sign-in.
 */
export type EnterprisePageState = 'waiting' | 'expired' | 'hold_expired' | 'failed' | 'not_authorised' | 'licence_gone';

export interface EnterpriseLoginPageInput extends FormBase {
  clientName: string;
  state: EnterprisePageState;
  /** The personal / enterprise tabs of the sign-in page (this page is the enterprise tab). */
  tabs: { citizenUrl: string; enterpriseUrl: string };
  /** Who will act for the enterprise, when they are signed in already ("不是您？" posts to `switchUrl`). */
  who?: SignedInAs;
  switchUrl?: string;
  /** `waiting`: the QR code of the challenge, an SVG made by the caller with `qrcode` (inserted as it is). */
  qrSvg?: string;
  /** `waiting`: the same challenge as text, `tongban-login:…` (behind the developers' disclosure). */
  challengeText?: string;
  /** `waiting`: when the QR code expires, and the seconds left then (the countdown's start). */
  expiresAt?: Date;
  secondsLeft?: number;
  /** Where the page goes to see the wallet's answer: the no-script refresh, "check now", the script once something changed. */
  pollUrl: string;
  /** JSON `{ state, refusal }` the page script polls (no side effects), to know when to go to `pollUrl`. */
  statusUrl?: string;
  /** A new QR code. */
  restartUrl: string;
  abortUrl: string;
  /** The service's code of the wallet's latest refused answer (`waiting`: shown, the QR code still usable; `failed`: the last reason). */
  refusal?: string;
  /** `not_authorised`, `licence_gone`: the enterprise whose licence the wallet presented. */
  enterpriseName?: string;
  /** `not_authorised`: the person who signed in ("陈伟（3501**********1234）"). */
  personText?: string;
  now?: Date;
}

/** The tabs of the sign-in page: a person for themselves, or acting for an enterprise. */
export function loginTabs(lang: Lang, active: 'citizen' | 'enterprise', citizenUrl: string, enterpriseUrl: string): SafeHtml {
  const tab = (which: 'citizen' | 'enterprise', href: string) =>
    html`<a class="tab${active === which ? ' active' : ''}" href="${href}"${active === which && html` aria-current="page"`}>${t(lang, `tabs.${which}`)}</a>`;
  return html`<nav class="tabs" aria-label="${t(lang, 'tabs.label')}">${tab('citizen', citizenUrl)}${tab('enterprise', enterpriseUrl)}</nav>`;
}

/** Why the wallet's answer was refused, in words (never the service's code itself). */
export function refusalText(lang: Lang, code: string | undefined): string {
  const key = `enterprise.reason.${code ?? ''}`;
  const text = t(lang, key);
  return text === key ? t(lang, 'enterprise.reason.other') : text;
}

/**
 * A text with one `{name}` placeholder, the placeholder replaced by markup: how a sentence keeps
 * a countdown (or a bold name) inside it in either language's word order.
 */
export function withMarkup(lang: Lang, key: string, vars: Record<string, string>, name: string, markup: SafeHtml): SafeHtml {
  const [before = '', after = ''] = t(lang, key, { ...vars, [name]: '\u0000' }).split('\u0000');
  return html`${before}${markup}${after}`;
}

/**
 * A countdown: "还剩 <span>4:58</span>" as the server sees it (right at every no-script reload),
 * kept running each second by the `countdown` page script, which goes to `expiredUrl` at zero.
 * role="timer" is not read out at every tick; the states it leads to are new pages.
 */
export function countdown(lang: Lang, seconds: number, expiredUrl: string): SafeHtml {
  const left = html`<span data-countdown-left>${countdownText(seconds)}</span>`;
  return html`<span class="countdown" role="timer" data-countdown data-seconds-left="${Math.max(0, Math.floor(seconds))}" data-expired-url="${expiredUrl}">${withMarkup(lang, 'enterprise.time_left', {}, 'left', left)}</span>`;
}

/** "当前以 张三 登录 · 不是您？": who will act, with a way out for someone else at the keyboard. */
function whoBar(p: EnterpriseLoginPageInput): HtmlValue {
  if (!p.who) return '';
  const { lang } = p;
  const line = html`<span>${signedInAsLine(lang, p.who)}</span>`;
  if (!p.switchUrl) return html`<p class="who">${line}</p>`;
  return postForm(
    p.switchUrl,
    p.csrf,
    html`${line}<span aria-hidden="true">·</span>
<button type="submit" class="btn-link" aria-describedby="not-you-hint">${t(lang, 'session.not_you')}</button>
<span class="visually-hidden" id="not-you-hint">${t(lang, 'session.not_you_hint', { name: whoText(lang, p.who) })}</span>`,
    'who',
  );
}

/** The QR code and, beside it on a wide screen, the steps: scan, confirm, (sign in as yourself). */
function qrBlock(p: EnterpriseLoginPageInput, now: Date): SafeHtml {
  const { lang } = p;
  const person = p.who ? whoText(lang, p.who) : undefined;
  const steps = [
    t(lang, 'enterprise.step_scan'),
    t(lang, 'enterprise.step_confirm'),
    person ? t(lang, 'enterprise.step_person_known', { person }) : t(lang, 'enterprise.step_person'),
  ];
  const expiresAt = p.expiresAt ?? now;
  const seconds = p.secondsLeft ?? Math.max(0, (expiresAt.getTime() - now.getTime()) / 1000);
  const expiry = t(lang, 'enterprise.expiry', { time: beijingClock(expiresAt, lang, 'down', now) });
  return html`<div class="qr-login">
<figure class="qr" role="img" aria-label="${t(lang, 'enterprise.qr_label')}">${trusted(p.qrSvg ?? '')}</figure>
<div class="qr-side">
<ol class="steps" aria-label="${t(lang, 'enterprise.steps_label')}">${steps.map((step) => html`<li>${step}</li>`)}</ol>
</div>
</div>
<p class="expiry">${expiry}${countdown(lang, seconds, p.pollUrl)}</p>`;
}

/** The developer's way: the wallet command and the challenge's text, closed by default. */
function developerDisclosure(p: EnterpriseLoginPageInput, now: Date): SafeHtml {
  const { lang } = p;
  const text = p.challengeText ?? '';
  const time = beijingClock(p.expiresAt ?? now, lang, 'down', now);
  return html`<details class="developer">
<summary>${t(lang, 'enterprise.developer')}</summary>
<p>${t(lang, 'enterprise.developer_command')}</p>
<pre class="command"><code id="wallet-command">tongban wallet login ${text}</code></pre>
<p>${t(lang, 'enterprise.developer_text', { time })}</p>
<p><code class="secret" id="challenge-text">${text}</code></p>
</details>`;
}

/** Where a spent QR code was: what happened, and a new one. */
function goneBlock(p: EnterpriseLoginPageInput): SafeHtml {
  const { lang } = p;
  return html`<div class="qr-login">
<div class="qr qr-gone"><p class="qr-gone-title">${t(lang, 'enterprise.expired_title')}</p><a class="btn-primary" href="${p.restartUrl}">${t(lang, 'enterprise.restart')}</a></div>
</div>`;
}

function errorText(p: EnterpriseLoginPageInput): string | undefined {
  const { lang } = p;
  const enterprise = p.enterpriseName ?? '';
  switch (p.state) {
    case 'waiting':
      return undefined;
    case 'expired':
      return t(lang, 'enterprise.error.expired');
    case 'hold_expired':
      return t(lang, 'enterprise.error.hold_expired');
    case 'failed':
      return t(lang, 'enterprise.error.failed', { reason: refusalText(lang, p.refusal) });
    case 'not_authorised':
      return t(lang, 'enterprise.error.not_authorised', { person: p.personText ?? (p.who ? whoText(lang, p.who) : ''), enterprise });
    case 'licence_gone':
      return t(lang, 'enterprise.error.licence_gone', { enterprise });
  }
}

/**
 * The enterprise tab of the sign-in page (design §6, QR first as 国家政务服务平台 and Singpass
 * do): the QR code of a one-time challenge at once, its expiry in 北京时间 with a countdown; the
 * wallet command and the raw challenge only behind "开发者". Without script the page reloads
 * itself every 3 seconds (a refresh inside <noscript>); with the page scripts it asks a small
 * status URL instead and reloads only when something changed, so an open disclosure stays open
 * and nothing moves under a screen reader. Every other state is said in words, with the way on.
 */
export function enterpriseLoginPage(p: EnterpriseLoginPageInput): string {
  const { lang } = p;
  const now = p.now ?? new Date();
  const parts: HtmlValue[] = [loginTabs(lang, 'enterprise', p.tabs.citizenUrl, p.tabs.enterpriseUrl), whoBar(p)];
  parts.push(html`<h1>${t(lang, 'enterprise.title')}</h1>`);
  parts.push(html`<p class="lead">${t(lang, 'enterprise.lead', { clientName: p.clientName })}</p>`);
  const error = errorText(p);
  if (error) parts.push(alertBox('enterprise-error', error));

  if (p.state === 'waiting') {
    parts.push(qrBlock(p, now));
    const poll = html` data-enterprise-poll data-status-url="${p.statusUrl ?? ''}" data-poll-url="${p.pollUrl}" data-state="waiting" data-refusal="${p.refusal ?? ''}"`;
    parts.push(
      html`<p class="waiting" role="status"${poll}><span class="pulse" aria-hidden="true"></span>${t(lang, 'enterprise.waiting')} <a href="${p.pollUrl}">${t(lang, 'enterprise.check_now')}</a></p>`,
    );
    if (p.refusal) {
      parts.push(
        html`<div class="note warn" id="last-refusal"><p>${t(lang, 'enterprise.last_refusal', { reason: refusalText(lang, p.refusal) })}</p></div>`,
      );
    }
    // As Singpass warns: a QR code relayed by someone else is how such a sign-in is abused.
    parts.push(html`<p class="muted">${t(lang, 'enterprise.scan_safety')}</p>`);
    parts.push(developerDisclosure(p, now));
  } else if (p.state === 'not_authorised' || p.state === 'licence_gone') {
    if (p.state === 'not_authorised') parts.push(html`<p>${t(lang, 'enterprise.not_authorised_next')}</p>`);
    parts.push(html`<p><a class="btn-secondary" href="${p.restartUrl}">${t(lang, 'enterprise.other_licence')}</a></p>`);
  } else {
    parts.push(goneBlock(p));
  }
  parts.push(
    postForm(p.abortUrl, p.csrf, submitButton(t(lang, 'common.cancel_return', { clientName: p.clientName }), 'btn-link'), 'after'),
  );
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t(lang, 'enterprise.title'),
    body: joinHtml(parts),
    hasError: Boolean(error),
    scripts: p.state === 'waiting' ? ['countdown', 'enterprise-poll'] : undefined,
    // Without script: reload every 3 seconds (inert where scripts run: the poll script asks instead).
    refresh: p.state === 'waiting' ? { seconds: 3, url: p.pollUrl, noscript: true } : undefined,
  });
}
