import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/access-token.guard.js';
import { ApiError } from '../common/api-error.js';
import type { SourceRecord } from './record-reader.js';
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
@ApiTags('registry')
@RequireScopes('registry:write')
@Controller('api/v1/registry')
export class RegistryController {
  constructor(private readonly registry: RegistryService) {}

  @Post('citizens')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upsert citizens: [{ id_number, name, status? }] (at most 10,000 per request)' })
  @ApiBody({ schema: { type: 'array', items: { type: 'object', example: { id_number: '11010519491231002X', name: '张三', status: 'active' } } } })
  citizens(@Body() body: unknown) {
    return this.run(body, (records, options) => this.registry.importCitizens(records, options));
  }

  @Post('enterprises')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upsert enterprises: [{ uscc, name, type, legal_representative_id_number, address, established, status? }]' })
  @ApiBody({ schema: { type: 'array', items: { type: 'object' } } })
  enterprises(@Body() body: unknown) {
    return this.run(body, (records, options) => this.registry.importEnterprises(records, options));
  }

  private async run(
    body: unknown,
    importer: (records: AsyncIterable<SourceRecord>, options: ImportOptions) => Promise<ImportSummary>,
  ): Promise<{ summary: ImportSummary; results: RowResult[] }> {
    if (!Array.isArray(body) || body.length > MAX_ROWS_PER_REQUEST) {
      throw new ApiError(400, 'validation_failed', `the body must be a JSON array of at most ${MAX_ROWS_PER_REQUEST} row objects`);
    }
    const rows: unknown[] = body;
    const results: RowResult[] = new Array(rows.length);
    // Lines are 1-based positions in the array; results are reported by 0-based index.
    async function* records(): AsyncIterable<SourceRecord> {
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
