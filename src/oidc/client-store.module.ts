import { Global, Module } from '@nestjs/common';
import { ClientStore } from './client-store.js';

/**
 * The registered clients, on their own so the API guard (src/auth) can ask whether a token's
 * client still exists without depending on the whole OIDC module (which depends on the guard).
 */
@Global()
@Module({ providers: [ClientStore], exports: [ClientStore] })
export class ClientStoreModule {}
