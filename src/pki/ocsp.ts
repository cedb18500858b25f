import { createHash } from 'node:crypto';
import { CRYPTO_OID } from '../crypto/oids.js';
import type { KeyStore } from '../keys/keystore.service.js';
import { PkiUnavailableError, type CaCertificate, type CaStore } from './ca.js';
import { REASON_CODES, type CertificateStore, type SerialStatus } from './certificate-store.js';
import { StatusCache } from './status-cache.js';
import {
  bitString,
  children,
  contents,
  DerError,
  enumerated,
  expectTag,
  explicit,
  generalizedTime,
  octetString,
  oid,
  raw,
  readOid,
  readRoot,
  sequence,
  serialHex,
  TAG,
  tlv,
  type Tlv,
} from './der.js';
import { HIERARCHIES, type Hierarchy } from './hierarchy.js';
import { OID, signatureAlgorithmOf, subjectPublicKeyBits } from './x509.js';

export const OCSP_MAX_REQUEST_BYTES = 16 * 1024;
/** CertIDs answered in one request (RFC 6960 sets no limit; this keeps one request cheap). */
export const OCSP_MAX_CERT_IDS = 20;
/** nextUpdate of every answer. */
export const OCSP_VALIDITY_MS = 3600_000;
/**
 * Signed answers to nonce-less requests, and the revocation states read for any request, are
 * reused this long (per replica; cleared at once by a change made in this process).
 */
export const OCSP_CACHE_MS = 3_000;
const OCSP_CACHE_ENTRIES = 10_000;

/** OCSPResponse with only a status (RFC 6960 §4.2.1): no responseBytes. */
const statusOnly = (status: number) => Buffer.from([0x30, 0x03, 0x0a, 0x01, status]);
export const OCSP_MALFORMED_REQUEST = statusOnly(1);
export const OCSP_INTERNAL_ERROR = statusOnly(2);
export const OCSP_TRY_LATER = statusOnly(3);

/** CertID hash algorithms answered: SHA-1 (what most clients send), the SHA-2s, and SM3 (GM/T clients). */
const HASHES: Record<string, string> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
  [CRYPTO_OID.sm3]: 'sm3',
};

interface CertId {
  /** The CertID as received; echoed in the answer. */
  raw: Buffer;
  hashAlgorithm: string;
  nameHash: Buffer;
  keyHash: Buffer;
  serial: string;
}

export interface OcspRequestInfo {
  certIds: CertId[];
  /** The nonce extension as received (RFC 8954), echoed in the answer. */
  nonce?: Buffer;
}

interface IssuerContext {
  ca: CaCertificate;
  version: number;
  /** Its signature algorithm (ecdsa-with-SHA256 or SM2-with-SM3), as the BasicOCSPResponse names it. */
  algorithm: Buffer;
  /** "hashOid:nameHash:keyHash" of this CA for every hash algorithm accepted. */
  ids: Set<string>;
  /** ResponderID byKey: [2] EXPLICIT KeyHash (SHA-1 of the public key bits). */
  responderId: Buffer;
  /** [0] EXPLICIT SEQUENCE OF Certificate: the issuing CA, for clients that look the signer up there. */
  certs: Buffer;
}

/** Parses an OCSPRequest strictly; throws DerError on anything malformed. */
export function parseOcspRequest(der: Buffer): OcspRequestInfo {
  if (der.length > OCSP_MAX_REQUEST_BYTES) throw new DerError('request too large');
  const root = expectTag(readRoot(der), TAG.SEQUENCE, 'an OCSPRequest');
  const [tbs, signature, ...rest] = children(der, root);
  if (rest.length || (signature && signature.tag !== 0xa0)) throw new DerError('unexpected elements in OCSPRequest');
  const fields = children(der, expectTag(tbs, TAG.SEQUENCE, 'a TBSRequest'));
  let i = 0;
  if (fields[i]?.tag === 0xa0) {
    const [version] = children(der, fields[i]);
    const value = contents(der, expectTag(version, TAG.INTEGER, 'a version'));
    if (value.length !== 1 || value[0] !== 0) throw new DerError('unknown OCSP version');
    i++;
  }
  if (fields[i]?.tag === 0xa1) i++; // requestorName
  const list = children(der, expectTag(fields[i++], TAG.SEQUENCE, 'a requestList'));
  if (!list.length || list.length > OCSP_MAX_CERT_IDS)
    throw new DerError(`a request must ask about 1 to ${OCSP_MAX_CERT_IDS} certificates`);
  const certIds = list.map((request) => {
    const [certIdTlv, extensions, ...more] = children(der, expectTag(request, TAG.SEQUENCE, 'a Request'));
    if (more.length || (extensions && extensions.tag !== 0xa0)) throw new DerError('unexpected elements in Request');
    return readCertId(der, expectTag(certIdTlv, TAG.SEQUENCE, 'a CertID'));
  });
  let nonce: Buffer | undefined;
  if (fields[i]?.tag === 0xa2) {
    const [extensions] = children(der, fields[i]);
    for (const extension of children(der, expectTag(extensions, TAG.SEQUENCE, 'extensions'))) {
      const items = children(der, expectTag(extension, TAG.SEQUENCE, 'an extension'));
      if (readOid(der, items[0]) === OID.ocspNonce) {
        expectTag(items[items.length - 1], TAG.OCTET_STRING, 'an extension value');
        nonce = raw(der, extension);
      }
    }
    i++;
  }
  if (i !== fields.length) throw new DerError('unexpected elements in TBSRequest');
  return { certIds, nonce };
}

