/**
 * The one way tongban writes HTML: the `html` template tag escapes every value interpolated
 * into it, so a page cannot forget to. What it puts in as is:
 * - `SafeHtml`: markup made by `html` itself (components nest), or marked `trusted()`;
 * - arrays of values (each item by these same rules), joined without separators;
 * - nothing at all for `undefined`, `null` and `false` (so `${cond && html`…`}` works).
 * Everything else is turned into a string and escaped for text and double-quoted attributes
 * alike. A value right after `href="`, `src="`, `action="`, `formaction="` or a refresh's
 * `;url=` is also checked as a URL: a scheme other than http(s) becomes `#` (no `javascript:`
 * links from data).
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const URL_ATTRIBUTE = /(?:\s(?:href|src|action|formaction)="|;url=)$/i;

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    const inUrl = URL_ATTRIBUTE.test(strings[i]);
    out += render(values[i], inUrl) + strings[i + 1];
  }
  return new SafeHtml(out);
}

/**
 * Markup produced by a library tongban trusts, inserted as is: the QR-code SVGs of `qrcode` and
 * the logout form oidc-provider builds. Never for anything derived from a request.
 */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Joins pieces of markup with a separator (a newline by default). */
export function joinHtml(parts: readonly HtmlValue[], separator = '\n'): SafeHtml {
  return new SafeHtml(
    parts
      .filter((part) => part !== undefined && part !== null && part !== false && part !== '')
      .map((part) => render(part, false))
      .join(separator),
  );
}

function render(value: HtmlValue, inUrl: boolean): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item, inUrl)).join('');
  const text = String(value);
  return escapeHtml(inUrl ? safeUrl(text) : text);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML text and double-quoted attribute values. Used by `html`; call it directly only outside HTML templates. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * A relative URL or an http(s) URL is kept; anything with another scheme (`javascript:`,
 * `data:`, …) becomes `#`. Browsers ignore tabs, newlines and leading control characters in a
 * scheme, so those are disregarded when checking.
 */
export function safeUrl(value: string): string {
  const probe = value.replace(/[\u0000-\u0020\u007f]/g, '');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(probe);
  if (scheme && !/^https?$/i.test(scheme[1])) return '#';
  return value;
}

/** True for an absolute http(s) URL (used to decide whether a portal's own address is linked). */
export function isWebUrl(value: string): boolean {
  return /^https?:\/\/[^\s/?#]+/i.test(value);
}
