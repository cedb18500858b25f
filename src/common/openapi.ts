import { applyDecorators } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import {
  ApiPropertyOptional,
  ApiProperty,
  ApiResponse,
  ApiSchema,
  ApiSecurity,
  DocumentBuilder,
  type OpenAPIObject,
} from '@nestjs/swagger';
import type { ApiScope } from '../auth/api-scopes.js';

/**
 * OpenAPI conventions of tongban's /api/v1 (every operation documents its request, its answers
 * and its error bodies, with examples: test/http/openapi.test.ts walks the document). Decorators
 * only: the build's native `tsc` runs no transformer, so there is no Swagger CLI plugin.
 *
 * - Request bodies and parameters are the class-validator DTO classes, with `@ApiProperty` on
 *   every field mirroring its rules (type, format, length, enum, pattern) with an `example`.
 * - Success answers: `@ApiOkResponse` / `@ApiCreatedResponse` with a `type` (a response class
 *   with `@ApiProperty` fields) and an `example` (or `examples`).
 * - Errors: `@ApiErrors({ 400: ['validation_failed'], 404: [{ error: 'client_not_found', message: '…' }] })`,
 *   which describes each status with the one error body and an example per stable code. Several
 *   `@ApiErrors` on one route (or on its controller, which applies them to every route) add up.
 * - Routes behind `@RequireScopes` get their security requirement and 401/403/503 from it; each
 *   operation's description names its scope.
 */
@ApiSchema({ name: 'ErrorBody', description: 'The body of every error answer (design §10): a stable code, a message, sometimes details.' })
export class ErrorBodyDto {
  @ApiProperty({ description: 'stable, machine-readable error code', example: 'validation_failed' })
  error!: string;

  @ApiProperty({ description: 'a human-readable explanation (never a stack trace)', example: 'the request is not valid' })
  message!: string;

  @ApiPropertyOptional({
    description:
      'more about the error: for `validation_failed` the problems by field (`[{ field, problems }]`), for `weak_password` the rules broken (`[{ code, message }]`), for a rate limit `{ retry_after }`',
    oneOf: [{ type: 'array', items: { type: 'object' } }, { type: 'object' }],
    example: [{ field: 'pem', problems: ['pem must be a string'] }],
  })
  details?: unknown;
}

/** An error as a route documents it: a stable code (common ones have their message here), or a whole example body. */
export type ErrorExample = string | { error: string; message: string; details?: unknown };

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is malformed or a field is invalid',
  401: 'No valid access token (`WWW-Authenticate` says why)',
  403: 'Not allowed: the token lacks a scope, or the caller may not do this',
  404: 'Not found',
  409: 'Conflicts with the current state',
  410: 'Gone',
  413: 'The request body is too large',
  415: 'The request body has a content type this service does not read',
  422: 'Well-formed, but cannot be done',
  423: 'Locked',
  429: 'Too many requests (`Retry-After` says when to try again)',
  503: 'Temporarily unavailable: try again later',
};

type Header = { description: string; schema: { type: 'string' | 'integer' }; example: string | number };
const CHALLENGE: Header = {
  description: 'the challenge (RFC 6750 §3; the DPoP scheme for a DPoP proof, RFC 9449 §7.1)',
  schema: { type: 'string' },
  example: 'Bearer error="invalid_token", error_description="an access token is required (Authorization: Bearer <token>)"',
};
/** Headers that come with some codes. */
const HEADERS: Record<string, Record<string, Header>> = {
  invalid_token: { 'WWW-Authenticate': CHALLENGE },
  invalid_dpop_proof: { 'WWW-Authenticate': CHALLENGE },
  insufficient_scope: {
    'WWW-Authenticate': {
      description: 'the scopes the call needs',
      schema: { type: 'string' },
      example: 'Bearer error="insufficient_scope", scope="verify"',
    },
  },
  too_many_requests: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' }, example: 12 } },
};

/** Example bodies for codes many routes answer with (a route gives its own codes as whole examples). */
const COMMON_ERRORS: Record<string, { message: string; details?: unknown }> = {
  validation_failed: {
    message: 'the request is not valid',
    details: [{ field: 'id_number', problems: ['id_number must be a valid 18-digit citizen ID number (CHECKSUM)'] }],
  },
  malformed_json: { message: 'the request body is not valid JSON' },
  malformed_url: { message: 'the URL has an invalid percent-encoding' },
  payload_too_large: { message: 'the request body is too large' },
  unsupported_media_type: { message: 'the request body has a content type this service does not read' },
  invalid_token: { message: 'an access token is required (Authorization: Bearer <token>)' },
  invalid_dpop_proof: { message: 'the DPoP proof is for another request (htm/htu)' },
  insufficient_scope: { message: 'this call needs the scope(s) verify' },
  unavailable: { message: 'the access token cannot be checked now: try again later' },
  too_many_requests: { message: 'too many requests: try again later' },
};

