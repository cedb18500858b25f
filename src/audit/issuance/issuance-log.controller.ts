import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../../common/api-error.js';
import { ApiErrors } from '../../common/openapi.js';
import { treeHeadJson } from '../tree-head.js';
import {
  ConsistencyProofDto,
  ConsistencyQuery,
  HASH_EXAMPLES,
  HEAD_EXAMPLE,
  InclusionProofDto,
  InclusionQuery,
  PARAM_ERRORS,
  ROOT_EXAMPLE,
  TreeHeadDto,
  index,
  ranged,
} from '../transparency.controller.js';
import { ISSUANCE_KINDS, ISSUANCE_LOG, type IssuanceKind } from './issuance-entry.js';
import { IssuanceLog, MAX_ENTRIES_PER_CALL } from './issuance-log.service.js';

export class EntriesQuery {
  @index('start', 'the first leaf index to read', 0)
  start!: number;

  @index('end', `the leaf index to stop before (exclusive); at most start + ${MAX_ENTRIES_PER_CALL}`, 100, 1)
  end!: number;
}

const HOLDER_EXAMPLE = '5b0f6c1f0bd1c1b07a1f1b5e1d0c3f2a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b';

@ApiSchema({
  name: 'IssuanceEntry',
  description:
    'One leaf of the public issuance log: an item tongban issued, with no personal data. Its leaf hash is SHA-256(0x00 ‖ canonical JSON of every member but `leafHash`) ' +
    '(keys sorted, no whitespace, UTF-8, absent members left out), RFC 9162 §2.1.1.',
})
export class IssuanceEntryDto {
  @ApiProperty({ description: 'the leaf index', type: 'integer', example: 7 })
  index!: number;

  @ApiProperty({ description: 'when it was appended, UTC', format: 'date-time', example: '2026-12-07T14:38:28.012Z' })
  loggedAt!: string;

  @ApiProperty({ description: 'what was issued', enum: ISSUANCE_KINDS, example: 'licence' })
  kind!: IssuanceKind;

  @ApiProperty({
    description: 'the certificate’s serial (lowercase hex), the licence’s identifier (GB/T 36904), or the seal’s esID',
    example: '11350100MB0D34579401000012301',
  })
  id!: string;

  @ApiProperty({
    description: 'who issued it: the issuing CA’s name, the issuing authority’s client id, or the seal maker’s key id',
    example: 'demo-licence-authority',
  })
  issuer!: string;

  @ApiPropertyOptional({ description: 'a licence’s issuing authority’s issuer code', example: '11350100MB0D345794' })
  issuerCode?: string;

  @ApiProperty({
    description:
      'the certificate profile, the licence type, or the seal type (GB/T 38540 SES_ESPropertyInfo.type: 1 official, 3 invoice, 4 contract)',
    example: 'food-business-permit',
  })
  type!: string;

  @ApiProperty({ description: 'when the item was issued, UTC', format: 'date-time', example: '2026-12-07T14:38:27.000Z' })
  issuedAt!: string;

  @ApiPropertyOptional({
    description:
      'the holder, as HMAC-SHA-256 under a secret salt derived from tongban’s `data` key, hex: the same holder has the same value in this log (until that key is rotated), ' +
      'but nobody without the key can tell who it is or find them in another log. Absent for tongban’s own certificates.',
    example: HOLDER_EXAMPLE,
  })
  holder?: string;

  @ApiProperty({ description: 'the leaf hash, base64 (recompute it: do not trust it)', example: HASH_EXAMPLES[0] })
  leafHash!: string;
}

@ApiSchema({ name: 'IssuanceEntries', description: 'Entries of the public issuance log, in leaf order' })
class IssuanceEntriesDto {
  @ApiProperty({ description: 'entries [start, end), fewer when end is past the log’s end', type: [IssuanceEntryDto] })
  entries!: IssuanceEntryDto[];
}

const ENTRY_EXAMPLE: IssuanceEntryDto = {
  index: 7,
  loggedAt: '2026-12-07T14:38:28.012Z',
  kind: 'licence',
  id: '11350100MB0D34579401000012301',
  issuer: 'demo-licence-authority',
  issuerCode: '11350100MB0D345794',
  type: 'food-business-permit',
  issuedAt: '2026-12-07T14:38:27.000Z',
  holder: HOLDER_EXAMPLE,
  leafHash: HASH_EXAMPLES[0],
};

/**
 * The public issuance log's endpoints (issue 14 §3): its entries, which anyone may read (they hold
 * no personal data), its latest signed head, and inclusion and consistency proofs, in the shapes
 * of the audit log's (GET /api/v1/transparency/…). Heads are signed with the same `audit` keys
 * (GET /api/v1/transparency/keys).
 */
