import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

/**
 * Per-client limit on verification calls (design §9): a token bucket per client in this process
 * (each replica enforces its share; the limit is about fairness between portals, not secrecy).
 */
@Injectable()
export class VerifyRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  /** Takes `cost` tokens for the client or throws 429 (with a retry-after header) saying how long to wait. */
  take(res: FastifyReply, clientId: string, cost = 1): void {
    const perMinute = this.config.verifyRateLimitPerMinute;
    if (perMinute === 0) return;
    const now = Date.now();
    const bucket = this.buckets.get(clientId) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * perMinute);
    bucket.at = now;
    if (bucket.tokens < cost) {
      this.buckets.set(clientId, bucket);
      const retryAfter = Math.ceil(((cost - bucket.tokens) / perMinute) * 60);
      res.header('retry-after', String(retryAfter));
      throw new ApiError(429, 'too_many_requests', `verification limit of ${perMinute} per minute reached for this client`, {
        retry_after: retryAfter,
      });
    }
    bucket.tokens -= cost;
    if (this.buckets.size > 100_000) this.buckets.clear();
    this.buckets.set(clientId, bucket);
  }

  /**
   * Counts work found only after the call was let in (a document's signatures beyond the first):
   * never refuses it, but may leave the client's allowance below zero, so its next calls wait.
   */
  charge(clientId: string, cost: number): void {
    const perMinute = this.config.verifyRateLimitPerMinute;
    if (perMinute === 0 || cost <= 0) return;
    const now = Date.now();
    const bucket = this.buckets.get(clientId) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * perMinute) - cost;
    bucket.at = now;
    this.buckets.set(clientId, bucket);
  }
}
