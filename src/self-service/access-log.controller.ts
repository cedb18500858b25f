import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { parseEnterpriseAccountId } from '../enterprise-login/enterprise-account.js';
import { OidcProviderService } from '../oidc/oidc-provider.service.js';
import { sendPage } from '../pages/page-response.js';
import { ACCESS_LOG_PAGE_SIZE, AccessLog } from './access-log.js';
import { accessLogPage, accessLogRow } from './pages/access-log.js';

/** A `before` cursor as the page takes it: a seq, digits only. */
const CURSOR = /^\d{1,15}$/;

/**
 * 谁用了我的身份信息 (issue 14 §4) in the account console, with the account page's session: the
 * citizen's access log, newest first, a page at a time (`?before=` the seq below which the next
 * page starts). In an enterprise session the page is still the acting person's own, as the
 * account page is; the enterprises they are the legal representative of are in it.
 */
@ApiExcludeController()
@Controller('account/access-log')
export class AccessLogPageController {
  constructor(
    private readonly oidc: OidcProviderService,
    private readonly log: AccessLog,
  ) {}

  @Get()
  async show(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const accountId = await this.person(req, res);
    if (!accountId) return res.redirect('/account', 303);
    const raw = typeof req.query.before === 'string' ? req.query.before : undefined;
    const before = raw && CURSOR.test(raw) ? Number(raw) : undefined;
    const viewer = await this.log.ofPerson(accountId);
    const page = await this.log.page(viewer, { before, limit: ACCESS_LOG_PAGE_SIZE });
    // The language chosen with ?lang= is remembered in a cookie (sendPage): the links need not carry it.
    const here = (cursor?: number) => `/account/access-log${cursor !== undefined ? `?before=${cursor}` : ''}`;
    sendPage(req, res, 200, (base) =>
      accessLogPage({
        ...base,
        rows: page.items.map((item) => accessLogRow(base.lang, item)),
        ...(page.nextBefore !== undefined ? { earlierUrl: here(page.nextBefore) } : {}),
        ...(before !== undefined ? { newestUrl: here() } : {}),
        enterprises: viewer.enterprises.map((e) => e.name),
      }),
    );
  }

  /** The signed-in person (in an enterprise session: the person acting for it). */
  private async person(req: HttpRequest, res: FastifyReply): Promise<string | undefined> {
    const { provider } = this.oidc;
    const session = await provider.Session.get(provider.createContext(req.raw, res.raw));
    return session.accountId ? (parseEnterpriseAccountId(session.accountId)?.personAccountId ?? session.accountId) : undefined;
  }
}
