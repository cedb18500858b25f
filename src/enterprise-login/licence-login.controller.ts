import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { IpWindows } from '../accounts/ip-windows.js';
import { ApiError } from '../common/api-error.js';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { API_BODY_ERRORS, ApiErrors } from '../common/openapi.js';
import { LicenceLoginService } from './licence-login.service.js';

const ANSWERS_PER_MINUTE = 60;
const CHALLENGE_ID = /^[\w-]{10,64}$/;

class ChallengeParam {
  @ApiProperty({
    description: 'the `challenge_id` of the sign-in challenge the wallet was shown',
    pattern: CHALLENGE_ID.source,
    example: 'q8hV2mZK3yQbT0nL5wXc1A',
  })
  @Matches(CHALLENGE_ID)
  challengeId!: string;
}

@ApiSchema({ name: 'LicenceLoginAnswer' })
class LicenceLoginAnswer {
  @ApiProperty({
    description:
      'a compact JWS, ES256, signed with the licence key; header `x5c` = the licence certificate chain; payload `{ nonce, aud, uscc, iat }` of the challenge',
    minLength: 20,
    maxLength: 32_768,
    example:
      'eyJhbGciOiJFUzI1NiIsIng1YyI6WyJNSUlCOHpDQ0FaaWdBd0lCQWdJVUZ…In0.eyJub25jZSI6IlBxN3YiLCJhdWQiOiJodHRwczovL2lkLmV4YW1wbGUuZ292LmNuIiwidXNjYyI6IjkxMzUwMTAwTUEyWVRCOEs0TCIsImlhdCI6MTc2NDIzMDQwMH0.MEUCIQ…',
  })
  @IsString()
  @Length(20, 32_768)
  jws!: string;
}

@ApiSchema({ name: 'LicenceLoginAccepted' })
class LicenceLoginAccepted {
  @ApiProperty({
    description: 'the answer is accepted: the browser waiting on the challenge goes on signed in for the enterprise',
    enum: ['accepted'],
    example: 'accepted',
  })
  status!: 'accepted';

  @ApiProperty({ description: "the enterprise's unified social credit code (from the licence certificate)", example: '91350100MA2YTB8K4L' })
  uscc!: string;

  @ApiProperty({ description: 'its name in the register', example: '福州通办示范科技有限公司' })
  enterprise_name!: string;

  @ApiProperty({
    description:
      'true when nobody had signed in on the page yet (its QR code is shown first): the licence is accepted, and the sign-in ' +
      'completes once the person acting signs in there and is the legal representative or an agent; false when that person ' +
      'was signed in already and was checked now',
    example: true,
  })
  awaiting_person!: boolean;
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
  @ApiOperation({
    operationId: 'answerLicenceLoginChallenge',
    summary: 'Answer a sign-in challenge with a JWS (ES256, x5c = licence certificate chain) over { nonce, aud, uscc, iat }',
    description:
      `Public (no access token): the signed answer is the credential. At most ${ANSWERS_PER_MINUTE} answers per client IP and minute. ` +
      'The licence certificate must chain to tongban, be valid and not revoked (checked afresh), for an active enterprise; the person acting must be its legal representative or an agent — ' +
      'checked now when they were signed in on the page already, else when they sign in there after this answer.',
  })
  @ApiOkResponse({
    description: 'accepted',
    type: LicenceLoginAccepted,
    example: { status: 'accepted', uscc: '91350100MA2YTB8K4L', enterprise_name: '福州通办示范科技有限公司', awaiting_person: true },
  })
  @ApiErrors({
    ...API_BODY_ERRORS,
    400: [
      ...API_BODY_ERRORS[400],
      'malformed_url',
      { error: 'malformed_answer', message: 'the answer is not a signed licence presentation: alg ES256 and an x5c header are required' },
      { error: 'signature_invalid', message: "the answer is not signed by the licence certificate's key" },
      { error: 'challenge_mismatch', message: 'the answer is not for this challenge (nonce, audience or time)' },
      { error: 'uscc_mismatch', message: "the USCC signed for is not the licence certificate's" },
    ],
    403: [
      { error: 'certificate_revoked', message: 'the licence certificate was not accepted (REVOKED)' },
      { error: 'certificate_expired', message: 'the licence certificate was not accepted (EXPIRED)' },
      { error: 'certificate_invalid', message: 'the licence certificate was not accepted (NO_CERTIFICATE_CHAIN_FOUND)' },
      { error: 'enterprise_inactive', message: 'the enterprise is not active in the register' },
      { error: 'not_authorised', message: 'the signed-in person is neither the legal representative nor an agent of this enterprise' },
    ],
    404: [{ error: 'challenge_not_found', message: 'no such sign-in challenge' }],
    409: [{ error: 'challenge_used', message: 'this sign-in challenge has already been answered' }],
    410: [{ error: 'challenge_expired', message: 'this sign-in challenge has expired' }],
    429: [{ error: 'too_many_requests', message: 'too many sign-in answers from this address; try again later' }],
    503: [{ error: 'try_later', message: 'the licence certificate was not accepted (TRY_LATER)' }],
  })
  async answer(
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @Param() { challengeId }: ChallengeParam,
    @Body() { jws }: LicenceLoginAnswer,
  ) {
    const limit = await this.ipWindows.hit(`licence-login:${req.ip ?? ''}`, ANSWERS_PER_MINUTE);
    if (!limit.allowed) {
      res.header('retry-after', String(limit.retryAfterSeconds));
      throw new ApiError(429, 'too_many_requests', 'too many sign-in answers from this address; try again later');
    }
    const result = await this.login.answer(challengeId, jws);
    return { status: 'accepted', uscc: result.uscc, enterprise_name: result.enterpriseName, awaiting_person: result.role === undefined };
  }
}
