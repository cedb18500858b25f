import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { RequireScopes, accessTokenOf } from '../auth/access-token.guard.js';
import { API_BODY_ERRORS, ApiErrors } from '../common/openapi.js';
import { requestIdOf } from '../site/not-found.js';
import { VerifyRateLimiter } from './rate-limiter.js';
import { VerificationAudit, type VerifiedKind } from './verification-audit.js';
import { LICENCE_EXAMPLES } from './licence-report-examples.js';
import { DocumentVerificationDto, REPORT_EXAMPLES, ValidationReportDto, ValidationReportsDto } from './report.dto.js';
import type { ValidationReport } from './report.js';
import { DOCUMENT_EXAMPLES, SEAL_EXAMPLES, STAMP_EXAMPLES } from './seal-report-examples.js';
import { VerificationService, type DocumentVerification, type StampData } from './verification.service.js';
import {
  BatchRequest,
  CertificateRequest,
  DocumentRequest,
  LicenceRequest,
  SealRequest,
  SignatureRequest,
  type BatchItem,
} from './verify-requests.js';

const ABOUT =
  'Scope `verify` (client credentials of a portal); rate-limited per client (`VERIFY_RATE_LIMIT_PER_MINUTE`, 429 with `Retry-After`). ' +
  'A well-formed request always gets 200 and a report: the verdict is in the report (INDETERMINATE/TRY_LATER when revocation data cannot be had, never PASSED).';
const AT_SIGNING_TIME =
  'Judged at the signing time (TBS_Sign.timeInfo), as GB/T 38540’s procedure does: the seal’s and the certificates’ validity then, ' +
  'the seal revoked before it (REVOKED) or after it (earlier stamps stay valid), the certificates’ revocation then. ' +
  'Certificates chain to tongban’s roots or to an operator’s trust anchor (`tongban trust add`); other CAs’ revocation is not known to tongban (INDETERMINATE/TRY_LATER). ' +
  'Bytes that are not a stamp, a seal or an OFD are a FORMAT_FAILURE report, not an error.';

/**
 * What portals call to check what citizens and enterprises present (design §9). A well-formed
 * request always gets 200 and a report; the verdict is in the report.
 */
@ApiTags('verification')
@RequireScopes('verify')
@ApiErrors({
  ...API_BODY_ERRORS,
  429: [
    { error: 'too_many_requests', message: 'verification limit of 60000 per minute reached for this client', details: { retry_after: 2 } },
  ],
})
@Controller('api/v1/verify')
export class VerificationController {
  constructor(
    private readonly verification: VerificationService,
    private readonly limiter: VerifyRateLimiter,
    private readonly audit: VerificationAudit,
  ) {}

