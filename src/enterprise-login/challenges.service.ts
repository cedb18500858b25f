import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { returning } from '../database/returning.js';

export const CHALLENGE_TTL_SECONDS = 300;
/**
 * How long the wallet's answer to a challenge shown before anyone signed in waits for the person
 * to sign in (password, and the one-time code when two-step sign-in is on) on the same page.
 */
export const ANSWER_HOLD_SECONDS = 300;
const MAX_FAILURES = 5;

export interface Challenge {
  id: string;
  nonce: string;
  interactionUid: string;
  /**
   * The person who will act for the enterprise: known when the challenge is made (signed in
   * already), or — for a challenge shown first — set once they sign in after the wallet's answer.
   */
  accountId?: string;
  expiresAt: Date;
  /**
   * `pending`: waiting for the wallet. `answered`: the wallet's answer passed every check but the
   * person's (nobody had signed in yet); waiting for the person. `accepted`: the person may act
   * for the enterprise; the sign-in ends. `failed`: spent by refused answers, or the person who
   * signed in may not act for the enterprise (`lastError` says which).
   */
  status: 'pending' | 'answered' | 'accepted' | 'failed';
  failures: number;
  lastError?: string;
  uscc?: string;
  role?: string;
  certificateSerial?: string;
  answeredAt?: Date;
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
 * A challenge made before anyone signed in (no `accountId`) is answered in two single-use steps:
 * the wallet's answer (`pending` → `answered`), then the person (`answered` → `accepted` or
 * `failed`), each a conditional UPDATE.
 */
@Injectable()
export class EnterpriseChallenges {
  constructor(private readonly dataSource: DataSource) {}

  /** A new challenge for the interaction; `accountId` when the person acting is already signed in. */
  async create(interactionUid: string, accountId?: string): Promise<Challenge> {
    const id = randomBytes(16).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    if (Math.random() < 0.05)
      await this.dataSource.query(`DELETE FROM oidc_enterprise_challenges WHERE expires_at < now() - interval '1 day'`);
    const [row] = await this.dataSource.query<ChallengeRow[]>(
      `INSERT INTO oidc_enterprise_challenges (id, nonce, interaction_uid, account_id, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING *`,
      [id, nonce, interactionUid, accountId ?? null, CHALLENGE_TTL_SECONDS],
    );
    return toChallenge(row);
  }

  async find(id: string): Promise<Challenge | undefined> {
    const rows = await this.dataSource.query<ChallengeRow[]>(`SELECT * FROM oidc_enterprise_challenges WHERE id = $1`, [id]);
    return rows[0] ? toChallenge(rows[0]) : undefined;
  }

  /**
   * The interaction's challenge whose wallet answer waits for the person (the newest, if the page
   * was answered more than once), while the answer is held (ANSWER_HOLD_SECONDS).
   */
  async answeredFor(interactionUid: string): Promise<Challenge | undefined> {
    const rows = await this.dataSource.query<ChallengeRow[]>(
      `SELECT * FROM oidc_enterprise_challenges
        WHERE interaction_uid = $1 AND status = 'answered' AND account_id IS NULL
          AND answered_at > now() - make_interval(secs => $2)
        ORDER BY answered_at DESC LIMIT 1`,
      [interactionUid, ANSWER_HOLD_SECONDS],
    );
    return rows[0] ? toChallenge(rows[0]) : undefined;
  }

  /** Until when the wallet's answer waits for the person. */
  holdUntil(challenge: Challenge): Date | undefined {
    return challenge.answeredAt ? new Date(challenge.answeredAt.getTime() + ANSWER_HOLD_SECONDS * 1000) : undefined;
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

  /**
   * Keeps the wallet's answer to a challenge no person had signed in to (a pending, unexpired one
   * without `accountId`); false when it was not (anymore).
   */
  async markAnswered(id: string, result: { uscc: string; certificateSerial: string }): Promise<boolean> {
    const rows = await returning(
      this.dataSource,
      `UPDATE oidc_enterprise_challenges SET status = 'answered', uscc = $2, certificate_serial = $3, answered_at = now()
        WHERE id = $1 AND status = 'pending' AND account_id IS NULL AND expires_at > now() RETURNING id`,
      [id, result.uscc, result.certificateSerial],
    );
    return rows.length === 1;
  }

  /**
   * The person signed in after the wallet's answer: the challenge is theirs, `accepted` with their
   * role, or `failed` with `error` (e.g. not_authorised); once only, and only while the answer is
   * held. False when the challenge was not waiting for a person (anymore).
   */
  async settlePerson(id: string, accountId: string, outcome: { role: string } | { error: string }): Promise<boolean> {
    const rows = await returning(
      this.dataSource,
      `UPDATE oidc_enterprise_challenges
          SET account_id = $2, status = CASE WHEN $3::text IS NULL THEN 'failed' ELSE 'accepted' END, role = $3, last_error = $4
        WHERE id = $1 AND status = 'answered' AND account_id IS NULL AND answered_at > now() - make_interval(secs => $5)
        RETURNING id`,
      [id, accountId, 'role' in outcome ? outcome.role : null, 'error' in outcome ? outcome.error : null, ANSWER_HOLD_SECONDS],
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
  account_id: string | null;
  expires_at: Date | string;
  status: Challenge['status'];
  failures: number;
  last_error: string | null;
  uscc: string | null;
  role: string | null;
  certificate_serial: string | null;
  answered_at: Date | string | null;
}

function toChallenge(row: ChallengeRow): Challenge {
  return {
    id: row.id,
    nonce: row.nonce,
    interactionUid: row.interaction_uid,
    accountId: row.account_id ?? undefined,
    expiresAt: new Date(row.expires_at),
    status: row.status,
    failures: Number(row.failures),
    lastError: row.last_error ?? undefined,
    uscc: row.uscc ?? undefined,
    role: row.role ?? undefined,
    certificateSerial: row.certificate_serial ?? undefined,
    answeredAt: row.answered_at ? new Date(row.answered_at) : undefined,
  };
}
