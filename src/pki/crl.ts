import 'reflect-metadata';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  CRLNumber,
  CRLReason,
  Extension,
  KeyIdentifier,
  Name,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
} from '@peculiar/asn1-x509';
import type { KeyStore } from '../keys/keystore.service.js';
import type { CaCertificate, CaStore } from './ca.js';
import { REASON_CODES, type CertificateStore, type SerialStatus, type StoredCrl } from './certificate-store.js';
import { wholeSeconds } from './builder.js';
import { filePrefix, HIERARCHIES, type Hierarchy } from './hierarchy.js';
import { OID, serialize, signatureAlgorithmOf, signTbs, toArrayBuffer } from './x509.js';

/** The CRLs: each hierarchy's root and issuing CA (`root.crl`, `issuing.crl`, `sm2-root.crl`, `sm2-issuing.crl`). */
export const CRL_NAMES = ['root', 'issuing', 'sm2-root', 'sm2-issuing'] as const;
export type CrlName = (typeof CRL_NAMES)[number];

/** The CRL a CA signs. */
export function crlName(level: 'root' | 'issuing', hierarchy: Hierarchy): CrlName {
  return `${filePrefix(hierarchy)}${level}` as CrlName;
}

const SIGNERS = Object.fromEntries(
  HIERARCHIES.flatMap((hierarchy) => [
    [crlName('root', hierarchy), { purpose: 'root-ca', hierarchy }],
    [crlName('issuing', hierarchy), { purpose: 'issuing-ca', hierarchy }],
  ]),
) as Record<CrlName, { purpose: 'root-ca' | 'issuing-ca'; hierarchy: Hierarchy }>;

/** The CA that signs a CRL. */
export function crlSigner(name: CrlName): { purpose: 'root-ca' | 'issuing-ca'; hierarchy: Hierarchy } {
  return SIGNERS[name];
}

/** A CRL is valid for a day and re-signed once half of that has passed (or at once after a change). */
export const CRL_LIFETIME_MS = 24 * 3600_000;
/** How long a replica serves a CRL from memory before asking the database for a newer one. */
export const CRL_MEMORY_MS = 2_000;

interface Cached {
  der: Buffer;
  number: number;
  thisUpdate: Date;
  fetchedAt: number;
  kid: string;
}

/**
 * The CRLs of each root (listing revoked issuing CA certificates) and of each issuing CA (listing
 * revoked and held end-entity certificates), signed by that CA's key (ECDSA or SM2). The newest signed CRL of each is kept in pki_crls
 * with its number; a revocation marks it stale and signs a new one, and any replica that finds it
 * stale or past half its lifetime signs the next number under a row lock. Replicas keep a CRL in
 * memory for CRL_MEMORY_MS only.
 */
export class CrlPublisher {
  private readonly cache = new Map<CrlName, Cached>();

  constructor(
    private readonly store: CertificateStore,
    private readonly keys: KeyStore,
    private readonly ca: CaStore,
  ) {}

  /** The CRL to serve: from memory if fetched moments ago, else the newest in the database, re-signed if due. */
  async current(name: CrlName, now = new Date()): Promise<Buffer> {
    const signer = this.signer(name);
    const cached = this.cache.get(name);
    if (cached && cached.kid === signer.kid && Date.now() - cached.fetchedAt < CRL_MEMORY_MS && !halfGone(cached.thisUpdate, now))
      return cached.der;
    const stored = await this.store.latestCrl(name);
    if (stored && this.usable(stored, signer.kid, now)) return this.remember(name, stored);
    return this.publish(name, now);
  }

  /** Signs the next CRL unless another replica has just signed one that is current. */
  async publish(name: CrlName, now = new Date()): Promise<Buffer> {
    const signer = this.signer(name);
    return this.store.withCrlLock(name, async (locked, manager) => {
      if (this.usable(locked, signer.kid, now)) return this.remember(name, locked);
      const entries = await this.store.revokedEntries(signer.kid, manager);
      const thisUpdate = wholeSeconds(now);
      const nextUpdate = new Date(thisUpdate.getTime() + CRL_LIFETIME_MS);
      const number = locked.number + 1;
      const der = await this.sign(name, { number, thisUpdate, nextUpdate, entries });
      const crl = { number, issuerKid: signer.kid, der, thisUpdate, nextUpdate };
      await this.store.saveCrl(manager, name, crl);
      return this.remember(name, { ...crl, stale: false });
    });
  }

  /** Drops what this process holds in memory (after a revocation here). */
  forget(): void {
    this.cache.clear();
  }

  private usable(crl: StoredCrl, kid: string, now: Date): boolean {
    return !!crl.der && !crl.stale && crl.issuerKid === kid && !!crl.thisUpdate && !halfGone(crl.thisUpdate, now);
  }

  private remember(name: CrlName, crl: StoredCrl): Buffer {
    this.cache.set(name, { der: crl.der!, number: crl.number, thisUpdate: crl.thisUpdate!, fetchedAt: Date.now(), kid: crl.issuerKid! });
    return crl.der!;
  }

  private signer(name: CrlName): CaCertificate {
    const { purpose, hierarchy } = crlSigner(name);
    return this.ca.current(purpose, hierarchy);
  }

  private async sign(name: CrlName, crl: { number: number; thisUpdate: Date; nextUpdate: Date; entries: SerialStatus[] }): Promise<Buffer> {
    const signer = this.signer(name);
    const revoked = crl.entries.map(
      (entry) =>
        new RevokedCertificate({
          userCertificate: toArrayBuffer(serialBytes(entry.serial)),
          revocationDate: new Time(entry.revokedAt!),
          // RFC 5280 §5.3.1: the reason code unspecified SHOULD be left out.
          ...(entry.reason && entry.reason !== 'unspecified'
            ? {
                crlEntryExtensions: [
                  new Extension({
                    extnID: OID.crlReason,
                    critical: false,
                    extnValue: new OctetString(AsnConvert.serialize(new CRLReason(REASON_CODES[entry.reason]))),
                  }),
                ],
              }
            : {}),
        }),
    );
    const tbs = new TBSCertList({
      version: Version.v2,
      signature: new AlgorithmIdentifier({ algorithm: signatureAlgorithmOf(this.keys.record(signer.kid).alg).oid }),
      issuer: AsnConvert.parse(signer.parts.subjectDer, Name),
      thisUpdate: new Time(crl.thisUpdate),
      nextUpdate: new Time(crl.nextUpdate),
      ...(revoked.length ? { revokedCertificates: revoked } : {}),
      crlExtensions: [
        new Extension({
          extnID: OID.authorityKeyIdentifier,
          critical: false,
          extnValue: new OctetString(
            AsnConvert.serialize(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(toArrayBuffer(signer.ski)) })),
          ),
        }),
        new Extension({
          extnID: OID.crlNumber,
          critical: false,
          extnValue: new OctetString(AsnConvert.serialize(new CRLNumber(crl.number))),
        }),
      ],
    });
    return signTbs(this.keys, signer.kid, serialize(tbs));
  }
}

function halfGone(thisUpdate: Date, now: Date): boolean {
  return now.getTime() - thisUpdate.getTime() > CRL_LIFETIME_MS / 2;
}

/** A stored serial (hex) as INTEGER content bytes: a leading 0x00 keeps it positive. */
export function serialBytes(serialHex: string): Buffer {
  const bytes = Buffer.from(serialHex.length % 2 ? `0${serialHex}` : serialHex, 'hex');
  return bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}
