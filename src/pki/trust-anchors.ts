import { Injectable, Logger } from '@nestjs/common';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import { verificationKey } from '../crypto/verification-keys.js';
import { children, expectTag, readOid, readRoot, TAG } from './der.js';
import { verifySignature } from './signatures.js';
import { TrustAnchorStore, type AnchorKeyType, type TrustAnchorRecord } from './trust-anchor-store.js';
import { parseCertificate, pemBlocks, PemError, type CertificateParts } from './x509.js';

export type { AnchorKeyType } from './trust-anchor-store.js';

/** A trust anchor in force, ready for chain building. */
export interface TrustAnchor {
  readonly id: string;
  readonly name: string;
  readonly der: Buffer;
  readonly parts: CertificateParts;
  readonly keyType: AnchorKeyType;
}

/** A trust anchor as the CLI shows it. */
export interface TrustAnchorView {
  id: string;
  name: string;
  subject: string;
  issuer: string;
  keyType: AnchorKeyType;
  selfSigned: boolean;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the certificate (DER), lowercase hex. */
  sha256: string;
  addedAt: string;
  addedBy: string;
  removedAt?: string;
  removedBy?: string;
  /** Accepted, but worth knowing (e.g. already expired). */
  warnings?: string[];
}

/** Why a certificate cannot be a trust anchor, or why an anchor cannot be removed; `code` for the CLI. */
export class TrustAnchorError extends Error {
  constructor(
    readonly code:
      'BAD_CERTIFICATE' | 'NOT_A_CA' | 'KEY_UNSUPPORTED' | 'BAD_SELF_SIGNATURE' | 'ANCHOR_EXISTS' | 'ANCHOR_NOT_FOUND' | 'BAD_NAME',
    message: string,
  ) {
    super(message);
    this.name = 'TrustAnchorError';
  }
}

/** How long a replica uses the anchors it read before it reads them again: a change elsewhere counts within this. */
export const ANCHOR_REFRESH_MS = 2_000;
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const KEY_CERT_SIGN = 1 << 5;
const MAX_NAME = 200;

/**
 * Operators' trust anchors (issue 12 §5): other CAs' certificates — the provinces', the licensed
 * seal vendors' — that certificates not issued by tongban may chain to. Checked when added (a CA
 * certificate: basicConstraints cA and keyCertSign; a P-256, SM2 or RSA ≥ 2048 key; a self-signed
 * one's own signature verifies), stored in pki_trust_anchors, and read again by every replica at
 * most ANCHOR_REFRESH_MS after it last read them (at once in the process that changed them).
 */
@Injectable()
export class TrustAnchorService {
  private readonly logger = new Logger('pki');
  private readonly store: TrustAnchorStore;
  private snapshot?: { readAt: number; anchors: readonly TrustAnchor[] };
  private reading?: Promise<readonly TrustAnchor[]>;

  constructor(dataSource: DataSource) {
    this.store = new TrustAnchorStore(dataSource);
  }

  /** Adds a CA certificate (PEM with one certificate, or DER) as a trust anchor. */
  async add(certificate: string | Buffer, options: { name?: string; by: string }): Promise<TrustAnchorView> {
    const der = readOneCertificate(certificate);
    const checked = checkAnchorCertificate(der);
    const name = (options.name ?? checked.defaultName).trim();
    if (!name || name.length > MAX_NAME || /[\u0000-\u001f]/.test(name))
      throw new TrustAnchorError('BAD_NAME', `the name must be 1 to ${MAX_NAME} characters without control characters`);
    const sha256 = createHash('sha256').update(der).digest();
    const inserted = await this.store.insert({
      name,
      sha256,
      der,
      subject: checked.subject,
      keyType: checked.keyType,
      selfSigned: checked.selfSigned,
      notBefore: checked.parts.notBefore,
      notAfter: checked.parts.notAfter,
      addedBy: options.by,
    });
    if (!inserted) {
      const existing = await this.store.findInForceBySha256(sha256);
      throw new TrustAnchorError(
        'ANCHOR_EXISTS',
        `this certificate is a trust anchor already${existing ? ` (${existing.id}, "${existing.name}")` : ''}`,
      );
    }
    this.forget();
    this.logger.log(`trust anchor ${inserted.id} added by ${options.by}: ${checked.subject} (${checked.keyType})`);
    return view(inserted, checked.warnings);
  }