function exampleBody(example: ErrorExample): { error: string; message: string; details?: unknown } {
  if (typeof example !== 'string') return example;
  const common = COMMON_ERRORS[example];
  return {
    error: example,
    message: common?.message ?? example.replace(/_/g, ' '),
    ...(common?.details === undefined ? {} : { details: common.details }),
  };
}

const ERRORS = 'tongban:openapi-errors';

/** Adds error answers to one route, merged with those it has (one response per status, one example per code). */
function addErrors(
  prototype: object,
  key: string | symbol,
  descriptor: PropertyDescriptor,
  byStatus: Partial<Record<number, readonly ErrorExample[]>>,
): void {
  const handler = descriptor.value as object;
  const recorded: Record<number, string[]> = { ...(Reflect.getOwnMetadata(ERRORS, handler) as Record<number, string[]> | undefined) };
  for (const [status, list] of Object.entries(byStatus)) {
    const code = Number(status);
    const known = recorded[code] ?? [];
    const fresh: Array<ReturnType<typeof exampleBody>> = [];
    for (const body of (list ?? []).map(exampleBody))
      if (!known.includes(body.error) && !fresh.some((f) => f.error === body.error)) fresh.push(body);
    if (!fresh.length) continue;
    const codes = [...known, ...fresh.map((e) => e.error)];
    const lines = fresh.map((e) => `- \`${e.error}\`: ${e.message}`).join('\n');
    const headers = Object.assign({}, ...codes.map((c) => HEADERS[c] ?? {})) as Record<string, Header>;
    // Swagger merges the entries of one status: examples added up, descriptions joined with a blank
    // line (the first names the status, later ones add codes), other keys replaced (headers: all of them).
    ApiResponse({
      status: code,
      type: ErrorBodyDto,
      description: known.length ? lines : `${STATUS_TEXT[code] ?? 'Error'}:\n\n${lines}`,
      examples: Object.fromEntries(fresh.map((e) => [e.error, { summary: e.error, value: e }])),
      ...(Object.keys(headers).length ? { headers } : {}),
    })(prototype, key, descriptor);
    recorded[code] = codes;
  }
  Reflect.defineMetadata(ERRORS, recorded, handler);
}

/**
 * Error answers of an operation (or, on a controller, of each of its routes), by status, with
 * their stable codes: a response per status whose content is the error body, with an example per code.
 */
export function ApiErrors(byStatus: Partial<Record<number, readonly ErrorExample[]>>): MethodDecorator & ClassDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor && key !== undefined) {
      addErrors(target, key, descriptor, byStatus);
      return descriptor;
    }
    // A class decorator runs after its methods' decorators: every route is there to add to.
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name);
      const handler: unknown = method?.value;
      if (name !== 'constructor' && typeof handler === 'function' && Reflect.hasMetadata(PATH_METADATA, handler))
        addErrors(prototype, name, method!, byStatus);
    }
    return target;
  }) as MethodDecorator & ClassDecorator;
}

/** What every route that reads a JSON body can answer before it runs: a body that is not JSON, too large, or of another type. */
export const API_BODY_ERRORS = {
  400: ['validation_failed', 'malformed_json'],
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
} as const;

/** What a route with path parameters answers for an invalid one (or a URL it cannot decode). */
export const API_PARAM_ERRORS = { 400: ['validation_failed', 'malformed_url'] } as const;

/** The errors of every route behind `@RequireScopes`: 401 and 403, and 503 when the token cannot be checked now. */
export const API_AUTH_ERRORS = { 401: ['invalid_token', 'invalid_dpop_proof'], 403: ['insufficient_scope'], 503: ['unavailable'] } as const;

/**
 * The OpenAPI side of `@RequireScopes`: an access token with these scopes (client credentials, or
 * a first-party client's for `account`), sent as `Bearer` or, when DPoP-bound, as `DPoP` with a
 * proof; and the 401/403/503 the guard answers.
 */
export function ApiAccessToken(...scopes: ApiScope[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiSecurity({ bearer: [], oauth2: scopes }),
    ApiSecurity({ dpop: [], oauth2: scopes }),
    ApiErrors({
      ...API_AUTH_ERRORS,
      403: [{ error: 'insufficient_scope', message: `this call needs the scope(s) ${scopes.join(', ')}` }],
    }),
  );
}

/**
 * The values of a string union, listed once for an OpenAPI `enum`: the compiler insists on every
 * member (`unionValues<Indication>()('TOTAL_PASSED', …)`), so the document keeps up with the type.
 */
export function unionValues<T extends string>() {
  return <const A extends readonly T[]>(
    ...values: A & ([Exclude<T, A[number]>] extends [never] ? unknown : { missing: Exclude<T, A[number]> })
  ): A => values;
}

