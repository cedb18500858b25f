import { Controller, Get, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../../common/http.js';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { html, type HtmlValue, type SafeHtml } from '../../pages/html.js';
import { explainError } from '../../pages/error.js';
import { t } from '../../pages/messages.js';
import { pageLanguage } from '../../pages/page-response.js';
import type { Lang } from '../../pages/index.js';
import type { DemoPortal, PortalSession } from './demo-portal.js';
import { DEMO_PORTALS, DemoPortalsService } from './demo-portals.service.js';
import { sendErrorPage, wantsErrorPage } from '../../site/not-found.js';

const QUIET_ERRORS = new Set(['login_required', 'consent_required', 'interaction_required', 'account_selection_required']);

/** The demo portals' pages: /demo, /demo/portal-a, /demo/portal-b (DEMO=1 only). */
@ApiExcludeController()
@Controller('demo')
export class DemoPortalsController {
  private readonly logger = new Logger('demo-portal');

  constructor(
    private readonly portals: DemoPortalsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get()
  index(@Req() req: HttpRequest, @Res() res: FastifyReply): void {
    const lang = pageLanguage(req);
    const links = DEMO_PORTALS.map((p) => html`<li><a href="/demo/${p.slug}">${p.title[lang]}</a></li>`);
    send(res, 200, lang, lang === 'en' ? 'tongban demo websites' : '通办示范网站', '#333', html`<ul class="links">${links}</ul>`);
  }

  @Get(':slug')
  async home(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('slug') slug: string): Promise<void> {
    const portal = this.portal(slug, req, res);
    if (!portal) return;
    const session = this.session(portal, req, res);
    // First visit in this browser session: ask the OP quietly whether the citizen is signed in already (SSO).
    if (!session.user && !session.triedSilent) {
      session.triedSilent = true;
      return res.redirect(await portal.authorizationUrl(session, { silent: true }), 303);
    }
    this.render(req, res, portal, session);
  }

  @Get(':slug/login')
  async login(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('slug') slug: string): Promise<void> {
    const portal = this.portal(slug, req, res);
    if (!portal) return;
    const enterprise = req.query.acr === '3';
    const acr = req.query.acr === '2' ? 'urn:tongban:loa:2' : enterprise ? 'urn:tongban:loa:3' : undefined;
    res.redirect(await portal.authorizationUrl(this.session(portal, req, res), { acr, enterprise }), 303);
  }

  @Get(':slug/callback')
  async callback(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('slug') slug: string): Promise<void> {
    const portal = this.portal(slug, req, res);
    if (!portal) return;
    const session = this.session(portal, req, res);
    try {
      const { error } = await portal.callback(session, new URL(req.originalUrl, this.config.publicUrl));
      // Signed in at tongban but not yet allowed this portal: ask for consent (no password needed).
      if (error === 'consent_required' || error === 'interaction_required')
        return await res.redirect(await portal.authorizationUrl(session), 303);
      if (error && !QUIET_ERRORS.has(error)) return this.render(req, res, portal, session, error);
    } catch (err) {
      this.logger.warn(`callback failed: ${(err as Error).message}`);
      return this.render(req, res, portal, session, (err as { error?: string }).error ?? 'callback_failed');
    }
    res.redirect(portal.base, 303);
  }

  @Post(':slug/logout')
  async logout(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('slug') slug: string): Promise<void> {
    const portal = this.portal(slug, req, res);
    if (!portal) return;
    res.redirect(await portal.logoutUrl(this.session(portal, req, res)), 303);
  }

  @Post(':slug/backchannel-logout')
  async backchannelLogout(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('slug') slug: string): Promise<void> {
    const portal = this.portal(slug, req, res);
    if (!portal) return;
    const token = (req.body as { logout_token?: unknown } | undefined)?.logout_token;
    try {
      if (typeof token !== 'string') throw new Error('no logout_token');
      const ended = await portal.backchannelLogout(token);
      this.logger.log(`${portal.definition.clientId}: back-channel logout ended ${ended} session(s)`);
      res.code(200).header('cache-control', 'no-store');
      res.send();
    } catch (err) {
      res.code(400).send({ error: 'invalid_request', error_description: (err as Error).message });
    }
  }

  private portal(slug: string, req: HttpRequest, res: FastifyReply): DemoPortal | undefined {
    const portal = this.portals.portals.get(slug);
    if (!portal) {
      if (wantsErrorPage(req)) sendErrorPage(req, res, 404, 'not_found');
      else void res.code(404).send({ error: 'not_found', message: `no demo portal ${slug}` });
    }
    return portal;
  }

  private session(portal: DemoPortal, req: HttpRequest, res: FastifyReply): PortalSession {
    const cookie = `demo_${portal.definition.slug.replace(/-/g, '_')}`;
    const session = portal.session(req.cookies?.[cookie]);
    res.setCookie(cookie, session.id, { httpOnly: true, sameSite: 'lax', path: portal.base });
    return session;
  }

  private render(req: HttpRequest, res: FastifyReply, portal: DemoPortal, session: PortalSession, error?: string): void {
    const lang = pageLanguage(req);
    const { definition } = portal;
    const other = DEMO_PORTALS.find((p) => p.slug !== definition.slug)!;
    const en = lang === 'en';
    const user = session.user;
    const body = user
      ? html`${signedIn(lang, user)}
<details class="raw"><summary>${en ? 'Details' : '详细信息'}</summary>
<p class="muted">${en ? 'What tongban sent this website:' : '通办发给本网站的原始信息：'}</p>
<dl><dt>sub</dt><dd><code>${user.sub}</code></dd>
<dt>acr</dt><dd><code>${user.acr ?? ''}</code></dd>
<dt>amr</dt><dd><code>${(user.amr ?? []).join(' ')}</code></dd></dl>
</details>
<h2>${en ? 'Try more' : '试一试'}</h2>
<ul class="links">
<li><a href="/demo/${other.slug}">${other.title[lang]}</a> ${en ? '(no password needed: single sign-on)' : '（无需再次输入密码：单点登录）'}</li>
<li><a href="${portal.base}/login?acr=2">${en ? 'Sign in again with two-step sign-in' : '用两步验证重新登录'}</a></li>
<li><a href="${portal.base}/login?acr=3">${en ? 'Sign in for an enterprise (electronic business licence)' : '以企业身份登录（电子营业执照）'}</a></li>
</ul>
<form method="post" action="${portal.base}/logout"><button type="submit">${en ? 'Sign out' : '退出登录'}</button></form>`
      : html`<p>${en ? 'You are not signed in to this website.' : '您尚未登录本网站。'}</p>
<p><a class="button" href="${portal.base}/login">${en ? 'Sign in with tongban' : '使用通办统一身份认证登录'}</a></p>
<ul class="links">
<li><a href="${portal.base}/login?acr=3">${en ? 'Sign in for an enterprise (electronic business licence)' : '以企业身份登录（电子营业执照）'}</a></li>
<li><a href="/demo/${other.slug}">${other.title[lang]}</a></li>
</ul>`;
    send(
      res,
      error ? 400 : 200,
      lang,
      definition.title[lang],
      definition.colour,
      html`${error ? problem(lang, error, portal) : ''}${body}`,
      portal.base,
    );
  }
}

const LEVELS: Record<string, [string, string]> = {
  'urn:tongban:loa:1': ['密码登录', 'Password'],
  'urn:tongban:loa:2': ['两步验证', 'Two-step sign-in'],
  'urn:tongban:loa:3': ['电子营业执照', 'Electronic business licence'],
};

const ROLES: Record<string, [string, string]> = {
  legal_representative: ['法定代表人', 'legal representative'],
  administrator: ['管理员', 'administrator'],
  operator: ['经办人', 'operator'],
};

function inWords(table: Record<string, [string, string]>, lang: Lang, value: string | undefined): string {
  const words = value ? table[value] : undefined;
  return words ? words[lang === 'en' ? 1 : 0] : lang === 'en' ? 'unknown' : '未知';
}

/** Who is signed in, plainly: name, masked ID number (or the enterprise and who acts for it), and how, in words. */
function signedIn(lang: Lang, user: NonNullable<PortalSession['user']>): SafeHtml {
  const en = lang === 'en';
  const level = html`<dt>${en ? 'Signed in with' : '登录方式'}</dt><dd>${inWords(LEVELS, lang, user.acr)}</dd>`;
  if (user.enterprise) {
    const { act } = user.enterprise;
    return html`<p class="who">${en ? 'Signed in for the enterprise' : '已以企业身份登录：'} <strong>${user.enterprise.name}</strong></p>
<dl class="person">
<dt>${en ? 'Unified Social Credit Code' : '统一社会信用代码'}</dt><dd>${user.enterprise.uscc}</dd>
<dt>${en ? 'Acting' : '经办人'}</dt><dd>${act.name ?? ''}${act.role ? (en ? ` (${inWords(ROLES, lang, act.role)})` : `（${inWords(ROLES, lang, act.role)}）`) : ''}</dd>
${level}
</dl>`;
  }
  return html`<p class="who">${en ? 'Signed in as' : '已登录：'} <strong>${user.name ?? ''}</strong> <span class="id">${user.idNumberMasked ?? ''}</span></p>
<dl class="person">
${level}
</dl>`;
}

/** Why sign-in did not complete, in the person's words (the mapping of src/pages/error.ts), and what to do. */
function problem(lang: Lang, code: string, portal: DemoPortal): SafeHtml {
  const en = lang === 'en';
  const { kind, title, body } = explainError(lang, code);
  const again = html`<a href="${portal.base}/login">${en ? 'Sign in again' : '重新登录'}</a>`;
  const steps =
    kind === 'needs_two_step'
      ? [
          html`<a href="/account">${t(lang, 'error.go.totp')}</a>`,
          html`<a href="${portal.base}/login?acr=2">${en ? 'Then sign in again here' : '开启后，在本网站重新登录'}</a>`,
        ]
      : [again];
  return html`<div class="problem" role="alert">
<h2>${title}</h2>
<p>${body}</p>
<ul>${steps.map((step) => html`<li>${step}</li>`)}</ul>
</div>`;
}

function send(res: FastifyReply, status: number, lang: Lang, title: string, colour: string, body: HtmlValue, base = '/demo'): void {
  const switchTo = lang === 'en' ? 'zh-CN' : 'en';
  res.code(status).header('cache-control', 'no-store');
  res.type('text/html; charset=utf-8').send(
    html`<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1d2733;background:#f4f6f9;line-height:1.6}
header{background:${colour};color:#fff;padding:12px 24px;display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}header a{color:#fff}
main{max-width:640px;margin:32px auto;background:#fff;padding:24px 28px;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.5rem;line-height:1.35;margin:0 0 16px}h2{font-size:1.125rem;margin:24px 0 8px}
a{color:#0a4fb3}a.button,button{display:inline-block;background:${colour};color:#fff;border:0;border-radius:4px;padding:10px 18px;min-height:44px;font:inherit;text-decoration:none;cursor:pointer}
a:focus-visible,button:focus-visible,summary:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.who{font-size:1.0625rem}.id{white-space:nowrap;font-variant-numeric:tabular-nums}
dl.person{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0 0 16px}dl.person dt{color:#4f5966}dl.person dd{margin:0;font-weight:600;overflow-wrap:anywhere}
details.raw{margin:0 0 16px;border:1px solid #d5dbe3;border-radius:6px;padding:8px 12px}details.raw summary{cursor:pointer;padding:4px 0}
details.raw dt{font-weight:600}details.raw dd{margin:0 0 8px}code{word-break:break-all;font-size:.875rem}
.muted{color:#4f5966;font-size:.9375rem}ul.links{padding-left:1.25em}ul.links li{margin:0 0 6px}
.problem{border-left:4px solid #b3261e;background:#fdeeee;color:#5c1410;border-radius:6px;padding:12px 16px;margin:0 0 20px}.problem h2{margin:0 0 6px}.problem p{margin:0 0 8px}.problem ul{margin:0;padding-left:1.25em}.problem a{color:#5c1410}
@media (max-width:680px){header{padding:12px 16px}main{margin:16px 12px;padding:20px 16px}h1{font-size:1.3125rem}}</style></head>
<body><header><strong>${title}</strong><a href="${base}?lang=${switchTo}" lang="${switchTo}" hreflang="${switchTo}">${switchTo === 'en' ? 'English' : '中文'}</a></header>
<main><h1>${title}</h1>${body}</main></body></html>`.value,
  );
}
