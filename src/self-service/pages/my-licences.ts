import { maskCitizenId } from '../../identifiers/citizen-id-mask.js';
import { shareCountdown } from '../../licences/holders/index.js';
import { html, joinHtml, trusted, type SafeHtml } from '../../pages/html.js';
import { alertBox, csrfInput, documentShell, postForm, submitButton, type FormBase, type PageBase } from '../../pages/layout.js';
import { myLicences } from '../../pages/messages/my-licences.js';
import type { Lang } from '../../pages/messages.js';
import { formatDate, formatDateTime } from './account.js';

type Key = keyof typeof myLicences;

/** A text of 我的证照 in `lang`, `{name}` placeholders filled. */
export function licencesText(lang: Lang, key: Key, vars: Record<string, string | number> = {}): string {
  const text = myLicences[key][lang === 'en' ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** A licence's state as the citizen reads it. */
export type LicenceState = 'valid' | 'not_yet_valid' | 'suspended' | 'revoked' | 'expired';

/** The claims shown by default when choosing what to show: the holder's name (a person's, or an enterprise's). */
export const DEFAULT_DISCLOSED = ['name', 'operator_name'] as const;

/** Lifetimes offered for a share, in seconds (the API takes any from 30 to 3600). */
export const SHARE_LIFETIMES = [60, 120, 600, 3600] as const;
export const DEFAULT_LIFETIME = 120;

export interface AccountLicence {
  id: string;
  /** The type's name in the page's language. */
  type: string;
  issuer: string;
  state: LicenceState;
  statusReason: string | null;
  validFrom: Date;
  validUntil: Date;
  ofdUrl: string;
  pdfUrl: string;
  /** Only for a licence that can be shown (valid). */
  showUrl?: string;
}

export interface AccountShare {
  createdAt: Date;
  /** The licence's type, in the page's language. */
  type: string;
  /** The labels of the claims shown, in the page's language. */
  claims: string[];
  state: 'open' | 'expired' | 'ended';
  expiresAt: Date;
  openings: number;
  detailsUrl: string;
}

export interface MyLicencesSectionInput {
  lang: Lang;
  licences: AccountLicence[];
  shares: AccountShare[];
}

/** "2026年3月4日至2027年3月4日". */
function validity(lang: Lang, from: Date, until: Date): string {
  return licencesText(lang, 'my_licences.validity', { from: formatDate(lang, from), until: formatDate(lang, until) });
}

const STATE_CLASS: Record<LicenceState, string> = {
  valid: 'status status-on',
  not_yet_valid: 'status status-off',
  suspended: 'status status-off',
  revoked: 'status status-off',
  expired: 'status status-off',
};

/** The 我的证照 section of the account page: the licences with their files and 亮证, then the recent shares. */
export function myLicencesSection(p: MyLicencesSectionInput): SafeHtml {
  const { lang } = p;
  const head = (key: Key) => licencesText(lang, key);
  const cards = p.licences.map((l) => {
    const hidden = (key: Key) => html`<span class="visually-hidden">${licencesText(lang, key, { type: l.type })}</span>`;
    return html`<li class="licence-card">
<h3 style="margin-top:0">${l.type}</h3>
<dl class="profile">
<dt>${head('my_licences.number')}</dt><dd class="licence-number" translate="no">${l.id}</dd>
<dt>${head('my_licences.col.issuer')}</dt><dd>${l.issuer}</dd>
<dt>${head('my_licences.col.status')}</dt><dd><span class="${STATE_CLASS[l.state]}">${licencesText(lang, `my_licences.status.${l.state}`)}</span>${
      l.statusReason && l.state !== 'valid'
        ? html`<span class="detail">${licencesText(lang, 'my_licences.status_reason', { reason: l.statusReason })}</span>`
        : ''
    }</dd>
<dt>${head('my_licences.col.validity')}</dt><dd>${validity(lang, l.validFrom, l.validUntil)}</dd>
</dl>
<p class="actions">${l.showUrl ? html`<a class="btn-primary" href="${l.showUrl}">${head('my_licences.show')}${hidden('my_licences.show_target')}</a> ` : ''}<a href="${l.ofdUrl}" download>${head('my_licences.download_ofd')}${hidden('my_licences.download_target')}</a> <a href="${l.pdfUrl}" download>${head('my_licences.download_pdf')}${hidden('my_licences.download_target')}</a></p>
</li>`;
  });
  const table = p.licences.length
    ? html`<ul class="offers licences" style="grid-template-columns:1fr">
${cards}
</ul>
<p class="muted after">${head('my_licences.files_hint')}</p>`
    : html`<p>${head('my_licences.none')}</p>`;

  const shareRows = p.shares.map((s) => {
    const state =
      s.state === 'open'
        ? licencesText(lang, 'my_licences.shares.state.open', { time: formatDateTime(lang, s.expiresAt) })
        : licencesText(lang, `my_licences.shares.state.${s.state}`);
    const count = licencesText(lang, s.openings === 1 ? 'my_licences.shares.openings.one' : 'my_licences.shares.openings', {
      count: s.openings,
    });
    return html`<tr>
<td class="when" data-label="${head('my_licences.shares.col.when')}"><time datetime="${s.createdAt.toISOString()}">${formatDateTime(lang, s.createdAt)}</time></td>
<td data-label="${head('my_licences.shares.col.licence')}">${s.type}</td>
<td data-label="${head('my_licences.shares.col.claims')}">${s.claims.length ? s.claims.join(lang === 'en' ? ', ' : '、') : licencesText(lang, 'my_licences.shown.claims_none')}</td>
<td data-label="${head('my_licences.shares.col.state')}">${state}</td>
<td data-label="${head('my_licences.shares.col.openings')}">${count}</td>
<td><a href="${s.detailsUrl}">${head('my_licences.shares.details')}<span class="visually-hidden">${licencesText(
      lang,
      'my_licences.shares.details_target',
      {
        time: formatDateTime(lang, s.createdAt),
      },
    )}</span></a></td>
</tr>`;
  });
  const shares = p.shares.length
    ? html`<table class="history shares">
<thead><tr><th scope="col">${head('my_licences.shares.col.when')}</th><th scope="col">${head('my_licences.shares.col.licence')}</th><th scope="col">${head(
        'my_licences.shares.col.claims',
      )}</th><th scope="col">${head('my_licences.shares.col.state')}</th><th scope="col">${head(
        'my_licences.shares.col.openings',
      )}</th><th scope="col"><span class="visually-hidden">${head('my_licences.col.actions')}</span></th></tr></thead>
<tbody>
${shareRows}
</tbody>
</table>`
    : html`<p>${head('my_licences.shares.none')}</p>`;

  return html`<section class="section" aria-labelledby="licences-title" id="licences">
<h2 id="licences-title">${head('my_licences.title')}</h2>
<p class="muted">${head('my_licences.hint')}</p>
${table}
<h3 id="shares-title">${head('my_licences.shares')}</h3>
${shares}
</section>`;
}

/** One claim of the licence, to tick or not. */
export interface ShareableClaim {
  name: string;
  label: string;
  /** As the licence file prints it (a citizen's ID number masked here: the page may be looked at over a shoulder). */
  value: string;
  checked: boolean;
}

export interface ShareFormPageInput extends FormBase {
  type: string;
  issuer: string;
  licenceId: string;
  claims: ShareableClaim[];
  lifetime: number;
  action: string;
  error?: string;
}

/** The value as the form shows it: an ID number masked. */
export function claimValueForForm(name: string, value: string): string {
  return name === 'id_number' && /^\d{17}[\dX]$/i.test(value) ? maskCitizenId(value.toUpperCase()) : value;
}

/** /account/licences/{id}/show: the claims to show (ticked or not) and the link's lifetime, posted as a form. */
export function shareFormPage(p: ShareFormPageInput): string {
  const { lang } = p;
  const lifetimes: number[] = SHARE_LIFETIMES.includes(p.lifetime as (typeof SHARE_LIFETIMES)[number])
    ? [...SHARE_LIFETIMES]
    : [p.lifetime, ...SHARE_LIFETIMES];
  const lifetimeLabel = (seconds: number) =>
    Object.hasOwn(myLicences, `my_licences.share.ttl.${seconds}`)
      ? licencesText(lang, `my_licences.share.ttl.${seconds}` as Key)
      : licencesText(lang, 'my_licences.share.ttl.custom', { seconds });
  const claims = p.claims.map(
    (c, i) => html`<div class="check">
<input type="checkbox" id="claim-${i}" name="disclose" value="${c.name}"${c.checked ? html` checked` : ''}>
<label for="claim-${i}">${c.label}<span class="detail" translate="no">${c.value}</span></label>
</div>`,
  );
  const ttl = lifetimes.map(
    (seconds, i) => html`<div class="check">
<input type="radio" id="ttl-${i}" name="ttl" value="${seconds}"${seconds === p.lifetime ? html` checked` : ''}>
<label for="ttl-${i}">${lifetimeLabel(seconds)}</label>
</div>`,
  );
  const title = licencesText(lang, 'my_licences.share.title', { type: p.type });
  const body = joinHtml([
    html`<h1>${title}</h1>`,
    html`<p class="lead">${licencesText(lang, 'my_licences.share.lead')}</p>`,
    html`<dl class="profile"><dt>${licencesText(lang, 'my_licences.col.issuer')}</dt><dd>${p.issuer}</dd><dt>${licencesText(
      lang,
      'my_licences.number',
    )}</dt><dd translate="no">${p.licenceId}</dd></dl>`,
    p.error ? alertBox('share-error', p.error) : '',
    html`<form method="post" action="${p.action}" class="section">
${csrfInput(p.csrf)}
<div role="group" aria-labelledby="claims-title" aria-describedby="claims-hint${p.error ? ' share-error' : ''}">
<h2 id="claims-title">${licencesText(lang, 'my_licences.share.claims')}</h2>
<p class="hint" id="claims-hint">${licencesText(lang, 'my_licences.share.claims_hint')}</p>
${claims}
</div>
<div role="radiogroup" aria-labelledby="ttl-title">
<h2 id="ttl-title">${licencesText(lang, 'my_licences.share.ttl')}</h2>
${ttl}
</div>
<div class="actions">${submitButton(licencesText(lang, 'my_licences.share.submit'))} <a href="/account#licences">${licencesText(
      lang,
      'my_licences.share.back',
    )}</a></div>
</form>`,
  ]);
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title, body, hasError: Boolean(p.error), wide: true });
}

