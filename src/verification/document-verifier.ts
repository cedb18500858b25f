import { SIGNATURE_ALGORITHM_NAMES } from '../crypto/signature-algorithms.js';
import { children, readOid, readRoot, TAG } from '../pki/der.js';
import { checkReferences, OfdFormatError, readOfd, type OfdFile, type OfdSignature, type ReferenceCheck } from '../ofd/index.js';
import { failed, indeterminate, passed, verdictOf, type Finding } from './findings.js';
import { ReportBuilder, SubIndication, type CheckName, type ReferenceSummary, type ValidationReport } from './report.js';
import type { SealVerifier } from './seal-verifier.js';

/** The answer for a document: one report per signature it holds, in the order its Signatures.xml lists them. */
export interface DocumentVerification {
  signatures: ValidationReport[];
}

const DIGEST_NAME = { sm3: 'SM3', sha256: 'SHA-256' } as const;
/** At most this many package paths are named in a message (all are in the report's references section). */
const NAMED_PATHS = 8;
/** CMS SignedData: RFC 5652's and GB/T 35275's (the national algorithms' content types). */
const SIGNED_DATA = new Set(['1.2.840.113549.1.7.2', '1.2.156.10197.6.1.4.2.2']);

/**
 * Verifies every signature of an OFD document (GB/T 33190 §18): a package that cannot be read is
 * one FORMAT_FAILURE report (never an empty list, which means "unsigned"); a listed signature whose
 * files cannot be read is a FORMAT_FAILURE report of its own; a Seal is verified as a stamp (its
 * references and the hash of its Signature.xml, then everything SealVerifier checks); a Sign
 * (a GB/T 35275 digital signature, not an electronic seal) is reported for what it is.
 */
export async function verifyDocument(bytes: Buffer, seals: SealVerifier): Promise<DocumentVerification> {
  let ofd: OfdFile;
  try {
    ofd = readOfd(bytes);
  } catch (error) {
    if (!(error instanceof OfdFormatError)) throw error;
    return {
      signatures: [
        new ReportBuilder(new Date())
          .check('format', 'FAILED', `not a readable OFD document: ${error.message}`)
          .build({ indication: 'TOTAL_FAILED', subIndication: SubIndication.FORMAT_FAILURE }),
      ],
    };
  }
  const reports: ValidationReport[] = [];
  for (const entry of ofd.documents.flatMap((document) => document.signatures)) {
    // Each signature costs a few SM2 verifications: let other requests in between.
    if (reports.length) await new Promise((resolve) => setImmediate(resolve));
    if (entry.kind === 'unreadable') {
      const report = new ReportBuilder(new Date()).check('format', 'FAILED', `the signature cannot be read: ${entry.reason}`);
      reports.push(
        report
          .section('signature', {
            ...(entry.id !== undefined ? { id: entry.id } : {}),
            type: entry.type ?? 'Seal',
            ...(entry.path !== undefined ? { path: entry.path } : {}),
          })
          .build({ indication: 'TOTAL_FAILED', subIndication: SubIndication.FORMAT_FAILURE }),
      );
      continue;
    }
    const references = checkReferences(ofd, entry);
    const listed = { id: entry.id, path: entry.path, references: referenceSummary(references) };
    if (entry.type === 'Sign') reports.push(signReport(entry, references, listed));
    else
      reports.push(
        await seals.stamp(
          entry.signedValue,
          { kind: 'ofd', references: referencesFinding(entry, references), signatureXml: entry.signatureXml, sealFile: entry.seal },
          { ...listed, type: 'Seal' },
        ),
      );
  }
  return { signatures: reports };
}

/** The package half of `dataHash`: every reference's file against its CheckValue (checkReferences). */
function referencesFinding(signature: OfdSignature, check: ReferenceCheck): Finding {
  const total = check.references.length;
  if (check.algorithm === undefined)
    return indeterminate(
      SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
      `its references’ CheckMethod ${signature.checkMethod === undefined ? 'is absent (MD5 by GB/T 33190’s default)' : `“${signature.checkMethod.slice(0, 60)}”`} is not one tongban accepts (SM3, SHA-256)`,
    );
  const digest = DIGEST_NAME[check.algorithm];
  const intact = check.references.filter((reference) => reference.status === 'intact').length;
  const notes: string[] = [];
  if (check.signaturesListChangedBy.length)
    notes.push(
      `Signatures.xml changed only by the signature(s) added after this one (${check.signaturesListChangedBy.join(', ')}), as expected`,
    );
  if (check.uncovered.length) notes.push(`files it does not protect: ${named(check.uncovered)}`);
  const tail = notes.length ? `; ${notes.join('; ')}` : '';
  if (check.intact) return passed(`${intact} of ${total} references intact (${digest})${tail}`);
  const by = (status: string) => check.references.filter((reference) => reference.status === status).map((reference) => reference.path);
  const problems = [
    ['changed', by('changed')],
    ['missing', by('missing')],
    ['with a malformed CheckValue', by('malformed')],
  ]
    .filter(([, paths]) => paths.length)
    .map(([what, paths]) => `${what as string}: ${named(paths as string[])}`);
  return failed(SubIndication.HASH_FAILURE, `${intact} of ${total} references intact (${digest}); ${problems.join('; ')}${tail}`);
}

