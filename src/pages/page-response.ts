import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import type { PageBase } from './layout.js';
import { LANG_COOKIE, langFromRequest, parseLang, type Lang } from './messages.js';

export function pageLanguage(req: HttpRequest): Lang {
  return langFromRequest(req.query.lang, req.cookies?.[LANG_COOKIE], req.headers['accept-language']);
}

/**
 * Sends a page: picks the language (remembering an explicit ?lang= in a cookie), builds the link
 * that switches it, and forbids caching (these pages carry one-time tokens).
 */
export function sendPage(req: HttpRequest, res: FastifyReply, status: number, render: (base: PageBase) => string): void {
  const lang = pageLanguage(req);
  if (parseLang(req.query.lang)) res.setCookie(LANG_COOKIE, lang, { maxAge: 365 * 24 * 3600, sameSite: 'lax', httpOnly: true, path: '/' });
  const url = new URL(req.originalUrl, 'http://local');
  url.searchParams.set('lang', lang === 'en' ? 'zh-CN' : 'en');
  // The switch link re-opens the page (GET); after a POST that is the form's own page.
  const switchLangUrl =
    req.method === 'GET' ? `${url.pathname}${url.search}` : `${url.pathname.replace(/\/(login|otp|confirm|abort)$/, '')}${url.search}`;
  res.code(status).header('cache-control', 'no-store');
  res.type('text/html; charset=utf-8').send(render({ lang, switchLangUrl }));
}
