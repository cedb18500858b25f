import type { KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import type { AppConfig } from '../config/config.js';
import type { KeyStore } from '../keys/keystore.service.js';
import type { KeyPurpose, KeyRecord } from '../keys/key-types.js';
import { addYears, endEntityExtensions, pkiUrls, signCertificate, wholeSeconds, type Signer } from './builder.js';
import { HIERARCHIES, HIERARCHY_ALG, hierarchyOfAlg, type Hierarchy } from './hierarchy.js';
import { verifySignature } from './signatures.js';
import {
  ext,
  keyIdentifier,
  newSerial,
  nameText,
  parseCertificate,
  pemBlocks,
  publicKeySpki,
  toPem,
  type CertificateParts,
  type NameAttributes,
} from './x509.js';

export { HIERARCHIES, type Hierarchy } from './hierarchy.js';

/** Key purposes that get a certificate from tongban's own CA, in the order they are made. */
export const CERTIFIED_PURPOSES = ['root-ca', 'issuing-ca', 'licence', 'seal-maker'] as const satisfies readonly KeyPurpose[];
export type CertifiedPurpose = (typeof CERTIFIED_PURPOSES)[number];

/** What each purpose's certificate is, as stored in pki_certificates.profile. */
export const PURPOSE_PROFILE = {
  'root-ca': 'root-ca',
  'issuing-ca': 'issuing-ca',
  licence: 'licence-issuer',
  'seal-maker': 'seal-maker',
} as const;

/** "tongban SM2 …" for the SM2 hierarchy's names, so no name is shared by two CAs. */
const namePrefix = (hierarchy: Hierarchy) => (hierarchy === 'p256' ? 'tongban' : 'tongban SM2');
const tongbanName = (commonName: string): NameAttributes => ({ country: 'CN', organizationName: 'tongban', commonName });

export const rootSubject = (hierarchy: Hierarchy = 'p256'): NameAttributes => tongbanName(`${namePrefix(hierarchy)} Root CA`);
export const ROOT_SUBJECT: NameAttributes = rootSubject('p256');
export const issuingSubject = (generation: number, hierarchy: Hierarchy = 'p256'): NameAttributes =>
  tongbanName(`${namePrefix(hierarchy)} Issuing CA ${generation}`);
const endEntitySubject = (purpose: 'licence' | 'seal-maker', hierarchy: Hierarchy): NameAttributes =>
  tongbanName(`${namePrefix(hierarchy)} ${purpose === 'licence' ? 'Licence Issuer' : 'Seal Maker'}`);

const ROOT_YEARS = 20;
const ISSUING_YEARS = 10;
const END_ENTITY_YEARS = 3;
/** tongban's own end-entity certificates are renewed (same key) when less than this is left. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
/** Certificates start a minute early: clocks of relying parties drift. */
const BACKDATE_MS = 60_000;

/** A certificate of one of tongban's own keys, as kept in KEYS_DIR/certs/<kid>.pem. */
export interface CaCertificate {
  kid: string;
  purpose: CertifiedPurpose;
  /** ECDSA P-256 or SM2: the hierarchy of the key (and so of its issuer). */
  hierarchy: Hierarchy;
  profile: (typeof PURPOSE_PROFILE)[CertifiedPurpose];
  der: Buffer;
  pem: string;
  parts: CertificateParts;
  publicKey: KeyObject;
  ski: Buffer;
  /** The kid of the CA key that signed it (itself for a root). */
  issuerKid: string;
}

export interface CreatedCertificate {
  kid: string;
  purpose: CertifiedPurpose;
  hierarchy: Hierarchy;
  subject: string;
  serial: string;
  notAfter: string;
}

/** The PKI cannot answer yet: a CA key or its certificate is missing. */
export class PkiUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PkiUnavailableError';
  }
}

type Settings = Pick<AppConfig, 'keysDir' | 'publicUrl'>;

/**
 * tongban's CA certificates and the certificates of its own signing keys, as files beside the
 * keys (KEYS_DIR/certs/<kid>.pem), for both hierarchies (ECDSA P-256 and SM2, see hierarchy.ts). No
 * database: `tongban keys init` makes them before any database exists. Creation happens under the
 * key store's write lock, and the files are read again after taking it, so two processes never
 * mint two certificates for one key.
 *
 * Rotation: a rotated `issuing-ca` (or `root-ca`) key gets its own certificate at the next
 * ensure() (start, `keys init`, or the key change noticed by a running service); certificates of
 * retired keys stay and keep verifying. A full CA rollover (cross-certificates, CRLs signed by
 * retired CA keys) is out of scope.
 */
