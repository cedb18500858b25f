import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { ClientStore } from '../../clients/client-store.js';
import { DemoPortal, type PortalDefinition } from './demo-portal.js';

/** Two portals of different sectors, so the same citizen gets a different `sub` at each. */
export const DEMO_PORTALS: PortalDefinition[] = [
  {
    slug: 'portal-a',
    clientId: 'demo-portal-a',
    title: { 'zh-CN': '示范税务服务（网站 A）', en: 'Demo tax service (website A)' },
    sector: 'demo-tax',
    colour: '#1f5fa8',
  },
  {
    slug: 'portal-b',
    clientId: 'demo-portal-b',
    title: { 'zh-CN': '示范社保服务（网站 B）', en: 'Demo social-security service (website B)' },
    sector: 'demo-social-security',
    colour: '#2f7d4f',
  },
];

/**
 * Registers the demo portals as clients of this very service (DEMO=1) with a secret made at
 * each start, and serves them under /demo/.
 */
@Injectable()
export class DemoPortalsService implements OnModuleInit {
  readonly portals = new Map<string, DemoPortal>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly clients: ClientStore,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const definition of DEMO_PORTALS) {
      const secret = randomBytes(32).toString('base64url');
      const portal = new DemoPortal(definition, this.config.publicUrl, secret);
      await this.clients.put({
        client_id: definition.clientId,
        client_name: definition.title['zh-CN'],
        'client_name#en': definition.title.en,
        client_uri: `${this.config.publicUrl}${portal.base}`,
        client_secret: secret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [portal.redirectUri],
        post_logout_redirect_uris: [`${this.config.publicUrl}${portal.base}`],
        backchannel_logout_uri: `${this.config.publicUrl}${portal.base}/backchannel-logout`,
        backchannel_logout_session_required: true,
        scope: 'openid profile id_number_masked enterprise offline_access',
        subject_type: 'pairwise',
        tongban_sector: definition.sector,
        id_token_signed_response_alg: 'ES256',
      });
      this.portals.set(definition.slug, portal);
    }
  }
}
