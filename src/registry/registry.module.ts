import { Module } from '@nestjs/common';
import { IdentifiersModule } from '../identifiers/identifiers.module.js';
import { RegistryController } from './registry.controller.js';
import { RegistryService } from './registry.service.js';

@Module({ imports: [IdentifiersModule], controllers: [RegistryController], providers: [RegistryService], exports: [RegistryService] })
export class RegistryModule {}
