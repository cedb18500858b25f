import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { accessTokenOf, RequireScopes } from '../../auth/access-token.guard.js';
import { ApiError } from '../../common/api-error.js';
import type { HttpRequest } from '../../common/http.js';
import { API_BODY_ERRORS, API_PARAM_ERRORS, ApiErrors, type ErrorExample } from '../../common/openapi.js';
import {
  IssueLicenceRequest,
  LICENCE_ID_EXAMPLE,
  LicenceDto,
  LicenceIdParam,
  LicenceStatusChangeRequest,
  licenceView,
  type LicenceView,
} from './licences.dto.js';
import { LicencesService, type HolderInput } from './licences.service.js';
import { requestHash } from '../../common/request-hash.js';
import { requestIdOf } from '../../site/not-found.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const EXAMPLE: LicenceView = {
  id: LICENCE_ID_EXAMPLE,
  credential:
    'eyJhbGciOiJFUzI1NiIsInR5cCI6ImRjK3NkLWp3dCIsImtpZCI6ImxpY2VuY2UtMSIsIng1YyI6WyJNSUlCLi4uIl19.eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuZ292LmNuIn0.MEUCIQ…~WyJfMjZiYzRMVC1hYzZxMkxJNmNCVzVlcyIsIm5hbWUiLCLlvKDkuIkiXQ~',
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
};
const SUSPENDED: LicenceView = {
  ...EXAMPLE,
  status: 'suspended',
  statusReason: '持证人信息待核实',
  statusChangedAt: '2027-01-15T02:30:00.000Z',
};
const REVOKED: LicenceView = {
  ...EXAMPLE,
  status: 'revoked',
  statusReason: '持证人已迁出本市',
  statusChangedAt: '2027-03-01T02:30:00.000Z',
};

const NOT_FOUND = { error: 'licence_not_found', message: `tongban issued no licence ${LICENCE_ID_EXAMPLE}` };
const NOT_ISSUER = {
  error: 'not_licence_issuer',
  message: `the licence ${LICENCE_ID_EXAMPLE} was issued by another issuing authority: only it may read or change it`,
};
const LIFECYCLE_ERRORS = {
  ...API_BODY_ERRORS,
  400: [...API_BODY_ERRORS[400], ...API_PARAM_ERRORS[400]],
  403: [NOT_ISSUER],
  404: [NOT_FOUND],
} satisfies Partial<Record<number, readonly ErrorExample[]>>;
const REVOKED_FINAL = {
  error: 'invalid_transition',
  message: `the licence ${LICENCE_ID_EXAMPLE} was revoked at 2027-03-01T02:30:00.000Z; a revocation is final`,
  details: { status: 'revoked', statusChangedAt: '2027-03-01T02:30:00.000Z' },
};

/**
 * Electronic licences as SD-JWT VCs (issue 13 §3, §4): an issuing authority (scope
 * `licence:issue`, allowed per licence type) issues them and changes their status; status lists
 * are public (status-lists.controller.ts).
 */
