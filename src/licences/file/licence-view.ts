import type { ClaimDisplay, HolderKind, LicenceTypeDefinition, LocalisedText } from '../types/licence-type.js';

/** A licence's state: valid, suspended (may be reinstated), revoked (final) or expired (past its validity). */
export type LicenceStatus = 'valid' | 'suspended' | 'revoked' | 'expired';
export const LICENCE_STATUSES: readonly LicenceStatus[] = ['valid', 'suspended', 'revoked', 'expired'];

/** One claim as the licence file shows it: its labels and its value as text. */
export interface LicenceClaimRow {
  /** The claim's path in the credential (as in the type's claim display). */
  readonly path: ReadonlyArray<string | null>;
  readonly label: LocalisedText;
  /** The value as printed: text as it is, lists joined with 、, dates as 2026年3月4日 (licenceClaimRows). */
  readonly value: string;
}

/**
 * What a licence file (GB/T 36905) shows, for renderLicenceOfd and renderLicencePdf. The issuance
 * service builds it from the licence's row, its type (LicenceTypesService) and the issuing
 * authority (ClientStore); `licenceClaimRows` turns the claims into rows in the type's order.
 *
 * The holder's identifier is printed in full, a citizen's ID number too: the file is the holder's
 * own document (they download it; it is what they hand to a clerk), as a paper residence permit
 * prints the number, and GB/T 36905 licence files carry it. Only the public check page (/v/{id})
 * masks: it shows a citizen's name as 张*三 and never the number.
 */
export interface LicenceView {
  /** The licence identifier (GB/T 36904), printed as the licence number. */
  readonly id: string;
  readonly type: { readonly id: string; readonly name: LocalisedText };
  readonly holder: {
    readonly kind: HolderKind;
    /** A citizen's full name, or the enterprise's registered name. */
    readonly name: string;
    /** A citizen's ID number or the enterprise's USCC, in full. */
    readonly identifier: string;
  };
  /** The claims in the type's order, with their labels (licenceClaimRows). */
  readonly claims: readonly LicenceClaimRow[];
  /** The issuing authority: its name (Chinese; English optional) and issuer code (its USCC). */
  readonly issuer: { readonly name: string; readonly nameEn?: string; readonly code: string };
  readonly issuedAt: Date;
  readonly validFrom: Date;
  /** Undefined or null: no end (长期). */
  readonly validUntil?: Date | null;
  /** At rendering time; a file of a licence that is not valid says so across its top. */
  readonly status: LicenceStatus;
  /** The public check page the QR code opens: PUBLIC_URL/v/{id} (licenceCheckUrl). */
  readonly checkUrl: string;
}

/** Enumerated values the built-in types use in English, and what a Chinese licence prints. */
const VALUE_WORDS: Readonly<Record<string, LocalisedText>> = {
  male: { zh: '男', en: 'Male' },
  female: { zh: '女', en: 'Female' },
};

/**
 * The claims of a licence as rows of its file, in the order of the type's claim display (the
 * order the type defines its labels in); claims the licence does not have are left out, and so are
 * claims no label names (a valid licence has none). Values as text: strings as they are, numbers
 * in figures, true/false as 是/否, lists joined with 、, a `format: date` claim as 2026年3月4日, and
 * the built-in types' English enumerations (male, female) in Chinese.
 */
export function licenceClaimRows(
  type: Pick<LicenceTypeDefinition, 'claimDisplay' | 'claimsSchema'>,
  claims: Readonly<Record<string, unknown>>,
): LicenceClaimRow[] {
  const rows: LicenceClaimRow[] = [];
  for (const display of type.claimDisplay) {
    const value = valueAt(claims, display.path);
    if (value === undefined || value === null) continue;
    const schema = schemaAt(type.claimsSchema, display.path);
    const text = claimText(value, schema);
    if (text !== '') rows.push({ path: display.path, label: display.label, value: text });
  }
  return rows;
}

function valueAt(claims: Readonly<Record<string, unknown>>, path: ClaimDisplay['path']): unknown {
  let value: unknown = claims;
  for (const segment of path) {
    if (segment === null) return Array.isArray(value) ? value : undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function schemaAt(schema: Record<string, unknown>, path: ClaimDisplay['path']): Record<string, unknown> | undefined {
  let current: unknown = schema;
  for (const segment of path) {
    if (!current || typeof current !== 'object') return undefined;
    const node = current as Record<string, unknown>;
    current = segment === null ? node.items : (node.properties as Record<string, unknown> | undefined)?.[segment];
  }
  return current && typeof current === 'object' ? (current as Record<string, unknown>) : undefined;
}

function claimText(value: unknown, schema: Record<string, unknown> | undefined): string {
  if (Array.isArray(value)) {
    const items = schema?.items && typeof schema.items === 'object' ? (schema.items as Record<string, unknown>) : undefined;
    return value
      .map((item) => claimText(item, items))
      .filter((text) => text !== '')
      .join('、');
  }
  if (typeof value === 'string') {
    if (schema?.format === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const [y, m, d] = value.split('-').map(Number);
      return `${y}年${m}月${d}日`;
    }
    if (Array.isArray(schema?.enum) && Object.hasOwn(VALUE_WORDS, value)) return VALUE_WORDS[value].zh;
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value && typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key}：${claimText(inner, undefined)}`)
      .join('；');
  return '';
}

/** The page the QR code of a licence file opens: PUBLIC_URL/v/{licence id}. */
export function licenceCheckUrl(publicUrl: string, id: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v/${encodeURIComponent(id)}`;
}

/** A date as a Chinese document prints it, in China's time zone: 2026年3月4日. */
export function chineseDate(at: Date): string {
  const china = new Date(at.getTime() + 8 * 3600_000);
  return `${china.getUTCFullYear()}年${china.getUTCMonth() + 1}月${china.getUTCDate()}日`;
}
