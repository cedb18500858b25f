import { Body, Controller, HttpCode, Injectable, Post, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { ApiError } from '../common/api-error.js';
import { IsCitizenId } from '../identifiers/validators.js';
import { AccountsService } from './accounts.service.js';
import { IpWindows } from './ip-windows.js';

export const REGISTER_LIMIT_PER_MINUTE = 20;

class RegisterBody {
  @ApiProperty({ example: '11010519491231002X', description: '18-digit citizen identity number' })
  @IsCitizenId()
  id_number!: string;

  @ApiProperty({ example: '张三', description: 'the name as in the population register' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ minLength: 1, maxLength: 1024, description: '8 to 128 characters; not common, not the ID number or birth date' })
  @IsString()
  @Length(1, 1024)
  password!: string;
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

const error = (code: string, message: string) => ({ schema: { example: { error: code, message } } });

@ApiTags('accounts')
@Controller('api/v1/citizens')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('register')
  @HttpCode(201)
  @UseGuards(RegisterRateGuard)
  @ApiOperation({ summary: 'Create a citizen account; the ID number and name must match an active population-register record' })
  @ApiCreatedResponse({ schema: { example: { id: '5f0c…', name: '张三', id_number_masked: '110105********002X' } } })
  @ApiBadRequestResponse({ description: '`validation_failed`, or `weak_password` with details [{ code: TOO_SHORT | TOO_LONG | IS_ID_NUMBER | COMMON }]' })
  @ApiUnprocessableEntityResponse(error('not_in_registry', 'no active registry record matches this ID number and name'))
  @ApiConflictResponse(error('already_registered', 'this citizen already has an account'))
  @ApiTooManyRequestsResponse({ description: '`too_many_requests`, with a retry-after header' })
  async register(@Body() body: RegisterBody): Promise<{ id: string; name: string; id_number_masked: string }> {
    const account = await this.accounts.register({ idNumber: body.id_number, name: body.name, password: body.password });
    return { id: account.id, name: account.name, id_number_masked: account.idNumberMasked };
  }
}
