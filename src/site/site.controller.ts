import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { DEMO_PORTALS } from '../demo/portals/demo-portals.service.js';
import { canonicalLicenceId } from '../identifiers/licence-id.js';
import { pageLanguage, sendPage } from '../pages/page-response.js';
import { FAVICON_ETAG, FAVICON_SVG } from './favicon.js';
import { forgotPasswordPage, helpPage, homePage, privacyPage, termsPage } from './pages/site-pages.js';

/**
 * tongban's own pages: `/` (what tongban offers a citizen, the licence check form among it), `/v`
 * (that form's target: on to the check page `/v/{number}`), `/help`, `/forgot-password`,
 * `/terms`, `/privacy`, and the icon. Unknown pages get the styled 404 (src/site/not-found.ts).
 */
@ApiExcludeController()
@Controller()
export class SiteController {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  @Get()
  home(@Req() req: HttpRequest, @Res() res: FastifyReply): void {
    sendPage(req, res, 200, (base) => homePage({ ...base, demoSites: this.demoSites(req) }));
  }

  /**
   * The home page's licence check (a GET form, so it works without script): a licence number
   * (any case, spaces around it) goes on to its public check page /v/{number}, the page a licence
   * file's QR code opens; anything else comes back to the home page with the error beside the field.
   */
  @Get('v')
  checkLicence(@Req() req: HttpRequest, @Res() res: FastifyReply): void {
    const raw = req.query.id;
    const value = (typeof raw === 'string' ? raw : '').trim().slice(0, 200);
    const id = value ? canonicalLicenceId(value.replace(/\s+/g, '')) : null;
    if (id) return void res.redirect(`/v/${encodeURIComponent(id)}`, 303);
    sendPage(req, res, 400, (base) =>
      homePage({ ...base, demoSites: this.demoSites(req), licenceCheck: { value, error: value ? 'malformed' : 'empty' } }),
    );
  }

  private demoSites(req: HttpRequest): Array<{ name: string; url: string }> | undefined {
    const lang = pageLanguage(req);
    return this.config.demo ? DEMO_PORTALS.map((p) => ({ name: p.title[lang], url: `/demo/${p.slug}` })) : undefined;
  }

  @Get('help')
  help(@Req() req: HttpRequest, @Res() res: FastifyReply): void {
    sendPage(req, res, 200, (base) => helpPage({ ...base, origin: new URL(this.config.publicUrl).origin }));
  }

  @Get('forgot-password')
  forgotPassword(@Req() req: HttpRequest, @Res() res: FastifyReply): void {
    sendPage(req, res, 200, forgotPasswordPage);
  }

  @Get('terms')
  terms(@Req() req: HttpRequest, @Res() res: FastifyReply): void {
    sendPage(req, res, 200, termsPage);
  }

  @Get('privacy')
  privacy(@Req() req: HttpRequest, @Res() res: FastifyReply): void {
    sendPage(req, res, 200, privacyPage);
  }

  /** The icon every page links; /favicon.ico (asked for by browsers unprompted) answers the same SVG. */
  @Get(['favicon.svg', 'favicon.ico'])
  favicon(@Req() req: HttpRequest, @Res() res: FastifyReply): void {
    res.header('cache-control', 'public, max-age=86400').header('etag', FAVICON_ETAG);
    if (req.headers['if-none-match'] === FAVICON_ETAG) return void res.code(304).send();
    void res.type('image/svg+xml').send(FAVICON_SVG);
  }
}
