/**
 * A minimal browser for protocol tests: a cookie jar (name, path, expiry), redirects followed
 * by hand so each hop can be inspected, and HTML forms read and submitted like a user would.
 */
interface Cookie {
  name: string;
  value: string;
  path: string;
  expires?: number;
}

export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
}

export class UserAgent {
  private readonly jar = new Map<string, Cookie>();
  /** Every URL visited, in order (redirect hops included). */
  readonly history: string[] = [];

  constructor(readonly origin: string) {}

  /** GET, following redirects within and away from the origin until a non-redirect answer. */
  async open(url: string, options: { stopAt?: (url: URL) => boolean } = {}): Promise<Page> {
    return this.request('GET', url, undefined, options);
  }

  /** POSTs a urlencoded form and follows the redirects. */
  async submit(url: string, fields: Record<string, string>, options: { stopAt?: (url: URL) => boolean } = {}): Promise<Page> {
    return this.request('POST', url, new URLSearchParams(fields).toString(), options);
  }

  /** Fills the form whose action ends with `actionSuffix` (keeping its hidden inputs) and submits it. */
  async fill(
    page: Page,
    actionSuffix: string,
    fields: Record<string, string>,
    options: { stopAt?: (url: URL) => boolean } = {},
  ): Promise<Page> {
    const form = formOn(page, actionSuffix);
    return this.submit(new URL(form.action, page.url).href, { ...form.hidden, ...fields }, options);
  }

  cookie(name: string): string | undefined {
    return [...this.jar.values()].find((c) => c.name === name)?.value;
  }

  forget(name: string): void {
    for (const [key, cookie] of this.jar) if (cookie.name === name) this.jar.delete(key);
  }

  private async request(method: string, url: string, body: string | undefined, options: { stopAt?: (url: URL) => boolean }): Promise<Page> {
    let current = new URL(url, this.origin);
    let currentMethod = method;
    let currentBody = body;
    for (let hop = 0; hop < 20; hop++) {
      this.history.push(current.href);
      if (options.stopAt?.(current)) return { status: 0, url: current.href, html: '', headers: new Headers() };
      const headers: Record<string, string> = { 'accept-language': 'zh-CN' };
      const cookies = this.cookiesFor(current);
      if (cookies) headers.cookie = cookies;
      if (currentBody !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(current, { method: currentMethod, headers, body: currentBody, redirect: 'manual' });
      this.store(current, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        current = new URL(location, current);
        if (response.status !== 307 && response.status !== 308) {
          currentMethod = 'GET';
          currentBody = undefined;
        }
        continue;
      }
      return { status: response.status, url: current.href, html: await response.text(), headers: response.headers };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private cookiesFor(url: URL): string {
    const now = Date.now();
    return [...this.jar.values()]
      .filter((c) => (!c.expires || c.expires > now) && url.pathname.startsWith(c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(url: URL, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const index = pair.indexOf('=');
      const cookie: Cookie = { name: pair.slice(0, index), value: pair.slice(index + 1), path: '/' };
      for (const attribute of attributes) {
        const [key, value = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') cookie.path = value;
        if (key.toLowerCase() === 'expires') cookie.expires = Date.parse(value);
        if (key.toLowerCase() === 'max-age') cookie.expires = Date.now() + Number(value) * 1000;
      }
      if (!attributes.some((a) => /^path=/i.test(a))) cookie.path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      const key = `${cookie.name};${cookie.path}`;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.jar.delete(key);
      else this.jar.set(key, cookie);
    }
  }
}

/** The form posting to an action ending with `actionSuffix`: its action and hidden inputs. */
export function formOn(page: Page, actionSuffix: string): { action: string; hidden: Record<string, string> } {
  const forms = [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  for (const [, attributes, inner] of forms) {
    const action = decodeEntities(/action="([^"]*)"/.exec(attributes)?.[1] ?? '');
    if (!action.endsWith(actionSuffix)) continue;
    const hidden: Record<string, string> = {};
    for (const [, input] of inner.matchAll(/<input\b([^>]*)>/g)) {
      if (!/type="hidden"/.test(input)) continue;
      const name = /name="([^"]*)"/.exec(input)?.[1];
      if (name) hidden[name] = decodeEntities(/value="([^"]*)"/.exec(input)?.[1] ?? '');
    }
    return { action, hidden };
  }
  throw new Error(`no form posting to …${actionSuffix} on ${page.url} (status ${page.status}):\n${page.html.slice(0, 2000)}`);
}

function decodeEntities(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'");
}
