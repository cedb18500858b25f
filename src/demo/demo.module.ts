import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module.js';
import { DemoService } from './demo.service.js';

@Module({ imports: [RegistryModule], providers: [DemoService], exports: [DemoService] })
export class DemoModule {}