export class CaStore {
  private readonly certificates = new Map<string, CaCertificate>();
  private generation = 0;
  /** ready() for every hierarchy, kept until the keys or the certificates change (it is asked per request). */
  private readyMemo?: { keys: number; generation: number; ready: boolean };

  constructor(
    private readonly keys: KeyStore,
    private readonly settings: Settings,
  ) {}

  get dir(): string {
    return join(this.settings.keysDir, 'certs');
  }

  /** Bumped whenever the set of loaded certificates changes (callers drop their caches). */
  get version(): number {
    return this.generation;
  }

  /** The certificate of the purpose's current key in a hierarchy. */
  current(purpose: CertifiedPurpose, hierarchy: Hierarchy = 'p256'): CaCertificate {
    let kid: string;
    try {
      kid = this.keys.current(purpose, HIERARCHY_ALG[hierarchy]).kid;
    } catch (err) {
      throw new PkiUnavailableError((err as Error).message);
    }
    const certificate = this.certificates.get(kid);
    if (!certificate)
      throw new PkiUnavailableError(`the ${purpose} key ${kid} has no certificate yet: run \`tongban keys init\` or restart the service`);
    return certificate;
  }

  /**
   * Whether every certified purpose's current key has a certificate in memory: in the hierarchy
   * named, or (none named) in every hierarchy whose keys exist, at least one. Called per request.
   */
  ready(hierarchy?: Hierarchy): boolean {
    if (hierarchy) return this.readyNow(hierarchy);
    const memo = this.readyMemo;
    if (memo && memo.keys === this.keys.revision && memo.generation === this.generation) return memo.ready;
    const ready = this.readyNow();
    this.readyMemo = { keys: this.keys.revision, generation: this.generation, ready };
    return ready;
  }

  private readyNow(hierarchy?: Hierarchy): boolean {
    let any = false;
    for (const h of hierarchy ? [hierarchy] : HIERARCHIES) {
      let keyed = true;
      for (const purpose of CERTIFIED_PURPOSES) {
        const key = this.keys.findCurrent(purpose, HIERARCHY_ALG[h]);
        if (!key) keyed = false;
        else if (!this.certificates.has(key.kid)) return false;
      }
      if (keyed) any = true;
      else if (hierarchy) return false;
    }
    return any;
  }

  byKid(kid: string): CaCertificate | undefined {
    return this.certificates.get(kid);
  }

  all(purpose?: CertifiedPurpose, hierarchy?: Hierarchy): CaCertificate[] {
    return [...this.certificates.values()].filter((c) => (!purpose || c.purpose === purpose) && (!hierarchy || c.hierarchy === hierarchy));
  }

  /** The certificate of kid and its issuers up to the root: [kid's, …, root]. */
  chain(kid: string): CaCertificate[] {
    const chain: CaCertificate[] = [];
    for (let cert = this.certificates.get(kid); cert && chain.length < 4; cert = this.certificates.get(cert.issuerKid)) {
      chain.push(cert);
      if (cert.issuerKid === cert.kid) break;
    }
    return chain;
  }

  /**
   * Makes the missing certificates of each hierarchy: a self-signed root for the current `root-ca`
   * key, an issuing CA certificate for the current `issuing-ca` key, and end-entity certificates
   * for the current `licence` and `seal-maker` keys (renewed when they near expiry). A hierarchy
   * whose keys are not all there yet (a key store from before the SM2 hierarchy, until `keys init`)
   * is left alone; the other still works. Returns what it made.
   */
  async ensure(now = new Date()): Promise<CreatedCertificate[]> {
    await this.load();
    if (!this.needsWork(now)) return [];
    return this.keys.backend.withWriteLock(async () => {
      await this.keys.reloadIfChanged();
      await this.load();
      const created: CreatedCertificate[] = [];
      for (const hierarchy of this.keyedHierarchies()) {
        for (const purpose of CERTIFIED_PURPOSES) {
          const key = this.keys.current(purpose, HIERARCHY_ALG[hierarchy]);
          const existing = this.certificates.get(key.kid);
          if (existing && !this.expiring(existing, now)) continue;
          const certificate = await this.create(purpose, hierarchy, key, now);
          await this.write(certificate);
          this.certificates.set(certificate.kid, certificate);
          this.generation++;
          created.push({
            kid: certificate.kid,
            purpose,
            hierarchy,
            subject: nameText(certificate.parts.subject),
            serial: certificate.parts.serial,
            notAfter: certificate.parts.notAfter.toISOString(),
          });
        }
      }
      if (!this.keyedHierarchies().length) throw new PkiUnavailableError('the CA keys are missing: run `tongban keys init`');
      return created;
    });
  }

