import { Module } from '@nestjs/common';
import { ClientStore } from './client-store.js';

/**
 * The registered clients (`oidc_clients`) and their one owner, ClientStore. Kept apart from
 * client management (ClientsModule) because both sides of the API depend on it: the OpenID
 * provider loads clients through it, and the API guard (src/auth) asks it whether a token's client
 * still exists — while client management itself is an API behind that guard.
 */
@Module({ providers: [ClientStore], exports: [ClientStore] })
export class ClientStoreModule {}
