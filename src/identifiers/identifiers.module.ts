import { Module } from '@nestjs/common';
import { CitizenIdVault } from './citizen-id-vault.js';
import { IdentifiersController } from './identifiers.controller.js';

@Module({ controllers: [IdentifiersController], providers: [CitizenIdVault], exports: [CitizenIdVault] })
export class IdentifiersModule {}
