import { Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditEvent } from '../audit/audit-event.js';
import { AuditService } from '../audit/audit.service.js';
import { IssuanceLog } from '../audit/issuance/issuance-log.service.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ApiError } from '../common/api-error.js';
import { KeyStoreError } from '../keys/key-types.js';
import { KeyStore } from '../keys/keystore.service.js';
import { RegistryService, type EnterpriseStatusChange } from '../registry/registry.service.js';
import { CaStore, PkiUnavailableError, type CaCertificate, type CertifiedPurpose, type CreatedCertificate } from './ca.js';
import type { Hierarchy } from './hierarchy.js';
import { CertificateStore, type CertificateRecord, type RevocationReason } from './certificate-store.js';
import { ChainVerifier, type ChainVerification } from './chain.js';
import { CrlPublisher, crlName, type CrlName } from './crl.js';
import { CertificateIssuer, type IssuedCertificate, type IssueOptions } from './issuance.js';
import { OCSP_CACHE_MS, OcspResponder } from './ocsp.js';
import { StatusCache } from './status-cache.js';
import { normaliseSerial, Revocations, type RevocationResult } from './revocation.js';
import { TrustAnchorService } from './trust-anchors.js';
import { nameText, toPem } from './x509.js';

export type { ChainVerification } from './chain.js';
export type { IssuedCertificate, IssueOptions } from './issuance.js';
export type { RevocationResult } from './revocation.js';
export type { RevocationReason, CertificateRecord } from './certificate-store.js';
export type { Hierarchy } from './hierarchy.js';
export type { CrlName } from './crl.js';

/** The published CA certificates: each hierarchy's root and issuing CA (`/pki/ca/{name}.pem`). */
export const CA_NAMES = ['root', 'issuing', 'sm2-root', 'sm2-issuing'] as const;
export type CaName = (typeof CA_NAMES)[number];

/** A certificate of one of tongban's own keys with its chain, e.g. for an `x5c` header. */
export interface OwnCertificate {
  kid: string;
  pem: string;
  der: Buffer;
  /** PEM certificates from this one up to the root. */
  chain: string[];
}

/**
 * tongban's CA (design §4): the CA hierarchy and tongban's own certificates (files beside the
 * keys), issuance from CSRs, revocation (also following the enterprise register), CRLs, OCSP and
 * certificate-chain verification for the verification endpoints.
 */
