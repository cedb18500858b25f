import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { CITIZEN_STATUSES, ENTERPRISE_STATUSES, type CitizenStatus, type EnterpriseStatus, type RowProblem } from './registry-rows.js';
import type { ImportSummary, RowOutcome } from './registry-import.js';

/**
 * The register import over HTTP, for the OpenAPI document. The rows are not DTOs the validation
 * pipe checks: each row is checked by registry-rows.ts like a line of the CLI import, and a row
 * that breaks a rule is rejected on its own (its result says why) while the others are imported.
 */

const ROW_RULES = 'A row that breaks a rule is rejected (its result lists the problems); the other rows are still imported.';

@ApiSchema({ name: 'CitizenRow', description: `A population-register row. ${ROW_RULES}` })
export class CitizenRowDto {
  @ApiProperty({
    description: 'citizen identity number, 18 digits (a legacy 15-digit one is converted); stored encrypted',
    example: '11010519491231002X',
  })
  id_number!: string;

  @ApiProperty({
    description: 'the name as registered (trimmed, at most 100 characters, no control characters)',
    maxLength: 100,
    example: '张三',
  })
  name!: string;

  @ApiPropertyOptional({
    description: 'register status; `active` when absent',
    enum: CITIZEN_STATUSES,
    default: 'active',
    example: 'active',
  })
  status?: CitizenStatus;
}

@ApiSchema({ name: 'EnterpriseRow', description: `An enterprise-register row. ${ROW_RULES}` })
export class EnterpriseRowDto {
  @ApiProperty({ description: 'unified social credit code', example: '91350100M000100Y43' })
  uscc!: string;

  @ApiProperty({ description: 'registered name (at most 200 characters)', maxLength: 200, example: '福州示范科技有限公司' })
  name!: string;

  @ApiProperty({ description: 'enterprise type as registered (at most 100 characters)', maxLength: 100, example: '有限责任公司' })
  type!: string;

  @ApiProperty({
    description: "the legal representative's citizen identity number; stored encrypted, shown masked",
    example: '11010519491231002X',
  })
  legal_representative_id_number!: string;

  @ApiProperty({ description: 'registered address (at most 500 characters)', maxLength: 500, example: '福建省福州市鼓楼区示范路1号' })
  address!: string;

  @ApiProperty({ description: 'date of establishment, YYYY-MM-DD, not in the future', format: 'date', example: '2015-06-18' })
  established!: string;

  @ApiPropertyOptional({
    description: 'register status; `active` when absent (a change revokes or holds its licences)',
    enum: ENTERPRISE_STATUSES,
    default: 'active',
    example: 'active',
  })
  status?: EnterpriseStatus;
}

@ApiSchema({ name: 'ImportSummary' })
export class ImportSummaryDto implements ImportSummary {
  @ApiProperty({ description: 'which register', enum: ['citizens', 'enterprises'], example: 'citizens' })
  kind!: 'citizens' | 'enterprises';

  @ApiProperty({ description: 'rows read', type: 'integer', example: 3 })
  read!: number;

  @ApiProperty({ description: 'rows new to the register', type: 'integer', example: 1 })
  inserted!: number;

  @ApiProperty({ description: 'rows that changed a record', type: 'integer', example: 1 })
  updated!: number;

  @ApiProperty({ description: 'rows identical to the record (left alone)', type: 'integer', example: 0 })
  unchanged!: number;

  @ApiProperty({ description: 'rows refused', type: 'integer', example: 1 })
  rejected!: number;

  @ApiProperty({ description: 'time the import took, in milliseconds', example: 42.5 })
  durationMs!: number;
}

@ApiSchema({ name: 'RowProblem' })
export class RowProblemDto implements RowProblem {
  @ApiProperty({ description: 'the column (empty when the row itself is not an object)', example: 'id_number' })
  field!: string;

  @ApiProperty({
    description:
      'stable code: REQUIRED, TYPE, TOO_LONG, CHARSET, INVALID_VALUE, DATE, or an identifier check code (LENGTH, PROVINCE, BIRTH_DATE, CHECKSUM, REGION, …)',
    example: 'CHECKSUM',
  })
  code!: string;

  @ApiProperty({ description: 'what is wrong (never repeats an ID number)', example: 'check character should be X, got 1' })
  message!: string;
}

@ApiSchema({ name: 'RowResult' })
export class RowResultDto {
  @ApiProperty({ description: "the row's 0-based position in the request", type: 'integer', example: 2 })
  index!: number;

  @ApiProperty({
    description: 'what happened to the row',
    enum: ['inserted', 'updated', 'unchanged', 'rejected'] satisfies Array<RowOutcome | 'rejected'>,
    example: 'rejected',
  })
  status!: RowOutcome | 'rejected';

  @ApiPropertyOptional({ description: 'why a rejected row was refused', type: [RowProblemDto] })
  problems?: RowProblemDto[];
}

@ApiSchema({ name: 'ImportResult' })
export class ImportResultDto {
  @ApiProperty({ description: 'counts for the whole request', type: ImportSummaryDto })
  summary!: ImportSummaryDto;

  @ApiProperty({ description: 'one result per row, in request order', type: [RowResultDto] })
  results!: RowResultDto[];
}
