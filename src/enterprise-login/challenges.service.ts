import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { returning } from '../database/returning.js';

export const CHALLENGE_TTL_SECONDS = 300;
const MAX_FAILURES = 5;

export interface Challenge {
  id: string;
  nonce: string;
  interactionUid: string;
  accountId: string;
  expiresAt: Date;
  status: 'pending' | 'accepted' | 'failed';
  failures: number;
  lastError?: string;
  uscc?: string;
  role?: string;
  certificateSerial?: string;
}

/** The QR code's content (design §6): what the wallet signs over, and where it answers. */
export interface ChallengeOffer {
  challenge_id: string;
  nonce: string;
  aud: string;
  exp: number;
}

/**
 * One-time, five-minute challenges of the enterprise sign-in. A challenge is answered once:
 * accepting it is a single conditional UPDATE, so a replayed or concurrent second answer fails.
 */
@Injectable()
export class EnterpriseChallenges {
  constructor(private readonly dataSource: DataSource) {}

  async create(interactionUid: string, accountId: string): Promise<Challenge> {
    const id = randomBytes(16).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    if (Math.random() < 0.05)
      await this.dataSource.query(`DELETE FROM oidc_enterprise_challenges WHERE expires_at < now() - interval '1 day'`);
    const [row] = await this.dataSource.query<ChallengeRow[]>(
      `INSERT INTO oidc_enterprise_challenges (id, nonce, interaction_uid, account_id, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING *`,
      [id, nonce, interactionUid, accountId, CHALLENGE_TTL_SECONDS],
    );
    return toChallenge(row);
  }

  async find(id: string): Promise<Challenge | undefined> {
    const rows = await this.dataSource.query<ChallengeRow[]>(`SELECT * FROM oidc_enterprise_challenges WHERE id = $1`, [id]);
    return rows[0] ? toChallenge(rows[0]) : undefined;
  }

  offer(challenge: Challenge, audience: string): ChallengeOffer {
    return { challenge_id: challenge.id, nonce: challenge.nonce, aud: audience, exp: Math.floor(challenge.expiresAt.getTime() / 1000) };
  }

  /** The text the page shows and the QR code holds. */
  offerText(offer: ChallengeOffer): string {
    return `tongban-login:${Buffer.from(JSON.stringify(offer)).toString('base64url')}`;
  }

  /** Marks a pending, unexpired challenge accepted; false when it was not (anymore). */
  async accept(id: string, result: { uscc: string; role: string; certificateSerial: string }): Promise<boolean> {
    const rows = await returning(
      this.dataSource,
      `UPDATE oidc_enterprise_challenges SET status = 'accepted', uscc = $2, role = $3, certificate_serial = $4, answered_at = now()
        WHERE id = $1 AND status = 'pending' AND expires_at > now() RETURNING id`,
      [id, result.uscc, result.role, result.certificateSerial],
    );
    return rows.length === 1;
  }

  /** Records a refused answer; after a few the challenge is spent. */
  async recordFailure(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE oidc_enterprise_challenges SET failures = failures + 1, last_error = $2,
              status = CASE WHEN failures + 1 >= $3 THEN 'failed' ELSE status END
        WHERE id = $1 AND status = 'pending'`,
      [id, error, MAX_FAILURES],
    );
  }
}

/** A row of oidc_enterprise_challenges (timestamps as the driver returns them). */
interface ChallengeRow {
  id: string;
  nonce: string;
  interaction_uid: string;
  account_id: string;
  expires_at: Date | string;
  status: Challenge['status'];
  failures: number;
  last_error: string | null;
  uscc: string | null;
  role: string | null;
  certificate_serial: string | null;
}

function toChallenge(row: ChallengeRow): Challenge {
  return {
    id: row.id,
    nonce: row.nonce,
    interactionUid: row.interaction_uid,
    accountId: row.account_id,
    expiresAt: new Date(row.expires_at),
    status: row.status,
    failures: Number(row.failures),
    lastError: row.last_error ?? undefined,
    uscc: row.uscc ?? undefined,
    role: row.role ?? undefined,
    certificateSerial: row.certificate_serial ?? undefined,
  };
}
