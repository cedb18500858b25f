import { Readable } from 'node:stream';
import { readRecords, type ImportFormat } from '../../src/registry/record-reader.js';
import { CITIZEN_COLUMNS, ENTERPRISE_COLUMNS } from '../../src/registry/registry-rows.js';

export function citizenRecords(text: string, format: ImportFormat = 'csv') {
  return readRecords(Readable.from([text]), format, {
    requiredColumns: CITIZEN_COLUMNS.required,
    knownColumns: [...CITIZEN_COLUMNS.required, ...CITIZEN_COLUMNS.optional],
  });
}

export function enterpriseRecords(text: string, format: ImportFormat = 'csv') {
  return readRecords(Readable.from([text]), format, {
    requiredColumns: ENTERPRISE_COLUMNS.required,
    knownColumns: [...ENTERPRISE_COLUMNS.required, ...ENTERPRISE_COLUMNS.optional],
  });
}
