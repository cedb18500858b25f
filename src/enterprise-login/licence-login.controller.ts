import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { IpWindows } from '../accounts/ip-windows.js';
import { ApiError } from '../common/api-error.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { LicenceLoginService } from './licence-login.service.js';

const ANSWERS_PER_MINUTE = 60;

class ChallengeParam {
  @Matches(/^[\w-]{10,64}$/)
  challengeId!: string;
}

class LicenceLoginAnswer {
  @IsString()
  @Length(20, 32_768)
  jws!: string;
}

/** Where the holder's wallet answers an enterprise sign-in challenge (design §6). Public: the JWS is the credential. */
@ApiTags('enterprise sign-in')
@Controller('api/v1/licence-login')
export class LicenceLoginController {
  constructor(
    private readonly login: LicenceLoginService,
    private readonly ipWindows: IpWindows,
  ) {}

  @Post(':challengeId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Answer a sign-in challenge with a JWS (ES256, x5c = licence certificate chain) over { nonce, aud, uscc, iat }' })
  async answer(@Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply, @Param() { challengeId }: ChallengeParam, @Body() { jws }: LicenceLoginAnswer) {
    const limit = await this.ipWindows.hit(`licence-login:${req.ip ?? ''}`, ANSWERS_PER_MINUTE);
    if (!limit.allowed) {
      res.header('retry-after', String(limit.retryAfterSeconds));
      throw new ApiError(429, 'too_many_requests', 'too many sign-in answers from this address; try again later');
    }
    const result = await this.login.answer(challengeId, jws);
    return { status: 'accepted', uscc: result.uscc, enterprise_name: result.enterpriseName };
  }
}