  /** Reads KEYS_DIR/certs: every file named after a known key of a certified purpose, checked against that key. */
  async load(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const records = new Map(this.keys.list().map((k) => [k.kid, k]));
    const found: Array<{ record: KeyRecord; der: Buffer }> = [];
    for (const name of names) {
      const kid = name.endsWith('.pem') ? name.slice(0, -4) : '';
      const record = records.get(kid);
      if (!record || !(CERTIFIED_PURPOSES as readonly string[]).includes(record.purpose) || !hierarchyOfAlg(record.alg)) continue;
      const text = await fs.readFile(join(this.dir, name), 'utf8');
      const cached = this.certificates.get(kid);
      const [der] = pemBlocks(text, ['CERTIFICATE']);
      if (!der) throw new Error(`${join(this.dir, name)} holds no certificate`);
      if (cached?.der.equals(der)) continue;
      found.push({ record, der });
    }
    // Roots first, then what they signed, so every issuer is known before its subjects.
    found.sort(
      (a, b) =>
        CERTIFIED_PURPOSES.indexOf(a.record.purpose as CertifiedPurpose) - CERTIFIED_PURPOSES.indexOf(b.record.purpose as CertifiedPurpose),
    );
    for (const { record, der } of found) {
      this.certificates.set(record.kid, await this.check(record, der));
      this.generation++;
    }
  }

  /** The hierarchies whose certified purposes all have a current key. */
  private keyedHierarchies(): Hierarchy[] {
    return HIERARCHIES.filter((hierarchy) =>
      CERTIFIED_PURPOSES.every((purpose) => this.keys.findCurrent(purpose, HIERARCHY_ALG[hierarchy]) !== undefined),
    );
  }

  private needsWork(now: Date): boolean {
    const hierarchies = this.keyedHierarchies();
    if (!hierarchies.length) return true; // ensure() says what is missing
    for (const hierarchy of hierarchies) {
      for (const purpose of CERTIFIED_PURPOSES) {
        const kid = this.keys.current(purpose, HIERARCHY_ALG[hierarchy]).kid;
        const existing = this.certificates.get(kid);
        if (!existing || this.expiring(existing, now)) return true;
      }
    }
    return false;
  }

  /** CA certificates are not renewed here (that is a rollover); tongban's end-entity ones are. */
  private expiring(certificate: CaCertificate, now: Date): boolean {
    if (certificate.purpose === 'root-ca' || certificate.purpose === 'issuing-ca') return false;
    return certificate.parts.notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS;
  }

  private async check(record: KeyRecord, der: Buffer): Promise<CaCertificate> {
    const where = join(this.dir, `${record.kid}.pem`);
    const hierarchy = hierarchyOfAlg(record.alg);
    if (!hierarchy) throw new Error(`${where}: a ${record.alg} key gets no CA certificate`);
    const parts = parseCertificate(der);
    const publicKey = await this.keys.publicKey(record.kid);
    if (!parts.spki.equals(publicKeySpki(publicKey))) throw new Error(`${where} does not certify the key ${record.kid}`);
    const purpose = record.purpose as CertifiedPurpose;
    let issuer: { kid: string; spki: Buffer; publicKey: KeyObject } | undefined;
    if (purpose === 'root-ca') issuer = { kid: record.kid, spki: parts.spki, publicKey };
    else {
      const wanted = purpose === 'issuing-ca' ? 'root-ca' : 'issuing-ca';
      const ca = this.all(wanted, hierarchy).find((c) => c.ski.toString('hex') === parts.aki && c.parts.subjectDer.equals(parts.issuerDer));
      issuer = ca && { kid: ca.kid, spki: ca.parts.spki, publicKey: ca.publicKey };
    }
    if (!issuer || !verifySignature(parts.signatureAlgorithm, issuer, parts.tbs, parts.signature)) {
      throw new Error(`${where} is not signed by a tongban CA certificate found in ${this.dir}`);
    }
    return {
      kid: record.kid,
      purpose,
      hierarchy,
      profile: PURPOSE_PROFILE[purpose],
      der,
      pem: toPem(der),
      parts,
      publicKey,
      ski: keyIdentifier(parts.spki),
      issuerKid: issuer.kid,
    };
  }

