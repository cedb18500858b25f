import { errorPage } from '../../pages/error.js';
import { html, joinHtml } from '../../pages/html.js';
import { documentShell, type PageBase } from '../../pages/layout.js';
import { licenceCheck } from '../../pages/messages/licence-check.js';
import type { Lang } from '../../pages/messages.js';
import type { PublicLicenceView } from './licence-lookup.js';

type Key = keyof typeof licenceCheck;

/** A text of the check page in `lang`, `{name}` placeholders filled. */
export function checkText(lang: Lang, key: Key, vars: Record<string, string> = {}): string {
  const text = licenceCheck[key][lang === 'en' ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name] : whole));
}

/** What the page says a licence is now: its recorded status, with validity applied. */
export type ShownStatus = 'valid' | 'not_yet_valid' | 'suspended' | 'revoked' | 'expired';

export function shownStatus(licence: Pick<PublicLicenceView, 'status' | 'validFrom' | 'validUntil'>, now: Date): ShownStatus {
  if (licence.status === 'revoked') return 'revoked';
  if (licence.status === 'expired' || (licence.validUntil && licence.validUntil.getTime() <= now.getTime())) return 'expired';
  if (licence.status === 'suspended') return 'suspended';
  if (licence.validFrom.getTime() > now.getTime()) return 'not_yet_valid';
  return 'valid';
}

/**
 * A citizen's name as the check page shows it: the first and last characters, the rest as *
 * (张三 → 张*, 张小三 → 张*三, 欧阳娜娜 → 欧**娜; one character → *). Characters are code points,
 * so a name with a character beyond the BMP is masked whole, not half a surrogate pair.
 */
export function maskHolderName(name: string): string {
  const characters = [...name.trim()];
  if (characters.length <= 1) return '*';
  if (characters.length === 2) return `${characters[0]}*`;
  return `${characters[0]}${'*'.repeat(characters.length - 2)}${characters[characters.length - 1]}`;
}

const STATUS_CLASS: Record<ShownStatus, string> = {
  valid: 'flash success',
  not_yet_valid: 'note',
  suspended: 'flash error',
  revoked: 'flash error',
  expired: 'flash error',
};

/** A date in China's time zone: 2026年3月4日, or 4 March 2026. */
function day(lang: Lang, at: Date): string {
  return at.toLocaleDateString(lang === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

function time(lang: Lang, at: Date): string {
  const clock = at.toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return lang === 'en' ? `${day(lang, at)}, ${clock}` : `${day(lang, at)} ${clock}`;
}

export interface CheckPageInput extends PageBase {
  licence: PublicLicenceView;
  now: Date;
}

/**
 * GET /v/{id}: the licence's state in words, then its number, type, issuer, holder (a citizen's
 * name masked) and validity — nothing else — and why the rest is not shown. zh-CN first, English
 * by the language switch.
 */
export function licenceCheckPage(p: CheckPageInput): string {
  const { lang, licence } = p;
  const status = shownStatus(licence, p.now);
  const statusWord = checkText(lang, `licence_check.status.${status}`);
  const citizen = licence.holder.kind === 'citizen';
  const validity = licence.validUntil
    ? checkText(lang, 'licence_check.validity.range', { from: day(lang, licence.validFrom), until: day(lang, licence.validUntil) })
    : checkText(lang, 'licence_check.validity.open', { from: day(lang, licence.validFrom) });
  const issuer = lang === 'en' && licence.issuer.nameEn ? licence.issuer.nameEn : licence.issuer.name;
  const row = (key: Key, value: string, extra?: string) =>
    html`<dt>${checkText(lang, key)}</dt>\n<dd>${value}${extra ? html` <span class="detail">${extra}</span>` : ''}</dd>`;
  const body = joinHtml([
    html`<h1>${checkText(lang, 'licence_check.title')}</h1>`,
    html`<p class="lead">${checkText(lang, 'licence_check.lead')}</p>`,
    html`<section class="${STATUS_CLASS[status]}" aria-labelledby="licence-status" data-status="${status}">
<h2 id="licence-status">${checkText(lang, 'licence_check.status_heading', { status: statusWord })}</h2>
<p>${checkText(lang, `licence_check.status.${status}.body`)}</p>
</section>`,
    html`<h2 id="licence-details">${checkText(lang, 'licence_check.details')}</h2>`,
    html`<dl class="profile" aria-labelledby="licence-details">
${row('licence_check.field.number', licence.id)}
${row('licence_check.field.type', licence.type.name[lang === 'en' ? 'en' : 'zh'])}
${row('licence_check.field.issuer', issuer)}
${row(
  'licence_check.field.holder',
  citizen ? maskHolderName(licence.holder.name) : licence.holder.name,
  citizen ? checkText(lang, 'licence_check.holder.masked') : undefined,
)}
${row('licence_check.field.validity', validity)}
</dl>`,
    html`<div class="section"><p>${checkText(lang, 'licence_check.compare')}</p>
<p class="muted">${checkText(lang, 'licence_check.privacy')}</p>
<p class="muted">${checkText(lang, 'licence_check.checked_at', { time: time(lang, p.now) })}</p></div>`,
  ]);
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title: checkText(lang, 'licence_check.title'), body });
}

/**
 * The styled page for a number tongban has no licence under (`unknown`) or that is no licence
 * number at all (`malformed`): the error page's frame (404, ways forward, the request's reference)
 * with the check page's words.
 */
export function licenceNotFoundPage(p: PageBase & { reason: 'unknown' | 'malformed'; requestId?: string }): string {
  return errorPage({
    lang: p.lang,
    switchLangUrl: p.switchLangUrl,
    error: 'not_found',
    title: checkText(p.lang, 'licence_check.not_found.title'),
    message: checkText(p.lang, p.reason === 'malformed' ? 'licence_check.malformed.body' : 'licence_check.not_found.body'),
    ...(p.requestId ? { requestId: p.requestId } : {}),
  });
}