/** What each scope of tongban's API allows (the OAuth 2.0 scheme's scope list). */
const SCOPE_TEXT: Record<ApiScope, string> = {
  'registry:write': 'import rows into the population and enterprise register mirrors',
  'clients:write': 'register, list and remove OIDC clients',
  verify: 'verify what citizens and enterprises present: certificates, licences, seals, stamps and stamped documents',
  'licence:issue': 'issue electronic licences of the types the client is allowed, and suspend, reinstate or revoke them',
  'seal:make': 'make and revoke electronic seals',
  'tokens:introspect': 'introspect tokens issued to other clients (the OIDC introspection endpoint)',
  account: "a citizen's own API (enterprise agents, the access log), in tokens of tongban's first-party clients",
  licences: "a holder's own licences (/api/v1/me/licences), in tokens of the holder's app (a client with public subjects)",
};

const TAGS: Array<[string, string]> = [
  ['identifiers', 'Syntax checks of citizen ID numbers and unified social credit codes (public)'],
  ['accounts', 'Citizen registration (public, rate-limited per IP)'],
  ['enterprise agents', "An enterprise's legal representative grants and withdraws agents (scope `account`)"],
  ['enterprise sign-in', "The holder's wallet answers an enterprise sign-in challenge (public: the signed answer is the credential)"],
  ['registry', "The register mirrors' import, for the registers' own systems (scope `registry:write`)"],
  ['clients', 'OIDC client management for operators (scope `clients:write`)'],
  [
    'licences',
    "Electronic licences: the type catalogue and status lists (public), issuance and lifecycle by issuing authorities (scope `licence:issue`), holders' licences, files and 亮证 shares (scope `licences`)",
  ],
  ['seals', 'Electronic seals (GB/T 38540): made and revoked by the seal-making authority (scope `seal:make`); looked up by anyone'],
  ['verification', 'Verification reports for portals (scope `verify`)'],
  [
    'access log',
    "Who used a citizen's or an enterprise's identity: sign-ins, ID number releases, verifications, share openings (the holder's own token, scope `account`)",
  ],
  ['transparency', "The audit log's signed tree heads, RFC 9162 inclusion and consistency proofs, and the keys that sign them (public)"],
];

/** The document's frame (app.ts): servers, the access-token schemes and their scopes, tags. */
export function apiDocumentConfig(publicUrl: string): Omit<OpenAPIObject, 'paths'> {
  const scopes = (list: ApiScope[]) => Object.fromEntries(list.map((scope) => [scope, SCOPE_TEXT[scope]]));
  const builder = new DocumentBuilder()
    .setTitle('tongban')
    .setDescription(
      'Unified identity and electronic-certificate authority: identifiers, registry, OIDC, PKI, licences, seals, verification.\n\n' +
        `Routes with a security requirement need an access token for \`${publicUrl}/api\` holding the scope named in the operation ` +
        `(client credentials of a service client at \`${publicUrl}/token\`; \`account\` comes in tokens of tongban's first-party clients). ` +
        'Every error answer is `{ error, message, details? }` with a stable `error` code.',
    )
    .setVersion('0.1.0')
    .addServer(publicUrl)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An access token: `Authorization: Bearer <token>`. Its scopes: see the `oauth2` scheme and each operation.',
      },
      'bearer',
    )
    .addSecurity('dpop', {
      type: 'http',
      scheme: 'DPoP',
      bearerFormat: 'JWT',
      description:
        'A DPoP-bound access token (FAPI clients): `Authorization: DPoP <token>` and a `DPoP` header with a proof for this request (RFC 9449).',
    })
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'Where access tokens come from, and their scopes.',
        flows: {
          clientCredentials: {
            tokenUrl: `${publicUrl}/token`,
            scopes: scopes(['registry:write', 'clients:write', 'verify', 'licence:issue', 'seal:make', 'tokens:introspect']),
          },
          authorizationCode: {
            authorizationUrl: `${publicUrl}/auth`,
            tokenUrl: `${publicUrl}/token`,
            scopes: scopes(['account', 'licences']),
          },
        },
      },
      'oauth2',
    )
    .addSecurity('wallet', {
      type: 'http',
      scheme: 'Wallet',
      bearerFormat: 'JWT',
      description:
        "An enterprise's wallet proof, for the holder routes (`/api/v1/me/licences`): `Authorization: Wallet <proof>`, a compact JWS (`typ` tongban-wallet+jwt, `alg` ES256 or SM2SM3, `x5c` the enterprise's licence certificate and its issuing CA) over `{ htm, htu, iat, jti, uscc }` for this one request, made by `tongban wallet`.",
    });
  for (const [name, description] of TAGS) builder.addTag(name, description);
  return builder.build();
}
