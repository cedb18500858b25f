import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

const SECONDS_LEFT = `greatest(1, ceil(extract(epoch FROM locked_until - now())))::int`;

/**
 * Consecutive failures per key (the blind index of an ID number, or `totp:<account id>`):
 * LOGIN_LOCK_THRESHOLD of them lock the key for LOGIN_LOCK_MINUTES. A failure after a lock has
 * expired starts a new count. Every change is one statement, so replicas count together.
 */
@Injectable()
export class Lockout {
  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Seconds until the key unlocks; null when it is not locked. */
  async lockedFor(key: Buffer): Promise<number | null> {
    const [row] = await this.dataSource.query<Array<{ seconds: number }>>(
      `SELECT ${SECONDS_LEFT} AS seconds FROM accounts_login_failures WHERE key = decode($1, 'hex') AND locked_until > now()`,
      [key.toString('hex')],
    );
    return row ? row.seconds : null;
  }

  /** Counts a failure; returns the lock's seconds when this failure (or a concurrent one) locked the key. */
  async recordFailure(key: Buffer): Promise<number | null> {
    return (await this.recordCountedFailure(key)).lockedFor;
  }

  /**
   * Counts a failure, and says what the sign-in page tells the citizen: the lock's seconds when
   * this failure (or a concurrent one) locked the key, else how many more failures the key takes
   * before it locks (LOGIN_LOCK_THRESHOLD minus the failures in a row so far, at least 1). The
   * count is the key's alone — for an ID number, the same whether or not it has an account.
   */
  async recordCountedFailure(key: Buffer): Promise<{ lockedFor: number | null; attemptsLeft: number }> {
    const failures = `CASE WHEN f.locked_until <= now() THEN 1 ELSE f.failures + 1 END`;
    const threshold = this.config.loginLockThreshold;
    const [row] = await this.dataSource.query<Array<{ locked_for: number | null; failures: number }>>(
      `INSERT INTO accounts_login_failures AS f (key, failures, locked_until, updated_at)
       VALUES (decode($1, 'hex'), 1, CASE WHEN $2::int <= 1 THEN now() + make_interval(mins => $3::int) END, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = ${failures},
         locked_until = CASE WHEN ${failures} >= $2::int THEN now() + make_interval(mins => $3::int) END,
         updated_at = now()
       RETURNING CASE WHEN locked_until > now() THEN ${SECONDS_LEFT} END AS locked_for, failures`,
      [key.toString('hex'), threshold, this.config.loginLockMinutes],
    );
    if (Math.random() < 0.01) {
      // Counts idle for a day are forgotten: the table stays small even under a spray of numbers.
      await this.dataSource.query(
        `DELETE FROM accounts_login_failures WHERE updated_at < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())`,
      );
    }
    const lockedFor = row.locked_for ?? null;
    return { lockedFor, attemptsLeft: lockedFor === null ? Math.max(1, threshold - Number(row.failures)) : 0 };
  }

  async clear(key: Buffer): Promise<void> {
    await this.dataSource.query(`DELETE FROM accounts_login_failures WHERE key = decode($1, 'hex')`, [key.toString('hex')]);
  }
}
