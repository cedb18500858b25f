import { html, isWebUrl, joinHtml, type HtmlValue } from './html.js';
import { type PageBase, documentShell } from './layout.js';
import { type Lang, t } from './messages.js';

/**
 * The kinds of problem a person can meet on a page. Every error code that can reach a page —
 * oidc-provider's (through its renderError or a portal's callback), the sign-in interactions'
 * own, the HTTP layer's — is one of these; each kind has a title, an explanation and ways
 * forward (the `error.<kind>.*` and `error.go.*` messages). The code itself is never shown.
 */
export type ErrorKind =
  | 'expired'
  | 'cancelled'
  | 'needs_two_step'
  | 'login_required'
  | 'consent_required'
  | 'bad_request'
  | 'logout_failed'
  | 'website_problem'
  | 'csrf'
  | 'rate_limited'
  | 'unavailable'
  | 'not_found'
  | 'generic';

/** Error code → kind. A code not listed is `generic` (still explained, still without the code). */
export const ERROR_KINDS: Readonly<Record<string, ErrorKind>> = {
  // The sign-in request is gone (expired, finished, or this browser never had it).
  interaction_expired: 'expired',
  session_not_found: 'expired',
  expired: 'expired',
  expired_login_hint_token: 'expired',
  // The person said no, or failed the second step too often.
  access_denied: 'cancelled',
  // The portal needs loa:2 and the account has no TOTP.
  unmet_authentication_requirements: 'needs_two_step',
  login_required: 'login_required',
  account_selection_required: 'login_required',
  consent_required: 'consent_required',
  interaction_required: 'consent_required',
  // A sign-in request that is malformed, used, or cannot go on.
  invalid_request: 'bad_request',
  unknown_prompt: 'bad_request',
  invalid_request_object: 'bad_request',
  invalid_request_uri: 'bad_request',
  request_not_supported: 'bad_request',
  request_uri_not_supported: 'bad_request',
  invalid_scope: 'bad_request',
  invalid_target: 'bad_request',
  invalid_authorization_details: 'bad_request',
  unsupported_response_type: 'bad_request',
  unsupported_response_mode: 'bad_request',
  invalid_dpop_proof: 'bad_request',
  use_dpop_nonce: 'bad_request',
  invalid_nonce: 'bad_request',
  // A sign-out request that is malformed or names an address the website did not register.
  logout_failed: 'logout_failed',
  // The portal itself is unknown or misconfigured (or its callback failed): not the person's doing.
  invalid_client: 'website_problem',
  unauthorized_client: 'website_problem',
  invalid_redirect_uri: 'website_problem',
  invalid_client_metadata: 'website_problem',
  invalid_software_statement: 'website_problem',
  unapproved_software_statement: 'website_problem',
  registration_not_supported: 'website_problem',
  invalid_client_attestation: 'website_problem',
  invalid_grant: 'website_problem',
  unsupported_grant_type: 'website_problem',
  invalid_token: 'website_problem',
  insufficient_scope: 'website_problem',
  expired_token: 'website_problem',
  callback_failed: 'website_problem',
  no_pending_request: 'expired',
  // A form posted without its token, or with one from another page.
  csrf: 'csrf',
  // Limits.
  too_many_requests: 'rate_limited',
  rate_limited: 'rate_limited',
  slow_down: 'rate_limited',
  // tongban's own trouble.
  server_error: 'unavailable',
  internal_error: 'unavailable',
  temporarily_unavailable: 'unavailable',
  unavailable: 'unavailable',
  transaction_failed: 'unavailable',
  // HTTP.
  not_found: 'not_found',
  bad_request: 'generic',
  malformed_url: 'generic',
  malformed_json: 'generic',
  method_not_allowed: 'generic',
  payload_too_large: 'generic',
  unsupported_media_type: 'generic',
  validation_failed: 'generic',
};

export function errorKind(code: string | undefined): ErrorKind {
  return (code && Object.prototype.hasOwnProperty.call(ERROR_KINDS, code) && ERROR_KINDS[code]) || 'generic';
}

