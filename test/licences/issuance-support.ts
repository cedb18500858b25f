import { digest as sdJwtDigest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { createPublicKey, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { ClientsService } from '../../src/clients/clients.service.js';
import { DEMO_CITIZENS, DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { makeUscc } from '../../src/identifiers/generate.js';
import { client } from '../support/oidc.js';
import type { TestServer } from '../support/server.js';

/** What the licence tests share: issuing authorities with tokens, calls, and verifiers written here or from the ecosystem. */

export const ZHANG = DEMO_CITIZENS[1];
export const LIU_DECEASED = DEMO_CITIZENS[4];
export const ACME = DEMO_ENTERPRISES[0];
export const SUSPENDED_ENTERPRISE = DEMO_ENTERPRISES[1];

let counter = 0;
/** A government USCC for an issuer code, different each call. */
export function issuerCode(): string {
  counter++;
  const body = `MB${String(Date.now() % 1_000_000).padStart(6, '0')}`.slice(0, 6) + String(counter).padStart(2, '0');
  return makeUscc({ authority: '1', entityType: '1', region: '350100', organisationBody: body.replace(/[IOSVZ]/g, '0') });
}

export interface Authority {
  clientId: string;
  code: string;
  token: string;
}

/** A service client with licence:issue, the given licence types and issuer code (none: no issuer code), and its access token. */
export async function authority(server: TestServer, types: string[] | null, code = issuerCode()): Promise<Authority> {
  const clientId = `authority-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
  const { client_secret } = await server.app
    .get(ClientsService)
    .register({ client_id: clientId, scope: 'licence:issue', ...(types ? { licence_types: types, issuer_code: code } : {}) });
  const config = await client.discovery(new URL(server.url), clientId, undefined, client.ClientSecretBasic(client_secret), {
    execute: [client.allowInsecureRequests],
  });
  const { access_token } = await client.clientCredentialsGrant(config, { scope: 'licence:issue' });
  return { clientId, code, token: access_token };
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  server: TestServer,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T };
}

export function permitClaims(citizen: { id_number: string; name: string }, extra: Record<string, unknown> = {}) {
  return {
    name: citizen.name,
    id_number: citizen.id_number,
    residence_address: '福建省福州市鼓楼区五四路1号',
    issuing_authority: '福州市公安局鼓楼分局',
    ...extra,
  };
}

export function foodPermitClaims(enterprise: { uscc: string; name: string }, extra: Record<string, unknown> = {}) {
  return {
    permit_number: 'JY23501020012345',
    operator_name: enterprise.name,
    uscc: enterprise.uscc,
    legal_representative: '陈伟',
    premises: '福建省福州市鼓楼区五四路1号一层',
    main_business_format: '餐饮服务经营者',
    business_items: ['热食类食品制售', '冷食类食品制售'],
    ...extra,
  };
}

export interface IssuedLicenceBody {
  id: string;
  credential: string;
  status: string;
  type: string;
  holder: Record<string, unknown>;
  issuer: { clientId: string; code: string; name: string | null };
  validFrom: string;
  validUntil: string;
  statusList: { idx: number; uri: string };
  statusReason: string | null;
  statusChangedAt: string | null;
}

const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** The issuer-signed JWT's header and payload, and the Disclosures decoded. */
export function openCredential(credential: string) {
  const [jwt, ...rest] = credential.split('~');
  const [header, payload] = jwt.split('.');
  return {
    header: b64json(header) as { alg: string; typ: string; kid: string; x5c: string[] },
    payload: b64json(payload),
    disclosures: rest.filter(Boolean).map((d) => JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[]),
  };
}

/** The chain in an x5c header (leaf first) checked link by link with node:crypto up to tongban's root certificate, PEM. */
export function chainToRoot(x5c: string[], rootPem: string): X509Certificate {
  const certificates = x5c.map((der) => new X509Certificate(Buffer.from(der, 'base64')));
  const root = new X509Certificate(rootPem);
  for (let i = 0; i < certificates.length - 1; i++) {
    if (!certificates[i].checkIssued(certificates[i + 1]) || !certificates[i].verify(certificates[i + 1].publicKey))
      throw new Error(`x5c[${i}] is not issued by x5c[${i + 1}]`);
  }
  const last = certificates[certificates.length - 1];
  if (!last.raw.equals(root.raw) && !(last.checkIssued(root) && last.verify(root.publicKey)))
    throw new Error('the chain does not end at the root');
  if (!root.verify(root.publicKey)) throw new Error('the root is not self-signed');
  return certificates[0];
}

/** An ES256 verifier that takes the key from the signed JWT's own x5c (after checking it chains to the root). */
function x5cVerifier(rootPem: string) {
  return (data: string, signature: string): Promise<boolean> => {
    const header = JSON.parse(Buffer.from(data.split('.')[0], 'base64url').toString('utf8')) as { x5c: string[]; alg: string };
    if (header.alg !== 'ES256') return Promise.resolve(false);
    const leaf = chainToRoot(header.x5c, rootPem);
    return Promise.resolve(
      cryptoVerify('sha256', Buffer.from(data), { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url')),
    );
  };
}

/** @sd-jwt/sd-jwt-vc 0.19 with its own status list fetcher (over HTTP, Accept application/statuslist+jwt); keys from x5c checked to the root. */
export function ecosystemVerifier(rootPem: string): SDJwtVcInstance {
  return new SDJwtVcInstance({
    hasher: sdJwtDigest,
    verifier: x5cVerifier(rootPem),
    statusVerifier: x5cVerifier(rootPem),
  });
}

export async function rootPem(server: TestServer): Promise<string> {
  const response = await fetch(`${server.url}/pki/ca/root.pem`);
  if (response.status !== 200) throw new Error(`no root certificate: ${response.status}`);
  return response.text();
}

/**
 * A status list token decoded by hand: the signature with jose and the key of x5c[0] (chained to
 * the root), then base64url, zlib inflate, and 2 bits per entry read least significant first.
 */
export async function decodeStatusList(token: string, root: string) {
  const header = decodeProtectedHeader(token) as { x5c: string[]; typ: string; kid: string; alg: string };
  const leaf = chainToRoot(header.x5c, root);
  const { payload } = await compactVerify(token, createPublicKey(leaf.publicKey.export({ format: 'pem', type: 'spki' })), {
    algorithms: ['ES256'],
  });
  const claims = JSON.parse(new TextDecoder().decode(payload)) as {
    sub: string;
    iss?: string;
    iat: number;
    exp: number;
    ttl: number;
    status_list: { bits: number; lst: string };
  };
  const bytes = inflateSync(Buffer.from(claims.status_list.lst, 'base64url'));
  const status = (idx: number) => (bytes[idx >> 2] >> ((idx & 3) * 2)) & 3;
  return { header, claims, bytes, status, size: bytes.length * 4, leaf };
}

export async function statusAt(server: TestServer, uri: string, idx: number, root: string): Promise<number> {
  const response = await fetch(uri.replace(/^https?:\/\/[^/]+/, server.url), { headers: { accept: 'application/statuslist+jwt' } });
  return (await decodeStatusList(await response.text(), root)).status(idx);
}
