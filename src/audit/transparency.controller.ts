import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ApiError } from '../common/api-error.js';
import { API_PARAM_ERRORS, ApiErrors } from '../common/openapi.js';
import { treeHeadJson } from './tree-head.js';
import { InvalidRangeError, TransparencyService } from './transparency.service.js';

const MAX_INDEX = Number.MAX_SAFE_INTEGER;

/** A whole number from the query string; anything else is left as it is, for the validators to refuse. */
const wholeNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;

/** A whole-number query parameter of the transparency endpoints (OpenAPI, transform, validation). */
export function index(name: string, description: string, example: number, min = 0): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ description, type: 'integer', minimum: min, example })(target, key);
    Transform(wholeNumber)(target, key);
    IsInt({ message: `${name} must be a whole number` })(target, key);
    Min(min, { message: `${name} must be at least ${min}` })(target, key);
    Max(MAX_INDEX, { message: `${name} is too large` })(target, key);
  };
}

export class InclusionQuery {
  @index('index', 'the leaf index (the entry’s seq)', 41)
  index!: number;

  @index('treeSize', 'the size of the tree to prove inclusion in (a signed head’s treeSize); larger than index', 120, 1)
  treeSize!: number;
}

export class ConsistencyQuery {
  @index('first', 'the smaller tree size (a tree head the caller has seen before)', 100, 1)
  first!: number;

  @index('second', 'the larger tree size (a newer tree head)', 120, 1)
  second!: number;
}

export const ROOT_EXAMPLE = 'm9VgQpZxb8JbJ9lZ1yVbL2xKQq3V7m0m9tT6gM3nFhA=';
export const HASH_EXAMPLES = ['3Zk0oW8Qm2l5dJz0eRPG1n2qKX3aI6qv1w4mYQb7u8A=', 'yC6p0rWwqv2h1GkS3n0B8j5uXfE4dL7aZtQ9cVbN2sM='];

@ApiSchema({
  name: 'TreeHead',
  description:
    'A signed tree head of a log (`audit`, or the public issuance log `issuance`). The signature (ES256, r‖s, base64) covers the canonical JSON ' +
    '`{"log":…,"rootHash":…,"timestamp":…,"treeSize":…}` (keys sorted, no whitespace, UTF-8); check it with the key of `kid` from GET /api/v1/transparency/keys.',
})
export class TreeHeadDto {
  @ApiProperty({ description: 'which log', example: 'audit' })
  log!: string;

  @ApiProperty({ description: 'entries in the tree', type: 'integer', example: 120 })
  treeSize!: number;

  @ApiProperty({ description: 'the RFC 9162 Merkle root (SHA-256), base64', example: ROOT_EXAMPLE })
  rootHash!: string;

  @ApiProperty({ description: 'when it was signed, milliseconds since 1970', type: 'integer', example: 1765145406123 })
  timestamp!: number;

  @ApiProperty({ description: 'the `audit` key that signed it', example: 'audit-es256-1' })
  kid!: string;

  @ApiProperty({ description: 'ES256 signature, r‖s (64 bytes), base64', example: 'MEUCIQ…' })
  signature!: string;
}

@ApiSchema({ name: 'InclusionProof', description: 'RFC 9162 §2.1.3 inclusion proof of one entry in a tree of treeSize' })
export class InclusionProofDto {
  @ApiProperty({ description: 'the leaf index asked for (the entry’s seq)', type: 'integer', example: 41 })
  index!: number;

  @ApiProperty({ description: 'the size of the tree the proof is in', type: 'integer', example: 120 })
  treeSize!: number;

  @ApiProperty({ description: 'the entry’s leaf hash, SHA-256(0x00 ‖ entry bytes), base64', example: HASH_EXAMPLES[0] })
  leafHash!: string;

  @ApiProperty({ description: 'the audit path from the leaf up, base64 hashes', type: [String], example: HASH_EXAMPLES })
  proof!: string[];
}

@ApiSchema({ name: 'ConsistencyProof', description: 'RFC 9162 §2.1.4 consistency proof between two tree sizes' })
export class ConsistencyProofDto {
  @ApiProperty({ description: 'the smaller tree size', type: 'integer', example: 100 })
  first!: number;

  @ApiProperty({ description: 'the larger tree size', type: 'integer', example: 120 })
  second!: number;

  @ApiProperty({ description: 'base64 hashes', type: [String], example: HASH_EXAMPLES })
  proof!: string[];
}

@ApiSchema({ name: 'AuditKeys', description: 'The public keys of the `audit` purpose (JWKS, RFC 7517)' })
class AuditKeysDto {
  @ApiProperty({
    description: 'current, next and retired keys: a head signed by a retired key still verifies',
    type: 'array',
    items: { type: 'object' },
    example: [
      {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
        kid: 'audit-es256-1',
        alg: 'ES256',
        use: 'sig',
      },
    ],
  })
  keys!: object[];
}