@ApiTags('transparency')
@Controller('api/v1/transparency/issuance')
export class IssuanceLogController {
  constructor(private readonly log: IssuanceLog) {}

  @Get('entries')
  @Header('cache-control', 'no-cache')
  @ApiOperation({
    operationId: 'getIssuanceEntries',
    summary: 'Entries of the public issuance log: every certificate, licence and seal tongban issued',
    description:
      `Public. Entries [start, end) in leaf order, at most ${MAX_ENTRIES_PER_CALL} a call; those past the log’s end are left out (take end from a signed head’s treeSize). ` +
      '`invalid_range` when start ≥ end, when more than 1,000 are asked for, or when start is past the log’s end. ' +
      'Recompute each leaf hash from the entry and check it against a signed head (its root, or an inclusion proof).',
  })
  @ApiOkResponse({ description: 'the entries', type: IssuanceEntriesDto, example: { entries: [ENTRY_EXAMPLE] } })
  @ApiErrors({
    400: [
      ...PARAM_ERRORS[400].slice(0, 2),
      { error: 'invalid_range', message: `at most ${MAX_ENTRIES_PER_CALL} entries a call (asked for 5000)` },
    ],
  })
  async entries(@Query() query: EntriesQuery): Promise<IssuanceEntriesDto> {
    const entries = await ranged(() => this.log.entries(query.start, query.end));
    return { entries: entries.map((entry) => ({ ...entry, leafHash: entry.leafHash.toString('base64') })) };
  }

  @Get('tree-head')
  @Header('cache-control', 'no-cache')
  @ApiOperation({
    operationId: 'getIssuanceTreeHead',
    summary: 'The latest signed tree head of the public issuance log',
    description:
      'Public. Size, RFC 9162 Merkle root and time of the issuance log (`log`: `issuance`), signed with tongban’s `audit` key (ES256, GET /api/v1/transparency/keys). ' +
      'A replica signs a new head at most every 10 s while items are issued.',
  })
  @ApiOkResponse({ description: 'the head', type: TreeHeadDto, example: { ...HEAD_EXAMPLE, log: ISSUANCE_LOG, rootHash: ROOT_EXAMPLE } })
  @ApiErrors({ 404: [{ error: 'no_tree_head', message: 'no tree head has been signed yet: the issuance log is empty' }] })
  async treeHead(): Promise<TreeHeadDto> {
    const head = await this.log.proofs.latestHead();
    if (!head) throw new ApiError(404, 'no_tree_head', 'no tree head has been signed yet: the issuance log is empty');
    return treeHeadJson(head);
  }

  @Get('proofs/inclusion')
  @ApiOperation({
    operationId: 'getIssuanceInclusionProof',
    summary: 'Proof that an issued item is in the issuance log’s tree of a given size',
    description:
      'Public. RFC 9162 §2.1.3: the audit path of leaf `index` (the `transparency.index` of an issuance answer or a verification report) in the tree of `treeSize` entries, with the leaf hash. ' +
      '`invalid_range` when index ≥ treeSize or treeSize is larger than the log.',
  })
  @ApiOkResponse({
    description: 'the proof',
    type: InclusionProofDto,
    example: { index: 7, treeSize: 120, leafHash: HASH_EXAMPLES[0], proof: HASH_EXAMPLES } satisfies InclusionProofDto,
  })
  @ApiErrors(PARAM_ERRORS)
  async inclusion(@Query() query: InclusionQuery): Promise<InclusionProofDto> {
    const { leafHash, proof } = await ranged(() => this.log.proofs.inclusion(query.index, query.treeSize));
    return {
      index: query.index,
      treeSize: query.treeSize,
      leafHash: leafHash.toString('base64'),
      proof: proof.map((h) => h.toString('base64')),
    };
  }

  @Get('proofs/consistency')
  @ApiOperation({
    operationId: 'getIssuanceConsistencyProof',
    summary: 'Proof that a larger issuance tree extends a smaller one',
    description:
      'Public. RFC 9162 §2.1.4: the consistency proof from the tree of `first` entries to the tree of `second`: nothing issued was removed or changed in between. ' +
      '`invalid_range` when first > second or second is larger than the log.',
  })
  @ApiOkResponse({
    description: 'the proof',
    type: ConsistencyProofDto,
    example: { first: 100, second: 120, proof: HASH_EXAMPLES } satisfies ConsistencyProofDto,
  })
  @ApiErrors(PARAM_ERRORS)
  async consistency(@Query() query: ConsistencyQuery): Promise<ConsistencyProofDto> {
    const proof = await ranged(() => this.log.proofs.consistency(query.first, query.second));
    return { first: query.first, second: query.second, proof: proof.map((h) => h.toString('base64')) };
  }
}
