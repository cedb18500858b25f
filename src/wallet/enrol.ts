import { canonicalUscc } from '../identifiers/uscc.js';
import { WalletError } from './errors.js';
import { readJson, serviceError, type IssuedLicence, type StoredLicence, type Wallet } from './wallet.js';

/**
 * Whoever issues the licence certificate for a CSR: the market regulator over HTTP
 * (httpIssuer), or an operator on the service's machine (the CLI operation `licence.issue`).
 */
export type LicenceIssuer = (csrPem: string, uscc: string) => Promise<IssuedLicence>;

/**
 * Enrols the wallet for an enterprise: makes a CSR with the wallet key, has `issue` sign it, and
 * stores the result (which must be a certificate for this wallet's key).
 */
export async function enrol(
  wallet: Wallet,
  input: { uscc: string; name?: string; issue: LicenceIssuer; now?: Date },
): Promise<StoredLicence> {
  const uscc = canonicalUscc(input.uscc);
  if (!uscc) throw new WalletError('INVALID_USCC', 'not a valid unified social credit code');
  const csr = await wallet.createCsr({ uscc, name: input.name });
  const issued = await input.issue(csr, uscc);
  return wallet.storeLicence(uscc, issued, input.now);
}

export interface HttpIssuerOptions {
  /** The service's PUBLIC_URL. */
  publicUrl: string;
  /** A service client registered with the scope `licence:issue` (client_secret_basic). */
  clientId: string;
  clientSecret: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

/**
 * The issuing authority's path: a client-credentials token (`scope=licence:issue`, client
 * authentication client_secret_basic) from `${publicUrl}/token`, then
 * `POST ${publicUrl}/api/v1/enterprises/{uscc}/licence` with `{ csr }` → 201 with the licence.
 */
export function httpIssuer(options: HttpIssuerOptions): LicenceIssuer {
  const base = options.publicUrl.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeout = () => AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const call = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetchFn(url, { ...init, signal: timeout() });
    } catch (err) {
      throw new WalletError('SERVICE_UNREACHABLE', `cannot reach ${base}: ${(err as Error).message}`);
    }
  };
  return async (csr, uscc) => {
    // RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined and base64-encoded.
    const basic = Buffer.from(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`).toString('base64');
    const tokenResponse = await call(`${base}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'licence:issue' }).toString(),
    });
    const token = await readJson(tokenResponse);
    if (!tokenResponse.ok || typeof token?.access_token !== 'string') throw serviceError(tokenResponse, token, 'the token request');
    const response = await call(`${base}/api/v1/enterprises/${encodeURIComponent(uscc)}/licence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ csr }),
    });
    const body = await readJson(response);
    if (response.status !== 201 && response.status !== 200) throw serviceError(response, body, 'the licence issuance');
    if (!body) throw new WalletError('UNEXPECTED_ANSWER', 'the licence issuance answered without a JSON body', response.status);
    return body as unknown as IssuedLicence;
  };
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
