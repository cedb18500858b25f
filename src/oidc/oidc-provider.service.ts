import { Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import { DataSource } from 'typeorm';
import { mountRawRoutes } from '../common/raw-routes.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { KeyStore } from '../keys/keystore.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AccountClaims } from './account-claims.js';
import { createAdapterClass, deleteExpiredPayloads } from './adapter.js';
import { ClientStore } from '../clients/client-store.js';
import { ConsentsService } from './consents.service.js';
import { accountConsoleClient } from '../clients/first-party-clients.js';
import { OidcSecrets } from './oidc-secrets.js';
import { signOutEvent, singleSignOnEvent, tokenGrantEvent, tokenRefusedEvent } from './oidc-audit.js';
import { buildProviderConfiguration, passingLogoutPage } from './provider-config.js';
import { providerSigningKeys } from './signing-keys.js';

/** Paths oidc-provider answers (design §5), each with whatever follows it; everything else is Nest's. */
const PROVIDER_PATHS = ['/auth', '/token', '/me', '/jwks', '/session/end', '/request'];
const PROVIDER_ROUTES = ['/.well-known/*', ...PROVIDER_PATHS.flatMap((path) => [path, `${path}/*`])];

/**
 * Holds the oidc-provider instance mounted at the issuer root. Its signing keys are fixed when it
 * is built, so a key rotation (here or noticed from another process) builds a new instance; all
 * state is in the database, so requests simply continue on the new one.
 */
@Injectable()
export class OidcProviderService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('oidc');
  private current!: Provider;
  private handler!: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  private cleanupTimer?: NodeJS.Timeout;
  private readonly publicUrl: URL;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly keys: KeyStore,
    private readonly dataSource: DataSource,
    private readonly clients: ClientStore,
    private readonly accounts: AccountClaims,
    private readonly consents: ConsentsService,
    private readonly secrets: OidcSecrets,
    @Optional() private readonly audit?: AuditService,
  ) {
    this.publicUrl = new URL(config.publicUrl);
  }

  get provider(): Provider {
    return this.current;
  }

  async onModuleInit(): Promise<void> {
    // oidc-provider's SSRF protection wraps Node's global fetch dispatcher, which Node creates on
    // the first fetch; without one it sends requests to portals unprotected. Create it now.
    await fetch('data:,');
    await this.secrets.load();
    await this.clients.put(accountConsoleClient(this.config.publicUrl));
    await this.rebuild();
    this.keys.onChange(() =>
      this.rebuild().catch((err: Error) => this.logger.error(`rebuilding the provider after a key change failed: ${err.message}`)),
    );
    this.cleanupTimer = setInterval(() => {
      this.deleteExpired().catch((err: Error) => this.logger.warn(`expired-row cleanup failed: ${err.message}`));
    }, 60_000);
    this.cleanupTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.cleanupTimer);
  }

  /**
   * Deletes expired rows in batches until a batch comes back short, so the table keeps up with
   * any issuance rate; a time cap leaves room for requests on a busy replica.
   */
  private async deleteExpired(batch = 10_000, maxMs = 20_000): Promise<void> {
    const started = Date.now();
    while (Date.now() - started < maxMs) {
      if ((await deleteExpiredPayloads(this.dataSource, batch)) < batch) return;
    }
  }

  /** Routes the provider's paths to oidc-provider (see mountRawRoutes). */
  mount(fastify: FastifyInstance): void {
    mountRawRoutes(fastify, PROVIDER_ROUTES, (req, res, request) => this.handle(req, res, request));
  }

  private handle(req: IncomingMessage, res: ServerResponse, request: FastifyRequest): void {
    // oidc-provider builds endpoint URLs from the request's host and protocol. They are pinned
    // to PUBLIC_URL, so neither a Host header nor a replica reached directly can change what
    // discovery advertises, and cookies are Secure whenever the public URL is https. The
    // client address is Fastify's, which applies TRUST_PROXY's list of trusted peers.
    req.headers['x-forwarded-host'] = this.publicUrl.host;
    req.headers['x-forwarded-proto'] = this.publicUrl.protocol.slice(0, -1);
    req.headers['x-forwarded-for'] = request.ip;
    delete req.headers['x-forwarded-port'];
    // Koa answers the errors it catches itself; one that escapes it (its error handler failing)
    // is logged, and the request is answered or cut rather than left open.
    this.handler(req, res).catch((err: unknown) => {
      this.logger.error(`oidc-provider: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else if (!res.writableEnded) res.destroy();
    });
  }

  private async rebuild(): Promise<void> {
    const provider = new Provider(
      this.config.publicUrl,
      buildProviderConfiguration({
        config: this.config,
        adapter: createAdapterClass(this.dataSource, this.clients),
        signingKeys: await providerSigningKeys(this.keys),
        secrets: this.secrets,
        accounts: this.accounts,
        consents: this.consents,
        portalName: (clientId, lang) => this.clients.portalName(clientId, lang),
      }),
    );
    provider.proxy = true; // reads only the X-Forwarded-* values set by middleware() above
    provider.use(passingLogoutPage());
    provider.on('server_error', (_ctx, err) => this.logger.error(`oidc-provider: ${err.stack ?? err.message}`));
    // Every token grant (code, refresh, client credentials) and every refused one, in the audit log.
    provider.on('grant.success', (ctx) => this.audit?.record(tokenGrantEvent(ctx)));
    provider.on('grant.error', (ctx, err) => this.audit?.record(tokenRefusedEvent(ctx, err as { error?: string })));
    provider.on('authorization.success', (ctx) => {
      const event = singleSignOnEvent(ctx);
      if (event) this.audit?.record(event);
    });
    provider.on('end_session.success', (ctx) => {
      const event = signOutEvent(ctx);
      if (event) this.audit?.record(event);
    });
    this.current = provider;
    this.handler = provider.callback();
  }
}
