import { ApiError } from '../common/api-error.js';
import type { IssuanceLogRef } from '../audit/issuance/issuance-entry.js';
import { canonicalUscc } from '../identifiers/uscc.js';
import type { KeyStore } from '../keys/keystore.service.js';
import { endEntityExtensions, PROFILES, signCertificate, wholeSeconds, type Profile } from './builder.js';
import { signerOf, type CaStore } from './ca.js';
import type { CertificateStore } from './certificate-store.js';
import { parseCsr } from './csr.js';
import { nameText, newSerial, toPem, type NameAttributes } from './x509.js';

export interface IssueOptions {
  profile: Profile;
  /** The subject as the registry knows it; the request's own subject is ignored. */
  subject: { uscc?: string; organizationName?: string; commonName?: string };
  notBefore?: Date;
  notAfter?: Date;
}

export interface IssuedCertificate {
  serial: string;
  profile: Profile;
  subject: string;
  uscc: string | null;
  notBefore: Date;
  notAfter: Date;
  der: Buffer;
  pem: string;
  /** PEM certificates from the issuing CA up to the root, to hand out with the certificate. */
  chain: string[];
  /** The certified key, e.g. "EC P-256", "SM2". */
  key: string;
  /** Its leaf in the public issuance log (issue 14 §3), once PkiService has logged it. */
  transparency?: IssuanceLogRef;
}

/** RFC 5280 upper bounds (ub-common-name, ub-organization-name). */
const MAX_NAME = 64;
/** Certificates start a minute early: relying parties' clocks drift. */
const BACKDATE_MS = 60_000;

/**
 * Issues end-entity certificates from PKCS#10 requests under an issuing CA (design §4) — the SM2
 * one for an SM2 key, the ECDSA P-256 one for the others: the key comes from the request (after
 * proof of possession), everything else from the caller and the profile. Every certificate is recorded in pki_certificates before it is returned.
 */
export class CertificateIssuer {
  constructor(
    private readonly keys: KeyStore,
    private readonly ca: CaStore,
    private readonly store: CertificateStore,
    private readonly settings: { publicUrl: string; validityDays: number },
  ) {}

  async issueFromCsr(csr: string | Uint8Array, options: IssueOptions): Promise<IssuedCertificate> {
    if (!options || !(PROFILES as readonly string[]).includes(options.profile))
      throw new ApiError(400, 'invalid_profile', `profile must be one of ${PROFILES.join(', ')}`);
    const subject = checkSubject(options.profile, options.subject);
    const request = parseCsr(csr);
    // An SM2 key is certified by the SM2 issuing CA (SM2 with SM3), any other by the ECDSA P-256 one.
    const issuing = this.ca.current('issuing-ca', request.hierarchy);

    const now = Date.now();
    const notBefore = wholeSeconds(options.notBefore ?? new Date(now - BACKDATE_MS));
    const notAfter = wholeSeconds(options.notAfter ?? new Date(now + this.settings.validityDays * 86_400_000));
    if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime()) || notAfter.getTime() <= notBefore.getTime()) {
      throw new ApiError(400, 'invalid_validity', 'notAfter must be a date after notBefore');
    }
    if (notAfter.getTime() > issuing.parts.notAfter.getTime() || notBefore.getTime() < issuing.parts.notBefore.getTime()) {
      throw new ApiError(
        400,
        'invalid_validity',
        `the validity must lie within the issuing CA's (${issuing.parts.notBefore.toISOString()} to ${issuing.parts.notAfter.toISOString()})`,
      );
    }

    const serial = newSerial();
    const { der, parts } = await signCertificate(this.keys, signerOf(issuing), {
      serial,
      subject,
      spki: request.spki,
      notBefore,
      notAfter,
      extensions: endEntityExtensions(options.profile, request.spki, signerOf(issuing), this.settings.publicUrl),
    });
    const text = nameText(subject);
    const uscc = subject.organizationIdentifier ?? null;
    await this.store.insert({
      serial: parts.serial,
      profile: options.profile,
      issuerKid: issuing.kid,
      uscc,
      subject: text,
      notBefore,
      notAfter,
      der,
    });
    return {
      serial: parts.serial,
      profile: options.profile,
      subject: text,
      uscc,
      notBefore,
      notAfter,
      der,
      pem: toPem(der),
      chain: this.ca.chain(issuing.kid).map((c) => c.pem),
      key: request.keyDescription,
    };
  }
}

/** The certificate subject from the registry's data: `C=CN, O=<name>, organizationIdentifier=<USCC>, CN=<name>`. */
function checkSubject(profile: Profile, input: IssueOptions['subject']): NameAttributes {
  if (!input || typeof input !== 'object') throw new ApiError(400, 'invalid_subject', 'a subject is required');
  const organizationName = text(input.organizationName, 'organizationName');
  const commonName = text(input.commonName, 'commonName') ?? organizationName;
  let uscc: string | undefined;
  if (input.uscc !== undefined && input.uscc !== null) {
    const canonical = typeof input.uscc === 'string' ? canonicalUscc(input.uscc.trim()) : null;
    if (!canonical) throw new ApiError(400, 'invalid_subject', 'subject.uscc is not a valid Unified Social Credit Code');
    uscc = canonical;
  }
  if (profile === 'enterprise-licence' && (!uscc || !organizationName)) {
    throw new ApiError(400, 'invalid_subject', 'an enterprise-licence certificate needs subject.uscc and subject.organizationName');
  }
  if (!commonName) throw new ApiError(400, 'invalid_subject', 'the subject needs organizationName or commonName');
  return {
    country: 'CN',
    ...(organizationName ? { organizationName } : {}),
    ...(uscc ? { organizationIdentifier: uscc } : {}),
    commonName,
  };
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ApiError(400, 'invalid_subject', `subject.${field} must be text`);
  const trimmed = value.normalize('NFC').trim();
  if (!trimmed) return undefined;
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new ApiError(400, 'invalid_subject', `subject.${field} contains control characters`);
  if ([...trimmed].length > MAX_NAME) throw new ApiError(400, 'invalid_subject', `subject.${field} is longer than ${MAX_NAME} characters`);
  return trimmed;
}
