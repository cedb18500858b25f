import { WalletError } from './errors.js';
import { readJson, serviceError, type Wallet } from './wallet.js';

/** One of the enterprise's licences as the service lists them (GET /api/v1/me/licences). */
export interface HeldLicence {
  id: string;
  type: string;
  typeName: { zh: string; en: string };
  status: 'valid' | 'suspended' | 'revoked' | 'expired';
  statusReason: string | null;
  statusChangedAt: string | null;
  issuer: { clientId: string; code: string; name: string | null };
  holder: { kind: string; name: string; uscc?: string };
  validFrom: string;
  validUntil: string;
  createdAt: string;
  /** The SD-JWT VC, bound to the enterprise's wallet key (cnf) when it had one at issuance. */
  credential: string;
  claims: Record<string, unknown>;
}

export interface HolderApiOptions {
  /** The service's PUBLIC_URL. */
  serviceUrl: string;
  /** Which of the wallet's licences signs the proof; may be left out when it holds one. */
  uscc?: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  now?: Date;
}

/**
 * The enterprise's electronic licences, from the service's holder route `GET /api/v1/me/licences`,
 * authenticated by a wallet proof (`Authorization: Wallet …`, Wallet.signHolderProof): the
 * enterprise's licence key signs for this one request, so the wallet needs no OAuth token and no
 * person signed in. The service's refusals keep their code (`certificate_revoked`,
 * `holder_not_active`, …).
 */
export async function fetchHeldLicences(wallet: Wallet, options: HolderApiOptions): Promise<HeldLicence[]> {
  const base = options.serviceUrl.replace(/\/+$/, '');
  const url = `${base}/api/v1/me/licences`;
  const proof = await wallet.signHolderProof({ method: 'GET', url }, options.uscc, options.now);
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: { authorization: `Wallet ${proof}`, accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (err) {
    throw new WalletError('SERVICE_UNREACHABLE', `cannot reach ${base}: ${(err as Error).message}`);
  }
  const body = await readJson(response);
  if (!response.ok) throw serviceError(response, body, 'listing the licences');
  if (!body || !Array.isArray(body.licences))
    throw new WalletError('UNEXPECTED_ANSWER', 'the service answered without a list of licences', response.status);
  return body.licences as HeldLicence[];
}

/** One of them, by its identifier (NO_SUCH_LICENCE when the enterprise holds none by that number). */
export async function fetchHeldLicence(wallet: Wallet, id: string, options: HolderApiOptions): Promise<HeldLicence> {
  const wanted = id.trim().toUpperCase();
  const found = (await fetchHeldLicences(wallet, options)).find((licence) => licence.id.toUpperCase() === wanted);
  if (!found) throw new WalletError('NO_SUCH_LICENCE', `the enterprise holds no licence ${id} (tongban wallet licences lists them)`);
  return found;
}
