import { Body, Controller, HttpCode, Injectable, Post, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { ApiError } from '../common/api-error.js';
import { API_BODY_ERRORS, ApiErrors } from '../common/openapi.js';
import { IsCitizenId } from '../identifiers/validators.js';
import { AccountsService } from './accounts.service.js';
import { IpWindows } from './ip-windows.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_PROBLEM_MESSAGES } from './password-policy.js';
import { TERMS_VERSION } from './terms.js';

export const REGISTER_LIMIT_PER_MINUTE = 20;

@ApiSchema({ name: 'CitizenRegistration' })
class RegisterBody {
  @ApiProperty({ description: '18-digit citizen identity number (a lower-case x is accepted)', example: '11010519491231002X' })
  @IsCitizenId()
  id_number!: string;

  @ApiProperty({ description: 'the name as in the population register', minLength: 1, maxLength: 100, example: '张三' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({
    description: `the new password: ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not a common password, not the ID number or the birth date (400 \`weak_password\` otherwise; longer than 1024 characters is \`validation_failed\`)`,
    minLength: 1,
    maxLength: 1024,
    format: 'password',
    example: 'correct horse battery staple',
  })
  @IsString()
  @Length(1, 1024)
  password!: string;

  @ApiPropertyOptional({
    description: `the version of the user agreement (/terms) and privacy notice (/privacy) the citizen accepted in the caller's own form (the current one is \`${TERMS_VERSION}\`); stored with the account and the time. An application registering citizens shows both and sends this; another version is 400 \`terms_outdated\``,
    example: TERMS_VERSION,
  })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  terms_version?: string;
}

@ApiSchema({ name: 'CitizenAccount' })
class RegisteredAccount {
  @ApiProperty({ description: 'the account id', format: 'uuid', example: '5f0c2d1e-8b7a-4c3d-9e2f-1a2b3c4d5e6f' })
  id!: string;

  @ApiProperty({ description: 'the name as in the population register', example: '张三' })
  name!: string;

  @ApiProperty({ description: 'the ID number, masked (the full number never leaves the service)', example: '110105********002X' })
  id_number_masked!: string;
}

/** Counts every registration request per client IP, before the body is even validated. */
@Injectable()
class RegisterRateGuard implements CanActivate {
  constructor(private readonly ipWindows: IpWindows) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const result = await this.ipWindows.hit(`register:${http.getRequest<HttpRequest>().ip ?? ''}`, REGISTER_LIMIT_PER_MINUTE);
    if (result.allowed) return true;
    http.getResponse<FastifyReply>().header('retry-after', String(result.retryAfterSeconds));
    throw new ApiError(429, 'too_many_requests', 'too many registration attempts from this address; try again later');
  }
}

@ApiTags('accounts')
@Controller('api/v1/citizens')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('register')
  @HttpCode(201)
  @UseGuards(RegisterRateGuard)
  @ApiOperation({
    operationId: 'registerCitizen',
    summary: 'Create a citizen account; the ID number and name must match an active population-register record',
    description: `Public (no access token); at most ${REGISTER_LIMIT_PER_MINUTE} requests per client IP and minute, counted before the body is checked. The registration page (/register) is its HTML face.`,
  })
  @ApiCreatedResponse({
    description: 'the new account',
    type: RegisteredAccount,
    example: { id: '5f0c2d1e-8b7a-4c3d-9e2f-1a2b3c4d5e6f', name: '张三', id_number_masked: '110105********002X' },
  })
  @ApiErrors({
    ...API_BODY_ERRORS,
    400: [
      ...API_BODY_ERRORS[400],
      {
        error: 'weak_password',
        message: 'the password does not meet the password rules',
        details: (['TOO_SHORT', 'IS_ID_NUMBER'] as const).map((code) => ({ code, message: PASSWORD_PROBLEM_MESSAGES[code] })),
      },
      {
        error: 'terms_outdated',
        message: 'the user agreement and privacy notice accepted are not the current ones',
        details: { currentVersion: TERMS_VERSION },
      },
    ],
    409: [{ error: 'already_registered', message: 'this citizen already has an account' }],
    422: [{ error: 'not_in_registry', message: 'no active registry record matches this ID number and name' }],
    429: [{ error: 'too_many_requests', message: 'too many registration attempts from this address; try again later' }],
  })
  async register(@Body() body: RegisterBody): Promise<{ id: string; name: string; id_number_masked: string }> {
    if (body.terms_version !== undefined && body.terms_version !== TERMS_VERSION) {
      throw new ApiError(400, 'terms_outdated', 'the user agreement and privacy notice accepted are not the current ones', {
        currentVersion: TERMS_VERSION,
      });
    }
    const account = await this.accounts.register({
      idNumber: body.id_number,
      name: body.name,
      password: body.password,
      termsVersion: body.terms_version,
    });
    return { id: account.id, name: account.name, id_number_masked: account.idNumberMasked };
  }
}