  @Post('certificate')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifyCertificate',
    summary: 'Verify a certificate chain (format, signature, chain, validity, revocation)',
    description: `${ABOUT} Chains end at tongban’s roots or an operator’s trust anchor; another CA’s certificate’s revocation is not known (INDETERMINATE/TRY_LATER).`,
  })
  @ApiOkResponse({ description: 'the report', type: ValidationReportDto, examples: REPORT_EXAMPLES })
  certificate(
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Body() body: CertificateRequest,
  ): Promise<ValidationReport> {
    this.limiter.take(res, accessTokenOf(req).clientId);
    return this.audited('certificate', req, res, this.verification.certificate(body.pem));
  }

  @Post('seal')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifySeal',
    summary: 'Verify an electronic seal (GB/T 38540 SESeal, or GM/T 0031-2014): the maker’s signature, validity, chain, revocation',
    description: `${ABOUT} A seal alone is judged now: the maker’s signature over the seal information, the seal’s validity, the maker’s certificate’s chain, validity and revocation, and the seal’s revocation (seals tongban made). Bytes that are not a seal are a FORMAT_FAILURE report.`,
  })
  @ApiOkResponse({ description: 'the report, with the seal section', type: ValidationReportDto, examples: SEAL_EXAMPLES })
  seal(@Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply, @Body() body: SealRequest): Promise<ValidationReport> {
    this.limiter.take(res, accessTokenOf(req).clientId);
    return this.audited('seal', req, res, this.verification.seal(Buffer.from(body.seal, 'base64')));
  }

  @Post('signature')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifySignature',
    summary: 'Verify a stamp (GB/T 38540 SES_Signature) with the document it signed, or that document’s digest',
    description: `${ABOUT} ${AT_SIGNING_TIME} The data hash is checked against the document or digest given (neither: INDETERMINATE/SIGNED_DATA_NOT_FOUND, never TOTAL_PASSED).`,
  })
  @ApiOkResponse({ description: 'the report, with the signature and seal sections', type: ValidationReportDto, examples: STAMP_EXAMPLES })
  signature(
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Body() body: SignatureRequest,
  ): Promise<ValidationReport> {
    this.limiter.take(res, accessTokenOf(req).clientId);
    return this.audited('signature', req, res, this.verification.signature(Buffer.from(body.signature, 'base64'), stampData(body)));
  }

  @Post('document')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifyDocument',
    summary: 'Verify every signature in an OFD document (GB/T 33190 §18): one report per signature',
    description:
      `${ABOUT} ${AT_SIGNING_TIME} Each stamp’s references are checked (a signature whose only changed reference is Signatures.xml, changed by signatures added after it, stays intact); ` +
      'signatures of Type Sign (GB/T 35275, not electronic seals) are reported as such and never TOTAL_PASSED. ' +
      'A document counts once against the limit, and once more for each signature beyond the first (counted after it is read: a large document may leave the client waiting before its next call).',
  })
  @ApiOkResponse({ description: 'one report per signature', type: DocumentVerificationDto, examples: DOCUMENT_EXAMPLES })
  async document(
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Body() body: DocumentRequest,
  ): Promise<DocumentVerification> {
    const client = accessTokenOf(req).clientId;
    this.limiter.take(res, client);
    const result = await this.audited('document', req, res, this.verification.document(Buffer.from(body.document, 'base64')));
    this.limiter.charge(client, result.signatures.length - 1);
    return result;
  }

  @Post('licence')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifyLicence',
    summary: 'Verify an electronic licence: an SD-JWT VC, a holder’s presentation of one, or a licence tongban issued by its identifier',
    description:
      `${ABOUT} Checks, in order: format (an SD-JWT VC, \`typ\` dc+sd-jwt); signature (the issuer-signed JWT, with the key of the certificate in its \`x5c\`; \`alg: none\` and HMAC are SIG_CRYPTO_FAILURE); ` +
      'chain (that certificate to tongban’s root — one of tongban’s licence keys — or to an operator’s trust anchor; no x5c, or a chain to nowhere: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND); ' +
      'dataHash (every Disclosure sent is one the issuer signed: HASH_FAILURE otherwise); keyBinding (when the presentation has a key-binding JWT, or `audience` or `nonce` is given, which requires one: ' +
      'signed with the credential’s `cnf` key, `sd_hash` over this presentation, `aud` and `nonce` as given, at most 5 minutes old); validity (EXPIRED, NOT_YET_VALID); ' +
      'revocation (the Token Status List its `status` names, signature and chain checked: revoked is TOTAL_FAILED/REVOKED; suspended is INDETERMINATE/TRY_LATER, as a certificate on hold, since it may be reinstated; ' +
      'a list that cannot be had is INDETERMINATE/TRY_LATER, never PASSED; another issuer’s list is fetched over HTTPS from a public address only). ' +
      'The report names the licence’s type, holder (a citizen’s name and ID number masked), issuer and validity; the claims disclosed are in `licence.disclosed` only when format, signature, chain, data hash and key binding passed. ' +
      'By `id`, tongban’s stored credential for that licence is verified and its status read from tongban’s register of licences at once; no claims are disclosed. ' +
      'Text that is no SD-JWT is a FORMAT_FAILURE report; an identifier tongban did not issue is INDETERMINATE/SIGNED_DATA_NOT_FOUND.',
  })
  @ApiOkResponse({ description: 'the report, with the licence section', type: ValidationReportDto, examples: LICENCE_EXAMPLES })
  licence(@Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply, @Body() body: LicenceRequest): Promise<ValidationReport> {
    this.limiter.take(res, accessTokenOf(req).clientId);
    return this.audited('licence', req, res, this.licenceItem(body));
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifyBatch',
    summary: 'Verify up to 100 items of any kind (certificate, seal, signature, document, licence); one answer per item, in order',
    description: `${ABOUT} Each item costs one from the limit; a document also one more for each signature beyond its first. A document item’s answer is \`{ signatures: [report, …] }\`.`,
  })
  @ApiOkResponse({
    description: 'the answers, in the order of the items',
    type: ValidationReportsDto,
    example: {
      reports: [REPORT_EXAMPLES.passed.value, SEAL_EXAMPLES.passed.value, DOCUMENT_EXAMPLES.stamped.value, LICENCE_EXAMPLES.passed.value],
    },
  })
  async batch(
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Body() body: BatchRequest,
  ): Promise<{ reports: Array<ValidationReport | DocumentVerification> }> {
    const client = accessTokenOf(req).clientId;
    this.limiter.take(res, client, body.items.length);
    const reports = await Promise.all(body.items.map((item) => this.audited(item.kind, req, res, this.item(item))));
    let extra = 0;
    for (const report of reports) if ('signatures' in report) extra += Math.max(0, report.signatures.length - 1);
    this.limiter.charge(client, extra);
    return { reports };
  }

  /** The report (or a document's reports), each recorded in the audit log as the client's verification. */
  private async audited<T extends ValidationReport | DocumentVerification>(
    kind: VerifiedKind,
    req: HttpRequest,
    res: FastifyReply,
    verifying: Promise<T>,
  ): Promise<T> {
    const result = await verifying;
    this.audit.record(kind, result, accessTokenOf(req).clientId, requestIdOf(res));
    return result;
  }

  private item(item: BatchItem): Promise<ValidationReport | DocumentVerification> {
    switch (item.kind) {
      case 'certificate':
        return this.verification.certificate(item.pem!);
      case 'seal':
        return this.verification.seal(Buffer.from(item.seal!, 'base64'));
      case 'signature':
        return this.verification.signature(Buffer.from(item.signature!, 'base64'), stampData(item));
      case 'document':
        return this.verification.document(Buffer.from(item.document!, 'base64'));
      case 'licence':
        return this.licenceItem(item);
    }
  }

  private licenceItem(item: { credential?: string; id?: string; audience?: string; nonce?: string }): Promise<ValidationReport> {
    if (item.id !== undefined) return this.verification.licenceById(item.id);
    return this.verification.licenceCredential(item.credential!, {
      ...(item.audience === undefined ? {} : { audience: item.audience }),
      ...(item.nonce === undefined ? {} : { nonce: item.nonce }),
    });
  }
}

function stampData(body: { document?: string; digest?: string }): StampData {
  if (body.document !== undefined) return { document: Buffer.from(body.document, 'base64') };
  if (body.digest !== undefined) return { digest: Buffer.from(body.digest, 'hex') };
  return {};
}