  /** The anchors in force, oldest first. */
  async list(): Promise<TrustAnchorView[]> {
    return (await this.store.inForce()).map((record) => view(record));
  }

  async remove(id: string, by: string): Promise<TrustAnchorView> {
    if (!/^[1-9]\d{0,17}$/.test(id))
      throw new TrustAnchorError('ANCHOR_NOT_FOUND', `no trust anchor ${id.slice(0, 40)} (IDs are numbers: see trust list)`);
    const removed = await this.store.remove(id, by);
    if (!removed) throw new TrustAnchorError('ANCHOR_NOT_FOUND', `no trust anchor ${id} in force (see trust list)`);
    this.forget();
    this.logger.log(`trust anchor ${id} removed by ${by}: ${removed.subject}`);
    return view(removed);
  }

  /**
   * The anchors in force for chain building: the copy read at most ANCHOR_REFRESH_MS ago, else read
   * again (one read at a time). Rejects when they cannot be read and none were read before.
   */
  current(): Promise<readonly TrustAnchor[]> | readonly TrustAnchor[] {
    const snapshot = this.snapshot;
    if (snapshot && Date.now() - snapshot.readAt < ANCHOR_REFRESH_MS) return snapshot.anchors;
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Read again at the next use (after a change made here). */
  forget(): void {
    this.snapshot = undefined;
  }

  private async read(): Promise<readonly TrustAnchor[]> {
    const readAt = Date.now();
    const anchors: TrustAnchor[] = [];
    for (const record of await this.store.inForce()) {
      try {
        anchors.push({ id: record.id, name: record.name, der: record.der, parts: parseCertificate(record.der), keyType: record.keyType });
      } catch (err) {
        this.logger.error(`trust anchor ${record.id} cannot be read, left out: ${(err as Error).message}`);
      }
    }
    const frozen = Object.freeze(anchors);
    // A forget() while reading means the read may predate a change: the next use reads again.
    if (!this.snapshot || this.snapshot.readAt <= readAt) this.snapshot = { readAt, anchors: frozen };
    return frozen;
  }
}

/** The one certificate in a PEM text or a DER buffer. */
function readOneCertificate(input: string | Buffer): Buffer {
  const text =
    typeof input === 'string'
      ? input
      : input.subarray(0, 64).toString('latin1').includes('-----BEGIN')
        ? input.toString('latin1')
        : undefined;
  if (text === undefined) return input as Buffer;
  let blocks: Buffer[];
  try {
    blocks = pemBlocks(text, ['CERTIFICATE']);
  } catch (err) {
    throw new TrustAnchorError('BAD_CERTIFICATE', `not a PEM certificate: ${err instanceof PemError ? err.message : 'unreadable'}`);
  }
  if (blocks.length !== 1)
    throw new TrustAnchorError(
      'BAD_CERTIFICATE',
      `expected one certificate, found ${blocks.length}: add each CA certificate as its own anchor`,
    );
  return blocks[0];
}

interface CheckedAnchor {
  parts: CertificateParts;
  subject: string;
  issuer: string;
  keyType: AnchorKeyType;
  selfSigned: boolean;
  defaultName: string;
  warnings: string[];
}

/**
 * Whether a certificate may be a trust anchor: read by tongban's strict DER reader and by OpenSSL;
 * a CA (basicConstraints cA, keyUsage with keyCertSign); its key P-256, SM2 or RSA of at least
 * 2048 bits (what chain building checks signatures with); and, when self-signed, its own
 * signature verifying. One that is not self-signed (a province's issuing CA whose root is not
 * trusted) is trusted by itself: its issuer is not looked at. Throws TrustAnchorError.
 */
export function checkAnchorCertificate(der: Buffer): CheckedAnchor {
  let parts: CertificateParts;
  let openssl: X509Certificate;
  try {
    parts = parseCertificate(der);
    openssl = new X509Certificate(der);
  } catch (err) {
    throw new TrustAnchorError('BAD_CERTIFICATE', `not a valid X.509 certificate (${(err as Error).message})`);
  }
  if (!parts.isCa) throw new TrustAnchorError('NOT_A_CA', 'not a CA certificate: basicConstraints cA is not set');
  if (parts.keyUsage === undefined || !(parts.keyUsage & KEY_CERT_SIGN))
    throw new TrustAnchorError('NOT_A_CA', 'not a CA certificate: its keyUsage does not allow keyCertSign');
  const keyType = anchorKeyType(parts.spki);
  const selfSigned = parts.subjectDer.equals(parts.issuerDer);
  if (selfSigned && !verifySignature(parts.signatureAlgorithm, { spki: parts.spki }, parts.tbs, parts.signature))
    throw new TrustAnchorError(
      'BAD_SELF_SIGNATURE',
      `a self-signed certificate whose signature (${parts.signatureAlgorithm}) does not verify under its own key`,
    );
  const subject = openssl.subject.split('\n').join(', ');
  const warnings: string[] = [];
  const now = Date.now();
  if (parts.notAfter.getTime() < now)
    warnings.push(`expired at ${parts.notAfter.toISOString()}: it still anchors signatures made while it was valid`);
  if (parts.notBefore.getTime() > now) warnings.push(`not valid before ${parts.notBefore.toISOString()}`);
  if (!selfSigned) warnings.push('not self-signed: trusted by itself, whoever issued it');
  return {
    parts,
    subject,
    issuer: openssl.issuer.split('\n').join(', '),
    keyType,
    selfSigned,
    defaultName: parts.subject.commonName ?? parts.subject.organizationName ?? subject,
    warnings,
  };
}

function anchorKeyType(spki: Buffer): AnchorKeyType {
  let algorithm: string;
  try {
    const [identifier] = children(spki, expectTag(readRoot(spki), TAG.SEQUENCE, 'a public key'));
    algorithm = readOid(spki, children(spki, expectTag(identifier, TAG.SEQUENCE, 'an algorithm'))[0]);
  } catch {
    throw new TrustAnchorError('BAD_CERTIFICATE', 'its public key cannot be read');
  }
  if (algorithm === RSA_ENCRYPTION) {
    let bits: number | undefined;
    try {
      bits = createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength;
    } catch {
      throw new TrustAnchorError('BAD_CERTIFICATE', 'its RSA public key cannot be read');
    }
    if (bits === undefined || bits < 2048)
      throw new TrustAnchorError('KEY_UNSUPPORTED', `an RSA key of ${bits ?? '?'} bits: at least 2048 are needed`);
    return 'rsa';
  }
  const key = verificationKey(spki);
  if ('curve' in key) return key.curve;
  throw new TrustAnchorError(
    'KEY_UNSUPPORTED',
    `a key tongban does not verify with: ${'unsupported' in key ? key.unsupported : key.malformed} (P-256, SM2 and RSA ≥ 2048 are)`,
  );
}

function view(record: TrustAnchorRecord, warnings: string[] = []): TrustAnchorView {
  let issuer = '';
  try {
    issuer = new X509Certificate(record.der).issuer.split('\n').join(', ');
  } catch {
    // checked when added
  }
  return {
    id: record.id,
    name: record.name,
    subject: record.subject,
    issuer,
    keyType: record.keyType,
    selfSigned: record.selfSigned,
    notBefore: record.notBefore.toISOString(),
    notAfter: record.notAfter.toISOString(),
    sha256: record.sha256.toString('hex'),
    addedAt: record.addedAt.toISOString(),
    addedBy: record.addedBy,
    ...(record.removedAt ? { removedAt: record.removedAt.toISOString(), removedBy: record.removedBy ?? '' } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}
