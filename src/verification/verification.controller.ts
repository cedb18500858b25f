import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Length, ValidateNested } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { RequireScopes, accessTokenOf } from '../auth/access-token.guard.js';
import { API_BODY_ERRORS, ApiErrors } from '../common/openapi.js';
import { VerifyRateLimiter } from './rate-limiter.js';
import { REPORT_EXAMPLES, ValidationReportDto, ValidationReportsDto } from './report.dto.js';
import type { ValidationReport } from './report.js';
import { VerificationService } from './verification.service.js';

const PEM_EXAMPLE =
  '-----BEGIN CERTIFICATE-----\nMIICLzCCAdWgAwIBAgIQXaSY7AMK6y6NqDSUp5QfrDAKBggqhkjOPQQDAjA…\n-----END CERTIFICATE-----\n';
const PEM_TEXT =
  'the certificate, optionally followed by its intermediates (PEM, leaf first; at most 10 certificates of 32 kB each are read)';

@ApiSchema({ name: 'CertificateVerification' })
class CertificateRequest {
  /** The certificate, optionally followed by its intermediates, PEM. */
  @ApiProperty({ description: PEM_TEXT, minLength: 1, maxLength: 65_536, example: PEM_EXAMPLE })
  @IsString()
  @Length(1, 65_536)
  pem!: string;
}

@ApiSchema({ name: 'VerificationItem' })
class BatchItem {
  @ApiProperty({
    description: 'what the item is (certificates today; licences, seals, signatures and documents to come)',
    enum: ['certificate'],
    example: 'certificate',
  })
  @IsIn(['certificate'])
  kind!: 'certificate';

  @ApiProperty({ description: PEM_TEXT, minLength: 1, maxLength: 65_536, example: PEM_EXAMPLE })
  @IsString()
  @Length(1, 65_536)
  pem!: string;
}

@ApiSchema({ name: 'VerificationBatch' })
class BatchRequest {
  @ApiProperty({ description: 'the items (1 to 100), each counted against the rate limit', type: [BatchItem], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => BatchItem)
  items!: BatchItem[];
}

const ABOUT =
  'Scope `verify` (client credentials of a portal); rate-limited per client (`VERIFY_RATE_LIMIT_PER_MINUTE`, 429 with `Retry-After`). ' +
  'A well-formed request always gets 200 and a report: the verdict is in the report (INDETERMINATE/TRY_LATER when revocation data cannot be had, never PASSED).';

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
  ) {}

  @Post('certificate')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifyCertificate',
    summary: 'Verify a certificate chain issued by tongban (format, signature, chain, validity, revocation)',
    description: ABOUT,
  })
  @ApiOkResponse({ description: 'the report', type: ValidationReportDto, examples: REPORT_EXAMPLES })
  certificate(
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Body() body: CertificateRequest,
  ): Promise<ValidationReport> {
    this.limiter.take(res, accessTokenOf(req).clientId);
    return this.verification.certificate(body.pem);
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'verifyBatch',
    summary: 'Verify up to 100 items of any supported kind; one report per item, in order',
    description: `${ABOUT} Each item costs one from the limit.`,
  })
  @ApiOkResponse({
    description: 'the reports, in the order of the items',
    type: ValidationReportsDto,
    example: { reports: [REPORT_EXAMPLES.passed.value, REPORT_EXAMPLES.revoked.value] },
  })
  async batch(
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Body() body: BatchRequest,
  ): Promise<{ reports: ValidationReport[] }> {
    this.limiter.take(res, accessTokenOf(req).clientId, body.items.length);
    return { reports: await Promise.all(body.items.map((item) => this.verification.certificate(item.pem))) };
  }
}
