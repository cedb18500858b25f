import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { RequireScopes, accessTokenOf } from '../auth/access-token.guard.js';
import type { HttpRequest } from '../common/http.js';
import { requestIdOf } from '../site/not-found.js';
import { ApiError } from '../common/api-error.js';
import { ApiErrors } from '../common/openapi.js';
import { CitizenRowDto, EnterpriseRowDto, ImportResultDto } from './registry.dto.js';
import type { SourceRecord, SourceRecords } from './record-reader.js';
import type { ImportSummary, RowOutcome } from './registry-import.js';
import type { RowProblem } from './registry-rows.js';
import { RegistryService, type ImportOptions } from './registry.service.js';

export const MAX_ROWS_PER_REQUEST = 10_000;

interface RowResult {
  index: number;
  status: RowOutcome | 'rejected';
  problems?: RowProblem[];
}

/**
 * The register mirrors' import over HTTP, for the registers' own systems (scope registry:write):
 * a JSON array of rows in, one result per row out, with the same checks and idempotent upsert as
 * `tongban registry import`.
 */
const ABOUT =
  "Scope `registry:write` (client credentials of the register's own system). A JSON array of at most 10,000 rows (20 MB), each checked and upserted like a line of " +
  '`tongban registry import`: rows identical to the record are left alone, so sending the same rows twice changes nothing. ' +
  'The answer is 200 with one result per row, also when some rows are rejected.';

const IMPORT_ERRORS = {
  400: [
    { error: 'validation_failed', message: `the body must be a JSON array of at most ${MAX_ROWS_PER_REQUEST} row objects` },
    'malformed_json',
  ],
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
};

const CITIZEN_RESULT = {
  summary: { kind: 'citizens', read: 3, inserted: 1, updated: 1, unchanged: 0, rejected: 1, durationMs: 18.4 },
  results: [
    { index: 0, status: 'inserted' },
    { index: 1, status: 'updated' },
    { index: 2, status: 'rejected', problems: [{ field: 'id_number', code: 'CHECKSUM', message: 'check character should be X, got 1' }] },
  ],
};
const ENTERPRISE_RESULT = {
  summary: { kind: 'enterprises', read: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1, durationMs: 12.1 },
  results: [
    { index: 0, status: 'inserted' },
    {
      index: 1,
      status: 'rejected',
      problems: [{ field: 'established', code: 'DATE', message: 'established must be a calendar date as YYYY-MM-DD' }],
    },
  ],
};

/**
 * The register mirrors' import over HTTP, for the registers' own systems (scope registry:write):
 * a JSON array of rows in, one result per row out, with the same checks and idempotent upsert as
 * `tongban registry import`.
 */
@ApiTags('registry')
@RequireScopes('registry:write')
@ApiExtraModels(CitizenRowDto, EnterpriseRowDto)
@ApiErrors(IMPORT_ERRORS)
@Controller('api/v1/registry')
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @Post('citizens')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'importCitizens',
    summary: 'Upsert population-register rows (at most 10,000 per request)',
    description: ABOUT,
  })
  @ApiBody({
    description: 'the rows: `[{ id_number, name, status? }]`',
    schema: { type: 'array', maxItems: MAX_ROWS_PER_REQUEST, items: { $ref: getSchemaPath(CitizenRowDto) } },
    examples: {
      rows: {
        summary: 'three rows',
        value: [
          { id_number: '11010519491231002X', name: '张三', status: 'active' },
          { id_number: '110105194912310046', name: '李四' },
          { id_number: '110105194912310021', name: '王五' },
        ],
      },
    },
  })
  @ApiOkResponse({ description: 'the summary, and what happened to each row', type: ImportResultDto, example: CITIZEN_RESULT })
  citizens(@Body() body: unknown, @Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply) {
    return this.run(body, (records, options) => this.registry.importCitizens(records, { ...options, by: importedBy(req, res) }));
  }

  @Post('enterprises')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'importEnterprises',
    summary: 'Upsert enterprise-register rows (at most 10,000 per request)',
    description: ABOUT,
  })
  @ApiBody({
    description: 'the rows: `[{ uscc, name, type, legal_representative_id_number, address, established, status? }]`',
    schema: { type: 'array', maxItems: MAX_ROWS_PER_REQUEST, items: { $ref: getSchemaPath(EnterpriseRowDto) } },
    examples: {
      rows: {
        summary: 'two rows',
        value: [
          {
            uscc: '91350100M000100Y43',
            name: '福州示范科技有限公司',
            type: '有限责任公司',
            legal_representative_id_number: '11010519491231002X',
            address: '福建省福州市鼓楼区示范路1号',
            established: '2015-06-18',
            status: 'active',
          },
          {
            uscc: '91350100M000100Y43',
            name: '福州示范科技有限公司',
            type: '有限责任公司',
            legal_representative_id_number: '11010519491231002X',
            address: '福建省福州市鼓楼区示范路1号',
            established: '2015-06-31',
          },
        ],
      },
    },
  })
  @ApiOkResponse({ description: 'the summary, and what happened to each row', type: ImportResultDto, example: ENTERPRISE_RESULT })
  enterprises(@Body() body: unknown, @Req() req: HttpRequest, @Res({ passthrough: true }) res: FastifyReply) {
    return this.run(body, (records, options) => this.registry.importEnterprises(records, { ...options, by: importedBy(req, res) }));
  }

  private async run(
    body: unknown,
    importer: (records: SourceRecords, options: ImportOptions) => Promise<ImportSummary>,
  ): Promise<{ summary: ImportSummary; results: RowResult[] }> {
    if (!Array.isArray(body) || body.length > MAX_ROWS_PER_REQUEST) {
      throw new ApiError(400, 'validation_failed', `the body must be a JSON array of at most ${MAX_ROWS_PER_REQUEST} row objects`);
    }
    const rows: unknown[] = body;
    const results = new Array<RowResult>(rows.length);
    // Lines are 1-based positions in the array; results are reported by 0-based index.
    function* records(): Iterable<SourceRecord> {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        yield row && typeof row === 'object' && !Array.isArray(row)
          ? { line: i + 1, fields: row as Record<string, unknown> }
          : { line: i + 1, problem: { field: '', code: 'TYPE', message: 'each row must be a JSON object' } };
      }
    }
    const summary = await importer(records(), {
      onRow: ({ line, problems }) => (results[line - 1] = { index: line - 1, status: 'rejected', problems }),
      onAccepted: ({ line, outcome }) => (results[line - 1] = { index: line - 1, status: outcome }),
    });
    return { summary, results };
  }
}

/** The register's client that sent the rows, and the request (for the import's audit entry). */
function importedBy(req: HttpRequest, res: FastifyReply): ImportOptions['by'] {
  return { actor: { kind: 'client', id: accessTokenOf(req).clientId }, requestId: requestIdOf(res) };
}
