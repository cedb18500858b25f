import { html, joinHtml, type SafeHtml } from '../../pages/html.js';
import { documentShell, type PageBase } from '../../pages/layout.js';
import { licenceShare } from '../../pages/messages/licence-share.js';
import type { Lang } from '../../pages/messages.js';
import { checkText, shownStatus, type ShownStatus } from '../check-page/check-page.js';
import type { ShareOpening } from './licence-shares.service.js';

type Key = keyof typeof licenceShare;

/** A text of the share page in `lang`, `{name}` placeholders filled. */
export function shareText(lang: Lang, key: Key, vars: Record<string, string> = {}): string {
  const text = licenceShare[key][lang === 'en' ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name] : whole));
}

/** A text with one placeholder filled with markup (the countdown), the rest escaped. */
function withMarkup(lang: Lang, key: Key, name: string, markup: SafeHtml): SafeHtml {
  const [before, after = ''] = licenceShare[key][lang === 'en' ? 1 : 0].split(`{${name}}`);
  return html`${before}${markup}${after}`;
}

const STATUS_CLASS: Record<ShownStatus, string> = {
  valid: 'flash success',
  not_yet_valid: 'note',
  suspended: 'flash error',
  revoked: 'flash error',
  expired: 'flash error',
};

/** A date in China's time zone: 2026年3月4日, or 4 March 2026. */
export function shareDay(lang: Lang, at: Date): string {
  return at.toLocaleDateString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

/** A date and time in China's time zone: 2026年3月4日 10:02, or 4 March 2026, 10:02. */
export function shareTime(lang: Lang, at: Date): string {
  const clock = at.toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return lang === 'en' ? `${shareDay(lang, at)}, ${clock}` : `${shareDay(lang, at)} ${clock}`;
}

/** "1:58": minutes and seconds left. */
export function minutesAndSeconds(seconds: number): string {
  const left = Math.max(0, Math.floor(seconds));
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}

/**
 * A countdown to `expiresAt` as the server sees it now, kept running by the `countdown` page
 * script, which goes to `expiredUrl` at zero (where the server says the link has expired).
 */
export function shareCountdown(lang: Lang, expiresAt: Date, now: Date, expiredUrl: string, key: Key = 'licence_share.time_left'): SafeHtml {
  const seconds = Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
  const left = html`<span data-countdown-left>${minutesAndSeconds(seconds)}</span>`;
  return html`<span class="countdown" role="timer" data-countdown data-seconds-left="${seconds}" data-expired-url="${expiredUrl}">${withMarkup(
    lang,
    key,
    'left',
    left,
  )}</span>`;
}

export interface SharePageInput extends PageBase {
  opening: ShareOpening;
  now: Date;
  /** Where the countdown goes at zero: this page again (/s/{token}?ended=1), which then says the link has expired. */
  expiredUrl: string;
}

/** The HTTP status of the page: 200 shown, 410 expired or ended, 404 unknown, 500 not verified. */
export function sharePageStatus(opening: ShareOpening): number {
  switch (opening.kind) {
    case 'shown':
      return 200;
    case 'expired':
    case 'ended':
      return 410;
    case 'unknown':
      return 404;
    case 'unverified':
      return 500;
  }
}

/**
 * GET /s/{token}: the licence a holder shows — its status in words (live), type, issuing authority
 * and validity, then only the claims disclosed, as a licence prints them; when the link stops
 * working and a countdown. Otherwise a page saying, in words, that the link has expired, was ended
 * by the holder, does not exist, or could not be checked.
 */
export function sharePage(p: SharePageInput): string {
  const { lang, opening } = p;
  if (opening.kind !== 'shown') {
    const [title, body] = notShown(lang, opening);
    return documentShell({
      lang,
      switchLangUrl: p.switchLangUrl,
      title,
      hasError: opening.kind === 'unverified',
      body: joinHtml([
        html`<h1>${title}</h1>`,
        ...body.map((text) => html`<p>${text}</p>`),
        html`<p class="muted">${shareText(lang, 'licence_share.what_is')}</p>`,
      ]),
    });
  }

  const status = shownStatus({ status: opening.status, validFrom: opening.validFrom, validUntil: opening.validUntil }, p.now);
  const statusWord = checkText(lang, `licence_check.status.${status}`);
  const zhOrEn = (text: { zh: string; en: string }) => (lang === 'en' ? text.en : text.zh);
  const validity = opening.validUntil
    ? shareText(lang, 'licence_share.validity.range', {
        from: shareDay(lang, opening.validFrom),
        until: shareDay(lang, opening.validUntil),
      })
    : shareText(lang, 'licence_share.validity.open', { from: shareDay(lang, opening.validFrom) });
  const issuer = lang === 'en' && opening.issuer.nameEn ? opening.issuer.nameEn : opening.issuer.name;
  const row = (label: string, value: string) => html`<dt>${label}</dt>\n<dd>${value}</dd>`;
  const claims = opening.claims.length
    ? html`<dl class="profile shown-claims" aria-labelledby="shown-title">
${opening.claims.map((claim) => html`${row(zhOrEn(claim.label), claim.value)}\n`)}</dl>`
    : html`<p>${shareText(lang, 'licence_share.shown.none')}</p>`;
  const body = joinHtml([
    html`<h1>${shareText(lang, 'licence_share.title')}</h1>`,
    html`<p class="lead">${shareText(lang, 'licence_share.lead')}</p>`,
    html`<section class="${STATUS_CLASS[status]}" aria-labelledby="share-status" data-status="${status}">
<h2 id="share-status">${shareText(lang, 'licence_share.status_heading', { status: statusWord })}</h2>
<p>${checkText(lang, `licence_check.status.${status}.body`)}</p>
</section>`,
    html`<h2 id="share-details">${shareText(lang, 'licence_share.details')}</h2>`,
    html`<dl class="profile" aria-labelledby="share-details">
${row(shareText(lang, 'licence_share.field.type'), zhOrEn(opening.type.name))}
${row(shareText(lang, 'licence_share.field.issuer'), issuer)}
${row(shareText(lang, 'licence_share.field.validity'), validity)}
</dl>`,
    html`<div class="section"><h2 id="shown-title">${shareText(lang, 'licence_share.shown')}</h2>
${claims}
<p class="muted after">${shareText(lang, 'licence_share.only_chosen')}</p></div>`,
    html`<div class="section">
<p class="expiry">${shareText(lang, 'licence_share.expires', { time: shareTime(lang, opening.expiresAt) })} ${shareCountdown(
      lang,
      opening.expiresAt,
      p.now,
      p.expiredUrl,
    )}</p>
<p class="muted">${shareText(lang, 'licence_share.checked_at', { time: shareTime(lang, opening.checkedAt) })}</p>
</div>`,
  ]);
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: shareText(lang, 'licence_share.title'),
    body,
    scripts: ['countdown'],
  });
}

function notShown(lang: Lang, opening: Exclude<ShareOpening, { kind: 'shown' }>): [string, string[]] {
  switch (opening.kind) {
    case 'expired':
      return [
        shareText(lang, 'licence_share.expired.title'),
        [
          shareText(lang, 'licence_share.expired.body', { time: shareTime(lang, opening.expiredAt) }),
          shareText(lang, 'licence_share.expired.next'),
        ],
      ];
    case 'ended':
      return [
        shareText(lang, 'licence_share.ended.title'),
        [
          shareText(lang, 'licence_share.ended.body', { time: shareTime(lang, opening.endedAt) }),
          shareText(lang, 'licence_share.expired.next'),
        ],
      ];
    case 'unknown':
      return [shareText(lang, 'licence_share.unknown.title'), [shareText(lang, 'licence_share.unknown.body')]];
    case 'unverified':
      return [shareText(lang, 'licence_share.unverified.title'), [shareText(lang, 'licence_share.unverified.body')]];
  }
}
