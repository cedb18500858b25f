import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { maskCitizenIdsInText } from '../identifiers/citizen-id.js';
import type { RowProblem } from './registry-rows.js';

export type ImportFormat = 'csv' | 'jsonl';

/** One record of an import file: its fields, or why it could not even be read. */
export interface SourceRecord {
  line: number;
  fields?: Record<string, unknown>;
  problem?: RowProblem;
}

/** The file as a whole cannot be imported (e.g. the CSV header lacks a required column). */
export class ImportFormatError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ImportFormatError';
  }
}

export function formatFromFileName(path: string): ImportFormat | undefined {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl';
  return undefined;
}

export interface ReadOptions {
  requiredColumns: readonly string[];
  knownColumns: readonly string[];
  /** Called once with the CSV header's columns that tongban does not know (ignored). */
  onUnknownColumns?(columns: string[]): void;
}

/** Rows to import: streamed from a file (async) or at hand (demo data, an HTTP body). */
export type SourceRecords = AsyncIterable<SourceRecord> | Iterable<SourceRecord>;

/** Streams the records of a CSV (header row) or JSON-lines file; memory stays flat whatever the size. */
export function readRecords(input: Readable, format: ImportFormat, options: ReadOptions): AsyncIterable<SourceRecord> {
  return format === 'csv' ? readCsv(input, options) : readJsonLines(input);
}

async function* readCsv(input: Readable, options: ReadOptions): AsyncIterable<SourceRecord> {
  const skipped: SourceRecord[] = [];
  let headerError: ImportFormatError | undefined;
  const parser = parse({
    bom: true,
    info: true,
    trim: false,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    columns: (header: string[]) => {
      const columns = header.map((column) => column.trim());
      const missing = options.requiredColumns.filter((column) => !columns.includes(column));
      if (missing.length) {
        headerError = new ImportFormatError('MISSING_COLUMNS', `the CSV header lacks column(s) ${missing.join(', ')}`, 1);
        throw headerError;
      }
      const unknown = columns.filter((column) => !options.knownColumns.includes(column));
      if (unknown.length) options.onUnknownColumns?.(unknown);
      return columns;
    },
  });
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push({ line: err.lines ?? 0, problem: { field: '', code: 'CSV_SYNTAX', message: err.message } });
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number; invalid_field_length: number };
    }>) {
      // The parser reports skipped records as soon as it sees them, ahead of records still
      // buffered in the stream: hand them out in line order.
      while (skipped.length && skipped[0].line < record.info.lines) yield skipped.shift()!;
      if (record.info.invalid_field_length > 0) {
        yield {
          line: record.info.lines,
          problem: { field: '', code: 'COLUMN_COUNT', message: 'the row does not have as many fields as the header' },
        };
        continue;
      }
      yield { line: record.info.lines, fields: record.record };
    }
  } catch (err) {
    if (headerError) throw headerError;
    const e = err as Error & { code?: string; lines?: number };
    throw new ImportFormatError('CSV_SYNTAX', `the CSV cannot be read: ${e.message}`, e.lines);
  }
  while (skipped.length) yield skipped.shift()!;
}

async function* readJsonLines(input: Readable): AsyncIterable<SourceRecord> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const trimmed = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
    if (!trimmed) continue;
    if (line === 1 && trimmed.startsWith('[')) {
      throw new ImportFormatError('JSON_ARRAY', 'a JSON array is not streamable: give one JSON object per line (JSON lines)', 1);
    }
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      // Node quotes the offending text in the message: mask any ID number in it.
      yield { line, problem: { field: '', code: 'JSON_SYNTAX', message: maskCitizenIdsInText((err as Error).message) } };
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, problem: { field: '', code: 'JSON_SYNTAX', message: 'each line must be a JSON object' } };
      continue;
    }
    yield { line, fields: value as Record<string, unknown> };
  }
}