/** A problem's title and explanation in `lang`. */
export function explainError(lang: Lang, code: string | undefined): { kind: ErrorKind; title: string; body: string } {
  const kind = errorKind(code);
  return { kind, title: t(lang, `error.${kind}.title`), body: t(lang, `error.${kind}.body`) };
}

/** Where the person came from, when known: the portal's name and its registered home page. */
export interface ErrorPortal {
  name?: string;
  /** Linked only when it is an http(s) URL. */
  url?: string;
}

/** The ways forward for a kind of problem, as list items (links where there is somewhere to go). */
export function waysForward(lang: Lang, kind: ErrorKind, portal?: ErrorPortal, accountUrl = '/account'): HtmlValue[] {
  const name = portal?.name;
  const url = portal?.url && isWebUrl(portal.url) ? portal.url : undefined;
  const backToPortal = (key: 'error.go.portal' | 'error.go.portal_back'): HtmlValue =>
    url ? html`<a href="${url}">${t(lang, key, { clientName: name ?? url })}</a>` : t(lang, 'error.go.portal_unknown');
  const home = html`<a href="/">${t(lang, 'error.go.home')}</a>`;
  const help = html`<a href="/help">${t(lang, 'error.go.help')}</a>`;
  switch (kind) {
    case 'needs_two_step':
      return [
        html`<a href="${accountUrl}">${t(lang, 'error.go.totp')}</a>`,
        url
          ? html`<a href="${url}">${t(lang, 'error.go.then_portal', { clientName: name ?? url })}</a>`
          : t(lang, 'error.go.then_portal_unknown'),
        help,
      ];
    case 'expired':
    case 'cancelled':
    case 'login_required':
    case 'consent_required':
    case 'bad_request':
      return [backToPortal('error.go.portal'), home, help];
    case 'website_problem':
      return [...(url ? [backToPortal('error.go.portal_back')] : []), home, help];
    case 'logout_failed':
      return [html`<a href="/session/end">${t(lang, 'error.go.sign_out')}</a>`, home, help];
    case 'csrf':
      return [t(lang, 'error.go.reload'), home];
    case 'rate_limited':
      return [t(lang, 'error.go.wait'), home, help];
    case 'unavailable':
      return [t(lang, 'error.go.later'), home, help];
    case 'generic':
      return [t(lang, 'error.go.reload'), home, help];
    case 'not_found':
      return [home, help];
  }
}

export interface ErrorPageInput extends PageBase {
  /** The error code (e.g. `access_denied`, `interaction_expired`, `not_found`): chooses the words, never shown. */
  error?: string;
  /** Replaces the explanation, for a message more precise than the kind's (already localised). */
  message?: string;
  /** Replaces the title (plain text). */
  title?: string;
  portal?: ErrorPortal;
  /** The request's id (X-Request-Id), shown as the reference to give support. */
  requestId?: string;
  /** Where "two-step sign-in" is turned on; default /account. */
  accountUrl?: string;
}

/** Every error a person can meet: what happened in plain words, what to do, and a reference for support. */
export function errorPage(p: ErrorPageInput): string {
  const { lang } = p;
  const explained = explainError(lang, p.error);
  const title = p.title ?? explained.title;
  const steps = waysForward(lang, explained.kind, p.portal, p.accountUrl);
  const parts: HtmlValue[] = [
    html`<h1>${title}</h1>`,
    html`<p>${p.message ?? explained.body}</p>`,
    html`<h2 class="next-title" id="next-title">${t(lang, 'error.next')}</h2>`,
    html`<ul class="next-steps" aria-labelledby="next-title">\n${steps.map((step) => html`<li>${step}</li>\n`)}</ul>`,
  ];
  if (p.requestId) parts.push(referenceLine(lang, p.requestId));
  return documentShell({ lang, switchLangUrl: p.switchLangUrl, title, body: joinHtml(parts), hasError: true });
}

/** "If you contact support, give this reference: …" with the reference in <code>. */
export function referenceLine(lang: Lang, requestId: string): HtmlValue {
  const [before = '', after = ''] = t(lang, 'error.reference', { ref: '\u0000' }).split('\u0000');
  return html`<p class="muted reference">${before}<code>${requestId}</code>${after}</p>`;
}
