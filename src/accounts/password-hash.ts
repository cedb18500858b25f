import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';

/**
 * argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane). `Algorithm` is a const enum the
 * package does not export at runtime, hence the literal (2 = Argon2id).
 */
export const ARGON2_OPTIONS: Readonly<Options & { algorithm: Algorithm }> = {
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

/**
 * At most one argon2 computation per CPU at a time: each holds 19 MiB, and more at once than
 * there are cores only adds memory (and latency for all), not throughput.
 */
const slots = { free: Math.max(1, availableParallelism()), waiting: [] as Array<() => void> };

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

/** NFC first, so the same password typed on different devices hashes the same. */
export function hashPassword(password: string): Promise<string> {
  return withSlot(() => hash(password.normalize('NFC'), ARGON2_OPTIONS));
}

/** Runs on the libuv pool, not the event loop; a malformed stored hash verifies as false. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await withSlot(() => verify(stored, password.normalize('NFC')));
  } catch {
    return false;
  }
}

/** A hash made with other parameters is replaced at the next successful sign-in. */
export function needsRehash(stored: string): boolean {
  try {
    const used = parseOptions(stored);
    return (
      used.algorithm !== ARGON2_OPTIONS.algorithm ||
      used.memoryCost !== ARGON2_OPTIONS.memoryCost ||
      used.timeCost !== ARGON2_OPTIONS.timeCost ||
      used.parallelism !== ARGON2_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}
