import { Injectable, Logger } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiError } from '../../common/api-error.js';
import { CRYPTO_OID } from '../../crypto/oids.js';
import { KeyStore } from '../../keys/keystore.service.js';
import { bitString, integer, oid, sequence, tlv } from '../../pki/der.js';
import { PkiService } from '../../pki/pki.service.js';
import { pemBlocks, toPem } from '../../pki/x509.js';

/** A status key's certificate is renewed (same key) when less than this is left. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const VALIDITY_YEARS = 3;
const SUBJECT = { organizationName: 'tongban', commonName: 'tongban Status List Signer' };

export interface StatusSigningKey {
  kid: string;
  /** The key's certificate, then the issuing CA's and the root's: standard base64 DER (an x5c header). */
  x5c: string[];
}

/**
 * The certificate of tongban's `status` key, for the x5c header of its status lists (so a
 * verifier checks them to tongban's root like the credentials). tongban's CA certifies its own
 * keys of the certified purposes (root, issuing CA, licence, seal maker) as files beside the keys;
 * the `status` key is not one of them, so the licences module has it certified here: a PKCS#10
 * request signed by the key inside the KeyStore, issued by the P-256 issuing CA (profile
 * `licence-issuer`, recorded in pki_certificates like any certificate tongban issues), kept in
 * `licence_status_signers` so every replica uses the same one. Two replicas that need it at the
 * same moment may both have one issued; the first stored wins.
 */
@Injectable()
export class StatusSigner {
  private readonly logger = new Logger('status-lists');
  private cached?: StatusSigningKey & { notAfter: number };
  private pending?: Promise<StatusSigningKey & { notAfter: number }>;

  constructor(
    private readonly db: DataSource,
    private readonly keys: KeyStore,
    private readonly pki: PkiService,
  ) {}

  /** The current status key and its certificate chain; 503 status_list_unavailable when the CA cannot certify it now. */
  async current(): Promise<StatusSigningKey> {
    const kid = this.keys.current('status').kid;
    const now = Date.now();
    if (this.cached?.kid === kid && this.cached.notAfter - now > RENEW_BEFORE_MS) return this.cached;
    this.pending ??= this.load(kid).finally(() => (this.pending = undefined));
    this.cached = await this.pending;
    return this.cached;
  }

  private async load(kid: string): Promise<StatusSigningKey & { notAfter: number }> {
    const stored = await this.stored(kid);
    if (stored && stored.notAfter - Date.now() > RENEW_BEFORE_MS) return stored;
    let issued: { pem: string; chain: string[]; notAfter: Date };
    try {
      issued = await this.certify(kid);
    } catch (err) {
      if (stored) return stored; // still valid a while: renew next time
      if (err instanceof ApiError) throw new ApiError(503, 'status_list_unavailable', 'the status list signer has no certificate yet');
      throw err;
    }
    if (stored)
      await this.db.query(`UPDATE licence_status_signers SET certificate = $2, chain = $3::text[], not_after = $4 WHERE kid = $1`, [
        kid,
        issued.pem,
        issued.chain,
        issued.notAfter.toISOString(),
      ]);
    else
      await this.db.query(
        `INSERT INTO licence_status_signers (kid, certificate, chain, not_after) VALUES ($1, $2, $3::text[], $4) ON CONFLICT (kid) DO NOTHING`,
        [kid, issued.pem, issued.chain, issued.notAfter.toISOString()],
      );
    this.logger.log(`the status list key ${kid} has a certificate from tongban's issuing CA, valid to ${issued.notAfter.toISOString()}`);
    return (await this.stored(kid))!;
  }

  private async stored(kid: string): Promise<(StatusSigningKey & { notAfter: number }) | undefined> {
    const rows = await this.db.query<Array<{ certificate: string; chain: string[] }>>(
      `SELECT certificate, chain FROM licence_status_signers WHERE kid = $1`,
      [kid],
    );
    if (!rows[0]) return undefined;
    const pems = [rows[0].certificate, ...rows[0].chain];
    return {
      kid,
      x5c: pems.map((pem) => pemBlocks(pem, ['CERTIFICATE'])[0].toString('base64')),
      notAfter: Date.parse(new X509Certificate(rows[0].certificate).validTo),
    };
  }

  /** A certificate for the key from the P-256 issuing CA, through a CSR the KeyStore signs. */
  private async certify(kid: string): Promise<{ pem: string; chain: string[]; notAfter: Date }> {
    const spki = (await this.keys.publicKey(kid)).export({ type: 'spki', format: 'der' });
    // CertificationRequestInfo (RFC 2986): version 0, an empty subject (the CA sets it), the key, no attributes.
    const info = sequence(integer(Buffer.from([0])), sequence(), spki, tlv(0xa0));
    const signature = await this.keys.signWith(kid, info, 'der');
    const csr = toPem(sequence(info, sequence(oid(CRYPTO_OID.ecdsaWithSha256)), bitString(signature)), 'CERTIFICATE REQUEST');
    const issuing = await this.pki.caCertificate('issuing');
    const latest = new Date(Date.now() + VALIDITY_YEARS * 365 * 86_400_000);
    const notAfter = latest.getTime() < issuing.parts.notAfter.getTime() ? latest : issuing.parts.notAfter;
    const issued = await this.pki.issueFromCsr(csr, { profile: 'licence-issuer', subject: SUBJECT, notAfter });
    return { pem: issued.pem, chain: issued.chain, notAfter: issued.notAfter };
  }
}
