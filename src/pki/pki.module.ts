import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { RegistryModule } from '../registry/registry.module.js';
import { mountOcspRoutes } from './ocsp-http.js';
import { PkiController } from './pki.controller.js';
import { PkiService } from './pki.service.js';
import { TrustAnchorService } from './trust-anchors.js';

/**
 * tongban's certificate authority: CA hierarchy, issuance, revocation, CRLs, OCSP and chain
 * verification (to tongban's roots and the operators' trust anchors). Other modules use
 * PkiService, and TrustAnchorService for the anchors themselves.
 */
@Module({
  imports: [RegistryModule],
  controllers: [PkiController],
  providers: [PkiService, TrustAnchorService],
  exports: [PkiService, TrustAnchorService],
})
export class PkiModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly pki: PkiService,
  ) {}

  onModuleInit(): void {
    // Fastify routes of their own (see ocsp-http.ts); the CLI's context has no HTTP adapter.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) mountOcspRoutes(fastify, (request) => this.pki.ocsp(request));
  }
}
