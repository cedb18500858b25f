import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { KEY_BACKEND, type KeyBackend } from './key-backend.js';
import { FileKeyBackend } from './file-key-backend.js';
import { KeyStore } from './keystore.service.js';

/** KEYS_BACKEND selects where keys live; only `file` exists today (config refuses others). */
export function createKeyBackend(config: AppConfig): KeyBackend {
  switch (config.keysBackend) {
    case 'file':
      return new FileKeyBackend(config.keysDir);
  }
}

@Global()
@Module({
  providers: [{ provide: KEY_BACKEND, inject: [APP_CONFIG], useFactory: createKeyBackend }, KeyStore],
  exports: [KeyStore],
})
export class KeysModule {}