export interface ShareOpeningView {
  openedAt: Date;
  ipMasked: string;
  browser: string;
  outcome: 'shown' | 'expired' | 'ended';
}

export interface SharePageForHolderInput extends FormBase {
  type: string;
  state: 'open' | 'expired' | 'ended';
  /** While open: the link, its QR code (an SVG made with `qrcode`), and where the countdown goes at zero (this page). */
  url?: string;
  qrSvg?: string;
  selfUrl: string;
  endUrl: string;
  againUrl?: string;
  expiresAt: Date;
  endedAt: Date | null;
  now: Date;
  /** The labels of the claims shown, with their values as the holder sees them. */
  claims: Array<{ label: string; value: string }>;
  openings: ShareOpeningView[];
  openingsCounted: number;
  maxRecorded: number;
  flash?: string;
}

/** The browser family in words (the service records them in English: "Chrome on Android"). */
function browserWords(lang: Lang, family: string): string {
  if (family === 'unknown') return licencesText(lang, 'my_licences.browser.unknown');
  if (family === 'other') return licencesText(lang, 'my_licences.browser.other');
  if (lang === 'en') return family.replace(/^other on /, 'another browser on ');
  const [browser, system] = family.split(' on ');
  return system ? `${browser === 'other' ? '其他浏览器' : browser}（${system}）` : browser;
}

