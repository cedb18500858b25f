import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * OpenAPI conventions of tongban's /api/v1 (every operation documents its request, its answers
 * and its error bodies, with examples: test/http/openapi.test.ts walks the document).
 *
 * - Request bodies and parameters are the class-validator DTO classes, with `@ApiProperty` on
 *   every field (an `example` on each).
 * - Success answers: `@ApiOkResponse` / `@ApiCreatedResponse` with a `type` (a response class
 *   with `@ApiProperty` fields) or a `schema` with an `example`.
 * - Errors: `@ApiErrors({ 400: ['validation_failed'], 404: ['client_not_found'] })`, which
 *   describes each status with the one error body shape and an example per stable code.
 */
export class ErrorBodyDto {
  @ApiProperty({ description: 'stable, machine-readable error code', example: 'validation_failed' })
  error!: string;

  @ApiProperty({ description: 'a human-readable explanation (never a stack trace)', example: 'the request is not valid' })
  message!: string;

  @ApiPropertyOptional({ description: 'more about the error, e.g. the field problems of a validation failure', example: [{ field: 'pem', problems: ['pem must be a string'] }] })
  details?: unknown;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is malformed or a field is invalid',
  401: 'No valid access token (`WWW-Authenticate` says why)',
  403: 'The token lacks a scope, or the caller may not do this',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'The request body is too large',
  415: 'The request body has a content type this service does not read',
  422: 'Well-formed, but cannot be done',
  423: 'Locked',
  429: 'Too many requests (`Retry-After` says when to try again)',
  503: 'Temporarily unavailable (`Retry-After` when known)',
};

/** Error answers of an operation (or of every operation of a controller), by status, with their stable codes. */
export function ApiErrors(byStatus: Partial<Record<number, readonly string[]>>): MethodDecorator & ClassDecorator {
  const decorators = Object.entries(byStatus).map(([status, codes]) => {
    const code = Number(status);
    const list = codes ?? [];
    return ApiResponse({
      status: code,
      description: `${STATUS_TEXT[code] ?? 'Error'}${list.length ? `: ${list.map((c) => `\`${c}\``).join(', ')}` : ''}`,
      content: {
        'application/json': {
          schema: { $ref: getSchemaPath(ErrorBodyDto) },
          examples: Object.fromEntries(list.map((c) => [c, { value: { error: c, message: ERROR_MESSAGES[c] ?? c.replace(/_/g, ' ') } }])),
        },
      },
    });
  });
  return applyDecorators(ApiExtraModels(ErrorBodyDto), ...decorators);
}

/** Example messages for codes used on many routes (others are spelled out from the code). */
const ERROR_MESSAGES: Record<string, string> = {
  validation_failed: 'the request body is invalid',
  malformed_json: 'the request body is not valid JSON',
  invalid_token: 'an access token is required (Authorization: Bearer <token>)',
  insufficient_scope: 'this call needs the scope(s) verify',
  too_many_requests: 'too many requests: try again later',
  unavailable: 'the service cannot answer now: try again later',
};

/** The errors of every route behind `@RequireScopes`: 401 and 403. */
export const API_AUTH_ERRORS = { 401: ['invalid_token', 'invalid_dpop_proof'], 403: ['insufficient_scope'] } as const;
