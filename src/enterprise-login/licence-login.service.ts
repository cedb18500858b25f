import { Injectable } from '@nestjs/common';
import { timingSafeEqual, type KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { rawToEcSignature } from '../crypto/raw-ec-signature.js';
import { sm2Verify } from '../crypto/sm2.js';
import { verificationKey } from '../crypto/verification-keys.js';
import { EnterpriseAgentsService } from '../accounts/enterprise-agents.service.js';
import { ApiError } from '../common/api-error.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { PkiService } from '../pki/pki.service.js';
import { parseCertificate } from '../pki/x509.js';
import { RegistryService } from '../registry/registry.service.js';
import { SubIndication } from '../verification/report.js';
import { EnterpriseChallenges, type Challenge } from './challenges.service.js';

const CLOCK_SKEW_SECONDS = 300;

/** Why a person who signed in after the wallet's answer may not act for the enterprise with it. */
export type PersonRefusal = 'not_authorised' | 'certificate_revoked' | 'certificate_expired';

/** confirmPerson's answer; `not_held` when the answer no longer waits for a person (used, or held too long). */
export type PersonOutcome = { ok: true; role: string } | { ok: false; reason: PersonRefusal | 'not_held' };

/**
 * The JWS algorithms of a wallet's answer, by the licence key's kind: ES256 for a P-256 key, and
 * SM2SM3 for an SM2 key — a private-use name (RFC 7515 §4.1.1; JOSE registers no SM2 algorithm):
 * SM2 with SM3 and the default user ID 1234567812345678 over the JWS signing input, the signature
 * as r‖s (32 bytes each), as JWS has ECDSA signatures (RFC 7518 §3.4). The algorithm must be the
 * key's: neither is accepted for the other kind of key.
 */
export const LOGIN_JWS_ALGORITHMS = { p256: 'ES256', sm2: 'SM2SM3' } as const;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Checks a wallet's answer to an enterprise sign-in challenge (design §6): the JWS is signed by
 * the key of a licence certificate (ECDSA P-256 or SM2) that chains to tongban's CA, is valid and not revoked; it
 * answers this challenge (nonce, audience, fresh iat); the USCC is the certificate's; the
 * enterprise is active; and the signed-in person is its legal representative or an agent.
 */
@Injectable()
export class LicenceLoginService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly challenges: EnterpriseChallenges,
    private readonly pki: PkiService,
    private readonly registry: RegistryService,
    private readonly agents: EnterpriseAgentsService,
  ) {}

  /**
   * The wallet's answer. `role` is the signed-in person's when the challenge was made for one;
   * undefined when nobody had signed in yet (the person's check comes with confirmPerson).
   */
  async answer(challengeId: string, jws: string): Promise<{ uscc: string; enterpriseName: string; role: string | undefined }> {
    const challenge = await this.challenges.find(challengeId);
    if (!challenge) throw new ApiError(404, 'challenge_not_found', 'no such sign-in challenge');
    if (challenge.status !== 'pending') throw new ApiError(409, 'challenge_used', 'this sign-in challenge has already been answered');
    if (challenge.expiresAt.getTime() <= Date.now()) throw new ApiError(410, 'challenge_expired', 'this sign-in challenge has expired');
    try {
      return await this.check(challenge, jws);
    } catch (err) {
      if (err instanceof ApiError) await this.challenges.recordFailure(challenge.id, (err.getResponse() as { error: string }).error);
      throw err;
    }
  }

  private async check(challenge: Challenge, jws: string) {
    let chain: string[];
    let alg: string;
    try {
      const header = decodeProtectedHeader(jws);
      if (
        (header.alg !== LOGIN_JWS_ALGORITHMS.p256 && header.alg !== LOGIN_JWS_ALGORITHMS.sm2) ||
        !Array.isArray(header.x5c) ||
        !header.x5c.length ||
        !header.x5c.every((entry) => typeof entry === 'string')
      )
        throw new Error('alg ES256 or SM2SM3 and an x5c header are required');
      alg = header.alg;
      chain = header.x5c.map((der) => `-----BEGIN CERTIFICATE-----\n${der}\n-----END CERTIFICATE-----\n`);
    } catch (err) {
      throw new ApiError(400, 'malformed_answer', `the answer is not a signed licence presentation: ${(err as Error).message}`);
    }

    const verification = await this.pki.verifyCertificateChain(chain, new Date(), { fresh: true });
    if (verification.indication !== 'TOTAL_PASSED') {
      const code =
        verification.subIndication === SubIndication.REVOKED
          ? 'certificate_revoked'
          : verification.subIndication === SubIndication.EXPIRED || verification.subIndication === SubIndication.NOT_YET_VALID
            ? 'certificate_expired'
            : verification.subIndication === SubIndication.TRY_LATER
              ? 'try_later'
              : 'certificate_invalid';
      throw new ApiError(
        code === 'try_later' ? 503 : 403,
        code,
        `the licence certificate was not accepted (${verification.subIndication})`,
      );
    }

    let payload: { nonce?: unknown; aud?: unknown; uscc?: unknown; iat?: unknown };
    try {
      const parsed: unknown = JSON.parse((await this.verifiedPayload(jws, alg, chain[0], () => verification.publicKey())).toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null) throw new Error('the payload is not a JSON object');
      payload = parsed;
    } catch {
      throw new ApiError(400, 'signature_invalid', "the answer is not signed by the licence certificate's key");
    }
    const now = Math.floor(Date.now() / 1000);
    if (
      !sameText(payload.nonce, challenge.nonce) ||
      payload.aud !== this.config.publicUrl ||
      typeof payload.iat !== 'number' ||
      Math.abs(now - payload.iat) > CLOCK_SKEW_SECONDS
    ) {
      throw new ApiError(400, 'challenge_mismatch', 'the answer is not for this challenge (nonce, audience or time)');
    }
    const uscc = verification.subject?.uscc;
    if (!uscc || payload.uscc !== uscc) throw new ApiError(400, 'uscc_mismatch', "the USCC signed for is not the licence certificate's");

    const enterprise = await this.registry.findEnterprise(uscc);
    if (!enterprise || enterprise.status !== 'active')
      throw new ApiError(403, 'enterprise_inactive', 'the enterprise is not active in the register');
    if (!challenge.accountId) {
      // Shown before anyone signed in (QR first): the licence is proven, the person is not. The
      // answer is kept for this interaction only and signs nobody in until a person signs in on
      // that page and is found to be the legal representative or an agent (confirmPerson).
      if (!(await this.challenges.markAnswered(challenge.id, { uscc, certificateSerial: verification.serial ?? '' })))
        throw new ApiError(409, 'challenge_used', 'this sign-in challenge has already been answered');
      return { uscc, enterpriseName: enterprise.name, role: undefined };
    }
    const authorisation = await this.agents.authorisationFor(uscc, challenge.accountId);
    if (!authorisation)
      throw new ApiError(403, 'not_authorised', 'the signed-in person is neither the legal representative nor an agent of this enterprise');

    if (!(await this.challenges.accept(challenge.id, { uscc, role: authorisation.role, certificateSerial: verification.serial ?? '' }))) {
      throw new ApiError(409, 'challenge_used', 'this sign-in challenge has already been answered');
    }
    return { uscc, enterpriseName: enterprise.name, role: authorisation.role };
  }

  /** The enterprise's name in the register, for the sign-in page (undefined when it is not there). */
  async enterpriseName(uscc: string | undefined): Promise<string | undefined> {
    return uscc ? (await this.registry.findEnterprise(uscc))?.name : undefined;
  }

  /**
   * The person who signed in after the wallet answered a challenge shown first: they may act for
   * the enterprise if they are its legal representative or an agent they granted (the enterprise
   * active), and the licence presented is still good. The challenge becomes theirs — accepted, or
   * failed with the reason — once; `not_held` when it no longer waits for a person.
   */
  async confirmPerson(challenge: Challenge, personAccountId: string): Promise<PersonOutcome> {
    const [authorisation, certificate] = await Promise.all([
      this.agents.authorisationFor(challenge.uscc ?? '', personAccountId),
      challenge.certificateSerial ? this.pki.certificate(challenge.certificateSerial) : null,
    ]);
    // The licence was checked afresh when the wallet answered; it is looked at again (revoked or
    // lapsed since?) as the session would be at its first token.
    const outcome: { role: string } | { error: PersonRefusal } =
      !certificate || certificate.status !== 'good'
        ? { error: 'certificate_revoked' }
        : certificate.notAfter.getTime() <= Date.now()
          ? { error: 'certificate_expired' }
          : !authorisation
            ? { error: 'not_authorised' }
            : { role: authorisation.role };
    if (!(await this.challenges.settlePerson(challenge.id, personAccountId, outcome))) return { ok: false, reason: 'not_held' };
    return 'role' in outcome ? { ok: true, role: outcome.role } : { ok: false, reason: outcome.error };
  }

  /**
   * The payload of the compact JWS if the licence certificate's key signed it with the algorithm
   * of that key (ES256 by jose; SM2SM3 by sm2Verify, node:crypto having no SM2 signatures); throws otherwise.
   */
  private async verifiedPayload(jws: string, alg: string, leafPem: string, p256Key: () => KeyObject | undefined): Promise<Buffer> {
    const key = verificationKey(parseCertificate(Buffer.from(leafPem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).spki);
    if (!('curve' in key)) throw new Error('unsupported' in key ? key.unsupported : key.malformed);
    if (alg !== LOGIN_JWS_ALGORITHMS[key.curve]) throw new Error(`a ${key.curve} key does not sign ${alg}`);
    if (key.curve === 'p256') {
      const leafKey = p256Key();
      if (!leafKey) throw new Error('the certificate holds no key node:crypto can use');
      return Buffer.from((await compactVerify(jws, leafKey, { algorithms: [LOGIN_JWS_ALGORITHMS.p256] })).payload);
    }
    const parts = jws.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new Error('not a compact JWS');
    const [encodedHeader, encodedPayload, encodedSignature] = parts;
    const header: unknown = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
    // No extensions are understood (RFC 7515 §4.1.11), so none may be critical; the payload is base64url (no b64: false).
    if (typeof header !== 'object' || header === null || 'crit' in header || 'b64' in header) throw new Error('unsupported JWS header');
    const signature = rawToEcSignature(Buffer.from(encodedSignature, 'base64url'));
    if (!signature || !sm2Verify(Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'), signature, key.key))
      throw new Error('the SM2 signature does not verify');
    return Buffer.from(encodedPayload, 'base64url');
  }
}

/** The nonce signed is the challenge's: compared in constant time (it is the challenge's secret part). */
function sameText(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
