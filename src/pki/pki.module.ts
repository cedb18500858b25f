import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RegistryModule } from '../registry/registry.module.js';
import { ocspMiddleware } from './ocsp-http.js';
import { PkiController } from './pki.controller.js';
import { PkiService } from './pki.service.js';

/**
 * tongban's certificate authority: CA hierarchy, issuance, revocation, CRLs, OCSP and chain
 * verification. Other modules use PkiService.
 */
@Module({
  imports: [RegistryModule],
  controllers: [PkiController],
  providers: [PkiService],
  exports: [PkiService],
})
export class PkiModule implements NestModule {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly pki: PkiService,
  ) {}

  configure(_consumer: MiddlewareConsumer): void {
    // Mounted on the Express app itself (a prefix, no route parameters): see ocsp-http.ts for why.
    // configure() runs before the routes are registered, so this answers first.
    this.adapterHost.httpAdapter?.use('/pki/ocsp', ocspMiddleware((request) => this.pki.ocsp(request)));
  }
}
