import { checkCitizenId } from '../identifiers/citizen-id.js';
import { checkUscc } from '../identifiers/uscc.js';

export const CITIZEN_STATUSES = ['active', 'deceased'] as const;
export type CitizenStatus = (typeof CITIZEN_STATUSES)[number];
export const ENTERPRISE_STATUSES = ['active', 'suspended', 'cancelled', 'revoked'] as const;
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

export const CITIZEN_COLUMNS = { required: ['id_number', 'name'], optional: ['status'] } as const;
export const ENTERPRISE_COLUMNS = {
  required: ['uscc', 'name', 'type', 'legal_representative_id_number', 'address', 'established'],
  optional: ['status'],
} as const;

export interface CitizenRow {
  idNumber: string;
  name: string;
  status: CitizenStatus;
  sex: 'male' | 'female';
  birthDate: string;
}

export interface EnterpriseRow {
  uscc: string;
  name: string;
  type: string;
  legalRepresentativeIdNumber: string;
  address: string;
  established: string;
  status: EnterpriseStatus;
}

/** A problem with one field of one row; the message never repeats a citizen ID number. */
export interface RowProblem {
  field: string;
  code: string;
  message: string;
}

export type RowCheck<T> = { row: T; problems?: undefined } | { row?: undefined; problems: RowProblem[] };

type Fields = Record<string, unknown>;

export function checkCitizenRow(fields: Fields, today = new Date()): RowCheck<CitizenRow> {
  const problems: RowProblem[] = [];
  const id = citizenIdField(fields, 'id_number', problems, today);
  const name = textField(fields, 'name', 100, problems);
  const status = enumField(fields, 'status', CITIZEN_STATUSES, 'active', problems);
  if (problems.length || !id) return { problems };
  return { row: { idNumber: id.canonical, name: name!, status: status!, sex: id.sex, birthDate: id.birthDate } };
}

export function checkEnterpriseRow(fields: Fields, today = new Date()): RowCheck<EnterpriseRow> {
  const problems: RowProblem[] = [];
  const uscc = usccField(fields, 'uscc', problems);
  const name = textField(fields, 'name', 200, problems);
  const type = textField(fields, 'type', 100, problems);
  const rep = citizenIdField(fields, 'legal_representative_id_number', problems, today);
  const address = textField(fields, 'address', 500, problems);
  const established = dateField(fields, 'established', problems, today);
  const status = enumField(fields, 'status', ENTERPRISE_STATUSES, 'active', problems);
  if (problems.length) return { problems };
  return {
    row: {
      uscc: uscc!,
      name: name!,
      type: type!,
      legalRepresentativeIdNumber: rep!.canonical,
      address: address!,
      established: established!,
      status: status!,
    },
  };
}

function present(fields: Fields, field: string, problems: RowProblem[]): string | undefined {
  const value = fields[field];
  if (value === undefined || value === null || value === '') {
    problems.push({ field, code: 'REQUIRED', message: `${field} is required` });
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push({ field, code: 'TYPE', message: `${field} must be a string` });
    return undefined;
  }
  return value;
}

// Control characters (other than none at all) have no place in a name or an address.
const CONTROL = /[\u0000-\u001f\u007f]/;

function textField(fields: Fields, field: string, max: number, problems: RowProblem[]): string | undefined {
  const raw = present(fields, field, problems);
  if (raw === undefined) return undefined;
  const value = raw.trim().normalize('NFC');
  if (!value) problems.push({ field, code: 'REQUIRED', message: `${field} is required` });
  else if ([...value].length > max) problems.push({ field, code: 'TOO_LONG', message: `${field} is longer than ${max} characters` });
  else if (CONTROL.test(value)) problems.push({ field, code: 'CHARSET', message: `${field} contains control characters` });
  else return value;
  return undefined;
}

function enumField<T extends string>(
  fields: Fields,
  field: string,
  allowed: readonly T[],
  fallback: T,
  problems: RowProblem[],
): T | undefined {
  const value = fields[field];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value.trim())) return value.trim() as T;
  problems.push({ field, code: 'INVALID_VALUE', message: `${field} must be one of ${allowed.join(', ')}` });
  return undefined;
}

function citizenIdField(fields: Fields, field: string, problems: RowProblem[], today: Date) {
  const raw = present(fields, field, problems);
  if (raw === undefined) return undefined;
  const result = checkCitizenId(raw.trim(), { today });
  if (!result.valid || !result.canonical || !result.parsed) {
    for (const error of result.errors ?? []) problems.push({ field, code: error.code, message: error.message });
    return undefined;
  }
  return { canonical: result.canonical, sex: result.parsed.sex, birthDate: result.parsed.birthDate };
}

function usccField(fields: Fields, field: string, problems: RowProblem[]): string | undefined {
  const raw = present(fields, field, problems);
  if (raw === undefined) return undefined;
  const result = checkUscc(raw.trim());
  if (!result.valid || !result.canonical) {
    for (const error of result.errors ?? []) problems.push({ field, code: error.code, message: error.message });
    return undefined;
  }
  return result.canonical;
}

function dateField(fields: Fields, field: string, problems: RowProblem[], today: Date): string | undefined {
  const raw = present(fields, field, problems);
  if (raw === undefined) return undefined;
  const value = raw.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(+match[1], +match[2] - 1, +match[3])) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value) {
    problems.push({ field, code: 'DATE', message: `${field} must be a calendar date as YYYY-MM-DD` });
    return undefined;
  }
  if (value > today.toISOString().slice(0, 10)) {
    problems.push({ field, code: 'DATE', message: `${field} is in the future` });
    return undefined;
  }
  return value;
}
