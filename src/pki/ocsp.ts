import { createHash } from 'node:crypto';
import type { KeyStore } from '../keys/keystore.service.js';
import type { CaCertificate, CaStore } from './ca.js';
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
import { ECDSA_SHA256_DER, OID, subjectPublicKeyBits } from './x509.js';

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

const HASHES: Record<string, string> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

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
 * The OCSP responder (RFC 6960) of the issuing CA, which signs its answers itself (responderID
 * byKey). Per request: a strict DER parse, at most one indexed query (states are cached for
 * OCSP_CACHE_MS), one ECDSA signature. Answers to nonce-less requests are cached for
 * OCSP_CACHE_MS as they are.
 */
export class OcspResponder {
  private issuer?: IssuerContext;
  private readonly cache = new Map<string, { der: Buffer; expires: number }>();
  private readonly statuses: StatusCache;

  constructor(
    store: CertificateStore,
    private readonly keys: KeyStore,
    private readonly ca: CaStore,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.statuses = new StatusCache(store, OCSP_CACHE_MS, () => this.issuer?.ca.kid);
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
    this.statuses.forgetSerials([serial]);
  }

  /** Drops cached answers (after a revocation in this process). */
  forget(): void {
    this.cache.clear();
    this.statuses.forget();
  }

  private async answer(request: OcspRequestInfo, now: Date): Promise<{ der: Buffer; complete: boolean }> {
    const issuer = this.context();
    const ours = request.certIds.map((id) =>
      issuer.ids.has(`${id.hashAlgorithm}:${id.nameHash.toString('hex')}:${id.keyHash.toString('hex')}`),
    );
    const serials = request.certIds.filter((_, index) => ours[index]).map((id) => id.serial);
    const statuses = serials.length ? await this.statuses.get(serials) : new Map<string, SerialStatus>();
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
    const basic = sequence(responseData, ECDSA_SHA256_DER, bitString(signature), issuer.certs);
    return { der: sequence(enumerated(0), explicit(0, sequence(oid(OID.ocspBasic), octetString(basic)))), complete };
  }

  private context(): IssuerContext {
    const ca = this.ca.current('issuing-ca');
    if (this.issuer && this.issuer.ca === ca && this.issuer.version === this.ca.version) return this.issuer;
    const keyBits = subjectPublicKeyBits(ca.parts.spki);
    const ids = new Set<string>();
    for (const [algOid, hash] of Object.entries(HASHES)) {
      const nameHash = createHash(hash).update(ca.parts.subjectDer).digest('hex');
      const keyHash = createHash(hash).update(keyBits).digest('hex');
      ids.add(`${algOid}:${nameHash}:${keyHash}`);
    }
    this.issuer = {
      ca,
      version: this.ca.version,
      ids,
      responderId: explicit(2, octetString(createHash('sha1').update(keyBits).digest())),
      certs: explicit(0, sequence(ca.der)),
    };
    this.forget();
    return this.issuer;
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
