import { Injectable } from '@nestjs/common';
import { type KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';
import { DataSource } from 'typeorm';
import { ApiError } from '../../common/api-error.js';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { rawToEcSignature } from '../../crypto/raw-ec-signature.js';
import { sm2Verify } from '../../crypto/sm2.js';
import { verificationKey } from '../../crypto/verification-keys.js';
import { PkiService } from '../../pki/pki.service.js';
import { parseCertificate } from '../../pki/x509.js';
import { RegistryService } from '../../registry/registry.service.js';
import { SubIndication } from '../../verification/report.js';
import type { Holder } from './holder.js';

/** The `typ` of a wallet proof. */
export const WALLET_PROOF_TYP = 'tongban-wallet+jwt';
/** The `Authorization` scheme that carries one. */
export const WALLET_PROOF_SCHEME = 'Wallet';
/** How far a proof's `iat` may be from the service's clock, either way. */
export const WALLET_PROOF_MAX_AGE_SECONDS = 120;
/** The algorithms, by the licence key's curve (as the sign-in answer has them, src/enterprise-login). */
const ALGORITHMS = { p256: 'ES256', sm2: 'SM2SM3' } as const;
const JTI = /^[A-Za-z0-9_-]{16,128}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * How an enterprise's wallet (`tongban wallet`, src/wallet) authenticates at the holder routes
 * `/api/v1/me/licences…`: it holds the enterprise's licence key and certificate, no OAuth token,
 * so each request carries a proof of the key, as a DPoP proof (RFC 9449) proves a key:
 *
 *   Authorization: Wallet <compact JWS>
 *   header  { alg: ES256 | SM2SM3, typ: tongban-wallet+jwt, x5c: [licence certificate, issuing CA] }
 *   payload { htm: <method>, htu: <PUBLIC_URL + path, no query>, iat, jti, uscc }
 *
 * Accepted when the certificate is an enterprise licence tongban issued (profile
 * enterprise-licence), chains to tongban's CA, is valid and not revoked (asked afresh), its key
 * signed with the algorithm of its curve (SM2SM3: SM2 with SM3 and the default user ID over the
 * signing input, r‖s), `uscc` is the certificate's, `htm`/`htu` are this request's, `iat` within
 * two minutes, the `jti` never seen before (kept in licence_wallet_proofs on every replica), and
 * the enterprise is active in the register. The holder is then the enterprise: the licence key is
 * the enterprise's own credential, the one it signs in and stamps with.
 */
@Injectable()
export class WalletProofs {
  private lastSweep = 0;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly pki: PkiService,
    private readonly registry: RegistryService,
  ) {}

  /** The enterprise a proof speaks for, or an ApiError: 401 invalid_wallet_proof (and the certificate's own codes), 403, 503. */
  async verify(proof: string, request: { method: string; originalUrl: string }): Promise<Holder> {
    const parts = proof.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw invalid('the wallet proof is not a compact JWS');
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      header = jsonObject(parts[0]);
      payload = jsonObject(parts[1]);
    } catch {
      throw invalid('the wallet proof’s header or payload is not a JSON object');
    }
    if (header.typ !== WALLET_PROOF_TYP) throw invalid(`the wallet proof’s typ must be ${WALLET_PROOF_TYP}`);
    if ('crit' in header || 'b64' in header) throw invalid('the wallet proof’s header has parameters that are not understood');
    const x5c = header.x5c;
    if (!Array.isArray(x5c) || !x5c.length || x5c.length > 4 || !x5c.every((entry) => typeof entry === 'string' && entry.length < 8192))
      throw invalid('the wallet proof needs x5c: the licence certificate and its issuing CA');
    const chain = x5c.map((der: string) => `-----BEGIN CERTIFICATE-----\n${der}\n-----END CERTIFICATE-----\n`);

    // The request first (cheap), then the certificate, then the signature, then the one-time jti.
    const now = Math.floor(Date.now() / 1000);
    // As a DPoP proof's htu (src/auth): the request's URL on PUBLIC_URL, without query or fragment.
    const htu = new URL(request.originalUrl, this.config.publicUrl);
    htu.search = '';
    htu.hash = '';
    if (payload.htm !== request.method || payload.htu !== htu.href) throw invalid('the wallet proof is for another request (htm, htu)');
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > WALLET_PROOF_MAX_AGE_SECONDS)
      throw invalid(`the wallet proof is not fresh: iat must be within ${WALLET_PROOF_MAX_AGE_SECONDS} s of now`);
    if (typeof payload.jti !== 'string' || !JTI.test(payload.jti))
      throw invalid('the wallet proof needs a jti of 16 to 128 base64url characters');

    const verification = await this.pki.verifyCertificateChain(chain, new Date(), { fresh: true });
    if (verification.indication !== 'TOTAL_PASSED') {
      const sub = verification.subIndication;
      if (sub === SubIndication.TRY_LATER)
        throw new ApiError(503, 'try_later', 'whether the licence certificate is revoked cannot be known now: try again later');
      const code =
        sub === SubIndication.REVOKED
          ? 'certificate_revoked'
          : sub === SubIndication.EXPIRED || sub === SubIndication.NOT_YET_VALID
            ? 'certificate_expired'
            : 'certificate_invalid';
      throw new ApiError(401, code, `the wallet’s licence certificate was not accepted (${sub ?? 'no chain to tongban’s CA'})`);
    }
    const uscc = verification.subject?.uscc;
    if (verification.anchor || verification.profile !== 'enterprise-licence' || !uscc)
      throw new ApiError(
        401,
        'certificate_invalid',
        'the certificate is not an enterprise’s electronic business licence issued by tongban',
      );
    try {
      await checkSignature(proof, String(header.alg), chain[0], () => verification.publicKey());
    } catch (err) {
      throw invalid(`the wallet proof is not signed by the licence certificate’s key: ${(err as Error).message}`);
    }
    if (payload.uscc !== uscc) throw invalid('the USCC in the wallet proof is not the licence certificate’s');

    await this.sweep();
    const inserted = await this.db.query<unknown[]>(
      `INSERT INTO licence_wallet_proofs (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT (jti) DO NOTHING RETURNING 1`,
      [`${uscc}:${payload.jti}`, payload.iat + WALLET_PROOF_MAX_AGE_SECONDS + 60],
    );
    if (!inserted.length) throw invalid('this wallet proof was used already: every request needs a new one');

    const enterprise = await this.registry.findEnterprise(uscc);
    if (!enterprise || enterprise.status !== 'active')
      throw new ApiError(403, 'holder_not_active', `the enterprise ${uscc} is not active in the register`);
    return { kind: 'enterprise', uscc };
  }

  /** Now and then: proofs past their window are forgotten (their jti can no longer be replayed). */
  private async sweep(): Promise<void> {
    if (Date.now() - this.lastSweep < 60_000) return;
    this.lastSweep = Date.now();
    await this.db.query(`DELETE FROM licence_wallet_proofs WHERE expires_at < now()`);
  }
}