/** /account/licences/shares/{id}: the QR code and link with a countdown while the share lasts, what it shows, and who opened it. */
export function sharePageForHolder(p: SharePageForHolderInput): string {
  const { lang } = p;
  const t = (key: Key, vars?: Record<string, string | number>) => licencesText(lang, key, vars);
  const parts: Array<SafeHtml | string> = [html`<h1>${t('my_licences.shown.title')}</h1>`];
  if (p.flash) parts.push(html`<div class="flash success" role="status"><p>${p.flash}</p></div>`);
  if (p.state === 'open' && p.url) {
    parts.push(html`<p class="lead">${t('my_licences.shown.lead')}</p>`);
    if (p.qrSvg)
      parts.push(
        html`<figure class="qr share-qr" role="img" aria-label="${t('my_licences.shown.qr_alt', { type: p.type })}">${trusted(p.qrSvg)}</figure>`,
      );
    parts.push(
      html`<p class="expiry">${t('my_licences.shown.expires', { time: formatDateTime(lang, p.expiresAt) })} ${shareCountdown(
        lang,
        p.expiresAt,
        p.now,
        p.selfUrl,
      )}</p>`,
    );
    parts.push(html`<div class="field">
<label for="share-link">${t('my_licences.shown.link')}</label>
<p class="hint" id="share-link-hint">${t('my_licences.shown.link_hint')}</p>
<input type="text" id="share-link" value="${p.url}" readonly aria-describedby="share-link-hint" spellcheck="false" autocomplete="off">
</div>`);
  } else {
    const text =
      p.state === 'ended' && p.endedAt
        ? t('my_licences.shown.ended', { time: formatDateTime(lang, p.endedAt) })
        : t('my_licences.shown.expired', { time: formatDateTime(lang, p.expiresAt) });
    parts.push(html`<div class="note" role="status"><p>${text}</p></div>`);
  }

  parts.push(html`<h2 id="shown-claims">${t('my_licences.shown.claims')}</h2>
<p>${t('my_licences.shown.claims_always')}</p>
${
  p.claims.length
    ? html`<dl class="profile" aria-labelledby="shown-claims">${p.claims.map((c) => html`<dt>${c.label}</dt><dd>${c.value}</dd>`)}</dl>`
    : html`<p>${t('my_licences.shown.claims_none')}</p>`
}`);

  if (p.state === 'open')
    parts.push(
      html`<div class="section">${postForm(
        p.endUrl,
        p.csrf,
        html`<p class="hint" id="end-hint">${t('my_licences.shown.end_hint')}</p>${submitButton(
          t('my_licences.shown.end'),
          'btn-secondary',
          html` aria-describedby="end-hint"`,
        )}`,
      )}</div>`,
    );
  else if (p.againUrl)
    parts.push(html`<p class="section"><a class="btn-primary" href="${p.againUrl}">${t('my_licences.shown.again')}</a></p>`);

  const openingRows = p.openings.map(
    (o) => html`<tr>
<td class="when" data-label="${t('my_licences.openings.time')}"><time datetime="${o.openedAt.toISOString()}">${formatDateTime(lang, o.openedAt)}</time></td>
<td class="ip" data-label="${t('my_licences.openings.ip')}" translate="no"><span class="mono">${o.ipMasked}</span></td>
<td data-label="${t('my_licences.openings.browser')}">${browserWords(lang, o.browser)}</td>
<td data-label="${t('my_licences.openings.outcome')}">${t(`my_licences.openings.${o.outcome}`)}</td>
</tr>`,
  );
  parts.push(html`<section class="section" aria-labelledby="openings-title">
<h2 id="openings-title">${t('my_licences.openings')}</h2>
<p class="muted">${t('my_licences.openings_hint')}${p.openingsCounted >= p.maxRecorded ? t('my_licences.openings.more', { count: p.maxRecorded }) : ''}</p>
${
  p.openings.length
    ? html`<table class="history openings">
<thead><tr><th scope="col">${t('my_licences.openings.time')}</th><th scope="col">${t('my_licences.openings.ip')}</th><th scope="col">${t(
        'my_licences.openings.browser',
      )}</th><th scope="col">${t('my_licences.openings.outcome')}</th></tr></thead>
<tbody>
${openingRows}
</tbody>
</table>`
    : html`<p>${t('my_licences.openings.none')}</p>`
}
</section>`);
  parts.push(html`<p class="section"><a href="/account#licences">${t('my_licences.share.back')}</a></p>`);
  return documentShell({
    lang,
    switchLangUrl: p.switchLangUrl,
    title: t('my_licences.shown.title'),
    body: joinHtml(parts),
    wide: true,
    scripts: p.state === 'open' ? ['countdown'] : [],
  });
}

/** A page of the 我的证照 area that only says something (a licence or share not found). */
export function licencesMessagePage(p: PageBase & { title: string; text: string }): string {
  return documentShell({
    lang: p.lang,
    switchLangUrl: p.switchLangUrl,
    title: p.title,
    hasError: true,
    body: html`<h1>${p.title}</h1>
<p>${p.text}</p>
<p><a href="/account#licences">${licencesText(p.lang, 'my_licences.share.back')}</a></p>`,
  });
}
