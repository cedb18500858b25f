import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { MetricsService } from './metrics.service.js';
import { ShutdownState } from './shutdown-state.js';

@Global()
@Module({ controllers: [HealthController], providers: [MetricsService, ShutdownState], exports: [MetricsService, ShutdownState] })
export class HealthModule {}
