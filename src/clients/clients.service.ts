import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import { ApiError } from '../common/api-error.js';
import { ClientStore } from './client-store.js';
import { isFirstParty } from './first-party-clients.js';
import { OidcProviderService } from '../oidc/oidc-provider.service.js';

/** What an operator says about a client (CLI flags, POST /api/v1/clients). */
/** What a client_id may look like (it appears in URLs and logs). */
export const CLIENT_ID = /^[A-Za-z0-9._:-]{3,100}$/;

export interface ClientRegistration {
  client_id: string;
  client_name?: string;
  /** The name shown on pages in English (RFC 7591 language-tagged metadata). */
  'client_name#en'?: string;
  client_secret?: string;
  jwks_uri?: string;
  jwks?: { keys: object[] };
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  backchannel_logout_uri?: string;
  scope?: string;
  grant_types?: string[];
  sector?: string;
  fapi?: boolean;
  minimum_loa?: number;
  subject_type?: 'pairwise' | 'public';
  id_token_signed_response_alg?: 'ES256' | 'RS256';
}

export interface RegisteredClient {
  client: ClientMetadata;
  /** Only when the secret was generated here: shown once, stored encrypted. */
  client_secret?: string;
}

/**
 * Portal clients (authorization code) and service clients (client credentials), turned into
 * OIDC client metadata with tongban's defaults and checked by oidc-provider's own validation
 * before they are stored.
 */
@Injectable()
export class ClientsService {
  constructor(
    private readonly store: ClientStore,
    private readonly oidc: OidcProviderService,
  ) {}

  async register(input: ClientRegistration): Promise<RegisteredClient> {
    if (typeof input.client_id !== 'string' || !CLIENT_ID.test(input.client_id)) {
      throw new ApiError(400, 'invalid_client_metadata', 'client_id must be 3-100 characters of letters, digits, . _ : -');
    }
    if (isFirstParty(input.client_id)) throw new ApiError(409, 'client_exists', `a client ${input.client_id} is already registered`);
    const metadata = toMetadata(input);
    let generated: string | undefined;
    if (metadata.token_endpoint_auth_method === 'client_secret_basic' && !metadata.client_secret) {
      generated = randomBytes(32).toString('base64url');
      metadata.client_secret = generated;
    }
    try {
      await this.oidc.provider.Client.validate(metadata);
    } catch (err) {
      const e = err as { error?: string; error_description?: string; message: string };
      throw new ApiError(400, e.error ?? 'invalid_client_metadata', e.error_description ?? e.message);
    }
    if (!(await this.store.insert(metadata)))
      throw new ApiError(409, 'client_exists', `a client ${metadata.client_id} is already registered`);
    return { client: withoutSecret(metadata), ...(generated ? { client_secret: generated } : {}) };
  }

  async list(): Promise<ClientMetadata[]> {
    return (await this.store.list()).map((entry) => entry.metadata);
  }

  async get(clientId: string): Promise<ClientMetadata> {
    const entry = await this.store.get(clientId);
    if (!entry) throw new ApiError(404, 'client_not_found', `no client ${clientId}`);
    return entry.metadata;
  }

  async remove(clientId: string): Promise<void> {
    if (isFirstParty(clientId)) throw new ApiError(409, 'client_protected', `${clientId} is tongban's own client and cannot be removed`);
    if (!(await this.store.remove(clientId))) throw new ApiError(404, 'client_not_found', `no client ${clientId}`);
  }
}

function withoutSecret(metadata: ClientMetadata): ClientMetadata {
  const { client_secret: _secret, ...rest } = metadata;
  return rest;
}

function toMetadata(input: ClientRegistration): ClientMetadata {
  const redirects = input.redirect_uris ?? [];
  const portal = redirects.length > 0;
  const grantTypes = input.grant_types?.length
    ? input.grant_types
    : portal
      ? ['authorization_code', 'refresh_token']
      : ['client_credentials'];
  const usesKeys = Boolean(input.jwks || input.jwks_uri);
  if (input.fapi && !usesKeys)
    throw new ApiError(400, 'invalid_client_metadata', 'a FAPI 2.0 client authenticates with private_key_jwt: give its jwks or jwks_uri');
  const metadata: ClientMetadata = {
    client_id: input.client_id,
    ...(input.client_name ? { client_name: input.client_name } : {}),
    ...(input['client_name#en'] ? { 'client_name#en': input['client_name#en'] } : {}),
    ...(input.client_secret && !usesKeys ? { client_secret: input.client_secret } : {}),
    ...(input.jwks ? { jwks: input.jwks } : {}),
    ...(input.jwks_uri ? { jwks_uri: input.jwks_uri } : {}),
    token_endpoint_auth_method: usesKeys ? 'private_key_jwt' : 'client_secret_basic',
    grant_types: grantTypes,
    response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
    redirect_uris: redirects,
    ...(input.post_logout_redirect_uris?.length ? { post_logout_redirect_uris: input.post_logout_redirect_uris } : {}),
    ...(input.backchannel_logout_uri
      ? { backchannel_logout_uri: input.backchannel_logout_uri, backchannel_logout_session_required: true }
      : {}),
    scope: input.scope ?? (portal ? 'openid profile' : ''),
    subject_type: input.subject_type ?? (portal ? 'pairwise' : 'public'),
    ...(input.id_token_signed_response_alg ? { id_token_signed_response_alg: input.id_token_signed_response_alg } : {}),
    ...(input.sector ? { tongban_sector: input.sector } : {}),
    ...(input.minimum_loa ? { tongban_minimum_loa: input.minimum_loa } : {}),
    ...(input.fapi ? { tongban_fapi: '2.0', require_pushed_authorization_requests: true, dpop_bound_access_tokens: true } : {}),
  };
  if (!metadata.scope) delete metadata.scope;
  return metadata;
}
