import { createHash } from 'node:crypto';

export type DigestAlgorithm = 'sm3' | 'sha256';

/** The CheckMethod tongban writes for each algorithm (the OIDs, as the tax bureaus' vendors write them). */
export const CHECK_METHOD: Readonly<Record<DigestAlgorithm, string>> = Object.freeze({
  sm3: '1.2.156.10197.1.401',
  sha256: '2.16.840.1.101.3.4.2.1',
});

/** CheckMethod values as producers write them (ofdrw: `SM3`; tax invoices: the OID), compared ignoring case. */
const NAMES: ReadonlyMap<string, DigestAlgorithm> = new Map([
  ['sm3', 'sm3'],
  ['1.2.156.10197.1.401', 'sm3'],
  ['sha-256', 'sha256'],
  ['sha256', 'sha256'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['http://www.w3.org/2001/04/xmlenc#sha256', 'sha256'],
]);

/**
 * The algorithm a References CheckMethod names, or undefined for one tongban does not accept.
 * Absent means GB/T 33190's default, MD5, which is not accepted either.
 */
export function digestAlgorithmOf(checkMethod: string | undefined): DigestAlgorithm | undefined {
  return checkMethod === undefined ? undefined : NAMES.get(checkMethod.trim().toLowerCase());
}

export function digest(algorithm: DigestAlgorithm, data: Uint8Array): Buffer {
  return createHash(algorithm).update(data).digest();
}

/** Strict base64 (white space between characters allowed, as in wrapped XML text); undefined when it is not. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const decoded = Buffer.from(compact, 'base64');
  return decoded.toString('base64') === compact ? decoded : undefined;
}
