/**
 * The seal types tongban makes (SES_ESPropertyInfo.type). The reference ASN.1 names 1 the
 * organisation's seal and 2 the personal one and leaves the rest to the business; the seals of
 * other systems in the fixtures use 3 for invoice seals (two tax bureaus) and 4 for a contract
 * seal (a vendor's). tongban makes seals for enterprises only, so: 1, 3 and 4.
 */
export const SEAL_TYPES = {
  1: { name: '公章', english: "the enterprise's official seal", shape: 'round', purpose: null, widthMm: 42, heightMm: 42 },
  3: { name: '发票专用章', english: 'invoice seal', shape: 'oval', purpose: '发票专用章', widthMm: 40, heightMm: 30 },
  4: { name: '合同专用章', english: 'contract seal', shape: 'round', purpose: '合同专用章', widthMm: 42, heightMm: 42 },
} as const;

export type SealType = keyof typeof SEAL_TYPES;
export const SEAL_TYPE_CODES = Object.keys(SEAL_TYPES).map(Number) as SealType[];

export function isSealType(value: unknown): value is SealType {
  return typeof value === 'number' && (SEAL_TYPE_CODES as number[]).includes(value);
}
