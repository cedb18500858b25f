import { DataSource } from 'typeorm';
import { AccountsService } from '../../src/accounts/accounts.service.js';
import { REGISTER_LIMIT_PER_MINUTE } from '../../src/accounts/accounts.controller.js';
import { DEMO_PASSWORD, DemoAccounts } from '../../src/accounts/demo-accounts.js';
import { DEMO_CITIZENS } from '../../src/demo/demo-data.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { citizenRecords } from '../support/records.js';
import { backend } from '../support/test-env.js';
import { awaitRoomInMinute } from './minute.js';

const SUN = makeCitizenId({ region: '370102', birthDate: '1995-04-18', sequence: 51 });
const ZHOU = makeCitizenId({ region: '230103', birthDate: '1972-09-09', sequence: 20 });
const PASSWORD = 'Lotus-Pond-Bridge-8';

describe(`accounts over HTTP on ${backend}`, () => {
  let t: TestApp;
  let ip = 0;
  const post = (body: object, from = `203.0.113.${++ip}`) =>
    t.http.post('/api/v1/citizens/register').set('x-forwarded-for', from).send(body);

  beforeAll(async () => {
    t = await startTestApp({ DEMO: '1', TRUST_PROXY: 'true' });
    await t.app.get(RegistryService).importCitizens(citizenRecords(`id_number,name,status\n${SUN},孙丽,active\n${ZHOU},周强,active\n`));
  });
  afterAll(() => t.close());

  it('registers a citizen: 201 with the id, name and masked number only', async () => {
    const res = await post({ id_number: SUN, name: '孙丽', password: PASSWORD }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: '孙丽',
      id_number_masked: `${SUN.slice(0, 6)}********${SUN.slice(14)}`,
    });
    expect(res.text).not.toContain(SUN);
    expect(res.text).not.toContain(PASSWORD);
    const signedIn = await t.app.get(AccountsService).authenticate({ idNumber: SUN, password: PASSWORD, ip: '192.0.2.9' });
    expect(signedIn).toMatchObject({ ok: true, account: { id: res.body.id } });
    expect(t.logs.join('\n')).not.toContain(PASSWORD);
    expect(t.logs.join('\n')).not.toContain(SUN);
  });

  it('answers 409, 422 and weak_password with the error body', async () => {
    expect((await post({ id_number: SUN, name: '孙丽', password: PASSWORD }).expect(409)).body).toMatchObject({
      error: 'already_registered',
    });
    expect((await post({ id_number: ZHOU, name: '周刚', password: PASSWORD }).expect(422)).body).toEqual({
      error: 'not_in_registry',
      message: 'no active registry record matches this ID number and name',
    });
    const weak = await post({ id_number: ZHOU, name: '周强', password: ZHOU.slice(-8) }).expect(400);
    expect(weak.body).toMatchObject({ error: 'weak_password', details: [{ code: 'IS_ID_NUMBER' }] });
    expect(weak.text).not.toContain(ZHOU);
  });

  it('refuses a malformed ID number with 400 validation_failed, without quoting it', async () => {
    const bad = `${ZHOU.slice(0, 17)}${ZHOU[17] === '0' ? '1' : '0'}`;
    const res = await post({ id_number: bad, name: '周强', password: PASSWORD }).expect(400);
    expect(res.body).toMatchObject({ error: 'validation_failed', details: [{ field: 'id_number' }] });
    expect(res.text).not.toContain(bad);
    expect(res.text).not.toContain(PASSWORD);
    const extra = await post({ id_number: ZHOU, name: '周强', password: PASSWORD, admin: true }).expect(400);
    expect(extra.body).toMatchObject({ error: 'validation_failed' });
  });

  it(`allows ${REGISTER_LIMIT_PER_MINUTE} registration requests per IP and minute, then 429 with retry-after`, async () => {
    await awaitRoomInMinute(t.app.get(DataSource));
    const from = '203.0.113.250';
    for (let i = 0; i < REGISTER_LIMIT_PER_MINUTE; i++) await post({ id_number: 'x', name: 'n', password: 'p' }, from).expect(400);
    const res = await post({ id_number: ZHOU, name: '周强', password: PASSWORD }, from).expect(429);
    expect(res.body).toEqual({ error: 'too_many_requests', message: expect.any(String) });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    await post({ id_number: ZHOU, name: '周强', password: PASSWORD }, '203.0.113.251').expect(201);
  });

  it('documents the route in OpenAPI', async () => {
    const res = await t.http.get('/api/docs/openapi.json').expect(200);
    expect(res.body.paths['/api/v1/citizens/register'].post).toBeDefined();
  });

  it('gives every active demo citizen an account with the demo password (DEMO=1), once', async () => {
    const accounts = t.app.get(AccountsService);
    for (const citizen of DEMO_CITIZENS) {
      const account = await accounts.findByIdNumber(citizen.id_number);
      if (citizen.status === 'active') expect(account).toMatchObject({ name: citizen.name, status: 'active' });
      else expect(account).toBeNull();
    }
    const first = DEMO_CITIZENS[0];
    expect(await accounts.authenticate({ idNumber: first.id_number, password: DEMO_PASSWORD, ip: '192.0.2.10' })).toMatchObject({
      ok: true,
    });
    const db = t.app.get(DataSource);
    const count = async () => (await db.query(`SELECT count(*)::int AS n FROM accounts_citizens`))[0].n;
    const before = await count();
    await t.app.get(DemoAccounts).onApplicationBootstrap();
    expect(await count()).toBe(before);
  });
});
