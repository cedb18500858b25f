import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of this process: Node's defaults plus HTTP requests by route template. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requestDuration = new Histogram({
    name: 'tongban_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tongban_' });
  }

  /**
   * Fastify onRequest hook timing every request until its response is written (also those that
   * oidc-provider and the OCSP responder write directly); the route label is the template, never
   * the raw URL (it may hold an ID number).
   */
  hook() {
    return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
      const end = this.requestDuration.startTimer();
      reply.raw.once('finish', () => {
        end({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.raw.statusCode) });
      });
      done();
    };
  }
}
