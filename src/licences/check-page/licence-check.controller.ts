import { Controller, Get, Inject, Logger, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../../common/http.js';
import { canonicalLicenceId } from '../../identifiers/licence-id.js';
import { errorPage } from '../../pages/error.js';
import { sendPage } from '../../pages/page-response.js';
import { requestIdOf } from '../../site/not-found.js';
import { licenceCheckPage, licenceNotFoundPage } from './check-page.js';
import { LICENCE_LOOKUP, type LicenceLookup, type PublicLicenceView } from './licence-lookup.js';

/**
 * The public check page of a licence, `GET /v/{id}` — what the QR code on a licence file opens
 * (design §7, issue 13 §7): its type, issuer, status in words, validity and the holder's name, a
 * citizen's masked; nothing else. No sign-in: anyone holding the licence's number may see this
 * much, as anyone holding the paper could. Answers are never cached (the status is live).
 * A malformed or unknown number gets a styled 404 page, the store out of reach a styled 503.
 */
@ApiExcludeController()
@Controller('v')
export class LicenceCheckPageController {
  private readonly logger = new Logger('licence-check');

  constructor(@Inject(LICENCE_LOOKUP) private readonly licences: LicenceLookup) {}

  @Get(':id')
  async check(@Param('id') raw: string, @Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const requestId = requestIdOf(res);
    const id = canonicalLicenceId(raw);
    if (!id) return sendPage(req, res, 404, (base) => licenceNotFoundPage({ ...base, reason: 'malformed', requestId }));
    let licence: PublicLicenceView | undefined;
    try {
      licence = await this.licences.publicView(id);
    } catch (err) {
      this.logger.error(`reading licence ${id} for its check page failed: ${(err as Error).message}`);
      return sendPage(req, res, 503, (base) => errorPage({ ...base, error: 'unavailable', requestId }));
    }
    if (!licence) return sendPage(req, res, 404, (base) => licenceNotFoundPage({ ...base, reason: 'unknown', requestId }));
    const shown = licence;
    sendPage(req, res, 200, (base) => licenceCheckPage({ ...base, licence: shown, now: new Date() }));
  }
}
