import { Injectable } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { EnterpriseAgentsService } from '../accounts/enterprise-agents.service.js';
import { ApiError } from '../common/api-error.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { PkiService } from '../pki/pki.service.js';
import { RegistryService } from '../registry/registry.service.js';
import { SubIndication } from '../verification/report.js';
import { EnterpriseChallenges, type Challenge } from './challenges.service.js';

const CLOCK_SKEW_SECONDS = 300;

/**
 * Checks a wallet's answer to an enterprise sign-in challenge (design §6): the JWS is signed by
 * the key of a licence certificate that chains to tongban's CA, is valid and not revoked; it
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

  async answer(challengeId: string, jws: string): Promise<{ uscc: string; enterpriseName: string; role: string }> {
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
    try {
      const header = decodeProtectedHeader(jws);
      if (header.alg !== 'ES256' || !Array.isArray(header.x5c) || !header.x5c.length)
        throw new Error('alg ES256 and an x5c header are required');
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
      const leafKey = verification.publicKey();
      if (!leafKey) throw new Error('the certificate holds no key node:crypto can use');
      const parsed: unknown = JSON.parse(
        Buffer.from((await compactVerify(jws, leafKey, { algorithms: ['ES256'] })).payload).toString('utf8'),
      );
      if (typeof parsed !== 'object' || parsed === null) throw new Error('the payload is not a JSON object');
      payload = parsed;
    } catch {
      throw new ApiError(400, 'signature_invalid', "the answer is not signed by the licence certificate's key");
    }
    const now = Math.floor(Date.now() / 1000);
    if (
      payload.nonce !== challenge.nonce ||
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
    const authorisation = await this.agents.authorisationFor(uscc, challenge.accountId);
    if (!authorisation)
      throw new ApiError(403, 'not_authorised', 'the signed-in person is neither the legal representative nor an agent of this enterprise');

    if (!(await this.challenges.accept(challenge.id, { uscc, role: authorisation.role, certificateSerial: verification.serial ?? '' }))) {
      throw new ApiError(409, 'challenge_used', 'this sign-in challenge has already been answered');
    }
    return { uscc, enterpriseName: enterprise.name, role: authorisation.role };
  }
}
