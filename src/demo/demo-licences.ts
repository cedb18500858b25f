import { Injectable, Logger } from '@nestjs/common';
import { ClientStore } from '../clients/client-store.js';
import { makeUscc } from '../identifiers/generate.js';
import { LicencesService } from '../licences/issuance/licences.service.js';
import { BUILTIN_LICENCE_TYPES } from '../licences/types/index.js';
import { DEMO_CITIZENS } from './demo-data.js';

/**
 * DEMO=1: an issuing authority of every built-in licence type, and a residence permit (居住证) it
 * issued to the demo citizen 张三 — what a new user finds under 我的证照 and what the README's curl
 * walkthrough issues and revokes with. The secret is fixed (demo data, like the demo password);
 * the permit is issued once (an idempotency key makes a restart, or a second replica, find it).
 */
export const DEMO_LICENCE_AUTHORITY = {
  clientId: 'demo-licence-authority',
  secret: 'Tongban-Demo-Authority-2026',
  name: { zh: '示范证照签发机关', en: 'Demo licence authority' },
  /** A government body's USCC (registration authority 1, type 1: an organ of state), Fuzhou. */
  issuerCode: makeUscc({ authority: '1', entityType: '1', region: '350100', organisationBody: 'MB0D3457' }),
} as const;

const ZHANG_SAN = DEMO_CITIZENS[1];
export const DEMO_RESIDENCE_PERMIT_KEY = 'demo-residence-permit-zhang-san';
const PERMIT_CLAIMS = {
  name: ZHANG_SAN.name,
  id_number: ZHANG_SAN.id_number,
  sex: 'male',
  ethnicity: '汉族',
  birth_date: '1990-03-07',
  residence_address: '福建省福州市鼓楼区五四路1号',
  registered_address: '北京市朝阳区建国路88号',
  issuing_authority: '福州市公安局鼓楼分局',
};

@Injectable()
export class DemoLicences {
  private readonly logger = new Logger('demo');

  constructor(
    private readonly clients: ClientStore,
    private readonly licences: LicencesService,
  ) {}

  /** After the demo register is seeded: the authority (created or kept as it is defined here) and 张三's permit. */
  async seed(): Promise<void> {
    await this.clients.put(
      {
        client_id: DEMO_LICENCE_AUTHORITY.clientId,
        client_name: DEMO_LICENCE_AUTHORITY.name.zh,
        'client_name#en': DEMO_LICENCE_AUTHORITY.name.en,
        client_secret: DEMO_LICENCE_AUTHORITY.secret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: 'licence:issue',
        subject_type: 'public',
      },
      { issuerCode: DEMO_LICENCE_AUTHORITY.issuerCode, licenceTypes: BUILTIN_LICENCE_TYPES.map((t) => t.id) },
    );
    try {
      const { licence, replayed } = await this.licences.issue(
        { type: 'residence-permit', holder: { idNumber: ZHANG_SAN.id_number }, claims: PERMIT_CLAIMS },
        {
          issuer: DEMO_LICENCE_AUTHORITY.clientId,
          idempotencyKey: DEMO_RESIDENCE_PERMIT_KEY,
          requestHash: Buffer.from(DEMO_RESIDENCE_PERMIT_KEY),
        },
      );
      if (!replayed) this.logger.log(`issued the demo residence permit ${licence.id} to ${ZHANG_SAN.name}`);
    } catch (err) {
      // The demo must not stop the service (e.g. the CA is not ready yet): the next start tries again.
      this.logger.warn(`the demo residence permit was not issued: ${(err as Error).message}`);
    }
  }
}
