import type { TrustAnchor } from './trust-anchors.js';
import type { CertificateParts } from './x509.js';

/** A path from a certificate not issued by tongban to an operator's trust anchor. */
export interface AnchorPath {
  readonly anchor: TrustAnchor;
  /** The certificates between the leaf and the anchor, the leaf's issuer first (none when the anchor issued the leaf). */
  readonly intermediates: readonly CertificateParts[];
  /** Whether the leaf is the anchor itself. */
  readonly leafIsAnchor: boolean;
  /** Every signature on the path verifies. When false, `forged` names the certificate whose signature does not. */
  readonly signatureOk: boolean;
  readonly forged?: CertificateParts;
  /** A constraint of RFC 5280 §6.1.4 the path breaks (an issuer that is not a CA, no keyCertSign, a path too long). */
  readonly constraint?: string;
}

/** Whether `subject`'s signature is `issuer`'s (by its signature algorithm: SM2 with the default ID, ECDSA, RSA). */
export type SignedBy = (subject: CertificateParts, issuer: CertificateParts) => boolean;

/** At most this many certificates between a leaf and its anchor. */
const MAX_INTERMEDIATES = 4;
const KEY_CERT_SIGN = 1 << 5;

/**
 * Builds a path from the leaf to one of the anchors through the certificates given with it
 * (seals and stamps carry none; a certificate verification may). An issuer is a certificate whose
 * subject is the certificate's issuer name (and whose key identifier is the one the certificate's
 * authority key identifier names, when both are there) and whose key verifies its signature.
 * A path whose signature fails is returned only when the authority key identifier names the
 * issuer's key (then it is a forgery: SIG_CRYPTO_FAILURE); by name alone the certificate may be
 * another CA's, and there is no path (NO_CERTIFICATE_CHAIN_FOUND). Null: no path.
 */
export function findAnchorPath(
  leaf: CertificateParts,
  extras: readonly CertificateParts[],
  anchors: readonly TrustAnchor[],
  signedBy: SignedBy,
): AnchorPath | null {
  const itself = anchors.find((anchor) => anchor.der.equals(leaf.der));
  if (itself) return { anchor: itself, intermediates: [], leafIsAnchor: true, signatureOk: true };
  let forged: AnchorPath | null = null;

  const search = (subject: CertificateParts, below: CertificateParts[]): AnchorPath | null => {
    for (const anchor of anchors) {
      if (!issues(anchor.parts, subject)) continue;
      const path = { anchor, intermediates: below, leafIsAnchor: false };
      if (signedBy(subject, anchor.parts)) return withConstraints({ ...path, signatureOk: true });
      if (namesKey(anchor.parts, subject)) forged ??= withConstraints({ ...path, signatureOk: false, forged: subject });
    }
    if (below.length >= MAX_INTERMEDIATES) return null;
    for (const issuer of extras) {
      if (issuer === subject || issuer.der.equals(leaf.der) || below.includes(issuer) || !issues(issuer, subject)) continue;
      if (!signedBy(subject, issuer)) {
        if (namesKey(issuer, subject)) {
          // The issuer is there and named by key, but its signature fails: a forgery if the issuer reaches an anchor.
          const above = search(issuer, [...below, issuer]);
          if (above?.signatureOk) forged ??= { ...above, signatureOk: false, forged: subject };
        }
        continue;
      }
      const found = search(issuer, [...below, issuer]);
      if (found?.signatureOk) return found;
    }
    return null;
  };
  return search(leaf, []) ?? forged;
}

/** Whether `issuer` could have issued `subject`: names match, and key identifiers when both are there (as chain.ts). */
function issues(issuer: CertificateParts, subject: CertificateParts): boolean {
  if (!issuer.subjectDer.equals(subject.issuerDer)) return false;
  return !subject.aki || !issuer.ski || subject.aki === issuer.ski;
}

/** Whether the subject's authority key identifier names the issuer's key. */
function namesKey(issuer: CertificateParts, subject: CertificateParts): boolean {
  return subject.aki !== undefined && issuer.ski !== undefined && subject.aki === issuer.ski;
}

/** RFC 5280 §6.1.4 (k), (l), (n): each issuer on the path a CA allowed to sign certificates, path lengths kept. */
function withConstraints(path: Omit<AnchorPath, 'constraint'>): AnchorPath {
  const name = (parts: CertificateParts) => parts.subject.commonName ?? parts.subject.organizationName ?? 'a CA';
  for (const [index, issuer] of path.intermediates.entries()) {
    if (!issuer.isCa) return { ...path, constraint: `${name(issuer)} issued a certificate on the path but is not a CA (basicConstraints)` };
    if (issuer.keyUsage !== undefined && !(issuer.keyUsage & KEY_CERT_SIGN))
      return { ...path, constraint: `${name(issuer)} issued a certificate on the path but its keyUsage has no keyCertSign` };
    // The CA certificates below this one on the path (the leaf does not count).
    if (issuer.pathLen !== undefined && index > issuer.pathLen)
      return { ...path, constraint: `${name(issuer)} allows ${issuer.pathLen} CA certificate(s) below it, the path has ${index}` };
  }
  const anchor = path.anchor.parts;
  if (anchor.pathLen !== undefined && path.intermediates.length > anchor.pathLen)
    return {
      ...path,
      constraint: `the trust anchor ${path.anchor.name} allows ${anchor.pathLen} CA certificate(s) below it, the path has ${path.intermediates.length}`,
    };
  return path;
}
