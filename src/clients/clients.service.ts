import { Injectable, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import type { AuditEvent } from '../audit/audit-event.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { checkUscc } from '../identifiers/uscc.js';
import { LicenceTypesService } from '../licences/types/licence-types.service.js';
import { LICENCE_ISSUE_SCOPE, ClientStore, type LicenceIssuer } from './client-store.js';
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
  /** An issuing authority's licence types (ids): needs the scope licence:issue and an issuer_code. */
  licence_types?: string[];
  /** An issuing authority's USCC: the issuer code of the licence identifiers it issues (GB/T 36904). */
  issuer_code?: string;
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
    private readonly licenceTypes: LicenceTypesService,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /** `by`: who registers it (the audit log's actor and request id): an operator, or a client with clients:write. */
  async register(input: ClientRegistration, by: ClientAuditBy = SYSTEM): Promise<RegisteredClient> {
    if (typeof input.client_id !== 'string' || !CLIENT_ID.test(input.client_id)) {
      throw new ApiError(400, 'invalid_client_metadata', 'client_id must be 3-100 characters of letters, digits, . _ : -');
    }
    if (isFirstParty(input.client_id)) throw new ApiError(409, 'client_exists', `a client ${input.client_id} is already registered`);
    const metadata = toMetadata(input);
    const issuer = await this.licenceIssuer(input, metadata);
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
    if (!(await this.store.insert(metadata, issuer)))
      throw new ApiError(409, 'client_exists', `a client ${metadata.client_id} is already registered`);
    await this.audit?.append({
      action: 'client.add',
      ...by,
      object: metadata.client_id,
      client: metadata.client_id,
      outcome: 'success',
      details: {
        grant_types: (metadata.grant_types as string[] | undefined)?.join(' ') ?? '',
        scope: typeof metadata.scope === 'string' ? metadata.scope : '',
        subject_type: String(metadata.subject_type ?? ''),
        ...(issuer ? { issuer_code: issuer.issuerCode, licence_types: issuer.licenceTypes.join(' ') } : {}),
      },
    });
    return { client: view(withoutSecret(metadata), issuer), ...(generated ? { client_secret: generated } : {}) };
  }

  async list(): Promise<ClientMetadata[]> {
    return (await this.store.list()).map((entry) => view(entry.metadata, entry.issuer));
  }

  async get(clientId: string): Promise<ClientMetadata> {
    const entry = await this.store.get(clientId);
    if (!entry) throw new ApiError(404, 'client_not_found', `no client ${clientId}`);
    return view(entry.metadata, entry.issuer);
  }

  /**
   * What makes the client an issuing authority of licences, checked: the scope licence:issue, its
   * USCC as issuer code, and licence types that are in the catalogue. An issuer code without
   * licence types is kept (types cannot be given yet); licence types without an issuer code are not.
   */
  private async licenceIssuer(input: ClientRegistration, metadata: ClientMetadata): Promise<LicenceIssuer | undefined> {
    if (
      input.licence_types !== undefined &&
      !(Array.isArray(input.licence_types) && input.licence_types.every((t) => typeof t === 'string'))
    )
      throw new ApiError(400, 'invalid_client_metadata', 'licence_types must be a list of licence type ids');
    if (input.issuer_code !== undefined && typeof input.issuer_code !== 'string')
      throw new ApiError(400, 'invalid_client_metadata', 'issuer_code must be text');
    const types = [...new Set(input.licence_types ?? [])];
    if (!types.length && input.issuer_code === undefined) return undefined;
    const scopes = typeof metadata.scope === 'string' ? metadata.scope.split(' ') : [];
    if (!scopes.includes(LICENCE_ISSUE_SCOPE))
      throw new ApiError(
        400,
        'invalid_client_metadata',
        `licence types and an issuer code are for issuing authorities: give the client the scope ${LICENCE_ISSUE_SCOPE}`,
      );
    if (input.issuer_code === undefined)
      throw new ApiError(
        400,
        'invalid_client_metadata',
        'an issuing authority needs an issuer code (its USCC) for the licence identifiers it issues: give issuer_code',
      );
    const uscc = checkUscc(input.issuer_code);
    if (!uscc.valid)
      throw new ApiError(
        400,
        'invalid_client_metadata',
        `issuer_code must be the issuing authority's unified social credit code (${uscc.errors?.[0]?.code ?? 'INVALID'})`,
      );
    const unknown: string[] = [];
    for (const type of types) if (!(await this.licenceTypes.find(type))) unknown.push(type);
    if (unknown.length)
      throw new ApiError(
        400,
        'unknown_licence_type',
        `no licence type ${unknown.join(', ')} in the catalogue (see GET /api/v1/licence-types)`,
      );
    return { issuerCode: uscc.canonical!, licenceTypes: types };
  }

  async remove(clientId: string, by: ClientAuditBy = SYSTEM): Promise<void> {
    if (isFirstParty(clientId)) throw new ApiError(409, 'client_protected', `${clientId} is tongban's own client and cannot be removed`);
    if (!(await this.store.remove(clientId))) throw new ApiError(404, 'client_not_found', `no client ${clientId}`);
    await this.audit?.append({ action: 'client.remove', ...by, object: clientId, client: clientId, outcome: 'success' });
  }
}

/** Who changes a client, for the audit log. */
export type ClientAuditBy = Pick<AuditEvent, 'actor' | 'requestId'>;
const SYSTEM: ClientAuditBy = { actor: { kind: 'system', id: 'tongban' } };

/** A client as the API and the CLI show it: its metadata, and what makes it an issuing authority (`tongban_*`). */
function view(metadata: ClientMetadata, issuer: LicenceIssuer | undefined): ClientMetadata {
  if (!issuer) return metadata;
  return { ...metadata, tongban_issuer_code: issuer.issuerCode, tongban_licence_types: issuer.licenceTypes };
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
