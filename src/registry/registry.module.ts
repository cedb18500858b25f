import { Module } from '@nestjs/common';
import { IdentifiersModule } from '../identifiers/identifiers.module.js';
import { RegistryService } from './registry.service.js';

@Module({ imports: [IdentifiersModule], providers: [RegistryService], exports: [RegistryService] })
export class RegistryModule {}
