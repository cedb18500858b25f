import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { accessTokenOf } from '../../auth/access-token.guard.js';
import type { AuditActor } from '../../audit/audit-event.js';
import { ApiError } from '../../common/api-error.js';
import { requestIdOf } from '../../site/not-found.js';
import type { HttpRequest } from '../../common/http.js';
import { API_BODY_ERRORS, API_PARAM_ERRORS, ApiErrors } from '../../common/openapi.js';
import { LICENCE_ID_EXAMPLE, LicenceIdParam } from '../issuance/licences.dto.js';
import { LicencesService } from '../issuance/licences.service.js';
import { ApiLicenceFile, sendLicenceFile } from './file-response.js';
import { holderLookup, type Holder } from './holder.js';
import { holderOf, RequireHolder } from './holder.guard.js';
import {
  CreatedShareDto,
  createdShareView,
  CreateShareRequest,
  HeldLicencesDto,
  heldLicenceView,
  HolderShareDto,
  HolderSharesDto,
  holderShareView,
  LicenceFileQuery,
  SHARE_ID_EXAMPLE,
  SHARE_URL_EXAMPLE,
  ShareParams,
} from './holders.dto.js';
import { LicenceFiles } from './licence-files.js';
import { LicenceSharesService, SHARE_TTL_DEFAULT_SECONDS } from './licence-shares.service.js';

const NOT_HELD = { error: 'licence_not_found', message: `you hold no licence ${LICENCE_ID_EXAMPLE}` };
const CREDENTIAL =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6ImRjK3NkLWp3dCIsImtpZCI6ImxpY2VuY2UtMSIsIng1YyI6WyJNSUlCLi4uIl19.eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuZ292LmNuIn0.MEUCIQ…~WyJfMjZiYzRMVC1hYzZxMkxJNmNCVzVlcyIsIm5hbWUiLCLlvKDkuIkiXQ~';
const HELD_EXAMPLE: HeldLicencesDto = {
  licences: [
    {
      id: LICENCE_ID_EXAMPLE,
      credential: CREDENTIAL,
      status: 'valid',
      type: 'residence-permit',
      typeName: { zh: '居住证', en: 'Residence permit' },
      holder: { kind: 'citizen', name: '张三', idNumberMasked: '110105********1239' },
      issuer: { clientId: 'demo-licence-authority', code: '11350100MB0D345794', name: '示范证照签发机关' },
      validFrom: '2026-12-01T00:00:00.000Z',
      validUntil: '2027-12-01T00:00:00.000Z',
      statusList: { idx: 90211, uri: 'https://id.example.gov.cn/api/v1/status-lists/1' },
      statusReason: null,
      statusChangedAt: null,
      createdAt: '2026-12-01T00:00:00.000Z',
      claims: { name: '张三', id_number: '110105199003071239', residence_address: '福建省福州市鼓楼区五四路1号' },
    },
  ],
};

/**
 * The holder's own licences (issue 13 §6, design §7): the list with the credentials, the files, and
 * 亮证 — showing one licence through a short-lived link with only the claims chosen. A citizen's or
 * an enterprise's access token with the scope `licences` (from a holder's app, a client with public
 * subjects), or an enterprise wallet's proof (holder.guard.ts). Another holder's licence is 404,
 * as if there were none.
 */
