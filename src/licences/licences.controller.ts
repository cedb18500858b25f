import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { RequireScopes } from '../auth/access-token.guard.js';
import { IsUscc } from '../identifiers/validators.js';
import { BusinessLicenceService } from './business-licence.service.js';

class UsccParam {
  @IsUscc()
  uscc!: string;
}

class LicenceRequest {
  @IsString()
  @Length(100, 16_384)
  csr!: string;
}

/** Issuing electronic business licences: the market regulator's service client (scope licence:issue). */
@ApiTags('licences')
@RequireScopes('licence:issue')
@Controller('api/v1/enterprises')
export class LicencesController {
  constructor(private readonly licences: BusinessLicenceService) {}

  @Post(':uscc/licence')
  @ApiOperation({ summary: "Issue an electronic business licence for the enterprise's key (PKCS#10 CSR, PEM)" })
  issue(@Param() { uscc }: UsccParam, @Body() { csr }: LicenceRequest) {
    return this.licences.issue(uscc.toUpperCase(), csr);
  }
}
