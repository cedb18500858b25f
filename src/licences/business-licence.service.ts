import { Injectable, Logger } from '@nestjs/common';
import { X509Certificate, createHash } from 'node:crypto';
import type { IssuanceLogRef } from '../audit/issuance/issuance-entry.js';
import { ApiError } from '../common/api-error.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { KeyStore } from '../keys/keystore.service.js';
import { PkiService, type AuditBy } from '../pki/pki.service.js';
import { RegistryService, type Enterprise } from '../registry/registry.service.js';
import { LicencesService } from './issuance/licences.service.js';

export interface IssuedBusinessLicence {
  serial: string;
  /** The enterprise's licence certificate (PEM), for the key in its wallet. */
  certificate: string;
  /** The issuing CA, then the root (PEM). */
  chain: string[];
  /** The signed licence document: a compact JWS over the register's fields, bound to the certificate's key. */
  licence: string;
  enterprise: { uscc: string; name: string };
  /**
   * The same licence as a `business-licence` SD-JWT VC bound to the certificate's key (its
   * identifier and the credential), when the issuing client may issue that type; absent otherwise.
   */
  credential?: { id: string; credential: string };
  /** The certificate's leaf in the public issuance log (issue 14 §3). */
  transparency?: IssuanceLogRef;
}

/**
 * The electronic business licence (电子营业执照): a certificate from tongban's CA for the key the
 * enterprise keeps in its wallet (ECDSA P-256 from the P-256 issuing CA, SM2 from the SM2 one: the
 * request's key decides), and a signed document carrying the register's fields. Only an
 * active enterprise gets one; the registry's status changes revoke or hold it (see the PKI).
 */
@Injectable()
export class BusinessLicenceService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly registry: RegistryService,
    private readonly pki: PkiService,
    private readonly keys: KeyStore,
    private readonly licences: LicencesService,
  ) {}

  private readonly logger = new Logger('licences');

  /** `issuer`: the client that asks (the API's); with it, the `business-licence` credential too when that client may issue it. */
  async issue(uscc: string, csrPem: string, issuer?: string, by?: AuditBy): Promise<IssuedBusinessLicence> {
    const enterprise = await this.registry.findEnterprise(uscc);
    if (!enterprise) throw new ApiError(404, 'enterprise_not_found', `no enterprise ${uscc} in the register`);
    if (enterprise.status !== 'active')
      throw new ApiError(
        422,
        'enterprise_inactive',
        `the enterprise is ${enterprise.status} in the register; only an active enterprise gets a licence`,
      );
    const issued = await this.pki.issueFromCsr(
      csrPem,
      { profile: 'enterprise-licence', subject: { uscc: enterprise.uscc, organizationName: enterprise.name, commonName: enterprise.name } },
      by ?? (issuer ? { actor: { kind: 'client', id: issuer } } : undefined),
    );
    const certificate = new X509Certificate(issued.pem);
    const licence = await this.signLicence({
      iss: this.config.publicUrl,
      sub: enterprise.uscc,
      jti: issued.serial,
      iat: Math.floor(Date.now() / 1000),
      nbf: Math.floor(Date.parse(certificate.validFrom) / 1000),
      exp: Math.floor(Date.parse(certificate.validTo) / 1000),
      vct: `${this.config.publicUrl}/licence-types/business-licence`,
      enterprise: {
        uscc: enterprise.uscc,
        name: enterprise.name,
        type: enterprise.type,
        legal_representative_id_number_masked: enterprise.legalRepresentativeMasked,
        address: enterprise.address,
        established: enterprise.established,
        status: enterprise.status,
      },
      // Bound to the certificate's key (RFC 7800): whoever presents the licence proves that key. An
      // SM2 key has no JWK form (JOSE registers no SM2 curve): it is bound by its certificate alone.
      cnf: {
        ...(issued.key === 'SM2' ? {} : { jwk: certificate.publicKey.export({ format: 'jwk' }) }),
        'x5t#S256': createHash('sha256').update(certificate.raw).digest('base64url'),
      },
    });
    const credential = issuer ? await this.credential(enterprise, issued.pem, issued.serial, issuer, by) : undefined;
    return {
      serial: issued.serial,
      certificate: issued.pem,
      chain: issued.chain,
      licence,
      enterprise: { uscc: enterprise.uscc, name: enterprise.name },
      ...(credential ? { credential } : {}),
      ...(issued.transparency ? { transparency: issued.transparency } : {}),
    };
  }

  /**
   * The register's record as a `business-licence` SD-JWT VC (issue 13 §1), bound to the new
   * certificate's key. The certificate is issued already: a credential that cannot be issued
   * (the register changed meanwhile, the CA not ready) is logged and left out, never a failed answer.
   */
  private async credential(enterprise: Enterprise, certificatePem: string, serial: string, issuer: string, by?: AuditBy) {
    try {
      const licence = await this.licences.issueBusinessLicence(enterprise, certificatePem, issuer, by);
      return licence ? { id: licence.id, credential: licence.credential } : undefined;
    } catch (err) {
      this.logger.warn(
        `the business-licence credential for certificate ${serial} of ${enterprise.uscc} was not issued: ${(err as Error).message}`,
      );
      return undefined;
    }
  }

  /** Signs with the `licence` key; x5c carries tongban's licence-issuer certificate and its chain. */
  private async signLicence(payload: Record<string, unknown>): Promise<string> {
    const current = this.keys.current('licence');
    const own = this.pki.certificateForKey(current.kid);
    if (!own) throw new Error(`the licence key ${current.kid} has no certificate yet`);
    const x5c = [own.pem, ...own.chain].map((pem) => pem.replace(/-----[^-]+-----|\s/g, ''));
    const header = { alg: 'ES256', typ: 'tongban-licence+jwt', kid: current.kid, x5c };
    const signingInput = `${b64url(header)}.${b64url(payload)}`;
    const { signature } = await this.keys.sign('licence', Buffer.from(signingInput));
    return `${signingInput}.${signature.toString('base64url')}`;
  }
}

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
