import { createHash } from 'node:crypto';
import { decodeSeal, SealFormatError } from '../seals/index.js';
import { WalletError } from './errors.js';
import { readJson, serviceError } from './wallet.js';

/** A seal as the seal-making authority answers `GET /api/v1/seals/{id}`: the DER and what it says of the seal now. */
export interface FetchedSeal {
  /** The esID. */
  readonly id: string;
  /** SESeal, DER, as its maker issued it. */
  readonly der: Buffer;
  /** `valid`, `not_yet_valid`, `expired` or `revoked`, as the service judged it when asked. */
  readonly status: string;
  readonly revokedAt: Date | null;
  readonly revocationReason: string | null;
  /** Where it was asked. */
  readonly source: string;
}

export interface FetchSealOptions {
  /** The service's PUBLIC_URL. */
  readonly serviceUrl: string;
  readonly fetch?: typeof globalThis.fetch;
  readonly timeoutMs?: number;
}

/**
 * Fetches a seal by its esID from the seal-making authority (`GET /api/v1/seals/{id}`: public, a
 * seal is in every document it stamps). The answer must be that seal: its DER decodes, names that
 * esID and has the SHA-256 the answer gives (UNEXPECTED_ANSWER otherwise). An error answer keeps
 * the service's code (`seal_not_found`, 404); SERVICE_UNREACHABLE when there is no answer.
 */
export async function fetchSeal(id: string, options: FetchSealOptions): Promise<FetchedSeal> {
  if (typeof id !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(id))
    throw new WalletError('SEAL_UNREADABLE', 'a seal ID is 1 to 64 printable ASCII characters');
  const url = `${options.serviceUrl.replace(/\/+$/, '')}/api/v1/seals/${encodeURIComponent(id)}`;
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (err) {
    throw new WalletError('SERVICE_UNREACHABLE', `cannot reach ${options.serviceUrl}: ${(err as Error).message}`);
  }
  const body = await readJson(response);
  if (!response.ok || !body) throw serviceError(response, body, `looking up the seal ${id}`);
  const unexpected = (why: string) =>
    new WalletError('UNEXPECTED_ANSWER', `the service's answer for the seal ${id} ${why}`, response.status);
  if (typeof body.seal !== 'string' || typeof body.status !== 'string') throw unexpected('has no seal (DER) or status');
  const der = Buffer.from(body.seal, 'base64');
  let esID: string;
  try {
    const seal = decodeSeal(der);
    esID = seal.layout === 'v4' ? seal.eSealInfo.esID : seal.sealInfo.esID;
  } catch (err) {
    if (err instanceof SealFormatError) throw unexpected(`holds no readable seal (${err.message})`);
    throw err;
  }
  if (esID !== id) throw unexpected(`is the seal ${esID}`);
  if (typeof body.sha256 === 'string' && body.sha256.toLowerCase() !== createHash('sha256').update(der).digest('hex'))
    throw unexpected('does not match the SHA-256 it gives');
  const revokedAt = typeof body.revokedAt === 'string' ? new Date(body.revokedAt) : null;
  if (revokedAt !== null && Number.isNaN(revokedAt.getTime())) throw unexpected('has a revocation time that is not a time');
  return {
    id,
    der,
    status: body.status,
    revokedAt,
    revocationReason: typeof body.revocationReason === 'string' ? body.revocationReason : null,
    source: url,
  };
}
