import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { DEMO_CITIZENS } from '../demo/demo-data.js';
import type { SourceRecord } from '../registry/record-reader.js';
import { RegistryService } from '../registry/registry.service.js';
import { AccountsService } from './accounts.service.js';

/** The password of every demo account (DEMO=1); the start banner prints it. */
export const DEMO_PASSWORD = 'Tongban-Demo-2026';

function* citizenRecords(): Iterable<SourceRecord> {
  let line = 0;
  for (const citizen of DEMO_CITIZENS) yield { line: ++line, fields: { ...citizen } };
}

/** With DEMO=1, gives every active demo citizen an account (idempotent: restarts change nothing). */
@Injectable()
export class DemoAccounts implements OnApplicationBootstrap {
  private readonly logger = new Logger('demo');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly registry: RegistryService,
    private readonly accounts: AccountsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo) return;
    // The demo module seeds the same citizens, but sibling modules' bootstrap hooks run in import
    // order; importing again (a no-op when they are there) removes the dependence on that order.
    await this.registry.importCitizens(citizenRecords());
    let created = 0;
    for (const citizen of DEMO_CITIZENS) {
      if (citizen.status !== 'active' || (await this.accounts.findByIdNumber(citizen.id_number))) continue;
      try {
        await this.accounts.register({ idNumber: citizen.id_number, name: citizen.name, password: DEMO_PASSWORD });
        created++;
      } catch (err) {
        // Another replica starting at the same time registered it first.
        if ((err as { getStatus?: () => number }).getStatus?.() !== 409) throw err;
      }
    }
    if (created) this.logger.log(`created ${created} demo accounts`);
  }
}