@ApiTags('licences')
@RequireHolder()
@Controller('api/v1/me/licences')
export class HoldersController {
  constructor(
    private readonly licences: LicencesService,
    private readonly files: LicenceFiles,
    private readonly shares: LicenceSharesService,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listMyLicences',
    summary: "The holder's licences with their credentials",
    description:
      'Scope `licences`: a citizen’s token (its `sub` the account: a client with public subjects) lists the citizen’s licences, an enterprise session’s token or an enterprise wallet’s proof ' +
      '(`Authorization: Wallet …`) the enterprise’s. Newest first, suspended, revoked and expired ones too, each with its status (and why), validity, issuer, claims and the SD-JWT VC to present.',
  })
  @ApiOkResponse({ description: "the holder's licences", type: HeldLicencesDto, example: HELD_EXAMPLE })
  async list(@Req() req: HttpRequest): Promise<HeldLicencesDto> {
    const licences = await this.licences.listForHolder(holderLookup(holderOf(req)));
    return { licences: licences.map(heldLicenceView) };
  }

  @Get(':id/file')
  @ApiOperation({
    operationId: 'getMyLicenceFile',
    summary: 'The file of one of the holder’s licences: the stamped OFD, or the PDF',
    description:
      'Scope `licences` (or a wallet proof), for the licence’s holder. The same file as the issuer’s GET /api/v1/licences/{id}/file: an A4 OFD stamped with the issuing authority’s seal, `format=pdf` the same page as a PDF; ' +
      'a suspended, revoked or expired licence’s file says so across its top.',
  })
  @ApiLicenceFile()
  @ApiErrors({ 404: [NOT_HELD] })
  async file(
    @Param() { id }: LicenceIdParam,
    @Query() { format }: LicenceFileQuery,
    @Headers('accept') accept: string | undefined,
    @Req() req: HttpRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const holder = holderOf(req);
    const licence = await this.shares.heldLicence(holder, id);
    const by = { actor: holderActor(req, holder), requestId: requestIdOf(res) };
    await sendLicenceFile(res, await this.files.render(licence, format ?? 'ofd', by), licence.id, accept);
  }

  @Post(':id/shares')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'shareMyLicence',
    summary: 'Show a licence (亮证): a short-lived link and QR code with only the chosen claims',
    description:
      'Scope `licences` (or a wallet proof), for the licence’s holder. The share keeps an SD-JWT presentation of the credential with only the Disclosures of `disclose` (no key binding: ' +
      `the holder’s key stays with the holder). Whoever opens \`url\` before \`expiresAt\` (${SHARE_TTL_DEFAULT_SECONDS} s by default, 30 to 3600) sees the licence type, the issuing authority, the status as it is at that moment, the validity and the disclosed claims — verified from the presentation, nothing else; ` +
      'after it, a page saying the share has expired. Each opening is recorded for the holder (GET …/shares). Only a valid licence can be shown.',
  })
  @ApiCreatedResponse({
    description: 'the share',
    type: CreatedShareDto,
    example: {
      id: SHARE_ID_EXAMPLE,
      licenceId: LICENCE_ID_EXAMPLE,
      url: SHARE_URL_EXAMPLE,
      qr: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAPoAAAD6AQAAAACgl2eQAAAB…',
      disclosed: ['name', 'residence_address'],
      createdAt: '2026-12-01T02:00:00.000Z',
      expiresAt: '2026-12-01T02:02:00.000Z',
    } satisfies CreatedShareDto,
  })
  @ApiErrors({
    ...API_BODY_ERRORS,
    400: [
      ...API_BODY_ERRORS[400],
      ...API_PARAM_ERRORS[400],
      {
        error: 'unknown_claim',
        message: 'the licence has no claim height',
        details: { unknown: ['height'], claims: ['name', 'id_number', 'residence_address', 'issuing_authority'] },
      },
      { error: 'invalid_ttl', message: 'ttlSeconds must be a whole number of seconds from 30 to 3600' },
    ],
    404: [NOT_HELD],
    409: [
      {
        error: 'licence_not_valid',
        message: `the licence ${LICENCE_ID_EXAMPLE} is revoked: it cannot be shown`,
        details: { status: 'revoked' },
      },
    ],
  })
  async share(
    @Param() { id }: LicenceIdParam,
    @Body() body: CreateShareRequest,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<CreatedShareDto> {
    const holder = holderOf(req);
    const share = await this.shares.create(holder, id, {
      disclose: body.disclose,
      ttlSeconds: body.ttlSeconds ?? SHARE_TTL_DEFAULT_SECONDS,
      createdBy: creator(req, holder),
      requestId: requestIdOf(res),
    });
    return createdShareView(share);
  }

  @Get(':id/shares')
  @ApiOperation({
    operationId: 'listMyLicenceShares',
    summary: 'The shares of one of the holder’s licences, with every opening',
    description:
      'Scope `licences` (or a wallet proof), for the licence’s holder. The last 50 shares, newest first: the claims disclosed, the lifetime, the link while it works, and each opening ' +
      '(time, network masked, browser family; whether the share was open then).',
  })
  @ApiOkResponse({
    description: 'the shares',
    type: HolderSharesDto,
    example: {
      shares: [
        {
          id: SHARE_ID_EXAMPLE,
          licenceId: LICENCE_ID_EXAMPLE,
          disclosed: ['name'],
          state: 'expired',
          createdAt: '2026-12-01T02:00:00.000Z',
          expiresAt: '2026-12-01T02:02:00.000Z',
          endedAt: null,
          openings: [{ openedAt: '2026-12-01T02:00:41.000Z', ipMasked: '203.0.113.*', browser: 'WeChat on Android', outcome: 'shown' }],
        },
      ],
    } satisfies HolderSharesDto,
  })
  @ApiErrors({ ...API_PARAM_ERRORS, 404: [NOT_HELD] })
  async listShares(@Param() { id }: LicenceIdParam, @Req() req: HttpRequest): Promise<HolderSharesDto> {
    const holder = holderOf(req);
    const licence = await this.shares.heldLicence(holder, id);
    return { shares: (await this.shares.list(holder, { licenceId: licence.id, limit: 50 })).map(holderShareView) };
  }

  @Delete(':id/shares/:shareId')
  @ApiOperation({
    operationId: 'endMyLicenceShare',
    summary: 'End a share before its time: its link then says the share was ended',
    description:
      'Scope `licences` (or a wallet proof), for the licence’s holder. The share’s link then says the share was ended, and the presentation kept for it is erased at once; its record (what was shown, the openings) stays. Ending a share that has already expired or ended changes nothing.',
  })
  @ApiOkResponse({
    description: 'the share, ended',
    type: HolderShareDto,
    example: {
      id: SHARE_ID_EXAMPLE,
      licenceId: LICENCE_ID_EXAMPLE,
      disclosed: ['name'],
      state: 'ended',
      createdAt: '2026-12-01T02:00:00.000Z',
      expiresAt: '2026-12-01T02:02:00.000Z',
      endedAt: '2026-12-01T02:01:10.000Z',
      openings: [],
    } satisfies HolderShareDto,
  })
  @ApiErrors({ ...API_PARAM_ERRORS, 404: [NOT_HELD, { error: 'share_not_found', message: `you have no share ${SHARE_ID_EXAMPLE}` }] })
  async endShare(
    @Param() { id, shareId }: ShareParams,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<HolderShareDto> {
    const holder = holderOf(req);
    const licence = await this.shares.heldLicence(holder, id);
    const share = await this.shares.get(holder, shareId);
    if (share.licenceId !== licence.id) throw new ApiError(404, 'share_not_found', `you have no share ${shareId} of this licence`);
    await this.shares.end(holder, share.id, requestIdOf(res));
    return holderShareView(await this.shares.get(holder, share.id));
  }
}

/** Who made a share: the token's client, or the enterprise's wallet. */
function creator(req: HttpRequest, holder: Holder): string {
  const token = accessTokenOf(req);
  return token?.clientId ?? (holder.kind === 'enterprise' ? 'wallet' : 'holder');
}

/** Who asked for a holder's file, for the audit log: the citizen, or the enterprise's app or wallet. */
function holderActor(req: HttpRequest, holder: Holder): AuditActor {
  if (holder.kind === 'citizen') return { kind: 'account', id: holder.accountId };
  const clientId = accessTokenOf(req)?.clientId;
  return clientId ? { kind: 'client', id: clientId } : { kind: 'system', id: 'wallet' };
}
