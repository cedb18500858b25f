import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RegistryService } from '../registry/registry.service.js';
import type { SourceRecord } from '../registry/record-reader.js';
import { DEMO_CITIZENS, DEMO_ENTERPRISES } from './demo-data.js';

async function* records(rows: readonly object[]): AsyncIterable<SourceRecord> {
  let line = 0;
  for (const fields of rows) yield { line: ++line, fields: { ...fields } };
}

/** Seeds the demo registry at start (DEMO=1); importing is idempotent, so restarts change nothing. */
@Injectable()
export class DemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger('demo');

  constructor(private readonly registry: RegistryService) {}

  async onApplicationBootstrap(): Promise<void> {
    const citizens = await this.registry.importCitizens(records(DEMO_CITIZENS));
    const enterprises = await this.registry.importEnterprises(records(DEMO_ENTERPRISES));
    if (citizens.inserted || enterprises.inserted) this.logger.log(`seeded ${citizens.inserted} demo citizens and ${enterprises.inserted} demo enterprises`);
  }

  /** What the start banner shows about the demo data. */
  describe(): string[] {
    return [
      'Demo data (synthetic numbers, DEMO=1):',
      ...DEMO_CITIZENS.map((c) => `  citizen     ${c.id_number}  ${c.name}  (${c.status})`),
      ...DEMO_ENTERPRISES.map((e) => `  enterprise  ${e.uscc}  ${e.name}  (${e.status}; legal representative ${DEMO_CITIZENS.find((c) => c.id_number === e.legal_representative_id_number)?.name})`),
    ];
  }
}
