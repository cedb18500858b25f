import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { accessTokenOf, RequireScopes } from '../../auth/access-token.guard.js';
import type { HttpRequest } from '../../common/http.js';
import { requestIdOf } from '../../site/not-found.js';
import { ApiErrors } from '../../common/openapi.js';
import { LICENCE_ID_EXAMPLE, LicenceIdParam } from '../issuance/licences.dto.js';
import { LicencesService } from '../issuance/licences.service.js';
import { ApiLicenceFile, sendLicenceFile } from './file-response.js';
import { LicenceFileQuery } from './holders.dto.js';
import { LicenceFiles } from './licence-files.js';

/**
 * The licence file for its issuing authority (issue 13 §5): `GET /api/v1/licences/{id}/file`,
 * beside the issuance routes (scope `licence:issue`, the issuer only). The holder's own is
 * `GET /api/v1/me/licences/{id}/file` (holders.controller.ts).
 */
@ApiTags('licences')
@RequireScopes('licence:issue')
@Controller('api/v1/licences')
export class LicenceFileController {
  constructor(
    private readonly licences: LicencesService,
    private readonly files: LicenceFiles,
  ) {}

  @Get(':id/file')
  @ApiOperation({
    operationId: 'getLicenceFile',
    summary: 'The licence file (GB/T 36905): an A4 OFD stamped with the issuing authority’s seal, or the same page as a PDF',
    description:
      'Scope `licence:issue`, for the issuing authority that issued it (another one gets 403). The page lays out the type, number, holder (name and identifier in full: the file is the holder’s document), ' +
      'the claims, the issuer and the dates, with a QR code of the public check page `/v/{id}`; the OFD is stamped with the issuing authority’s electronic seal (SM2, made by tongban when first needed), ' +
      'so POST /api/v1/verify/document answers TOTAL_PASSED for it. `format=pdf`: the same page as a PDF with its fonts embedded and the seal’s picture (a picture only: the OFD is the signed file). ' +
      'A suspended, revoked or expired licence still has its file; its status is printed across the top. Made when asked, never cached.',
  })
  @ApiLicenceFile()
  @ApiErrors({
    403: [
      {
        error: 'not_licence_issuer',
        message: `the licence ${LICENCE_ID_EXAMPLE} was issued by another issuing authority: only it may read or change it`,
      },
    ],
    404: [{ error: 'licence_not_found', message: `tongban issued no licence ${LICENCE_ID_EXAMPLE}` }],
  })
  async file(
    @Param() { id }: LicenceIdParam,
    @Query() { format }: LicenceFileQuery,
    @Headers('accept') accept: string | undefined,
    @Req() req: HttpRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const clientId = accessTokenOf(req).clientId;
    const licence = await this.licences.getForIssuer(id, clientId);
    const by = { actor: { kind: 'client', id: clientId } as const, requestId: requestIdOf(res) };
    await sendLicenceFile(res, await this.files.render(licence, format ?? 'ofd', by), licence.id, accept);
  }
}
