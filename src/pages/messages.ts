import { account } from './messages/account.js';
import { consent } from './messages/consent.js';
import { enterprise } from './messages/enterprise.js';
import { errors } from './messages/errors.js';
import { frame } from './messages/frame.js';
import { login } from './messages/login.js';
import { logout } from './messages/logout.js';
import { otp } from './messages/otp.js';
import { register } from './messages/register.js';
import { site } from './messages/site.js';

/**
 * The message catalogue of tongban's pages, shared with the controllers (flash texts, claim
 * labels, error texts). Texts are plain text: whoever renders them escapes them.
 */
export type Lang = 'zh-CN' | 'en';

export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** A suggested cookie name for a remembered language choice (the pages themselves set nothing). */
export const LANG_COOKIE = 'tongban_lang';

/**
 * Every text, by area (one file each in messages/), as [zh-CN, en] pairs: a key cannot exist in
 * one language only, and a translator sees both side by side.
 */
const catalogue: Record<string, readonly [string, string]> = {
  ...frame,
  ...login,
  ...enterprise,
  ...otp,
  ...consent,
  ...logout,
  ...errors,
  ...account,
  ...register,
  ...site,
};

const zh: Record<string, string> = Object.fromEntries(Object.entries(catalogue).map(([key, [text]]) => [key, text]));
const en: Record<string, string> = Object.fromEntries(Object.entries(catalogue).map(([key, [, text]]) => [key, text]));

export const messages: Record<Lang, Record<string, string>> = { 'zh-CN': zh, en };

function lookup(lang: Lang, key: string): string | undefined {
  const own = messages[lang];
  if (own && Object.prototype.hasOwnProperty.call(own, key)) return own[key];
  const fallback = messages['zh-CN'];
  if (Object.prototype.hasOwnProperty.call(fallback, key)) return fallback[key];
  return undefined;
}

/**
 * The text for `key` in `lang`, falling back to zh-CN and then to the key itself. `{name}`
 * placeholders are replaced by `vars.name`; a placeholder without a value is left as it is.
 */
export function t(lang: Lang, key: string, vars?: Record<string, string | number>): string {
  const text = lookup(lang, key) ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
  );
}

/**
 * Like `t` with a count `{minutes}`-style variable: uses `key.one` when `n` is 1 and the
 * language has such a form (English does; Chinese needs none).
 */
export function tCount(lang: Lang, key: string, varName: string, n: number): string {
  const oneKey = `${key}.one`;
  const useOne = n === 1 && Object.prototype.hasOwnProperty.call(messages[lang] ?? {}, oneKey);
  return t(lang, useOne ? oneKey : key, { [varName]: n });
}

/** 'en', 'en-US', 'EN' → 'en'; 'zh', 'zh-CN', 'zh-Hans-CN' → 'zh-CN'; anything else → undefined. */
export function parseLang(value: unknown): Lang | undefined {
  if (Array.isArray(value)) value = value[0];
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'en' || v.startsWith('en-') || v.startsWith('en_')) return 'en';
  if (v === 'zh' || v.startsWith('zh-') || v.startsWith('zh_')) return 'zh-CN';
  return undefined;
}

/**
 * The page language: `?lang=` first (pass either the whole parsed query object or its `lang`
 * value), then the language cookie, then Accept-Language — English only when the header ranks an
 * English variant above every Chinese one (equal weights: the one listed first) — else zh-CN.
 */
export function langFromRequest(query: unknown, cookieValue: unknown, acceptLanguage: unknown): Lang {
  const fromQuery =
    query !== null && typeof query === 'object' && !Array.isArray(query)
      ? parseLang((query as Record<string, unknown>)['lang'])
      : parseLang(query);
  return fromQuery ?? parseLang(cookieValue) ?? fromAcceptLanguage(acceptLanguage) ?? 'zh-CN';
}

function fromAcceptLanguage(header: unknown): Lang | undefined {
  if (Array.isArray(header)) header = header.filter((h) => typeof h === 'string').join(',');
  if (typeof header !== 'string' || header.length > 1000) return undefined;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.split(';');
    const lang = parseLang(tag);
    if (!lang) continue;
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
      if (m) q = Number(m[1]);
    }
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang;
}
