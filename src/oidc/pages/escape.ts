/**
 * The one escaping helper of the sign-in pages. Every value interpolated into the HTML goes
 * through it, in text and in (double-quoted) attributes alike, URLs included.
 */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Defence in depth for URLs placed in `href`/`action`: a relative URL or an http(s) URL is kept,
 * anything with another scheme (`javascript:`, `data:`, …) becomes `#`. Browsers ignore tabs,
 * newlines and leading control characters in a scheme, so those are disregarded when checking.
 * The result still has to go through `escapeHtml`; `url` does both.
 */
export function safeUrl(value: string): string {
  const probe = value.replace(/[\u0000-\u0020\u007f]/g, '');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(probe);
  if (scheme && !/^https?$/i.test(scheme[1]!)) return '#';
  return value;
}

/** `safeUrl` then `escapeHtml`: what every URL attribute value is made with. */
export function url(value: string): string {
  return escapeHtml(safeUrl(value));
}

/** True for an absolute http(s) URL (used to decide whether a portal's own address is linked). */
export function isWebUrl(value: string): boolean {
  return /^https?:\/\/[^\s/?#]+/i.test(value);
}