function readCertId(der: Buffer, certId: Tlv): CertId {
  const [alg, nameHash, keyHash, serial, ...rest] = children(der, certId);
  if (rest.length) throw new DerError('unexpected elements in CertID');
  const [algOid] = children(der, expectTag(alg, TAG.SEQUENCE, 'a hash algorithm'));
  return {
    raw: raw(der, certId),
    hashAlgorithm: readOid(der, algOid),
    nameHash: contents(der, expectTag(nameHash, TAG.OCTET_STRING, 'issuerNameHash')),
    keyHash: contents(der, expectTag(keyHash, TAG.OCTET_STRING, 'issuerKeyHash')),
    serial: serialHex(contents(der, expectTag(serial, TAG.INTEGER, 'a serial number'))),
  };
}

/**
 * The OCSP responder (RFC 6960) of the issuing CAs (ECDSA P-256 and SM2), each of which signs its
 * answers itself (responderID byKey) with its own algorithm. Per request: a strict DER parse, at
 * most one indexed query (states are cached for OCSP_CACHE_MS), one signature. Answers to
 * nonce-less requests are cached for OCSP_CACHE_MS as they are.
 *
 * One response has one signer, so a request is answered by the CA its first known CertID names;
 * CertIDs of the other CA in the same request are `unknown` to it (RFC 6960 §2.2: the responder
 * does not know them). OpenSSL and other clients ask about one issuer per request.
 */
export class OcspResponder {
  private readonly issuers = new Map<Hierarchy, IssuerContext>();
  private readonly cache = new Map<string, { der: Buffer; expires: number }>();
  private readonly statuses: Record<Hierarchy, StatusCache>;

  constructor(
    store: CertificateStore,
    private readonly keys: KeyStore,
    private readonly ca: CaStore,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    const statusCache = (hierarchy: Hierarchy) => new StatusCache(store, OCSP_CACHE_MS, () => this.issuers.get(hierarchy)?.ca.kid);
    this.statuses = { p256: statusCache('p256'), sm2: statusCache('sm2') };
  }

  /** Answers a DER OCSPRequest with a DER OCSPResponse; never throws. */
  async respond(request: Buffer | undefined, now = new Date()): Promise<Buffer> {
    let parsed: OcspRequestInfo;
    try {
      if (!request || !request.length) throw new DerError('empty request');
      parsed = parseOcspRequest(request);
    } catch {
      return OCSP_MALFORMED_REQUEST;
    }
    const cacheKey = parsed.nonce ? undefined : request.toString('base64');
    if (cacheKey) {
      const hit = this.cache.get(cacheKey);
      if (hit && hit.expires > Date.now()) return hit.der;
    }
    let answer: Buffer;
    let complete: boolean;
    try {
      ({ der: answer, complete } = await this.answer(parsed, now));
    } catch (err) {
      this.onError(err);
      return isUnavailable(err) ? OCSP_TRY_LATER : OCSP_INTERNAL_ERROR;
    }
    // An answer saying `unknown` is not kept: the serial may be issued a moment later.
    if (cacheKey && complete) {
      if (this.cache.size >= OCSP_CACHE_ENTRIES) this.cache.clear();
      this.cache.set(cacheKey, { der: answer, expires: Date.now() + OCSP_CACHE_MS });
    }
    return answer;
  }

  /** After issuing a certificate: its serial may be remembered as unknown (cached answers never say unknown). */
  forgetSerial(serial: string): void {
    for (const statuses of Object.values(this.statuses)) statuses.forgetSerials([serial]);
  }

