/**
 * HTTP helpers for the `oidc` bench section: a fixed-concurrency load driver over keep-alive
 * connections (undici), and a minimal browser (cookie jar, redirects followed by hand, HTML
 * forms read and submitted) for the sign-in pages — a trimmed copy of test/support/user-agent.ts.
 */
import { Agent, request } from 'undici';
import { percentile } from './lib.js';

/**
 * The load driver's HTTP client: undici's `request` over keep-alive connections. Node's global
 * fetch (the same undici underneath, plus the WHATWG layers) costs the driver about twice the CPU
 * per call, CPU taken from the service under test on a 2-core machine.
 */
const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
}

export async function send(
  url: string | URL,
  options: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<Answer> {
  const response = await request(url, {
    method: (options.method ?? 'GET') as 'GET',
    headers: options.headers,
    body: options.body,
    dispatcher: agent,
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, body, text: () => body.toString('utf8') };
}

export interface LoadResult {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  /** Calls that completed, warm-up included (to divide a CPU time measured around the whole load). */
  total: number;
  errors: number;
  firstError?: string;
}

/**
 * Keeps `concurrency` calls of `fn` in flight (worker w runs its calls one after another) for
 * `warmupMs`, then for `durationMs` more; the figures are the calls that completed in the second
 * window: completions per second and latency percentiles (ms).
 */
export async function load(
  fn: (worker: number) => Promise<void>,
  options: { concurrency: number; warmupMs: number; durationMs: number },
): Promise<LoadResult> {
  const samples: number[] = [];
  let errors = 0;
  let total = 0;
  let firstError: string | undefined;
  const begin = performance.now();
  const measureFrom = begin + options.warmupMs;
  const measureTo = measureFrom + options.durationMs;
  const worker = async (w: number) => {
    while (performance.now() < measureTo) {
      const start = performance.now();
      try {
        await fn(w);
      } catch (err) {
        const end = performance.now();
        if (end >= measureFrom && end <= measureTo) errors++;
        firstError ??= (err as Error).message;
        // A worker whose state is broken (e.g. a refresh chain) would only fail faster and faster.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const end = performance.now();
      total++;
      if (end >= measureFrom && end <= measureTo) samples.push(end - start);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  samples.sort((a, b) => a - b);
  if (!samples.length) throw new Error(`no call succeeded${firstError ? `: ${firstError}` : ''}`);
  return {
    perSecond: samples.length / (options.durationMs / 1000),
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    count: samples.length,
    total,
    errors,
    firstError,
  };
}

/**
 * Calls `fn(i)` once for each i below `count`, `concurrency` at a time, all of them measured (no
 * warm-up): for work that is only new once, such as the first sight of a certificate.
 */
export async function loadEach(count: number, fn: (index: number) => Promise<void>, concurrency: number): Promise<LoadResult> {
  const samples: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const begin = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const start = performance.now();
      try {
        await fn(i);
        samples.push(performance.now() - start);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - begin) / 1000;
  samples.sort((a, b) => a - b);
  if (!samples.length) throw new Error(`no call succeeded${firstError ? `: ${firstError}` : ''}`);
  return {
    perSecond: samples.length / seconds,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    count: samples.length,
    total: count,
    errors,
    firstError,
  };
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POSTs a urlencoded form and returns the JSON answer; throws unless the status is 200. */
export async function postForm(url: string, fields: Record<string, string>, authorization?: string): Promise<Record<string, unknown>> {
  const response = await send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  const text = response.text();
  if (response.status !== 200) throw new Error(`POST ${new URL(url).pathname}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export interface Page {
  status: number;
  url: string;
  html: string;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
  expires?: number;
}

/** One browser session: its own cookie jar, so every sign-in starts without an SSO session. */
export class Browser {
  private readonly jar = new Map<string, Cookie>();

  constructor(private readonly stopAt: (url: URL) => boolean) {}

  open(url: string): Promise<Page> {
    return this.request('GET', url, undefined);
  }

  /** Fills the form whose action ends with `actionSuffix` (keeping its hidden inputs) and submits it. */
  fill(page: Page, actionSuffix: string, fields: Record<string, string>): Promise<Page> {
    const form = formOn(page, actionSuffix);
    return this.request('POST', new URL(form.action, page.url).href, new URLSearchParams({ ...form.hidden, ...fields }).toString());
  }

  private async request(method: string, url: string, body: string | undefined): Promise<Page> {
    let current = new URL(url);
    for (let hop = 0; hop < 10; hop++) {
      if (this.stopAt(current)) return { status: 0, url: current.href, html: '' };
      const headers: Record<string, string> = { 'accept-language': 'zh-CN' };
      const cookies = this.cookiesFor(current);
      if (cookies) headers.cookie = cookies;
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await send(current, { method, headers, body });
      const setCookie = response.headers['set-cookie'];
      this.store(current, setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]);
      const location = response.headers.location;
      if (response.status >= 300 && response.status < 400 && typeof location === 'string') {
        current = new URL(location, current);
        if (response.status !== 307 && response.status !== 308) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      return { status: response.status, url: current.href, html: response.text() };
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
      const cookie: Cookie = {
        name: pair.slice(0, index),
        value: pair.slice(index + 1),
        path: url.pathname.replace(/\/[^/]*$/, '') || '/',
      };
      for (const attribute of attributes) {
        const [key, value = ''] = attribute.split('=');
        const name = key.toLowerCase();
        if (name === 'path') cookie.path = value;
        if (name === 'expires') cookie.expires = Date.parse(value);
        if (name === 'max-age') cookie.expires = Date.now() + Number(value) * 1000;
      }
      const key = `${cookie.name};${cookie.path}`;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.jar.delete(key);
      else this.jar.set(key, cookie);
    }
  }
}

/** The form posting to an action ending with `actionSuffix`: its action and hidden inputs. */
export function formOn(page: Page, actionSuffix: string): { action: string; hidden: Record<string, string> } {
  for (const [, attributes, inner] of page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
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
  throw new Error(`no form posting to …${actionSuffix} on ${page.url} (status ${page.status}): ${page.html.slice(0, 500)}`);
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
