import { AccountsService } from '../../src/accounts/accounts.service.js';
import { TERMS_VERSION } from '../../src/accounts/terms.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { citizenRecords } from '../support/records.js';
import { backend } from '../support/test-env.js';

const WU = makeCitizenId({ region: '320102', birthDate: '1991-02-03', sequence: 71 });
const ZHENG = makeCitizenId({ region: '320102', birthDate: '1983-11-12', sequence: 72 });
const PASSWORD = 'Plum-Blossom-Ferry-4';

/** POST /api/v1/citizens/register records the terms a caller's own form had the citizen accept. */
describe(`registration API and the terms, on ${backend}`, () => {
  let t: TestApp;
  let ip = 0;
  const post = (body: object) => t.http.post('/api/v1/citizens/register').set('x-forwarded-for', `198.51.100.${++ip}`).send(body);

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'true' });
    await t.app.get(RegistryService).importCitizens(citizenRecords(`id_number,name,status\n${WU},吴芳,active\n${ZHENG},郑伟,active\n`));
  });
  afterAll(() => t.close());

  it('stores terms_version with the time it was accepted', async () => {
    const res = await post({ id_number: WU, name: '吴芳', password: PASSWORD, terms_version: TERMS_VERSION }).expect(201);
    const acceptance = await t.app.get(AccountsService).termsAcceptance(res.body.id);
    expect(acceptance).toEqual({ version: TERMS_VERSION, acceptedAt: expect.any(Date) });
  });

  it('refuses another version with 400 terms_outdated naming the current one, and creates nothing', async () => {
    const res = await post({ id_number: ZHENG, name: '郑伟', password: PASSWORD, terms_version: '2020-01-01' }).expect(400);
    expect(res.body).toEqual({
      error: 'terms_outdated',
      message: 'the user agreement and privacy notice accepted are not the current ones',
      details: { currentVersion: TERMS_VERSION },
    });
    expect(await t.app.get(AccountsService).findByIdNumber(ZHENG)).toBeNull();
  });

  it('without terms_version the account records no acceptance', async () => {
    const res = await post({ id_number: ZHENG, name: '郑伟', password: PASSWORD }).expect(201);
    expect(await t.app.get(AccountsService).termsAcceptance(res.body.id)).toBeNull();
  });
});
