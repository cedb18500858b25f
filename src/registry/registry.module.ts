import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { IdentifiersModule } from '../identifiers/identifiers.module.js';
import { RegistryController } from './registry.controller.js';
import { RegistryService } from './registry.service.js';

@Module({
  imports: [AuthModule, IdentifiersModule],
  controllers: [RegistryController],
  providers: [RegistryService],
  exports: [RegistryService],
})
export class RegistryModule {}
