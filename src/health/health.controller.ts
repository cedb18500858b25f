import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DatabaseService } from '../database/database.service.js';
import { KeyStore } from '../keys/keystore.service.js';
import { MetricsService } from './metrics.service.js';
import { ShutdownState } from './shutdown-state.js';

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly database: DatabaseService,
    private readonly keys: KeyStore,
    private readonly metrics: MetricsService,
    private readonly shutdown: ShutdownState,
  ) {}

  /** The process is up and its event loop answers. */
  @Get('health/live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /** Ready for traffic: database reachable, every key purpose loaded, not shutting down. */
  @Get('health/ready')
  async ready(@Res() res: FastifyReply) {
    const checks = {
      database: (await this.database.ping()) ? 'up' : 'down',
      keys: this.keys.complete ? 'up' : 'missing',
      shutdown: this.shutdown.draining ? 'draining' : 'no',
    };
    const ok = checks.database === 'up' && checks.keys === 'up' && !this.shutdown.draining;
    if (ok) return res.code(200).send({ status: 'ok', checks });
    return res.code(503).send({ error: 'not_ready', message: 'the service is not ready', details: checks });
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText() {
    return this.metrics.registry.metrics();
  }
}
