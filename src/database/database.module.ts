import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { DatabaseService, type DatabaseOpenOptions, type EntityClass } from './database.service.js';

const registeredEntities = new Set<EntityClass>();

/**
 * Opens the process's database. Feature modules declare their entities with
 * `DatabaseModule.forFeature([...])`; the calls run when module files are loaded, before the
 * DataSource is created at bootstrap.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOpenOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DatabaseService,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => DatabaseService.open(config, [...registeredEntities], options),
        },
        { provide: DataSource, inject: [DatabaseService], useFactory: (db: DatabaseService) => db.dataSource },
      ],
      exports: [DatabaseService, DataSource],
    };
  }

  static forFeature(entities: EntityClass[]): DynamicModule {
    for (const entity of entities) registeredEntities.add(entity);
    return { module: DatabaseFeatureModule };
  }
}

@Module({})
class DatabaseFeatureModule {}
