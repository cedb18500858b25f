import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { accessTokenOf, RequireScopes } from '../auth/access-token.guard.js';
import { ApiError } from '../common/api-error.js';
import type { HttpRequest } from '../common/http.js';
import { API_BODY_ERRORS, API_PARAM_ERRORS, ApiErrors } from '../common/openapi.js';
import { parseSealTime } from './seal-times.js';
import {
  ES_ID_EXAMPLE,
  MakeSealRequest,
  RevokeSealRequest,
  SealDto,
  SealEnterpriseParam,
  SealIdParam,
  SealListDto,
  sealView,
  USCC_EXAMPLE,
  type SealView,
} from './seals.dto.js';
import { SealsService } from './seals.service.js';
import { requestHash } from '../common/request-hash.js';
import { requestIdOf } from '../site/not-found.js';

const SEAL_EXAMPLE: SealView = {
  id: ES_ID_EXAMPLE,
  status: 'valid',
  type: 1,
  typeName: '公章',
  name: '福州通办示范科技有限公司',
  holder: { uscc: USCC_EXAMPLE },
  algorithm: 'sm2',
  signAlgID: '1.2.156.10197.1.501',
  validStart: '2026-12-01T08:00:00.000Z',
  validEnd: '2027-06-30T16:00:00.000Z',
  createdAt: '2026-12-01T08:00:00.000Z',
  revokedAt: null,
  revocationReason: null,
  signers: [{ serial: '5f1e0c3a9b7d2e4f6a8c0b1d3e5f7a9c', notAfter: '2027-12-01T08:00:00.000Z' }],
  picture: { type: 'PNG', widthMm: 42, heightMm: 42, widthPx: 672, heightPx: 672, drawn: true },
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  seal: 'MIIMxjCCDDIwGRYCRVMCAQQWB3RvbmdiYW4…',
};
const REVOKED_EXAMPLE: SealView = {
  ...SEAL_EXAMPLE,
  status: 'revoked',
  revokedAt: '2027-01-15T02:30:00.000Z',
  revocationReason: 'superseded',
};
const { seal: _der, ...LISTED_EXAMPLE } = SEAL_EXAMPLE;

const PUBLIC =
  'Public (no access token), like the CA certificates and CRLs: a seal travels inside every document it stamps, and whoever holds one may look up its status.';
const SEAL_NOT_FOUND = { error: 'seal_not_found', message: `tongban made no seal ${ES_ID_EXAMPLE}` };
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Electronic seals (design §8): the seal-making authority's routes (scope `seal:make`) and the
 * public look-ups of a seal and of an enterprise's seals.
 */
@ApiTags('seals')
@Controller('api/v1')
export class SealsController {
  constructor(private readonly seals: SealsService) {}