function referenceSummary(check: ReferenceCheck): ReferenceSummary {
  const summary: ReferenceSummary = {
    total: check.references.length,
    intact: check.references.filter((reference) => reference.status === 'intact').length,
  };
  const excused = check.intact && check.signaturesListChangedBy.length > 0;
  const failedPaths = check.references.filter((reference) => reference.status !== 'intact' && !excused).map((reference) => reference.path);
  if (failedPaths.length) summary.failed = failedPaths;
  if (check.signaturesListChangedBy.length) summary.signaturesListChangedBy = [...check.signaturesListChangedBy];
  if (check.uncovered.length) summary.uncovered = [...check.uncovered];
  return summary;
}

function named(paths: readonly string[]): string {
  return paths.length <= NAMED_PATHS
    ? paths.join(', ')
    : `${paths.slice(0, NAMED_PATHS).join(', ')} and ${paths.length - NAMED_PATHS} more`;
}

/**
 * A signature of Type Sign: a GB/T 35275 digital signature (PKCS#7/CMS with the national
 * algorithms), not an electronic seal — no seal, no maker, no certList. Its references are
 * checked; its signature value is not: tongban verifies electronic seals, and a bare signature
 * value (as ofdrw's DigitalSign.ofd holds) names no signer. So at best INDETERMINATE /
 * NO_SIGNING_CERTIFICATE_FOUND, never TOTAL_PASSED; changed references are HASH_FAILURE.
 */
function signReport(
  signature: OfdSignature,
  references: ReferenceCheck,
  listed: { id: string; path: string; references: ReferenceSummary },
) {
  const shape = signedValueShape(signature.signedValue);
  const about = 'a signature of Type Sign (GB/T 33190 §18: a digital signature after GB/T 35275), not an electronic seal';
  const findings: Array<[CheckName, Finding]> = [
    [
      'format',
      shape === 'other'
        ? failed(SubIndication.FORMAT_FAILURE, `${about}; its SignedValue.dat is neither a signature value nor a CMS SignedData`)
        : passed(
            `${about}; its SignedValue.dat is ${shape === 'bare' ? 'a bare signature value (SEQUENCE { r, s }) with no certificate' : 'a CMS SignedData'}`,
          ),
    ],
    ['dataHash', referencesFinding(signature, references)],
    [
      'signature',
      indeterminate(
        SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
        shape === 'bare'
          ? 'not checked: no certificate comes with it, so whose key made it cannot be told'
          : 'not checked: tongban verifies electronic seals (Type Seal); a GB/T 35275 SignedData’s signer is not identified',
      ),
    ],
  ];
  const report = new ReportBuilder(new Date());
  for (const [name, finding] of findings) report.check(name, finding.status, finding.message);
  const algorithm = signature.signatureMethod && (SIGNATURE_ALGORITHM_NAMES[signature.signatureMethod] ?? signature.signatureMethod);
  return report
    .section('signature', {
      id: listed.id,
      type: 'Sign',
      path: listed.path,
      ...(algorithm ? { algorithm } : {}),
      references: listed.references,
    })
    .build(verdictOf(findings.map(([, finding]) => finding)));
}

/** A DER SEQUENCE of two INTEGERs (an ECDSA/SM2 signature value), a CMS ContentInfo of SignedData, or something else. */
function signedValueShape(value: Buffer): 'bare' | 'cms' | 'other' {
  try {
    const root = readRoot(value);
    if (root.tag !== TAG.SEQUENCE) return 'other';
    const items = children(value, root);
    if (items.length === 2 && items.every((item) => item.tag === TAG.INTEGER)) return 'bare';
    if (items[0]?.tag === TAG.OID && SIGNED_DATA.has(readOid(value, items[0])) && items[1]?.tag === 0xa0) return 'cms';
  } catch {
    // not DER
  }
  return 'other';
}