export const HEAD_EXAMPLE: TreeHeadDto = {
  log: 'audit',
  treeSize: 120,
  rootHash: ROOT_EXAMPLE,
  timestamp: 1765145406123,
  kid: 'audit-es256-1',
  signature: 'o1V0Gk3cS4m2bX6nQ8rT1uW5yZ7aC9eF0hJ2kL4mN6pQ8sU0wY2aB4cD6eF8gH0jK2lM4nP6qR8sT0uV2wX4yA==',
};
const JWK_EXAMPLE = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  kid: 'audit-es256-1',
  alg: 'ES256',
  use: 'sig',
};

const INVALID_RANGE = { error: 'invalid_range', message: 'treeSize 500 is larger than the log (120 entries)' };
export const PARAM_ERRORS = {
  400: [
    API_PARAM_ERRORS[400][1],
    {
      error: 'validation_failed',
      message: 'the request is not valid',
      details: [{ field: 'index', problems: ['index must be a whole number'] }],
    },
    INVALID_RANGE,
  ],
};

/**
 * The audit log's transparency endpoints (issue 14 §2): public, like Certificate Transparency's
 * (RFC 9162 §4): the latest signed tree head, inclusion and consistency proofs, the keys to check
 * heads with. Entries themselves are not public; a proof shows only hashes.
 */
@ApiTags('transparency')
@Controller('api/v1/transparency')
export class TransparencyController {
  constructor(private readonly transparency: TransparencyService) {}

  @Get('tree-head')
  @Header('cache-control', 'no-cache')
  @ApiOperation({
    operationId: 'getAuditTreeHead',
    summary: 'The latest signed tree head of the audit log',
    description:
      'Public. Size, RFC 9162 Merkle root and time of the audit log, signed with tongban’s `audit` key (ES256). A replica signs a new head at most every 10 s while entries arrive.',
  })
  @ApiOkResponse({ description: 'the head', type: TreeHeadDto, example: HEAD_EXAMPLE })
  @ApiErrors({ 404: [{ error: 'no_tree_head', message: 'no tree head has been signed yet: the audit log is empty' }] })
  async treeHead(): Promise<TreeHeadDto> {
    const head = await this.transparency.latestHead();
    if (!head) throw new ApiError(404, 'no_tree_head', 'no tree head has been signed yet: the audit log is empty');
    return treeHeadJson(head);
  }

  @Get('proofs/inclusion')
  @ApiOperation({
    operationId: 'getAuditInclusionProof',
    summary: 'Proof that an entry is in the audit log’s tree of a given size',
    description:
      'Public. RFC 9162 §2.1.3: the audit path of leaf `index` in the tree of `treeSize` entries (take `treeSize` from a signed head), with the leaf hash. ' +
      '`invalid_range` when index ≥ treeSize or treeSize is larger than the log.',
  })
  @ApiOkResponse({
    description: 'the proof',
    type: InclusionProofDto,
    example: { index: 41, treeSize: 120, leafHash: HASH_EXAMPLES[0], proof: HASH_EXAMPLES } satisfies InclusionProofDto,
  })
  @ApiErrors(PARAM_ERRORS)
  async inclusion(@Query() query: InclusionQuery): Promise<InclusionProofDto> {
    const { leafHash, proof } = await ranged(() => this.transparency.inclusion(query.index, query.treeSize));
    return {
      index: query.index,
      treeSize: query.treeSize,
      leafHash: leafHash.toString('base64'),
      proof: proof.map((h) => h.toString('base64')),
    };
  }

  @Get('proofs/consistency')
  @ApiOperation({
    operationId: 'getAuditConsistencyProof',
    summary: 'Proof that a larger audit tree extends a smaller one',
    description:
      'Public. RFC 9162 §2.1.4: the consistency proof from the tree of `first` entries to the tree of `second` (take both from signed heads): nothing was changed or removed in between. ' +
      '`invalid_range` when first > second or second is larger than the log.',
  })
  @ApiOkResponse({
    description: 'the proof',
    type: ConsistencyProofDto,
    example: { first: 100, second: 120, proof: HASH_EXAMPLES } satisfies ConsistencyProofDto,
  })
  @ApiErrors(PARAM_ERRORS)
  async consistency(@Query() query: ConsistencyQuery): Promise<ConsistencyProofDto> {
    const proof = await ranged(() => this.transparency.consistency(query.first, query.second));
    return { first: query.first, second: query.second, proof: proof.map((h) => h.toString('base64')) };
  }

  @Get('keys')
  @ApiOperation({
    operationId: 'getAuditKeys',
    summary: 'The keys that sign audit tree heads (JWKS)',
    description: 'Public. The `audit` purpose’s public keys: a head’s `kid` names one.',
  })
  @ApiOkResponse({ description: 'the key set', type: AuditKeysDto, example: { keys: [JWK_EXAMPLE] } })
  @ApiErrors({ 400: [API_PARAM_ERRORS[400][1]] })
  keys(): Promise<AuditKeysDto> {
    return this.transparency.keySet();
  }
}

/** Runs a proof, answering 400 invalid_range for a size or index the log does not have. */
export async function ranged<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof InvalidRangeError) throw new ApiError(400, 'invalid_range', err.message);
    throw err;
  }
}
