import { randomInt } from 'node:crypto';

/**
 * Recovery codes of two-step sign-in: ten per account, for a citizen without the phone. Each is
 * ten characters of Crockford's base32 (lower case; no i, l, o or u, so nothing is mistaken when
 * read aloud or copied by hand), 5 random bits each: 50 bits, shown as `xxxxx-xxxxx`.
 */
export const RECOVERY_CODE_COUNT = 10;
/** At this many or fewer unused codes, the account page asks the citizen to make new ones. */
export const RECOVERY_CODES_LOW = 2;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 10;
const GROUP = 5;

/** One new code, e.g. `7k2mq-xd40f`. */
export function generateRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, GROUP)}-${code.slice(GROUP)}`;
}

export function generateRecoveryCodes(): string[] {
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(generateRecoveryCode());
  return [...codes];
}

/**
 * The canonical form of what a citizen typed (what is hashed), or null when it cannot be a
 * recovery code. Case, spaces and hyphens do not matter; i and l are read as 1, o as 0 (Crockford).
 */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-‐‑‒–—_]/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
  if (code.length !== LENGTH) return null;
  for (const char of code) if (!ALPHABET.includes(char)) return null;
  return code;
}

/** A 6-digit TOTP code is digits only; anything with a letter or of recovery-code length is a recovery code. */
export function looksLikeRecoveryCode(input: string): boolean {
  return normaliseRecoveryCode(input) !== null;
}
