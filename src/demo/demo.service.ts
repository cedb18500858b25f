import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RegistryService } from '../registry/registry.service.js';
import type { SourceRecord } from '../registry/record-reader.js';
import { DEMO_PASSWORD } from '../accounts/demo-accounts.js';
import { DEMO_CITIZENS, DEMO_ENTERPRISES } from './demo-data.js';
import { DEMO_LICENCE_AUTHORITY, DemoLicences } from './demo-licences.js';
import { DEMO_PORTALS } from './portals/demo-portals.service.js';

function* records(rows: readonly object[]): Iterable<SourceRecord> {
  let line = 0;
  for (const fields of rows) yield { line: ++line, fields: { ...fields } };
}

/** Seeds the demo registry at start (DEMO=1); importing is idempotent, so restarts change nothing. */
@Injectable()
export class DemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger('demo');

  constructor(
    private readonly registry: RegistryService,
    private readonly licences: DemoLicences,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const citizens = await this.registry.importCitizens(records(DEMO_CITIZENS));
    const enterprises = await this.registry.importEnterprises(records(DEMO_ENTERPRISES));
    if (citizens.inserted || enterprises.inserted)
      this.logger.log(`seeded ${citizens.inserted} demo citizens and ${enterprises.inserted} demo enterprises`);
    await this.licences.seed();
  }

  /** What the start banner shows about the demo data. */
  describe(baseUrl: string): string[] {
    return [
      'Demo portals (sign in at one, open the other already signed in, sign out of both):',
      ...DEMO_PORTALS.map((p) => `  ${baseUrl}/demo/${p.slug}   ${p.title['zh-CN']} / ${p.title.en}`),
      `  account console: ${baseUrl}/account    register: ${baseUrl}/register`,
      '',
      `Demo data (synthetic numbers, DEMO=1); every active demo citizen's password is ${DEMO_PASSWORD}`,
      ...DEMO_CITIZENS.map((c) => `  citizen     ${c.id_number}  ${c.name}  (${c.status})`),
      ...DEMO_ENTERPRISES.map(
        (e) =>
          `  enterprise  ${e.uscc}  ${e.name}  (${e.status}; legal representative ${DEMO_CITIZENS.find((c) => c.id_number === e.legal_representative_id_number)?.name})`,
      ),
      `  licence issuing authority (client credentials, scope licence:issue): ${DEMO_LICENCE_AUTHORITY.clientId} / ${DEMO_LICENCE_AUTHORITY.secret}`,
      `    issuer code ${DEMO_LICENCE_AUTHORITY.issuerCode}, every built-in licence type; it issued ${DEMO_CITIZENS[1].name} a residence permit (居住证)`,
    ];
  }
}
