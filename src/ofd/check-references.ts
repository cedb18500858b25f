import { decodeBase64, digest, digestAlgorithmOf, type DigestAlgorithm } from './digest.js';
import type { OfdFile, OfdSignature, OfdSignatureEntry } from './model.js';

/**
 * - intact: the file's digest is the CheckValue
 * - changed: it is not
 * - missing: no such file in the package
 * - malformed: the CheckValue is not base64 of a digest of the right length
 * - unchecked: the CheckMethod is not one tongban accepts (SM3, SHA-256), so nothing was compared
 */
export type ReferenceStatus = 'intact' | 'changed' | 'missing' | 'malformed' | 'unchecked';

export interface ReferenceResult {
  readonly fileRef: string;
  readonly path: string;
  readonly status: ReferenceStatus;
  /** The file's digest (base64), when the file exists and the method is accepted. */
  readonly actual: string | undefined;
}

export interface ReferenceCheck {
  /** The CheckMethod's algorithm; undefined when it is not accepted (then intact is false). */
  readonly algorithm: DigestAlgorithm | undefined;
  readonly references: readonly ReferenceResult[];
  /**
   * Every reference intact; or the only ones not intact are the document's Signatures.xml,
   * changed because signatures were listed after this one (see signaturesListChangedBy).
   */
  readonly intact: boolean;
  /**
   * The IDs of the signatures listed after this one, when its only changed reference is
   * Signatures.xml: appending them changed it, as an incremental update does a PDF. Empty when
   * that rule was not needed (or did not apply).
   */
  readonly signaturesListChangedBy: readonly string[];
  /**
   * Files of the package this signature does not reference, besides Signatures.xml, its own
   * Signature.xml and SignedValue.dat, and the files of signatures listed after it. GB/T 33190
   * lets the signer choose what to protect; whether a page or resource left out matters is the
   * verifier's call (every fixture covers everything).
   */
  readonly uncovered: readonly string[];
}

/** Checks every reference of a signature against the files of the package it was read from. */
export function checkReferences(ofd: OfdFile, signature: OfdSignature): ReferenceCheck {
  const algorithm = digestAlgorithmOf(signature.checkMethod);
  const references = signature.references.map((reference): ReferenceResult => {
    const { fileRef, path } = reference;
    const file = ofd.files.get(path);
    if (algorithm === undefined) return { fileRef, path, status: 'unchecked', actual: undefined };
    if (file === undefined) return { fileRef, path, status: 'missing', actual: undefined };
    const actual = digest(algorithm, file);
    const expected = decodeBase64(reference.checkValue);
    const status =
      expected === undefined || expected.length !== actual.length ? 'malformed' : expected.equals(actual) ? 'intact' : 'changed';
    return { fileRef, path, status, actual: actual.toString('base64') };
  });

  const document = ofd.documents[signature.document];
  const listPath = document?.signaturesPath;
  const later = (document?.signatures ?? []).filter((entry) => entry.position > signature.position);
  const uncovered = uncoveredFiles(ofd, signature, listPath, later);

  const notIntact = references.filter((result) => result.status !== 'intact');
  if (algorithm === undefined || notIntact.length === 0)
    return { algorithm, references, intact: algorithm !== undefined, signaturesListChangedBy: [], uncovered };
  const onlyListChanged = listPath !== undefined && notIntact.every((result) => result.status === 'changed' && result.path === listPath);
  if (!onlyListChanged || later.length === 0) return { algorithm, references, intact: false, signaturesListChangedBy: [], uncovered };
  const signaturesListChangedBy = later.map((entry) => entry.id ?? `#${entry.position + 1}`);
  return { algorithm, references, intact: true, signaturesListChangedBy, uncovered };
}

function uncoveredFiles(
  ofd: OfdFile,
  signature: OfdSignature,
  listPath: string | undefined,
  later: readonly OfdSignatureEntry[],
): string[] {
  const accounted = new Set([...signature.references.map((reference) => reference.path), signature.path, signature.signedValuePath]);
  if (listPath !== undefined) accounted.add(listPath);
  for (const entry of later) {
    if (entry.path !== undefined) accounted.add(entry.path);
    if (entry.kind === 'signature') for (const path of [entry.signedValuePath, entry.sealPath]) if (path !== undefined) accounted.add(path);
  }
  return [...ofd.files.keys()].filter((path) => !accounted.has(path));
}