@ApiTags('licences')
@RequireScopes('licence:issue')
@Controller('api/v1/licences')
export class LicenceIssuanceController {
  constructor(private readonly licences: LicencesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'issueLicence',
    summary: 'Issue an electronic licence (an SD-JWT VC) to a citizen or an enterprise',
    description:
      'Scope `licence:issue`, by an issuing authority (a client with an issuer code) allowed the licence type. The holder must be of the type’s kind and active in the register; ' +
      "the claims must match the type's JSON Schema (400 `invalid_claims` lists every problem in `details`). The credential: `typ` dc+sd-jwt, `vct` the type's URI, " +
      "`iss`, `iat`, `nbf`, `exp`, `status.status_list` (an entry drawn at random in the issuer's status list), `x5c` to tongban's root, `sub` an enterprise's USCC, " +
      '`cnf` the key of an enterprise’s wallet licence certificate when it has one (its JWK, or only `x5t#S256` for SM2), every claim selectively disclosable. ' +
      'With an `Idempotency-Key`, a retry answers the licence the first request issued (`Idempotent-Replayed: true`); the same key with another request is 422 `idempotency_key_reused`.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'a key of the caller’s choosing (1 to 255 visible ASCII characters; quotes around it are dropped) that makes retries safe, per client',
    schema: { type: 'string', example: '4b1c54b2-1f0e-4c5e-9d1a-3a0f6c2e9b77' },
  })
  @ApiCreatedResponse({
    description: 'the licence (`Location` names it), with its leaf in the public issuance log',
    type: LicenceDto,
    example: { ...EXAMPLE, transparency: { log: 'issuance', index: 7 } },
  })
  @ApiErrors({
    ...API_BODY_ERRORS,
    400: [
      ...API_BODY_ERRORS[400],
      { error: 'unknown_licence_type', message: 'no licence type fishing-licence in the catalogue (see GET /api/v1/licence-types)' },
      { error: 'holder_kind_mismatch', message: 'a residence-permit licence is held by a citizen (holder.idNumber)' },
      {
        error: 'invalid_claims',
        message: 'the claims do not match the licence type (1 problem(s))',
        details: [
          { path: '/residence_address', keyword: 'required', message: "must have required property 'residence_address'", params: {} },
        ],
      },
      { error: 'invalid_validity', message: 'validUntil must be after validFrom' },
      { error: 'invalid_idempotency_key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' },
    ],
    403: [
      {
        error: 'licence_type_not_allowed',
        message: 'the client demo-licence-authority may not issue food-business-permit licences',
        details: { allowed: ['residence-permit'] },
      },
      { error: 'not_an_issuing_authority', message: 'the client market-regulator is not an issuing authority: it has no issuer code' },
    ],
    404: [{ error: 'holder_not_found', message: 'no citizen with this ID number in the population register' }],
    409: [
      { error: 'holder_not_active', message: 'the citizen is deceased in the population register: only an active citizen gets a licence' },
    ],
    422: [
      {
        error: 'idempotency_key_reused',
        message: `this Idempotency-Key was used for another request (it issued licence ${LICENCE_ID_EXAMPLE}): use a new key for a new licence`,
      },
    ],
    503: [
      { error: 'pki_unavailable', message: 'the certificate authority is not ready: the licence key licence-1 has no certificate yet' },
    ],
  })
  async issue(
    @Body() body: IssueLicenceRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<LicenceView> {
    const key = idempotencyKey === undefined ? undefined : idempotencyKey.replace(/^"(.*)"$/, '$1');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    const holder = holderOf(body);
    const issued = await this.licences.issue(
      {
        type: body.type,
        holder,
        claims: body.claims,
        ...(body.validFrom === undefined ? {} : { validFrom: new Date(body.validFrom) }),
        ...(body.validUntil === undefined ? {} : { validUntil: new Date(body.validUntil) }),
      },
      {
        issuer: accessTokenOf(req).clientId,
        by: { requestId: requestIdOf(res) },
        ...(key === undefined ? {} : { idempotencyKey: key, requestHash: requestHash(req.body) }),
      },
    );
    void res.header('location', `/api/v1/licences/${issued.licence.id}`);
    if (issued.replayed) void res.header('idempotent-replayed', 'true');
    const view = licenceView(issued.licence);
    return issued.transparency ? { ...view, transparency: issued.transparency } : view;
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getLicence',
    summary: 'A licence the client issued: its status (with reason and time), validity, holder and credential',
    description:
      'Scope `licence:issue`, for the issuing authority that issued it (another one gets 403). `status` is `expired` past validUntil.',
  })
  @ApiOkResponse({
    description: 'the licence',
    type: LicenceDto,
    examples: { valid: { summary: 'a valid licence', value: EXAMPLE }, revoked: { summary: 'a revoked licence', value: REVOKED } },
  })
  @ApiErrors({ ...API_PARAM_ERRORS, 403: [NOT_ISSUER], 404: [NOT_FOUND] })
  async get(@Param() { id }: LicenceIdParam, @Req() req: HttpRequest): Promise<LicenceView> {
    return licenceView(await this.licences.getForIssuer(id, accessTokenOf(req).clientId));
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'suspendLicence',
    summary: 'Suspend a licence (its status list entry says suspended until it is reinstated)',
    description:
      'Scope `licence:issue`, by its issuing authority. valid → suspended. A licence the register suspended (its enterprise suspended) becomes suspended by the issuer: it then stays suspended when the enterprise is active again.',
  })
  @ApiOkResponse({ description: 'the suspended licence', type: LicenceDto, example: SUSPENDED })
  @ApiErrors({
    ...LIFECYCLE_ERRORS,
    409: [
      {
        error: 'invalid_transition',
        message: `the licence ${LICENCE_ID_EXAMPLE} is already suspended`,
        details: { status: 'suspended', statusChangedAt: '2027-01-15T02:30:00.000Z' },
      },
    ],
  })
  async suspend(
    @Param() { id }: LicenceIdParam,
    @Body() { reason }: LicenceStatusChangeRequest,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<LicenceView> {
    return licenceView(await this.licences.suspend(id, reason, accessTokenOf(req).clientId, { requestId: requestIdOf(res) }));
  }

  @Post(':id/reinstate')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'reinstateLicence',
    summary: 'Reinstate a suspended licence',
    description: 'Scope `licence:issue`, by its issuing authority. suspended → valid, while the holder is active in the register.',
  })
  @ApiOkResponse({
    description: 'the licence, valid again',
    type: LicenceDto,
    example: { ...EXAMPLE, statusReason: '核实完毕', statusChangedAt: '2027-01-20T02:30:00.000Z' },
  })
  @ApiErrors({
    ...LIFECYCLE_ERRORS,
    409: [
      {
        error: 'invalid_transition',
        message: `the licence ${LICENCE_ID_EXAMPLE} is valid, not suspended: there is nothing to reinstate`,
        details: { status: 'valid' },
      },
      {
        error: 'holder_not_active',
        message: 'the holder is suspended in the register: the licence can be reinstated when the holder is active again',
      },
    ],
  })
  async reinstate(
    @Param() { id }: LicenceIdParam,
    @Body() { reason }: LicenceStatusChangeRequest,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<LicenceView> {
    return licenceView(await this.licences.reinstate(id, reason, accessTokenOf(req).clientId, { requestId: requestIdOf(res) }));
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'revokeLicence',
    summary: 'Revoke a licence, at once and for good',
    description:
      'Scope `licence:issue`, by its issuing authority. valid or suspended → revoked; the status list says invalid. A revocation is final (409).',
  })
  @ApiOkResponse({ description: 'the revoked licence', type: LicenceDto, example: REVOKED })
  @ApiErrors({ ...LIFECYCLE_ERRORS, 409: [REVOKED_FINAL] })
  async revoke(
    @Param() { id }: LicenceIdParam,
    @Body() { reason }: LicenceStatusChangeRequest,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<LicenceView> {
    return licenceView(await this.licences.revoke(id, reason, accessTokenOf(req).clientId, { requestId: requestIdOf(res) }));
  }
}

function holderOf(body: IssueLicenceRequest): HolderInput {
  const { idNumber, uscc } = body.holder;
  if ((idNumber === undefined) === (uscc === undefined))
    throw new ApiError(400, 'validation_failed', 'the request is not valid', [
      { field: 'holder', problems: ['holder must have exactly one of idNumber (a citizen) or uscc (an enterprise)'] },
    ]);
  return idNumber !== undefined ? { idNumber } : { uscc: uscc!.toUpperCase() };
}