  /** Drops cached answers (after a revocation in this process). */
  forget(): void {
    this.cache.clear();
    for (const statuses of Object.values(this.statuses)) statuses.forget();
  }

  private async answer(request: OcspRequestInfo, now: Date): Promise<{ der: Buffer; complete: boolean }> {
    const issuers = this.contexts();
    const named = request.certIds.map((id) => {
      const key = `${id.hashAlgorithm}:${id.nameHash.toString('hex')}:${id.keyHash.toString('hex')}`;
      return issuers.find((issuer) => issuer.context.ids.has(key));
    });
    // The first CA named answers; a request naming none is answered (all unknown) by the first CA.
    const responder = named.find((issuer) => issuer !== undefined) ?? issuers[0];
    const issuer = responder.context;
    const ours = named.map((n) => n === responder);
    const serials = request.certIds.filter((_, index) => ours[index]).map((id) => id.serial);
    const statuses = serials.length ? await this.statuses[responder.hierarchy].get(serials) : new Map<string, SerialStatus>();
    const thisUpdate = generalizedTime(now);
    const nextUpdate = explicit(0, generalizedTime(new Date(now.getTime() + OCSP_VALIDITY_MS)));
    let complete = true;
    const responses = request.certIds.map((id, index) => {
      const status = ours[index] ? statuses.get(id.serial) : undefined;
      if (!status) complete = false;
      return sequence(id.raw, certStatus(status), thisUpdate, nextUpdate);
    });
    const responseData = sequence(
      issuer.responderId,
      thisUpdate, // producedAt
      sequence(...responses),
      ...(request.nonce ? [explicit(1, sequence(request.nonce))] : []),
    );
    const signature = await this.keys.signWith(issuer.ca.kid, responseData, 'der');
    const basic = sequence(responseData, issuer.algorithm, bitString(signature), issuer.certs);
    return { der: sequence(enumerated(0), explicit(0, sequence(oid(OID.ocspBasic), octetString(basic)))), complete };
  }

  /** The issuing CAs that can answer now (P-256 first); PkiUnavailableError when there is none. */
  private contexts(): Array<{ hierarchy: Hierarchy; context: IssuerContext }> {
    const found: Array<{ hierarchy: Hierarchy; context: IssuerContext }> = [];
    let unavailable: unknown;
    for (const hierarchy of HIERARCHIES) {
      try {
        found.push({ hierarchy, context: this.context(hierarchy) });
      } catch (err) {
        unavailable ??= err;
      }
    }
    if (!found.length) throw unavailable instanceof Error ? unavailable : new PkiUnavailableError('no issuing CA is ready');
    return found;
  }

  private context(hierarchy: Hierarchy): IssuerContext {
    const ca = this.ca.current('issuing-ca', hierarchy);
    const known = this.issuers.get(hierarchy);
    if (known && known.ca === ca && known.version === this.ca.version) return known;
    const keyBits = subjectPublicKeyBits(ca.parts.spki);
    const ids = new Set<string>();
    for (const [algOid, hash] of Object.entries(HASHES)) {
      const nameHash = createHash(hash).update(ca.parts.subjectDer).digest('hex');
      const keyHash = createHash(hash).update(keyBits).digest('hex');
      ids.add(`${algOid}:${nameHash}:${keyHash}`);
    }
    const context: IssuerContext = {
      ca,
      version: this.ca.version,
      algorithm: signatureAlgorithmOf(this.keys.record(ca.kid).alg).der,
      ids,
      responderId: explicit(2, octetString(createHash('sha1').update(keyBits).digest())),
      certs: explicit(0, sequence(ca.der)),
    };
    this.issuers.set(hierarchy, context);
    this.cache.clear();
    this.statuses[hierarchy].forget();
    return context;
  }
}

function certStatus(status: SerialStatus | undefined): Buffer {
  if (!status) return Buffer.from([0x82, 0x00]); // unknown: not issued by this CA
  if (status.status === 'good') return Buffer.from([0x80, 0x00]);
  const reason = status.reason && status.reason !== 'unspecified' ? [explicit(0, enumerated(REASON_CODES[status.reason]))] : [];
  return tlv(0xa1, generalizedTime(status.revokedAt!), ...reason);
}

/** Errors that mean "ask again later": the database or a CA key is not reachable now. */
function isUnavailable(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'PkiUnavailableError' ||
      err.name === 'QueryFailedError' ||
      /connect|terminat|timeout|closed|not initialized/i.test(err.message))
  );
}
