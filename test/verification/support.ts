import { expect } from '@jest/globals';
import { client, registerService } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';

export interface Check {
  name: string;
  status: 'PASSED' | 'FAILED' | 'INDETERMINATE';
  message: string;
}

/** A report as the API answers it (the fields the tests read). */
export interface Report {
  indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
  subIndication?: string;
  checks: Check[];
  subject?: Record<string, string>;
  issuer?: Record<string, string>;
  signingTime?: string;
  validationTime: string;
  signature?: {
    id?: string;
    type: 'Seal' | 'Sign';
    path?: string;
    algorithm?: string;
    propertyInfo?: string;
    references?: { total: number; intact: number; failed?: string[]; signaturesListChangedBy?: string[]; uncovered?: string[] };
  };
  seal?: {
    esID: string;
    name: string;
    type: number;
    format: string;
    vendor: string;
    validStart: string;
    validEnd: string;
    maker: Record<string, string>;
    sha256: string;
    revokedAt?: string;
    revocationReason?: string;
  };
}

/** A running service with a portal's `verify` token, and calls to its verify endpoints. */
export interface Verifier {
  server: TestServer;
  token: string;
  post(path: string, body: unknown, bearer?: string): Promise<Response>;
  seal(der: Buffer): Promise<Report>;
  signature(der: Buffer, extra?: { document?: Buffer; digest?: string }): Promise<Report>;
  document(ofd: Buffer): Promise<Report[]>;
  close(): Promise<void>;
}

export async function startVerifier(overrides: Record<string, string> = {}): Promise<Verifier> {
  const server = await startTestServer({ DEMO: '1', ...overrides });
  const portal = await registerService(server, 'verify');
  const token = (await client.clientCredentialsGrant(portal.config, { scope: 'verify' })).access_token;
  const post = (path: string, body: unknown, bearer = token) =>
    fetch(`${server.url}/api/v1/verify/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const ok = async <T>(response: Response): Promise<T> => {
    const text = await response.text();
    if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };
  return {
    server,
    token,
    post,
    seal: async (der) => ok<Report>(await post('seal', { seal: der.toString('base64') })),
    signature: async (der, extra = {}) =>
      ok<Report>(
        await post('signature', {
          signature: der.toString('base64'),
          ...(extra.document ? { document: extra.document.toString('base64') } : {}),
          ...(extra.digest ? { digest: extra.digest } : {}),
        }),
      ),
    document: async (ofd) => (await ok<{ signatures: Report[] }>(await post('document', { document: ofd.toString('base64') }))).signatures,
    close: () => server.close(),
  };
}

/** The report's checks as `name:STATUS`, in order. */
export function statuses(report: Report): string[] {
  return report.checks.map((check) => `${check.name}:${check.status}`);
}

export function check(report: Report, name: string): Check {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`the report has no ${name} check: ${JSON.stringify(report.checks)}`);
  return found;
}

/** The verdict, as `INDICATION/SUB` or `TOTAL_PASSED`. */
export function verdict(report: Report): string {
  return report.subIndication ? `${report.indication}/${report.subIndication}` : report.indication;
}

/** What "integrity PASSED" means in the fixtures' README: data hash, the signer's signature, the maker's signature and certList. */
export function expectIntegrity(report: Report): void {
  expect(check(report, 'dataHash').status).toBe('PASSED');
  expect(check(report, 'signature').status).toBe('PASSED');
  expect(check(report, 'certList').status).toBe('PASSED');
  expect(check(report, 'seal').message).toMatch(
    /the maker’s signature over the seal information verifies|maker's signature over the seal information verifies/,
  );
}
