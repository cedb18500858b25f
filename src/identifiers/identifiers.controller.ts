import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { checkCitizenId } from './citizen-id.js';
import type { CitizenIdParsed, IdentifierResult, UsccParsed } from './identifier-result.js';
import { checkUscc } from './uscc.js';

class IdentifierParam {
  // Real identifiers are 15 or 18 characters; anything much longer is not an attempt at one.
  @IsString()
  @Length(1, 64)
  value!: string;
}

const RESULT_EXAMPLE = { valid: false, errors: [{ code: 'CHECKSUM', message: 'check character should be X, got 3' }] };

/** Public checks of identifier syntax (design §3). They say nothing about whether the person or enterprise exists. */
@ApiTags('identifiers')
@Controller('api/v1/identifiers')
export class IdentifiersController {
  @Get('citizen-id/:value')
  @ApiOperation({ summary: 'Validate an 18-digit (or legacy 15-digit) citizen identity number (GB 11643-1999)' })
  @ApiParam({ name: 'value', example: '11010519491231002X' })
  @ApiOkResponse({ description: 'valid, canonical form, errors/warnings with stable codes, parsed region/birthDate/sex', schema: { example: RESULT_EXAMPLE } })
  citizenId(@Param() { value }: IdentifierParam): IdentifierResult<CitizenIdParsed> {
    return checkCitizenId(value);
  }

  @Get('uscc/:value')
  @ApiOperation({ summary: 'Validate a Unified Social Credit Code (GB 32100-2015)' })
  @ApiParam({ name: 'value', example: '91350100M000100Y43' })
  @ApiOkResponse({ description: 'valid, canonical form, errors/warnings, parsed authority/entityType/region/organisationCode', schema: { example: RESULT_EXAMPLE } })
  uscc(@Param() { value }: IdentifierParam): IdentifierResult<UsccParsed> {
    return checkUscc(value);
  }
}
