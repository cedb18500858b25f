import { WalletError } from './errors.js';

/** The prefix of the text the enterprise sign-in page shows (and encodes in its QR code). */
export const LOGIN_CHALLENGE_PREFIX = 'tongban-login:';

/**
 * A one-time enterprise sign-in challenge (design §6), with the field names of the wire form
 * `tongban-login:<base64url(JSON)>`, JSON `{ challenge_id, nonce, aud, exp }`.
 */
export interface LoginChallenge {
  challenge_id: string;
  nonce: string;
  /** The service's PUBLIC_URL: the JWS is signed for it, and posted to it. */
  aud: string;
  /** Unix seconds. */
  exp: number;
}

const MAX_TEXT = 4096;

const invalid = (why: string) => new WalletError('CHALLENGE_INVALID', `this is not a tongban sign-in challenge: ${why}`);

/**
 * Reads a challenge from the QR text (`tongban-login:…`) or from its bare JSON. Refuses one that
 * is malformed (CHALLENGE_INVALID) or already expired at `now` (CHALLENGE_EXPIRED).
 */
export function parseLoginChallenge(text: string, now: Date = new Date()): LoginChallenge {
  if (typeof text !== 'string') throw invalid('expected text');
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > MAX_TEXT) throw invalid(trimmed ? 'too long' : 'empty');
  let json: string;
  if (trimmed.startsWith(LOGIN_CHALLENGE_PREFIX)) {
    const encoded = trimmed.slice(LOGIN_CHALLENGE_PREFIX.length);
    if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw invalid('the part after "tongban-login:" is not base64url');
    json = Buffer.from(encoded, 'base64url').toString('utf8');
  } else if (trimmed.startsWith('{')) {
    json = trimmed;
  } else {
    throw invalid('expected "tongban-login:…" or its JSON');
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalid('not JSON');
  }
  const challenge = checkChallenge(value);
  if (isExpired(challenge, now))
    throw new WalletError('CHALLENGE_EXPIRED', 'this sign-in challenge has expired: reload the sign-in page for a new one');
  return challenge;
}

/** The text form, as the sign-in page shows it (for tests and other clients). */
export function formatLoginChallenge(challenge: LoginChallenge): string {
  const json = JSON.stringify({ challenge_id: challenge.challenge_id, nonce: challenge.nonce, aud: challenge.aud, exp: challenge.exp });
  return LOGIN_CHALLENGE_PREFIX + Buffer.from(json).toString('base64url');
}

export function isExpired(challenge: LoginChallenge, now: Date = new Date()): boolean {
  return challenge.exp * 1000 <= now.getTime();
}

function checkChallenge(value: unknown): LoginChallenge {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('expected a JSON object');
  const { challenge_id, nonce, aud, exp } = value as Record<string, unknown>;
  if (typeof challenge_id !== 'string' || !challenge_id || challenge_id.length > 256 || /[\s\u0000-\u001f]/.test(challenge_id))
    throw invalid('challenge_id');
  if (typeof nonce !== 'string' || !nonce || nonce.length > 512) throw invalid('nonce');
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp) || exp <= 0) throw invalid('exp must be a time in Unix seconds');
  if (typeof aud !== 'string' || !isServiceUrl(aud)) throw invalid("aud must be the service's http(s) URL");
  return { challenge_id, nonce, aud, exp };
}

function isServiceUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !url.search && !url.hash;
}

/** Where the wallet posts its answer: `${aud}/api/v1/licence-login/${challenge_id}`. */
export function loginEndpoint(challenge: LoginChallenge): string {
  return `${challenge.aud.replace(/\/+$/, '')}/api/v1/licence-login/${encodeURIComponent(challenge.challenge_id)}`;
}
