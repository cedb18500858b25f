import { Module } from '@nestjs/common';
import { AssetsController } from './assets.controller.js';

/** tongban's own public pages and assets (not sign-in steps, not a citizen's account). */
@Module({ controllers: [AssetsController] })
export class SiteModule {}