  private async create(purpose: CertifiedPurpose, hierarchy: Hierarchy, key: KeyRecord, now: Date): Promise<CaCertificate> {
    const publicKey = await this.keys.publicKey(key.kid);
    const spki = publicKeySpki(publicKey);
    const ski = keyIdentifier(spki);
    const notBefore = wholeSeconds(new Date(now.getTime() - BACKDATE_MS));
    const urls = pkiUrls(this.settings.publicUrl, hierarchy);
    let der: Buffer;
    if (purpose === 'root-ca') {
      ({ der } = await signCertificate(this.keys, 'self', {
        selfKid: key.kid,
        serial: newSerial(),
        subject: rootSubject(hierarchy),
        spki,
        notBefore,
        notAfter: addYears(notBefore, ROOT_YEARS),
        extensions: [
          ext.basicConstraints(true, 1),
          ext.keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign),
          ext.subjectKeyIdentifier(ski),
        ],
      }));
    } else if (purpose === 'issuing-ca') {
      const root = this.current('root-ca', hierarchy);
      // Each issuing CA key gets its own name, so relying parties never confuse two generations.
      const generation = this.all('issuing-ca', hierarchy).length + 1;
      ({ der } = await signCertificate(this.keys, signerOf(root), {
        serial: newSerial(),
        subject: issuingSubject(generation, hierarchy),
        spki,
        notBefore,
        notAfter: earliest(addYears(notBefore, ISSUING_YEARS), root.parts.notAfter),
        extensions: [
          ext.basicConstraints(true, 0),
          // digitalSignature as well: this CA signs its OCSP responses itself (CA/B BR 7.1.2.1).
          ext.keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature),
          ext.subjectKeyIdentifier(ski),
          ext.authorityKeyIdentifier(root.ski),
          ext.crlDistributionPoint(urls.rootCrl),
          ext.authorityInfoAccess({ caIssuers: urls.rootCer }),
        ],
      }));
    } else {
      const issuing = this.current('issuing-ca', hierarchy);
      const profile = PURPOSE_PROFILE[purpose];
      ({ der } = await signCertificate(this.keys, signerOf(issuing), {
        serial: newSerial(),
        subject: endEntitySubject(purpose, hierarchy),
        spki,
        notBefore,
        notAfter: earliest(addYears(notBefore, END_ENTITY_YEARS), issuing.parts.notAfter),
        extensions: endEntityExtensions(profile, spki, signerOf(issuing), this.settings.publicUrl),
      }));
    }
    return this.check(key, der);
  }

  private async write(certificate: CaCertificate): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o755 });
    const path = join(this.dir, `${certificate.kid}.pem`);
    const temporary = `${path}.${process.pid}.tmp`;
    await fs.writeFile(temporary, certificate.pem, { mode: 0o644 });
    await fs.rename(temporary, path);
  }
}

export function signerOf(ca: CaCertificate): Signer {
  return {
    kid: ca.kid,
    hierarchy: ca.hierarchy,
    subjectDer: ca.parts.subjectDer,
    ski: ca.ski,
    spki: ca.parts.spki,
    publicKey: ca.publicKey,
  };
}

function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

/**
 * Makes any missing CA certificate (and tongban's own end-entity certificates) for the current
 * keys. For `tongban keys init`: needs the keys only, never the database.
 */
export async function ensureCaCertificates(keys: KeyStore, config: Settings): Promise<{ created: CreatedCertificate[] }> {
  return { created: await new CaStore(keys, config).ensure() };
}