/** Throws unless the leaf's key signed the JWS with the algorithm of its curve (ES256 by jose, SM2SM3 by sm2Verify). */
async function checkSignature(jws: string, alg: string, leafPem: string, p256Key: () => KeyObject | undefined): Promise<void> {
  const key = verificationKey(parseCertificate(Buffer.from(leafPem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).spki);
  if (!('curve' in key)) throw new Error('unsupported' in key ? key.unsupported : key.malformed);
  if (alg !== ALGORITHMS[key.curve])
    throw new Error(`a ${key.curve === 'sm2' ? 'SM2' : 'P-256'} key signs ${ALGORITHMS[key.curve]}, not ${alg}`);
  if (key.curve === 'p256') {
    const leafKey = p256Key();
    if (!leafKey) throw new Error('the certificate holds no key that can be used');
    await compactVerify(jws, leafKey, { algorithms: ['ES256'] });
    return;
  }
  const [encodedHeader, encodedPayload, encodedSignature] = jws.split('.');
  const signature = rawToEcSignature(Buffer.from(encodedSignature, 'base64url'));
  if (!signature || !sm2Verify(Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'), signature, key.key))
    throw new Error('the SM2 signature does not verify');
}

function invalid(message: string): ApiError {
  return new ApiError(401, 'invalid_wallet_proof', message);
}

function jsonObject(part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}