  @Post('seals')
  @RequireScopes('seal:make')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'makeSeal',
    summary: 'Make an electronic seal (GB/T 38540-2020) for an enterprise',
    description:
      'Scope `seal:make` (the seal-making authority). The holder must be active in the register, the name exactly its registered name, and each signer certificate ' +
      "one of its licence certificates from tongban (good, SM2 or P-256). Without a picture tongban draws the seal. Signed by tongban's seal-maker key with SM2/SM3 " +
      '(or ECDSA P-256 with `algorithm: p256`); the maker certificate is in the seal. With an `Idempotency-Key` a retry answers the seal the first request made ' +
      '(`Idempotent-Replayed: true`); the same key with another request is `422 idempotency_key_reused`. The register cancelling or revoking the enterprise revokes its seals.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'a key of the caller’s choosing (1 to 255 visible ASCII characters; quotes around it are dropped) that makes retries safe, per client',
    schema: { type: 'string', example: '8e03978e-40d5-43e8-bc93-6894a57f9324' },
  })
  @ApiCreatedResponse({
    description: 'the seal (`Location` names it), with its leaf in the public issuance log',
    type: SealDto,
    example: { ...SEAL_EXAMPLE, transparency: { log: 'issuance', index: 7 } },
  })
  @ApiErrors({
    ...API_BODY_ERRORS,
    400: [
      ...API_BODY_ERRORS[400],
      { error: 'invalid_picture', message: 'picture.data is not a valid PNG: it is not a PNG file (no PNG signature)' },
      { error: 'invalid_certificate', message: 'signerCertificates[0] is not a PEM certificate: the PEM body is not base64' },
      { error: 'invalid_validity', message: 'validStart may not be in the past: a seal cannot be dated back' },
      { error: 'invalid_idempotency_key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' },
    ],
    404: [{ error: 'enterprise_not_found', message: `no enterprise ${USCC_EXAMPLE} in the register` }],
    409: [
      { error: 'enterprise_not_active', message: 'the enterprise is suspended in the register; only an active enterprise gets a seal' },
    ],
    422: [
      {
        error: 'name_mismatch',
        message: 'the seal\'s name must be the enterprise\'s registered name, "福州通办示范科技有限公司"',
        details: { registeredName: '福州通办示范科技有限公司' },
      },
      {
        error: 'signer_certificate_not_enterprises',
        message: `signerCertificates[0] (serial 5f1e0c3a) is the licence certificate of another enterprise (91310104MA1FL3QX1U), not of ${USCC_EXAMPLE}`,
      },
      {
        error: 'signer_certificate_revoked',
        message: 'signerCertificates[0] (serial 5f1e0c3a) was revoked at 2027-01-15T02:30:00.000Z (keyCompromise)',
      },
      { error: 'signer_certificate_expired', message: 'signerCertificates[0] (serial 5f1e0c3a) expired at 2026-01-15T02:30:00.000Z' },
      {
        error: 'signer_certificate_key_unsupported',
        message:
          'signerCertificates[0] (serial 5f1e0c3a) has a key seals cannot name (the key is on a curve tongban does not verify (1.3.132.0.34)): stamps are signed with SM2 or ECDSA P-256 keys',
      },
      {
        error: 'validity_exceeds_certificates',
        message:
          "validEnd may be at most 2027-12-01T08:00:00.000Z: the end of the signer certificates' validity (the latest of them) or of the seal maker's certificate, whichever comes first",
        details: { latest: '2027-12-01T08:00:00.000Z' },
      },
      {
        error: 'font_lacks_characters',
        message: 'the seal font has no glyph for "𠀋" (U+2000B): send the seal\'s picture (PNG) instead',
        details: { characters: ['𠀋'] },
      },
      {
        error: 'name_too_long_to_draw',
        message: "a name of 60 characters does not fit around a 42 mm seal: send the seal's picture (PNG) instead",
      },
      {
        error: 'idempotency_key_reused',
        message: 'this Idempotency-Key was used for another request (it made seal 35010000000001): use a new key for a new seal',
      },
    ],
    503: [{ error: 'seal_maker_unavailable', message: 'the SM2 seal maker is not ready: the seal-maker key has no certificate yet' }],
  })
  async make(
    @Body() body: MakeSealRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<SealView> {
    const key = idempotencyKey === undefined ? undefined : idempotencyKey.replace(/^"(.*)"$/, '$1');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    const made = await this.seals.make(
      {
        uscc: body.holder.uscc,
        type: body.type,
        name: body.name,
        ...(body.picture
          ? {
              picture: {
                type: body.picture.type,
                data: Buffer.from(body.picture.data, 'base64'),
                ...(body.picture.widthMm === undefined ? {} : { widthMm: body.picture.widthMm }),
                ...(body.picture.heightMm === undefined ? {} : { heightMm: body.picture.heightMm }),
              },
            }
          : {}),
        signerCertificates: body.signerCertificates,
        ...(body.validStart === undefined ? {} : { validStart: parseSealTime(body.validStart, 'start')! }),
        validEnd: parseSealTime(body.validEnd, 'end')!,
        ...(body.algorithm ? { algorithm: body.algorithm } : {}),
      },
      {
        madeBy: accessTokenOf(req).clientId,
        by: { requestId: requestIdOf(res) },
        ...(key === undefined ? {} : { idempotencyKey: key, requestHash: requestHash(req.body) }),
      },
    );
    void res.header('location', `/api/v1/seals/${made.seal.esID}`);
    if (made.replayed) void res.header('idempotent-replayed', 'true');
    const view = sealView(made.seal, { withDer: true });
    return made.transparency ? { ...view, transparency: made.transparency } : view;
  }

  @Get('seals/:id')
  @ApiOperation({
    operationId: 'getSeal',
    summary: 'A seal tongban made: its status (revoked, with time and reason), validity, signers, and the seal itself (DER)',
    description: PUBLIC,
  })
  @ApiOkResponse({
    description: 'the seal',
    type: SealDto,
    examples: { valid: { summary: 'a valid seal', value: SEAL_EXAMPLE }, revoked: { summary: 'a revoked seal', value: REVOKED_EXAMPLE } },
  })
  @ApiErrors({ ...API_PARAM_ERRORS, 404: [SEAL_NOT_FOUND] })
  async get(@Param() { id }: SealIdParam): Promise<SealView> {
    return sealView(await this.seals.get(id), { withDer: true });
  }

  @Get('enterprises/:uscc/seals')
  @ApiOperation({
    operationId: 'listEnterpriseSeals',
    summary: "An enterprise's seals, newest first, revoked ones included",
    description: `${PUBLIC} The list leaves out each seal's DER (GET the seal for it).`,
  })
  @ApiOkResponse({ description: 'the seals', type: SealListDto, example: { seals: [LISTED_EXAMPLE] } })
  @ApiErrors({ ...API_PARAM_ERRORS, 404: [{ error: 'enterprise_not_found', message: `no enterprise ${USCC_EXAMPLE} in the register` }] })
  async list(@Param() { uscc }: SealEnterpriseParam): Promise<{ seals: SealView[] }> {
    return { seals: (await this.seals.listForEnterprise(uscc)).map((seal) => sealView(seal, { withDer: false })) };
  }

  @Post('seals/:id/revoke')
  @RequireScopes('seal:make')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'revokeSeal',
    summary: 'Revoke a seal, at once and for good',
    description:
      'Scope `seal:make`. The time is recorded: verifiers answer REVOKED for stamps made after it (stamps made before stay valid). A revoked seal cannot be revoked again (409).',
  })
  @ApiOkResponse({ description: 'the revoked seal', type: SealDto, example: REVOKED_EXAMPLE })
  @ApiErrors({
    ...API_BODY_ERRORS,
    ...API_PARAM_ERRORS,
    400: [...API_BODY_ERRORS[400], ...API_PARAM_ERRORS[400]],
    404: [SEAL_NOT_FOUND],
    409: [
      {
        error: 'seal_revoked',
        message: `the seal ${ES_ID_EXAMPLE} was revoked at 2027-01-15T02:30:00.000Z (superseded); a revocation is final`,
        details: { revokedAt: '2027-01-15T02:30:00.000Z', revocationReason: 'superseded' },
      },
    ],
  })
  async revoke(
    @Param() { id }: SealIdParam,
    @Body() { reason }: RevokeSealRequest,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<SealView> {
    return sealView(await this.seals.revoke(id, reason, accessTokenOf(req).clientId, { requestId: requestIdOf(res) }), { withDer: true });
  }
}
