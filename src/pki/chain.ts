import { createPublicKey, verify as cryptoVerify, X509Certificate, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { findAnchorPath, type AnchorPath } from './anchor-path.js';
import type { CaCertificate, CaStore } from './ca.js';
import type { SerialStatus, StoredReason } from './certificate-store.js';
import { verifySignature } from './signatures.js';
import type { TrustAnchor } from './trust-anchors.js';
import { OID, parseCertificate, pemBlocks, SIGNATURE_HASH, type CertificateParts, type NameAttributes } from './x509.js';
// The report vocabulary (ETSI EN 319 102-1) is defined once, there; that file imports nothing.
import { SubIndication, type CheckStatus, type Indication, type Verdict } from '../verification/report.js';

export interface CheckResult {
  status: CheckStatus;
  message: string;
  /** What a validity or revocation result that is not PASSED points to (for callers that weigh several checks). */
  subIndication?: SubIndication;
}

/** A type, not an interface: reports carry these objects as they are (as ReportNames). */
export type CertificateNames = {
  commonName?: string;
  organizationName?: string;
  /** organizationIdentifier (2.5.4.97): the enterprise's USCC. */
  uscc?: string;
};

/** The outcome of verifyCertificateChain: one result per check, the verdict, and what the leaf says. */
export interface ChainVerification {
  /** The verdict (a pair ETSI EN 319 102-1 allows: see Verdict), which reports carry as it is. */
  indication: Indication;
  subIndication?: SubIndication;
  format: CheckResult;
  signature: CheckResult;
  chain: CheckResult;
  validity: CheckResult;
  revocation: CheckResult;
  subject?: CertificateNames;
  issuer?: CertificateNames;
  /** Lowercase hex. */
  serial?: string;
  notBefore?: string;
  notAfter?: string;
  revokedAt?: string;
  reason?: StoredReason;
  /** The profile tongban issued it under (from its records), when known. */
  profile?: string;
  /** Common names from the leaf to the trust anchor, when a chain was found. */
  path?: string[];
  /** The operator's trust anchor the chain ends at, when it is not one of tongban's roots. */
  anchor?: { id: string; name: string };
  /** The leaf's public key, for callers that verify a signature made with it (decoded when asked). */
  publicKey(): KeyObject | undefined;
  validationTime: string;
}

/** Revocation states by serial: a Map at once when they are at hand (a cache), else a promise. */
export type StatusLookup = (serials: string[]) => Map<string, SerialStatus> | Promise<Map<string, SerialStatus>>;

/** The operators' trust anchors in force (src/pki/trust-anchors.ts): at once when at hand, else a promise. */
export type AnchorLookup = () => readonly TrustAnchor[] | Promise<readonly TrustAnchor[]>;

/** At most this many certificates per call, each at most this large. */
const MAX_CERTIFICATES = 10;
const MAX_CERTIFICATE_BYTES = 32 * 1024;
/** Parsed certificates kept between calls (keyed by their DER). */
const CACHE_ENTRIES = 4_096;
/** A revocation lookup slower than this is treated as unavailable. */
const LOOKUP_TIMEOUT_MS = 5_000;

interface Parsed {
  der: Buffer;
  parts: CertificateParts;
  publicKey?: KeyObject;
  /** Whether OpenSSL parses it too (asked only of certificates no tongban key vouches for). */
  opensslAccepts?: boolean;
  /** The issuer found among tongban's CA certificates, and whether the signature verified (per CA store version). */
  verdict?: { caVersion: number; issuer: CaCertificate | null; signatureOk: boolean };
  /** Signatures of this certificate already checked against a key (by kid or key DER). */
  verifiedBy?: Map<string, boolean>;
  /** The report's subject and issuer names, made once (frozen: every report shares them). */
  names?: { subject: CertificateNames; issuer: CertificateNames };
}

interface PathLink {
  parts: CertificateParts;
  known?: CaCertificate;
}

interface FoundPath {
  /** The issuer of the leaf up to the root. */
  links: PathLink[];
  signatureOk: boolean;
}

class FormatFailure extends Error {}

/**
 * Certificate-path validation against tongban's own roots of both hierarchies and, for
 * certificates tongban did not issue, the operators' trust anchors (anchor-path.ts): the leaf
 * plus any intermediates given, ECDSA/RSA signatures checked with node:crypto and SM2-with-SM3
 * ones with sm2Verify, validity at a time, revocation from pki_certificates (other CAs'
 * certificates: none held, INDETERMINATE/TRY_LATER). Never throws. Parsed certificates and the outcome of checking a
 * certificate's signature under tongban's CA keys are cached by the certificate's bytes (pure
 * functions of them), so a repeated certificate costs a map lookup, a date comparison and the
 * revocation query; tongban's CA certificates are verified once, when they are loaded.
 */
export class ChainVerifier {
  private readonly parsed = new Map<string, Parsed>();
  /** Input texts already read, to the certificates in them. */
  private readonly texts = new Map<string, Parsed[]>();
  private caVersion = -1;
  private known: CaCertificate[] = [];
  private knownSerials = new Set<string>();
  /** Signatures of certificates checked under other CAs' keys (the issuer's SPKI, base64 → outcome). */
  private readonly anchorChecks = new WeakMap<CertificateParts, Map<string, boolean>>();

  constructor(
    private readonly ca: CaStore,
    private readonly lookup: StatusLookup,
    private readonly anchors?: AnchorLookup,
  ) {}

  async verify(input: string[] | string, at = new Date()): Promise<ChainVerification> {
    const validationTime = at.toISOString();
    let certificates: Parsed[];
    try {
      certificates = this.decode(input);
    } catch (err) {
      const message = err instanceof FormatFailure ? err.message : 'the certificates could not be read';
      return failedFormat(message, validationTime);
    }
    this.refreshKnown();
    const leaf = certificates[0];
    leaf.names ??= { subject: Object.freeze(names(leaf.parts.subject)), issuer: Object.freeze(names(leaf.parts.issuer)) };
    const result: ChainVerification = {
      indication: 'TOTAL_PASSED',
      format: { status: 'PASSED', message: `${certificates.length} certificate(s) read` },
      signature: { status: 'PASSED', message: '' },
      chain: { status: 'PASSED', message: '' },
      validity: { status: 'PASSED', message: '' },
      revocation: { status: 'PASSED', message: '' },
      subject: leaf.names.subject,
      issuer: leaf.names.issuer,
      serial: leaf.parts.serial,
      notBefore: leaf.parts.notBefore.toISOString(),
      notAfter: leaf.parts.notAfter.toISOString(),
      publicKey: () => this.publicKeyOf(leaf),
      validationTime,
    };

    if (leaf.verdict?.caVersion !== this.caVersion) await this.judgeSignature(leaf);
    const path = this.findPath(leaf, certificates.slice(1));
    const refused = certificates.findIndex((certificate) => !this.vouchedFor(certificate) && !opensslAccepts(certificate));
    if (refused >= 0)
      return failedFormat(
        refused === 0 ? 'not a valid X.509 certificate' : `certificate ${refused + 1} is not a valid X.509 certificate`,
        validationTime,
      );
    if (!path) {
      // Another CA's certificate: a path to one of the operator's trust anchors, if there is one.
      const foreign = await this.anchorPath(leaf, certificates.slice(1));
      if (foreign) return underAnchor(result, leaf.parts, foreign, at);
      // Not a failure of the certificate: tongban cannot tell (ETSI: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND).
      result.chain = {
        status: 'INDETERMINATE',
        message: 'no path from this certificate to a tongban root certificate or an operator’s trust anchor',
        subIndication: SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
      };
      result.signature = { status: 'INDETERMINATE', message: 'no tongban issuer to check the signature against' };
    } else {
      const anchor = path.links[path.links.length - 1];
      result.path = [leaf, ...path.links].map((link) => link.parts.subject.commonName ?? '?');
      result.chain = {
        status: 'PASSED',
        message: path.links.length
          ? `issued by ${path.links[0].parts.subject.commonName}, chaining to ${anchor.parts.subject.commonName}`
          : 'a tongban root certificate',
      };
      result.signature = path.signatureOk
        ? {
            status: 'PASSED',
            message: path.links.length ? `signed by ${path.links[0].parts.subject.commonName}` : 'self-signed by a tongban root',
          }
        : { status: 'FAILED', message: `the signature does not verify under the key of ${path.links[0]?.parts.subject.commonName}` };
    }

    const validity = validityAt([leaf.parts, ...(path?.links.map((l) => l.parts) ?? [])], at);
    result.validity = validity.check;

    let revocation: RevocationFinding | undefined;
    if (!path) result.revocation = { status: 'INDETERMINATE', message: 'not checked: the certificate is not one tongban issued' };
    else if (!path.signatureOk)
      result.revocation = { status: 'INDETERMINATE', message: 'not checked: the certificate’s signature does not verify' };
    else revocation = await this.checkRevocation(result, leaf, path, at);
    if (revocation) result.revocation.subIndication = revocation;
    return verdict(result, { chain: !!path, signature: !!path?.signatureOk, validity: validity.sub, revocation });
  }

  /** Sets the revocation check; says what stands in the way, if anything (see verdict()). */
  private async checkRevocation(
    result: ChainVerification,
    leaf: Parsed,
    path: FoundPath,
    at: Date,
  ): Promise<RevocationFinding | undefined> {
    const subjects: PathLink[] = [{ parts: leaf.parts, known: this.knownCertificate(leaf) }, ...path.links.slice(0, -1)];
    const isRootItself = path.links.length === 0;
    if (isRootItself) {
      result.revocation = { status: 'PASSED', message: 'a trust anchor: not subject to revocation' };
      return undefined;
    }
    let statuses: Map<string, SerialStatus>;
    try {
      const looked = this.lookup(subjects.map((s) => s.parts.serial));
      statuses = looked instanceof Map ? looked : await withTimeout(looked, LOOKUP_TIMEOUT_MS);
    } catch {
      result.revocation = { status: 'INDETERMINATE', message: 'revocation status is not available now: try again later' };
      return SubIndication.TRY_LATER;
    }
    for (const [index, subject] of subjects.entries()) {
      const status = statuses.get(subject.parts.serial);
      const which = index === 0 ? 'the certificate' : `the CA certificate ${subject.parts.subject.commonName}`;
      if (index === 0 && status) {
        result.profile = status.profile;
        if (status.status !== 'good') {
          result.revokedAt = status.revokedAt!.toISOString();
          result.reason = status.reason ?? undefined;
        }
      }
      if (!status) {
        if (subject.known) continue; // tongban's own certificate (KEYS_DIR/certs), not yet copied to the database
        // Issued under tongban's key but its record is not (yet) here, e.g. another replica's a moment ago.
        result.revocation = { status: 'INDETERMINATE', message: `tongban holds no status for ${which}` };
        return SubIndication.TRY_LATER;
      }
      if (status.status === 'good' || status.revokedAt!.getTime() > at.getTime()) continue;
      if (status.status === 'hold') {
        // ETSI EN 319 102-1: a suspended certificate is INDETERMINATE/TRY_LATER (it may be released), not REVOKED.
        result.revocation = {
          status: 'INDETERMINATE',
          message: `${which} is on hold (suspended) since ${status.revokedAt!.toISOString()}`,
        };
        return SubIndication.TRY_LATER;
      }
      result.revocation = {
        status: 'FAILED',
        message: `${which} was revoked at ${status.revokedAt!.toISOString()} (${status.reason ?? 'unspecified'})`,
      };
      // REVOKED is the certificate's own; for a CA on its path ETSI has only REVOKED_CA_NO_POE (INDETERMINATE).
      return index === 0 ? SubIndication.REVOKED : SubIndication.REVOKED_CA_NO_POE;
    }
    const later = statuses.get(leaf.parts.serial);
    result.revocation = {
      status: 'PASSED',
      message:
        later && later.status !== 'good'
          ? `not revoked at the validation time (${later.status} since ${later.revokedAt!.toISOString()})`
          : 'not revoked',
    };
    return undefined;
  }

  /**
   * A path from a certificate tongban did not issue to an operator's trust anchor, through the
   * certificates given with it; 'unavailable' when the anchors cannot be read now.
   */
  private async anchorPath(leaf: Parsed, extras: Parsed[]): Promise<AnchorPath | 'unavailable' | null> {
    if (!this.anchors) return null;
    let anchors: readonly TrustAnchor[];
    try {
      const looked = this.anchors();
      anchors = Array.isArray(looked) ? looked : await withTimeout(looked as Promise<readonly TrustAnchor[]>, LOOKUP_TIMEOUT_MS);
    } catch {
      return 'unavailable';
    }
    if (!anchors.length) return null;
    return findAnchorPath(
      leaf.parts,
      extras.map((extra) => extra.parts),
      anchors,
      (subject, issuer) => this.signedByOther(subject, issuer),
    );
  }

  /** A signature under another CA's key, by its algorithm (SM2 with the default user ID, ECDSA, RSA); kept per certificate and key. */
  private signedByOther(subject: CertificateParts, issuer: CertificateParts): boolean {
    let checks = this.anchorChecks.get(subject);
    if (!checks) this.anchorChecks.set(subject, (checks = new Map<string, boolean>()));
    const key = issuer.spki.toString('base64');
    let ok = checks.get(key);
    if (ok === undefined) {
      ok = verifySignature(subject.signatureAlgorithm, { spki: issuer.spki }, subject.tbs, subject.signature);
      checks.set(key, ok);
    }
    return ok;
  }

  /** The path from the leaf's issuer to a tongban root, preferring tongban's own CA certificates. */
  private findPath(leaf: Parsed, extras: Parsed[]): FoundPath | null {
    const root = this.known.find((ca) => ca.purpose === 'root-ca' && ca.der.equals(leaf.der));
    if (root) return { links: [], signatureOk: true };

    const { issuer, signatureOk } = leaf.verdict!;
    if (issuer) return { links: this.ca.chain(issuer.kid).map((ca) => ({ parts: ca.parts, known: ca })), signatureOk };

    // An intermediate given by the caller that one of tongban's roots signed.
    let unsigned: FoundPath | null = null;
    for (const intermediate of extras) {
      if (!intermediate.parts.isCa || !issues(intermediate.parts, leaf.parts)) continue;
      if (intermediate.parts.keyUsage !== undefined && !(intermediate.parts.keyUsage & 32)) continue;
      const anchor = this.known.find(
        (ca) =>
          ca.purpose === 'root-ca' &&
          issues(ca.parts, intermediate.parts) &&
          this.signedBy(intermediate, ca.kid, ca.publicKey, ca.parts.spki),
      );
      const key = anchor && this.publicKeyOf(intermediate);
      if (!anchor || !key) continue;
      const links = [{ parts: intermediate.parts }, { parts: anchor.parts, known: anchor }];
      if (this.signedBy(leaf, intermediate.der.toString('base64'), key, intermediate.parts.spki)) return { links, signatureOk: true };
      unsigned ??= { links, signatureOk: false };
    }
    return unsigned;
  }

  /**
   * Which of tongban's CA certificates issued the leaf, and whether its signature verifies: kept
   * on the parsed certificate for this version of the CA store. The ECDSA verification runs on
   * libuv's thread pool (node:crypto's callback form), off the thread that serves requests.
   */
  private async judgeSignature(leaf: Parsed): Promise<void> {
    const caVersion = this.caVersion;
    const candidates = this.known.filter((ca) => issues(ca.parts, leaf.parts));
    let good: CaCertificate | undefined;
    for (const ca of candidates) {
      if (await this.signedByOffThread(leaf, ca.kid, ca.publicKey, ca.parts.spki)) {
        good = ca;
        break;
      }
    }
    // A signature that fails counts as a forgery (SIG_CRYPTO_FAILURE) only when the certificate
    // names the CA's key (authority key identifier); by name alone it may be another CA's.
    const issuer = good ?? candidates.find((ca) => leaf.parts.aki !== undefined && leaf.parts.aki === ca.ski.toString('hex')) ?? null;
    leaf.verdict = { caVersion, issuer, signatureOk: !!good };
  }

  private async signedByOffThread(subject: Parsed, keyId: string, key: KeyObject, spki: Buffer): Promise<boolean> {
    if (subject.parts.signatureAlgorithm === OID.sm2WithSm3) return this.signedBy(subject, keyId, key, spki);
    const known = subject.verifiedBy?.get(keyId);
    if (known !== undefined) return known;
    const args = verifyArguments(subject, key);
    const ok = args
      ? await new Promise<boolean>((resolve) => cryptoVerify(...args, (err, valid) => resolve(!err && valid))).catch(() => false)
      : false;
    (subject.verifiedBy ??= new Map()).set(keyId, ok);
    return ok;
  }

  /**
   * The same on this thread. SM2-with-SM3 signatures are always checked here, by sm2Verify (pure
   * JavaScript: node:crypto cannot check them, so there is no thread-pool form).
   */
  private signedBy(subject: Parsed, keyId: string, key: KeyObject, spki: Buffer): boolean {
    const known = subject.verifiedBy?.get(keyId);
    if (known !== undefined) return known;
    let ok: boolean;
    if (subject.parts.signatureAlgorithm === OID.sm2WithSm3) {
      ok = verifySignature(OID.sm2WithSm3, { spki }, subject.parts.tbs, subject.parts.signature);
    } else {
      const args = verifyArguments(subject, key);
      try {
        ok = !!args && cryptoVerify(...args);
      } catch {
        ok = false;
      }
    }
    (subject.verifiedBy ??= new Map()).set(keyId, ok);
    return ok;
  }

  /**
   * Whether a tongban key signed this certificate, or it is one of tongban's CA certificates: then
   * its bytes are what tongban issued (the strict parse leaves nothing outside the signed part but
   * an identical algorithm identifier and the signature), so OpenSSL's second parse can add nothing.
   */
  private vouchedFor(entry: Parsed): boolean {
    if (entry.verifiedBy) for (const ok of entry.verifiedBy.values()) if (ok) return true;
    return this.knownCertificate(entry) !== undefined;
  }

  /** The entry as one of tongban's own certificates (KEYS_DIR/certs), if it is one. */
  private knownCertificate(entry: Parsed): CaCertificate | undefined {
    if (!this.knownSerials.has(entry.parts.serial)) return undefined;
    return this.ca.all().find((c) => c.der.equals(entry.der));
  }

  private publicKeyOf(entry: Parsed): KeyObject | undefined {
    if (!entry.publicKey) {
      try {
        entry.publicKey = createPublicKey({ key: entry.parts.spki, format: 'der', type: 'spki' });
      } catch {
        return undefined;
      }
    }
    return entry.publicKey;
  }

  private refreshKnown(): void {
    if (this.caVersion === this.ca.version) return;
    this.caVersion = this.ca.version;
    this.known = this.ca.all().filter((c) => c.purpose === 'root-ca' || c.purpose === 'issuing-ca');
    this.knownSerials = new Set(this.ca.all().map((c) => c.parts.serial));
  }

  private decode(input: string[] | string): Parsed[] {
    const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input : null;
    if (!texts || !texts.length || texts.length > MAX_CERTIFICATES)
      throw new FormatFailure(`expected PEM text or a list of at most ${MAX_CERTIFICATES} PEM/base64 certificates`);
    const certificates: Parsed[] = [];
    for (const [index, text] of texts.entries()) {
      if (typeof text !== 'string') throw new FormatFailure('expected PEM text or a list of PEM/base64 certificates');
      // The text as given is the key: a certificate seen before costs one map lookup.
      let parsed = this.texts.get(text);
      if (!parsed) {
        parsed = this.decodeText(text, index);
        if (this.texts.size >= CACHE_ENTRIES) this.texts.delete(this.texts.keys().next().value!);
        this.texts.set(text, parsed);
      }
      certificates.push(...parsed);
    }
    if (!certificates.length) throw new FormatFailure('no certificate found');
    if (certificates.length > MAX_CERTIFICATES) throw new FormatFailure(`at most ${MAX_CERTIFICATES} certificates`);
    return certificates;
  }

  private decodeText(text: string, index: number): Parsed[] {
    if (text.length > MAX_CERTIFICATES * MAX_CERTIFICATE_BYTES * 2) throw new FormatFailure('the certificates are too large');
    let ders: Buffer[];
    if (text.includes('-----BEGIN')) {
      try {
        ders = pemBlocks(text, ['CERTIFICATE']);
      } catch (err) {
        throw new FormatFailure(`malformed PEM: ${(err as Error).message}`);
      }
    } else {
      // An x5c entry: base64 DER without armour.
      const body = text.replace(/\s+/g, '');
      if (!body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new FormatFailure('neither PEM nor base64 DER');
      ders = [Buffer.from(body, 'base64')];
    }
    if (ders.length > MAX_CERTIFICATES) throw new FormatFailure(`at most ${MAX_CERTIFICATES} certificates`);
    return ders.map((der, offset) => this.parse(der, index + offset));
  }

  private parse(der: Buffer, index: number): Parsed {
    if (der.length > MAX_CERTIFICATE_BYTES) throw new FormatFailure(`certificate ${index + 1} is too large`);
    const key = der.toString('base64');
    const cached = this.parsed.get(key);
    if (cached) return cached;
    let entry: Parsed;
    try {
      entry = { der, parts: parseCertificate(der) };
    } catch {
      throw new FormatFailure(index === 0 ? 'not a valid X.509 certificate' : `certificate ${index + 1} is not a valid X.509 certificate`);
    }
    if (this.parsed.size >= CACHE_ENTRIES) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(key, entry);
    return entry;
  }
}

/**
 * OpenSSL's own parse, for certificates no tongban key vouches for: anything it refuses is not a
 * certificate either. (It costs more than the rest of a first verification together, mostly in
 * decoding the public key, so tongban's own certificates skip it.)
 */
function opensslAccepts(entry: Parsed): boolean {
  if (entry.opensslAccepts === undefined) {
    try {
      const openssl = new X509Certificate(entry.der);
      entry.opensslAccepts = true;
      try {
        entry.publicKey ??= openssl.publicKey; // read already: cheaper than decoding the SPKI again
      } catch {
        /* a key type node:crypto cannot hold: publicKeyOf says so */
      }
    } catch {
      entry.opensslAccepts = false;
    }
  }
  return entry.opensslAccepts;
}

/** node:crypto's verify arguments for a certificate's signature under a key, or none when the key cannot have made it. */
function verifyArguments(subject: Parsed, key: KeyObject): [string, Buffer, KeyObject | VerifyKeyObjectInput, Buffer] | undefined {
  const algorithm = SIGNATURE_HASH[subject.parts.signatureAlgorithm];
  if (!algorithm || algorithm.key !== key.asymmetricKeyType) return undefined;
  return [algorithm.hash, subject.parts.tbs, algorithm.key === 'ec' ? { key, dsaEncoding: 'der' } : key, subject.parts.signature];
}

/** Whether `issuer` could have issued `subject`: names match, and key identifiers when both are present. */
function issues(issuer: CertificateParts, subject: CertificateParts): boolean {
  if (!issuer.subjectDer.equals(subject.issuerDer)) return false;
  return !subject.aki || !issuer.ski || subject.aki === issuer.ski;
}

/**
 * A certificate of another CA with a path to an operator's trust anchor (or the answer when the
 * anchors cannot be read now). tongban holds no revocation data for other CAs' certificates and
 * fetches none (no network), so their revocation is INDETERMINATE and the verdict at best
 * INDETERMINATE/TRY_LATER, as ETSI EN 319 102-1 and design §9 have it when revocation data cannot
 * be had — never PASSED; proven failures (a forged signature, expiry) still say TOTAL_FAILED.
 */
function underAnchor(result: ChainVerification, leaf: CertificateParts, found: AnchorPath | 'unavailable', at: Date): ChainVerification {
  if (found === 'unavailable') {
    result.chain = {
      status: 'INDETERMINATE',
      message: 'no path to a tongban root certificate, and the operator’s trust anchors cannot be read now: try again later',
      subIndication: SubIndication.TRY_LATER,
    };
    result.signature = { status: 'INDETERMINATE', message: 'no known issuer to check the signature against' };
    const validity = validityAt([leaf], at);
    result.validity = validity.check;
    result.revocation = { status: 'INDETERMINATE', message: 'not checked: the certificate is not one tongban issued' };
    return verdict(result, { chain: true, signature: true, validity: validity.sub, revocation: SubIndication.TRY_LATER });
  }
  const { anchor, intermediates } = found;
  const cn = (parts: CertificateParts) => parts.subject.commonName ?? parts.subject.organizationName ?? '?';
  const anchorName = `the trust anchor “${anchor.name}” (${anchor.id}), added by an operator`;
  result.anchor = { id: anchor.id, name: anchor.name };
  result.path = found.leafIsAnchor ? [cn(leaf)] : [leaf, ...intermediates, anchor.parts].map(cn);
  const issuer = intermediates[0] ?? anchor.parts;
  result.chain = found.constraint
    ? {
        status: 'INDETERMINATE',
        message: `a path to ${anchorName} breaks a constraint: ${found.constraint}`,
        subIndication: SubIndication.CHAIN_CONSTRAINTS_FAILURE,
      }
    : {
        status: 'PASSED',
        message: found.leafIsAnchor ? `${anchorName} itself` : `issued by ${cn(issuer)}, chaining to ${anchorName}`,
      };
  result.signature = found.signatureOk
    ? { status: 'PASSED', message: found.leafIsAnchor ? 'a trust anchor' : `signed by ${cn(issuer)}` }
    : {
        status: 'FAILED',
        message: `the signature of ${found.forged === leaf ? 'the certificate' : `the CA certificate ${cn(found.forged!)}`} does not verify under its issuer’s key`,
      };
  const validity = validityAt(found.leafIsAnchor ? [leaf] : [leaf, ...intermediates, anchor.parts], at);
  result.validity = validity.check;
  let revocation: RevocationFinding | undefined;
  if (found.leafIsAnchor) result.revocation = { status: 'PASSED', message: 'a trust anchor: not subject to revocation' };
  else if (!found.signatureOk)
    result.revocation = { status: 'INDETERMINATE', message: 'not checked: a signature on the path does not verify' };
  else {
    result.revocation = {
      status: 'INDETERMINATE',
      message: `tongban holds no revocation data for certificates of other CAs (this one chains to ${anchorName}) and fetches none: whether it was revoked cannot be told`,
      subIndication: SubIndication.TRY_LATER,
    };
    revocation = SubIndication.TRY_LATER;
  }
  return verdict(result, {
    chain: true,
    signature: found.signatureOk,
    validity: validity.sub,
    revocation,
    constraints: !!found.constraint,
  });
}

type ValidityFinding = SubIndication.EXPIRED | SubIndication.NOT_YET_VALID;
type RevocationFinding = SubIndication.REVOKED | SubIndication.REVOKED_CA_NO_POE | SubIndication.TRY_LATER;

function validityAt(certificates: CertificateParts[], at: Date): { check: CheckResult; sub?: ValidityFinding } {
  const time = at.getTime();
  for (const [index, parts] of certificates.entries()) {
    const which = index === 0 ? 'the certificate' : `the CA certificate ${parts.subject.commonName}`;
    if (time < parts.notBefore.getTime())
      return {
        check: {
          status: 'FAILED',
          message: `${which} is not valid before ${parts.notBefore.toISOString()}`,
          subIndication: SubIndication.NOT_YET_VALID,
        },
        sub: SubIndication.NOT_YET_VALID,
      };
    if (time > parts.notAfter.getTime())
      return {
        check: { status: 'FAILED', message: `${which} expired at ${parts.notAfter.toISOString()}`, subIndication: SubIndication.EXPIRED },
        sub: SubIndication.EXPIRED,
      };
  }
  return { check: { status: 'PASSED', message: `valid at ${at.toISOString()}` } };
}

function names(name: NameAttributes): CertificateNames {
  return {
    ...(name.commonName !== undefined ? { commonName: name.commonName } : {}),
    ...(name.organizationName !== undefined ? { organizationName: name.organizationName } : {}),
    ...(name.organizationIdentifier !== undefined ? { uscc: name.organizationIdentifier } : {}),
  };
}

function failedFormat(message: string, validationTime: string): ChainVerification {
  const skipped = { status: 'INDETERMINATE' as const, message: 'not checked: the input could not be read' };
  return {
    indication: FORMAT_FAILURE.indication,
    subIndication: FORMAT_FAILURE.subIndication,
    format: { status: 'FAILED', message },
    signature: skipped,
    chain: skipped,
    validity: skipped,
    revocation: skipped,
    publicKey: () => undefined,
    validationTime,
  };
}

/** The verdicts a certificate check reaches, in ETSI EN 319 102-1 terms (Verdict admits only pairs it allows). */
const PASSED: Verdict = { indication: 'TOTAL_PASSED' };
const FORMAT_FAILURE = { indication: 'TOTAL_FAILED', subIndication: SubIndication.FORMAT_FAILURE } as const satisfies Verdict;
const NO_CHAIN: Verdict = { indication: 'INDETERMINATE', subIndication: SubIndication.NO_CERTIFICATE_CHAIN_FOUND };
const CHAIN_CONSTRAINTS: Verdict = { indication: 'INDETERMINATE', subIndication: SubIndication.CHAIN_CONSTRAINTS_FAILURE };
const SIG_CRYPTO_FAILURE: Verdict = { indication: 'TOTAL_FAILED', subIndication: SubIndication.SIG_CRYPTO_FAILURE };
const FAILED_BY: Record<ValidityFinding | SubIndication.REVOKED, Verdict> = {
  [SubIndication.REVOKED]: { indication: 'TOTAL_FAILED', subIndication: SubIndication.REVOKED },
  [SubIndication.EXPIRED]: { indication: 'TOTAL_FAILED', subIndication: SubIndication.EXPIRED },
  [SubIndication.NOT_YET_VALID]: { indication: 'TOTAL_FAILED', subIndication: SubIndication.NOT_YET_VALID },
};
const UNSETTLED_BY: Record<SubIndication.REVOKED_CA_NO_POE | SubIndication.TRY_LATER, Verdict> = {
  [SubIndication.REVOKED_CA_NO_POE]: { indication: 'INDETERMINATE', subIndication: SubIndication.REVOKED_CA_NO_POE },
  [SubIndication.TRY_LATER]: { indication: 'INDETERMINATE', subIndication: SubIndication.TRY_LATER },
};

/**
 * The verdict from what the checks found. Without a path to a trust anchor (tongban's roots or
 * an operator's) nothing else counts (INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND: another CA's
 * certificate may be perfectly good); then a signature that does not verify; then a proven
 * failure (the certificate revoked, expired, not yet valid: TOTAL_FAILED) before what cannot be
 * settled now (a path breaking a constraint, a revoked CA on the path, a suspension, revocation
 * status not at hand: INDETERMINATE, never PASSED).
 */
function verdict(
  result: ChainVerification,
  found: { chain: boolean; signature: boolean; validity?: ValidityFinding; revocation?: RevocationFinding; constraints?: boolean },
): ChainVerification {
  const reached = !found.chain
    ? NO_CHAIN
    : !found.signature
      ? SIG_CRYPTO_FAILURE
      : found.revocation === SubIndication.REVOKED
        ? FAILED_BY[found.revocation]
        : found.validity
          ? FAILED_BY[found.validity]
          : found.constraints
            ? CHAIN_CONSTRAINTS
            : found.revocation
              ? UNSETTLED_BY[found.revocation]
              : PASSED;
  result.indication = reached.indication;
  if (reached.subIndication) result.subIndication = reached.subIndication;
  return result;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
