import { createHash } from 'node:crypto';

/**
 * SHA-256 of a request body as JSON with its keys sorted: the same request however its keys are
 * ordered. What an Idempotency-Key is held to (seals, licences).
 */
export function requestHash(body: unknown): Buffer {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest();
}
