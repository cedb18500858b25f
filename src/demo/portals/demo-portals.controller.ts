import { Controller, Get, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../../common/http.js';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { html, type HtmlValue } from '../../pages/html.js';
import { pageLanguage } from '../../pages/page-response.js';
import type { Lang } from '../../pages/index.js';
import type { DemoPortal, PortalSession } from './demo-portal.js';
import { DEMO_PORTALS, DemoPortalsService } from './demo-portals.service.js';

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
    send(res, 200, lang, lang === 'en' ? 'tongban demo portals' : '通办示范门户', '#333', html`<ul>${links}</ul>`);
  }

  @Get(':slug')
  async home(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('slug') slug: string): Promise<void> {
    const portal = this.portal(slug, res);
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
    const portal = this.portal(slug, res);
    if (!portal) return;
    const enterprise = req.query.acr === '3';
    const acr = req.query.acr === '2' ? 'urn:tongban:loa:2' : enterprise ? 'urn:tongban:loa:3' : undefined;
    res.redirect(await portal.authorizationUrl(this.session(portal, req, res), { acr, enterprise }), 303);
  }

  @Get(':slug/callback')
  async callback(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('slug') slug: string): Promise<void> {
    const portal = this.portal(slug, res);
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
    const portal = this.portal(slug, res);
    if (!portal) return;
    res.redirect(await portal.logoutUrl(this.session(portal, req, res)), 303);
  }

  @Post(':slug/backchannel-logout')
  async backchannelLogout(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('slug') slug: string): Promise<void> {
    const portal = this.portal(slug, res);
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

  private portal(slug: string, res: FastifyReply): DemoPortal | undefined {
    const portal = this.portals.portals.get(slug);
    if (!portal) res.code(404).send({ error: 'not_found', message: `no demo portal ${slug}` });
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
    const who = user?.enterprise
      ? html`<p>${en ? 'Signed in for the enterprise' : '已以企业身份登录：'} <strong>${user.enterprise.name}</strong> <code>${user.enterprise.uscc}</code></p>
         <p>${en ? 'Acting:' : '经办人：'} ${user.enterprise.act.name ?? ''} (${user.enterprise.act.role ?? ''})</p>`
      : html`<p>${en ? 'Signed in as' : '已登录：'} <strong>${user?.name ?? ''}</strong> ${user?.idNumberMasked ?? ''}</p>`;
    const body = user
      ? html`${who}
         <dl><dt>sub</dt><dd><code>${user.sub}</code></dd>
         <dt>acr</dt><dd><code>${user.acr ?? ''}</code></dd>
         <dt>amr</dt><dd><code>${(user.amr ?? []).join(' ')}</code></dd></dl>
         <p><a href="/demo/${other.slug}">${other.title[lang]} →</a></p>
         <p><a href="${portal.base}/login?acr=2">${en ? 'Step up to two-step sign-in (loa:2)' : '升级为两步验证登录（loa:2）'}</a></p>
         <p><a href="${portal.base}/login?acr=3">${en ? 'Sign in for an enterprise (e-licence, loa:3)' : '以企业身份登录（电子营业执照，loa:3）'}</a></p>
         <form method="post" action="${portal.base}/logout"><button type="submit">${en ? 'Sign out (everywhere)' : '退出登录（所有门户）'}</button></form>`
      : html`<p>${en ? 'You are not signed in to this portal.' : '您尚未登录本门户。'}</p>
         <p><a class="button" href="${portal.base}/login">${en ? 'Sign in with tongban' : '使用通办统一身份认证登录'}</a></p>
         <p><a href="${portal.base}/login?acr=3">${en ? 'Sign in for an enterprise (e-licence)' : '以企业身份登录（电子营业执照）'}</a></p>
         <p><a href="/demo/${other.slug}">${other.title[lang]}</a></p>`;
    const alert = error ? html`<p role="alert">${en ? 'Sign-in did not complete' : '登录未完成'}: <code>${error}</code></p>` : '';
    send(res, error ? 400 : 200, lang, definition.title[lang], definition.colour, html`${alert}${body}`, portal.base);
  }
}

function send(res: FastifyReply, status: number, lang: Lang, title: string, colour: string, body: HtmlValue, base = '/demo'): void {
  const switchTo = lang === 'en' ? 'zh-CN' : 'en';
  res.code(status).header('cache-control', 'no-store');
  res.type('text/html; charset=utf-8').send(
    html`<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{margin:0;font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1d2733;background:#f4f6f9}
header{background:${colour};color:#fff;padding:14px 24px;display:flex;justify-content:space-between;align-items:center}header a{color:#fff}
main{max-width:640px;margin:32px auto;background:#fff;padding:24px 28px;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
a.button,button{display:inline-block;background:${colour};color:#fff;border:0;border-radius:4px;padding:10px 18px;font-size:1rem;text-decoration:none;cursor:pointer}
a:focus,button:focus{outline:3px solid #f0b400;outline-offset:2px}dt{font-weight:600}dd{margin:0 0 8px}code{word-break:break-all}[role=alert]{color:#b3261e}</style></head>
<body><header><strong>${title}</strong><a href="${base}?lang=${switchTo}">${switchTo === 'en' ? 'English' : '中文'}</a></header>
<main><h1>${title}</h1>${body}</main></body></html>`.value,
  );
}
