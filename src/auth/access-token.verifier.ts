import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { DataSource } from 'typeorm';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { KeyStore } from '../keys/keystore.service.js';
import { ClientStore } from '../clients/client-store.js';
import { apiResource } from './api-scopes.js';

export interface VerifiedAccessToken {
  clientId: string;
  subject?: string;
  /** The citizen account the token speaks for: only in tokens of clients with public subjects (first-party). */
  accountId?: string;
  scopes: Set<string>;
  payload: JWTPayload;
}

export class TokenRejected extends Error {
  constructor(
    readonly code: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce',
    message: string,
  ) {
    super(message);
  }
}

export interface PresentedToken {
  scheme: 'bearer' | 'dpop';
  token: string;
  dpopProof?: string;
  method: string;
  url: string;
}

const DPOP_MAX_AGE_SECONDS = 300;
const VERIFIED_CACHE_ENTRIES = 10_000;
export const DPOP_ALGORITHMS = ['ES256', 'PS256', 'RS256', 'EdDSA'];

/**
 * Checks the JWT access tokens tongban issued for its own API: signature against the `oidc`
 * keys (retired ones included, so tokens outlive a rotation), issuer, audience `PUBLIC_URL/api`,
 * expiry, type. A DPoP-bound token (`cnf.jkt`) must come with a fresh proof from that key.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly keys: KeyStore,
    private readonly dataSource: DataSource,
    private readonly clients: ClientStore,
  ) {}

  private lastReload = 0;
  private readonly verified = new Map<string, { payload: JWTPayload; kid: string }>();

  private async reloadKeys(): Promise<boolean> {
    if (Date.now() - this.lastReload < 5000) return false;
    this.lastReload = Date.now();
    return this.keys.reloadIfChanged();
  }

  async verify(presented: PresentedToken): Promise<VerifiedAccessToken> {
    const payload = await this.checkSignature(presented.token);
    // A JWT access token cannot be revoked, but its client can be removed: then its tokens stop too.
    if (typeof payload.client_id !== 'string' || !(await this.clients.exists(payload.client_id))) {
      throw new TokenRejected('invalid_token', 'the client this access token was issued to is no longer registered');
    }
    const jkt = (payload.cnf as { jkt?: string } | undefined)?.jkt;
    if (jkt) await this.checkDpop(presented, jkt);
    else if (presented.scheme === 'dpop') throw new TokenRejected('invalid_token', 'the access token is not DPoP-bound');
    const client = await this.clients.metadataFor(payload.client_id);
    return {
      clientId: String(payload.client_id ?? ''),
      subject: payload.sub,
      accountId: client?.subject_type === 'public' && payload.sub !== payload.client_id ? payload.sub : undefined,
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []),
      payload,
    };
  }

  /**
   * The token's payload once its signature, issuer, audience, type and expiry hold. A token seen
   * before is not verified again while it lives and its key is still published: the JWT cannot
   * change, and what can (its client, a DPoP proof) is checked on every call.
   */
  private async checkSignature(token: string): Promise<JWTPayload> {
    const known = this.verified.get(token);
    if (
      known &&
      typeof known.payload.exp === 'number' &&
      known.payload.exp * 1000 > Date.now() &&
      this.keys.usable('oidc').some((key) => key.kid === known.kid)
    ) {
      return known.payload;
    }
    this.verified.delete(token);
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenRejected('invalid_token', 'the access token is not a JWT');
    }
    let record = kid ? this.keys.usable('oidc').find((key) => key.kid === kid) : undefined;
    // A kid we do not know yet may be a rotation made by another process: look once, at most every few seconds.
    if (!record && kid && (await this.reloadKeys())) record = this.keys.usable('oidc').find((key) => key.kid === kid);
    if (!record) throw new TokenRejected('invalid_token', 'the access token was not signed by this issuer');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keys.publicKey(record.kid), {
        issuer: this.config.publicUrl,
        audience: apiResource(this.config.publicUrl),
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
      }));
    } catch (err) {
      throw new TokenRejected('invalid_token', `the access token is not valid: ${(err as Error).message}`);
    }
    if (this.verified.size >= VERIFIED_CACHE_ENTRIES) this.verified.clear();
    this.verified.set(token, { payload, kid: record.kid });
    return payload;
  }

  /** RFC 9449 §4.3 and §7: proof signed by the bound key, for this request and this token, used once. */
  private async checkDpop(presented: PresentedToken, jkt: string): Promise<void> {
    if (presented.scheme !== 'dpop' || !presented.dpopProof)
      throw new TokenRejected('invalid_token', 'this access token is DPoP-bound: send it as "Authorization: DPoP" with a DPoP proof');
    let jwk: JWK | undefined;
    try {
      jwk = decodeProtectedHeader(presented.dpopProof).jwk;
    } catch {
      throw new TokenRejected('invalid_dpop_proof', 'the DPoP proof is not a JWT');
    }
    if (!jwk || 'd' in jwk) throw new TokenRejected('invalid_dpop_proof', 'the DPoP proof must carry a public jwk');
    let proof: JWTPayload;
    try {
      ({ payload: proof } = await jwtVerify(presented.dpopProof, jwk, {
        typ: 'dpop+jwt',
        algorithms: DPOP_ALGORITHMS,
        maxTokenAge: DPOP_MAX_AGE_SECONDS,
        clockTolerance: 30,
      }));
    } catch (err) {
      throw new TokenRejected('invalid_dpop_proof', `the DPoP proof is not valid: ${(err as Error).message}`);
    }
    if ((await calculateJwkThumbprint(jwk, 'sha256')) !== jkt)
      throw new TokenRejected('invalid_dpop_proof', 'the DPoP proof key is not the one the token is bound to');
    const expectedUrl = new URL(presented.url);
    expectedUrl.search = '';
    expectedUrl.hash = '';
    if (proof.htm !== presented.method || proof.htu !== expectedUrl.href)
      throw new TokenRejected('invalid_dpop_proof', 'the DPoP proof is for another request (htm/htu)');
    if (proof.ath !== createHash('sha256').update(presented.token).digest('base64url'))
      throw new TokenRejected('invalid_dpop_proof', 'the DPoP proof is for another access token (ath)');
    if (typeof proof.jti !== 'string' || !proof.jti) throw new TokenRejected('invalid_dpop_proof', 'the DPoP proof has no jti');
    // One use only, across replicas: the proof's jti goes into a shared table for its lifetime.
    if (Math.random() < 0.01) await this.dataSource.query(`DELETE FROM auth_dpop_proofs WHERE expires_at < now()`);
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO auth_dpop_proofs (id, expires_at) VALUES ($1, now() + make_interval(secs => $2::int)) ON CONFLICT (id) DO NOTHING RETURNING 1`,
      [`${jkt}:${proof.jti}`, DPOP_MAX_AGE_SECONDS + 60],
    );
    if (!inserted.length) throw new TokenRejected('invalid_dpop_proof', 'the DPoP proof was already used');
  }
}
