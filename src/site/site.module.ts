import { Module } from '@nestjs/common';
import { AssetsController } from './assets.controller.js';
import { SiteController } from './site.controller.js';

/** tongban's own public pages and assets (not sign-in steps, not a citizen's account). */
@Module({ controllers: [AssetsController, SiteController] })
export class SiteModule {}
