import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ApiErrors } from '../common/openapi.js';
import { checkCitizenId } from './citizen-id.js';
import { CitizenIdResultDto, LicenceIdResultDto, UsccResultDto } from './identifier-result.dto.js';
import type { CitizenIdParsed, IdentifierResult, LicenceIdParsed, UsccParsed } from './identifier-result.js';
import { checkLicenceId } from './licence-id.js';
import { checkUscc } from './uscc.js';

class IdentifierParam {
  // Real identifiers are 15 or 18 characters; anything much longer is not an attempt at one.
  @IsString()
  @Length(1, 64)
  value!: string;
}

/** A licence identifier is at most 94 characters; the limit leaves room to say what is wrong with a longer one. */
class LicenceIdParam {
  @IsString()
  @Length(1, 128)
  value!: string;
}

const VALUE_SCHEMA = { type: 'string', minLength: 1, maxLength: 64 } as const;
const LICENCE_ID_EXAMPLE = '1.2.156.3005.2.11100000MB0143028R001.11350100MB01234578.2026000123.001.H';
// The example goes in the schema: @ApiParam keeps only the schema when one is given.
const ERRORS = {
  400: [
    {
      error: 'validation_failed',
      message: 'the request is not valid',
      details: [{ field: 'value', problems: ['value must be longer than or equal to 1 and shorter than or equal to 64 characters'] }],
    },
    'malformed_url',
  ],
};
const ABOUT =
  'Public (no access token). A well-formed request always gets 200: `valid` says whether the value is an identifier, `errors` and `warnings` say why with stable codes. ' +
  'Says nothing about whether the person or enterprise exists.';

/** Public checks of identifier syntax (design §3). They say nothing about whether the person or enterprise exists. */
@ApiTags('identifiers')
@Controller('api/v1/identifiers')
export class IdentifiersController {
  @Get('citizen-id/:value')
  @ApiOperation({
    operationId: 'checkCitizenId',
    summary: 'Validate an 18-digit (or legacy 15-digit) citizen identity number (GB 11643-1999)',
    description: `${ABOUT} A lower-case x is accepted; a 15-digit number is converted (warning LEGACY_15_DIGIT).`,
  })
  @ApiParam({
    name: 'value',
    description: 'the number to check (18 digits, the last may be X; or a legacy 15 digits)',
    schema: { ...VALUE_SCHEMA, example: '11010519491231002X' },
  })
  @ApiOkResponse({
    description: 'the check: valid, canonical form, errors/warnings with stable codes, parsed region/birthDate/sex',
    type: CitizenIdResultDto,
    examples: {
      valid: {
        summary: 'a valid number',
        value: { valid: true, canonical: '11010519491231002X', parsed: { region: '110105', birthDate: '1949-12-31', sex: 'female' } },
      },
      legacy: {
        summary: 'a legacy 15-digit number, converted',
        value: {
          valid: true,
          canonical: '11010519491231002X',
          warnings: [{ code: 'LEGACY_15_DIGIT', message: 'legacy 15-digit number was converted to 18 digits' }],
          parsed: { region: '110105', birthDate: '1949-12-31', sex: 'female' },
        },
      },
      invalid: {
        summary: 'a wrong check character',
        value: { valid: false, errors: [{ code: 'CHECKSUM', message: 'check character should be X, got 1' }] },
      },
    },
  })
  @ApiErrors(ERRORS)
  citizenId(@Param() { value }: IdentifierParam): IdentifierResult<CitizenIdParsed> {
    return checkCitizenId(value);
  }

  @Get('uscc/:value')
  @ApiOperation({
    operationId: 'checkUscc',
    summary: 'Validate a Unified Social Credit Code (GB 32100-2015)',
    description: `${ABOUT} Lower-case letters are accepted; a bad organisation-code check character is only a warning (ORG_CODE_CHECKSUM).`,
  })
  @ApiParam({
    name: 'value',
    description: 'the code to check (18 characters: digits and letters other than I, O, Z, S, V)',
    schema: { ...VALUE_SCHEMA, example: '91350100M000100Y43' },
  })
  @ApiOkResponse({
    description: 'the check: valid, canonical form, errors/warnings with stable codes, parsed authority/entityType/region/organisationCode',
    type: UsccResultDto,
    examples: {
      valid: {
        summary: 'a valid code',
        value: {
          valid: true,
          canonical: '91350100M000100Y43',
          parsed: {
            authority: { code: '9', name: '工商' },
            entityType: { code: '1', name: '企业' },
            region: '350100',
            organisationCode: 'M000100Y4',
          },
        },
      },
      invalid: {
        summary: 'a wrong check character',
        value: { valid: false, errors: [{ code: 'CHECKSUM', message: 'check character should be 3, got 4' }] },
      },
    },
  })
  @ApiErrors(ERRORS)
  uscc(@Param() { value }: IdentifierParam): IdentifierResult<UsccParsed> {
    return checkUscc(value);
  }

  @Get('licence-id/:value')
  @ApiOperation({
    operationId: 'checkLicenceId',
    summary: 'Validate an electronic licence identifier (GB/T 36904)',
    description:
      `${ABOUT.replace('person or enterprise', 'licence')} The form is \`1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>\`: ` +
      "a 21-character type code (the defining authority's USCC and 3 digits), the issuing authority's 18-character USCC, a serial of 1-32 digits and letters, " +
      'a 3-digit version from 001, and an ISO/IEC 7064 MOD 37,36 check character over those four fields. Lower-case letters are accepted; ' +
      'a type code or issuer code whose USCC has a wrong check character is only a warning (TYPE_CODE_USCC, ISSUER_CODE_USCC).',
  })
  @ApiParam({
    name: 'value',
    description: 'the identifier to check (63-94 characters: digits, letters and dots)',
    schema: { type: 'string', minLength: 1, maxLength: 128, example: LICENCE_ID_EXAMPLE },
  })
  @ApiOkResponse({
    description: 'the check: valid, canonical form, errors/warnings with stable codes, parsed type code/issuer code/serial/version',
    type: LicenceIdResultDto,
    examples: {
      valid: {
        summary: 'a valid identifier',
        value: {
          valid: true,
          canonical: LICENCE_ID_EXAMPLE,
          parsed: {
            typeCode: '11100000MB0143028R001',
            typeDefiner: '11100000MB0143028R',
            issuerCode: '11350100MB01234578',
            serial: '2026000123',
            version: 1,
            checkCharacter: 'H',
          },
        },
      },
      checksum: {
        summary: 'a wrong check character',
        value: { valid: false, errors: [{ code: 'CHECKSUM', message: 'check character should be H, got J' }] },
      },
      format: {
        summary: 'a field of the wrong shape',
        value: { valid: false, errors: [{ code: 'FORMAT', message: 'the version must be 3 digits, from 001' }] },
      },
    },
  })
  @ApiErrors({
    400: [
      {
        error: 'validation_failed',
        message: 'the request is not valid',
        details: [{ field: 'value', problems: ['value must be longer than or equal to 1 and shorter than or equal to 128 characters'] }],
      },
      'malformed_url',
    ],
  })
  licenceId(@Param() { value }: LicenceIdParam): IdentifierResult<LicenceIdParsed> {
    return checkLicenceId(value);
  }
}
