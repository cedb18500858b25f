import { Injectable } from '@nestjs/common';
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

  /** The histogram's series per method, route and status, looked up by one string key instead of hashing the labels on every request. */
  private readonly seriesByKey = new Map<string, { observe(seconds: number): void }>();

  private series(method: string, route: string, status: number) {
    const key = `${method} ${status} ${route}`;
    let series = this.seriesByKey.get(key);
    if (!series) {
      series = this.requestDuration.labels(method, route, String(status));
      this.seriesByKey.set(key, series);
    }
    return series;
  }

  /** One finished request (from the request log's hook, which times every request); the route is its template, never the raw URL (it may hold an ID number). */
  observe(method: string, route: string, statusCode: number, seconds: number): void {
    this.series(method, route, statusCode).observe(seconds);
  }
}
