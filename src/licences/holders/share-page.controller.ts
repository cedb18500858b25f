import { Controller, Get, Logger, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../../common/http.js';
import { errorPage } from '../../pages/error.js';
import { sendPage } from '../../pages/page-response.js';
import { requestIdOf } from '../../site/not-found.js';
import { LicenceSharesService, SHARE_PATH, type ShareOpening } from './licence-shares.service.js';
import { sharePage, sharePageStatus } from './share-page.js';

/**
 * The public page of a share (亮证), `GET /s/{token}` — what the QR code a holder shows opens. No
 * sign-in: the token (256 random bits) is the permission, for the share's lifetime. The page is
 * never cached and sends no Referer onwards (the security headers' policy), so the token stays in
 * this one request; each opening is recorded for the holder.
 */
@ApiExcludeController()
@Controller()
export class SharePageController {
  private readonly logger = new Logger('licence-shares');

  constructor(private readonly shares: LicenceSharesService) {}

  @Get(`${SHARE_PATH.slice(1)}:token`)
  async show(@Param('token') token: string, @Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    let opening: ShareOpening;
    try {
      // `?ended=1`: the page's own countdown reaching zero, not someone opening the link again —
      // not recorded when nothing is shown any more (it would be recorded if the share still were open).
      opening = await this.shares.open(token, {
        ip: req.ip,
        userAgent: req.headers['user-agent'],
        afterCountdown: req.query.ended === '1',
        requestId: requestIdOf(res),
      });
    } catch (err) {
      this.logger.error(`opening a share failed: ${(err as Error).message}`);
      return sendPage(req, res, 503, (base) => errorPage({ ...base, error: 'unavailable', requestId: requestIdOf(res) }));
    }
    sendPage(req, res, sharePageStatus(opening), (base) =>
      sharePage({ ...base, opening, now: new Date(), expiredUrl: `${SHARE_PATH}${encodeURIComponent(token)}?ended=1` }),
    );
  }
}
