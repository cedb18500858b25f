import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type WindowResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Attempts per client in fixed one-minute windows, counted in the database so that every replica
 * sees the same count. The key is the IP, with a prefix per purpose (e.g. `register:`).
 */
@Injectable()
export class IpWindows {
  constructor(private readonly dataSource: DataSource) {}

  /** Counts one attempt; refused once the window holds more than `limit` (0: no limit, nothing counted). */
  async hit(key: string, limit: number): Promise<WindowResult> {
    if (limit <= 0) return { allowed: true };
    const [row] = await this.dataSource.query<Array<{ attempts: number; retry_after: number }>>(
      `INSERT INTO accounts_login_ip_windows AS w (ip, window_start, attempts) VALUES ($1, date_trunc('minute', now()), 1)
       ON CONFLICT (ip, window_start) DO UPDATE SET attempts = w.attempts + 1
       RETURNING attempts, greatest(1, ceil(extract(epoch FROM window_start + interval '1 minute' - now())))::int AS retry_after`,
      [key],
    );
    if (Math.random() < 0.01)
      await this.dataSource.query(`DELETE FROM accounts_login_ip_windows WHERE window_start < now() - interval '1 hour'`);
    return row.attempts > limit ? { allowed: false, retryAfterSeconds: row.retry_after } : { allowed: true };
  }
}