@Injectable()
export class PkiService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('pki');
  private readonly ca: CaStore;
  private readonly store: CertificateStore;
  private readonly crls: CrlPublisher;
  private readonly ocspResponder: OcspResponder;
  private readonly verifier: ChainVerifier;
  private readonly verifierStatuses: StatusCache;
  /** The same checks with revocation read from the database every time (for sign-in decisions). */
  private readonly freshVerifier: ChainVerifier;
  private readonly issuer: CertificateIssuer;
  private readonly revocations: Revocations;
  private refreshing?: Promise<void>;
  private refreshTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @InjectConfig() config: AppConfig,
    private readonly keys: KeyStore,
    dataSource: DataSource,
    private readonly registry: RegistryService,
    anchors: TrustAnchorService,
    @Optional() private readonly audit?: AuditService,
    @Optional() private readonly issuanceLog?: IssuanceLog,
  ) {
    this.ca = new CaStore(keys, config);
    this.store = new CertificateStore(dataSource);
    this.crls = new CrlPublisher(this.store, keys, this.ca);
    this.ocspResponder = new OcspResponder(this.store, keys, this.ca, (err) => this.logger.warn(`OCSP: ${(err as Error).message}`));
    this.verifierStatuses = new StatusCache(this.store, OCSP_CACHE_MS);
    // Certificates of other CAs chain to the operators' trust anchors (read again every 2 s at most).
    const anchorsInForce = () => anchors.current();
    this.verifier = new ChainVerifier(this.ca, (serials) => this.verifierStatuses.get(serials), anchorsInForce);
    this.freshVerifier = new ChainVerifier(this.ca, (serials) => this.store.statuses(serials), anchorsInForce);
    this.issuer = new CertificateIssuer(keys, this.ca, this.store, {
      publicUrl: config.publicUrl,
      validityDays: config.pkiLicenceValidityDays,
    });
    this.revocations = new Revocations(this.store, (issuerKids) => this.afterRevocation(issuerKids));
  }

  async onModuleInit(): Promise<void> {
    this.registry.onEnterpriseStatusChange((changes) => this.followRegistry(changes));
    // A rotation (here or noticed from another process) may need new certificates. The listener
    // runs while the key store may hold its write lock, so the work is only scheduled here.
    this.keys.onChange(() => {
      if (this.closed) return;
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(
        () => void this.refresh().catch((err: Error) => this.logger.warn(`the CA is not ready after a key change: ${err.message}`)),
        0,
      );
    });
    try {
      await this.refresh();
    } catch (err) {
      this.logger.warn(`the CA is not ready: ${(err as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.closed = true;
    clearTimeout(this.refreshTimer);
  }

  /**
   * Makes missing CA certificates (and tongban's own) and records the certificates found in
   * KEYS_DIR/certs in pki_certificates, so OCSP, CRLs and verification know them.
   */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const created = await this.ca.ensure();
        for (const c of created) this.logger.log(`made the ${c.purpose} certificate for ${c.kid} (${c.subject}, serial ${c.serial})`);
        await this.recordOwnCertificates();
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Whether the current CA keys all have certificates (in one hierarchy, or in every hierarchy whose keys exist). */
  get ready(): boolean {
    return this.ca.ready();
  }

  /** Whether one hierarchy's CA keys all have certificates. */
  readyFor(hierarchy: Hierarchy): boolean {
    return this.ca.ready(hierarchy);
  }

  // ---- CA certificates ----

  /** The certificate of a current root or issuing CA: `root`, `issuing` (ECDSA P-256) or `sm2-root`, `sm2-issuing`. */
  async caCertificate(name: CaName): Promise<CaCertificate> {
    const hierarchy: Hierarchy = name.startsWith('sm2-') ? 'sm2' : 'p256';
    return this.currentCertificate(name.endsWith('root') ? 'root-ca' : 'issuing-ca', hierarchy);
  }

  /** Every root certificate of both hierarchies (trust anchors), current first. */
  rootCertificates(): string[] {
    const current = this.keys.usable('root-ca').map((k) => k.kid);
    return this.ca
      .all('root-ca')
      .sort((a, b) => current.indexOf(a.kid) - current.indexOf(b.kid))
      .map((c) => c.pem);
  }

  /**
   * The certificate of a purpose's current key in a hierarchy (e.g. `licence` for an x5c header,
   * `seal-maker` in `sm2` for a seal), with its chain.
   */
  async ownCertificate(
    purpose: 'licence' | 'seal-maker' | 'issuing-ca' | 'root-ca',
    hierarchy: Hierarchy = 'p256',
  ): Promise<OwnCertificate> {
    const certificate = await this.currentCertificate(purpose, hierarchy);
    return { kid: certificate.kid, pem: certificate.pem, der: certificate.der, chain: this.ca.chain(certificate.kid).map((c) => c.pem) };
  }

  /** The certificate of a named key of tongban's (current or retired), with its chain. */
  certificateForKey(kid: string): OwnCertificate | null {
    const certificate = this.ca.byKid(kid);
    return certificate ? { kid, pem: certificate.pem, der: certificate.der, chain: this.ca.chain(kid).map((c) => c.pem) } : null;
  }

  /** PEM certificates of a hierarchy's current issuing CA and its root: the chain handed out with an issued certificate. */
  caChainPem(hierarchy: Hierarchy = 'p256'): string[] {
    return this.ca.chain(this.ca.current('issuing-ca', hierarchy).kid).map((c) => c.pem);
  }

  /**
   * An `x5c` header value (RFC 7515 §4.1.6) for a signature made with one of tongban's keys: the
   * key's certificate and its issuers up to the root, base64 DER. Throws when the key has none.
   */
  x5cFor(kid: string): string[] {
    const chain = this.ca.chain(kid);
    if (!chain.length) throw new PkiUnavailableError(`the key ${kid} has no certificate`);
    return chain.map((c) => c.der.toString('base64'));
  }

  // ---- issuance ----

  /**
   * Issues under the hierarchy of the request's key: an SM2 key by the SM2 issuing CA, any other by
   * the P-256 one. `by`: who asked (the audit log's actor and request id); tongban itself when absent.
   */
  async issueFromCsr(csr: string | Uint8Array, options: IssueOptions, by: AuditBy = SYSTEM): Promise<IssuedCertificate> {
    await this.ensureReady();
    let issued: IssuedCertificate;
    try {
      issued = await this.issuer.issueFromCsr(csr, options);
    } catch (err) {
      if (err instanceof PkiUnavailableError)
        throw new ApiError(503, 'pki_unavailable', `the certificate authority is not ready: ${err.message}`);
      throw err;
    }
    // Its serial may be remembered as unknown: that serial only (forgetting everything would
    // empty the OCSP and verification caches at every issuance).
    this.ocspResponder.forgetSerial(issued.serial);
    this.verifierStatuses.forgetSerials([issued.serial]);
    await this.audit?.append(
      certificateEvent('certificate.issue', issued.serial, issued.uscc, by, { profile: issued.profile, key: issued.key }),
    );
    // Stored first, then a leaf of the public issuance log before the answer (issue 14 §3; see IssuanceLog).
    const transparency = await this.issuanceLog?.logged('certificate', issued.serial);
    return transparency ? { ...issued, transparency } : issued;
  }

  async certificate(serial: string): Promise<(CertificateRecord & { pem: string }) | null> {
    const key = normaliseSerial(serial);
    const record = await this.store.find(key);
    if (!record) return null;
    const der = await this.store.der(key);
    return { ...record, pem: toPem(der!) };
  }

  certificatesForEnterprise(uscc: string): Promise<CertificateRecord[]> {
    return this.store.forEnterprise(uscc.toUpperCase());
  }

  // ---- revocation ----

  async revoke(serial: string, reason: RevocationReason, at = new Date(), by: AuditBy = SYSTEM): Promise<RevocationResult> {
    const result = await this.revocations.revoke(serial, reason, at);
    if (result.changed) {
      const uscc = (await this.store.find(result.serial))?.uscc ?? null;
      await this.audit?.append(certificateEvent('certificate.revoke', result.serial, uscc, by, { reason }));
    }
    return result;
  }

  hold(serial: string): Promise<RevocationResult> {
    return this.revocations.hold(serial);
  }

  releaseHold(serial: string): Promise<RevocationResult> {
    return this.revocations.releaseHold(serial);
  }

  revokeForEnterprise(uscc: string, reason: RevocationReason): Promise<string[]> {
    return this.revocations.revokeForEnterprise(uscc.toUpperCase(), reason);
  }

  holdForEnterprise(uscc: string): Promise<string[]> {
    return this.revocations.holdForEnterprise(uscc.toUpperCase());
  }

  releaseForEnterprise(uscc: string): Promise<string[]> {
    return this.revocations.releaseForEnterprise(uscc.toUpperCase());
  }

  // ---- CRL and OCSP ----

  /** The current DER CRL of a CA (re-signed when stale or past half its lifetime). */
  async crl(name: CrlName): Promise<Buffer> {
    await this.ensureReady();
    try {
      return await this.crls.current(name);
    } catch (err) {
      if (!(err instanceof PkiUnavailableError)) throw err;
      await this.refresh().catch(() => {});
      return this.crls.current(name);
    }
  }

  /** A DER OCSPResponse for a DER OCSPRequest; malformed input gets a malformedRequest response. */
  async ocsp(request: Buffer | undefined): Promise<Buffer> {
    if (!this.ca.ready()) await this.refresh().catch(() => {});
    return this.ocspResponder.respond(request);
  }

  // ---- verification ----

  /**
   * Validates a certificate chain (PEM text, or a list of PEM/base64-DER certificates, leaf first)
   * against tongban's root certificates and the operators' trust anchors at a time: format, signature, chain, validity and
   * revocation, each PASSED / FAILED / INDETERMINATE, with an ETSI-style verdict. Never throws.
   */
  async verifyCertificateChain(pems: string[] | string, at = new Date(), options: { fresh?: boolean } = {}): Promise<ChainVerification> {
    if (!this.ca.ready()) await this.refresh().catch(() => {});
    // `fresh`: a revocation made a moment ago by another process must count (e.g. signing in with
    // a licence); the verify endpoint's answers may be up to OCSP_CACHE_MS old, as OCSP's are.
    return (options.fresh ? this.freshVerifier : this.verifier).verify(pems, at);
  }

  // ---- internals ----

  private async currentCertificate(purpose: CertifiedPurpose, hierarchy: Hierarchy = 'p256'): Promise<CaCertificate> {
    try {
      return this.ca.current(purpose, hierarchy);
    } catch (err) {
      if (!(err instanceof PkiUnavailableError)) throw err;
      await this.refresh().catch(() => {});
      return this.ca.current(purpose, hierarchy);
    }
  }

  private async ensureReady(): Promise<void> {
    if (this.ca.ready()) return;
    try {
      await this.refresh();
    } catch (err) {
      if (err instanceof PkiUnavailableError || err instanceof KeyStoreError) {
        throw new ApiError(503, 'pki_unavailable', `the certificate authority is not ready: ${err.message}`);
      }
      throw err;
    }
  }

  /** The register's changes followed (revocation, hold, release of licence certificates), each certificate in the audit log. */
  private async followRegistry(changes: EnterpriseStatusChange[]): Promise<void> {
    const followed = await this.revocations.followRegistry(changes);
    const action = (to: string) =>
      to === 'suspended' ? 'certificate.hold' : to === 'active' ? 'certificate.release' : 'certificate.revoke';
    const audit = this.audit;
    if (!audit) return;
    await Promise.all(
      followed.flatMap(({ uscc, serials, to }) =>
        serials.map((serial) => audit.append(certificateEvent(action(to), serial, uscc, REGISTRY, { register: to }))),
      ),
    );
  }

  /** Drops what this process remembers of revocation states (after a change made here). */
  private forgetStatuses(): void {
    this.ocspResponder.forget();
    this.verifierStatuses.forget();
    this.crls.forget();
  }

  /** After a change to certificates signed by these CA keys: their CRLs are signed again. */
  private async afterRevocation(issuerKids: Set<string>): Promise<void> {
    this.forgetStatuses();
    const crls = new Set<CrlName>();
    for (const kid of issuerKids) {
      const ca = this.ca.byKid(kid);
      // A retired CA key's certificates are no longer covered by a CRL (decisions: no full rollover).
      if (ca && (ca.purpose === 'root-ca' || ca.purpose === 'issuing-ca'))
        crls.add(crlName(ca.purpose === 'root-ca' ? 'root' : 'issuing', ca.hierarchy));
    }
    for (const name of crls) {
      try {
        await this.crls.publish(name);
      } catch (err) {
        // The change is recorded and the CRL marked stale: the next request for it signs it again.
        this.logger.error(`signing the ${name} CRL after a revocation failed: ${(err as Error).message}`);
      }
    }
  }

  private async recordOwnCertificates(): Promise<void> {
    const rows = this.ca
      .all()
      .filter((c) => c.purpose !== 'root-ca')
      .map((c) => ({
        serial: c.parts.serial,
        profile: c.profile as Exclude<CaCertificate['profile'], 'root-ca'>,
        issuerKid: c.issuerKid,
        uscc: null,
        subject: nameText(c.parts.subject),
        notBefore: c.parts.notBefore,
        notAfter: c.parts.notAfter,
        der: c.der,
      }));
    await this.store.insertMissing(rows);
  }
}

export type { CreatedCertificate };

/** Who asked for a change of a certificate: the actor and request id of its audit entry. */
export type AuditBy = Pick<AuditEvent, 'actor' | 'requestId'>;
const SYSTEM: AuditBy = { actor: { kind: 'system', id: 'tongban' } };
const REGISTRY: AuditBy = { actor: { kind: 'system', id: 'registry' } };

function certificateEvent(
  action: 'certificate.issue' | 'certificate.revoke' | 'certificate.hold' | 'certificate.release',
  serial: string,
  uscc: string | null,
  by: AuditBy,
  details: Record<string, string>,
): AuditEvent {
  return { action, ...by, object: serial, ...(uscc ? { subject: { kind: 'enterprise', uscc } } : {}), outcome: 'success', details };
}
