import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Length, ValidateNested } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { RequireScopes, accessTokenOf } from '../auth/access-token.guard.js';
import { VerifyRateLimiter } from './rate-limiter.js';
import type { ValidationReport } from './report.js';
import { VerificationService } from './verification.service.js';

class CertificateRequest {
  /** The certificate, optionally followed by its intermediates, PEM. */
  @IsString()
  @Length(1, 65_536)
  pem!: string;
}

class BatchItem {
  @IsIn(['certificate'])
  kind!: 'certificate';

  @IsString()
  @Length(1, 65_536)
  pem!: string;
}

class BatchRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => BatchItem)
  items!: BatchItem[];
}

/**
 * What portals call to check what citizens and enterprises present (design §9). A well-formed
 * request always gets 200 and a report; the verdict is in the report.
 */
@ApiTags('verification')
@RequireScopes('verify')
@Controller('api/v1/verify')
export class VerificationController {
  constructor(
    private readonly verification: VerificationService,
    private readonly limiter: VerifyRateLimiter,
  ) {}

  @Post('certificate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify a certificate chain issued by tongban (format, signature, chain, validity, revocation)' })
  certificate(@Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply, @Body() body: CertificateRequest): Promise<ValidationReport> {
    this.limiter.take(res, accessTokenOf(req).clientId);
    return this.verification.certificate(body.pem);
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify up to 100 items of any supported kind; one report per item, in order' })
  async batch(@Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply, @Body() body: BatchRequest): Promise<{ reports: ValidationReport[] }> {
    this.limiter.take(res, accessTokenOf(req).clientId, body.items.length);
    return { reports: await Promise.all(body.items.map((item) => this.verification.certificate(item.pem))) };
  }
}
