import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { makeCitizenId, makeUscc } from '../../src/identifiers/generate.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { ImportFormatError } from '../../src/registry/record-reader.js';
import type { RowReport } from '../../src/registry/registry-import.js';
import { RegistryService, type EnterpriseStatusChange } from '../../src/registry/registry.service.js';
import { openServices } from '../support/context.js';
import { citizenRecords, enterpriseRecords } from '../support/records.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

const ZHANG = makeCitizenId({ region: '110105', birthDate: '1990-03-07', sequence: 123 });
const LI = makeCitizenId({ region: '310104', birthDate: '1985-11-20', sequence: 2 });
const WANG = makeCitizenId({ region: '440305', birthDate: '1992-08-15', sequence: 4 });
const ACME = makeUscc({ region: '350100', organisationBody: 'MA2YTB8K' });

describe(`registry on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext;
  let registry: RegistryService;
  let db: DataSource;

  beforeAll(async () => {
    t = await makeTestEnv();
    app = await openServices(t.config);
    registry = app.get(RegistryService);
    db = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('imports citizens from CSV, reports bad rows by line, and a second import changes nothing', async () => {
    const csv = [
      'id_number,name,status',
      `${ZHANG},张三,active`,
      `${LI.toLowerCase()},李娜,`, // lowercase x is not in this number, but an empty status defaults to active
      `${ZHANG.slice(0, 17)}0,坏人,active`,
      `${WANG},王芳,alive`,
      `${WANG},,active`,
      '"unterminated,王,active',
    ].join('\n');
    const rows: RowReport[] = [];
    const first = await registry.importCitizens(citizenRecords(csv), { onRow: (r) => rows.push(r) });
    expect(first).toMatchObject({ kind: 'citizens', read: 6, inserted: 2, updated: 0, unchanged: 0, rejected: 4 });
    expect(rows.map((r) => [r.line, r.problems.map((p) => `${p.field}:${p.code}`)])).toEqual([
      [4, ['id_number:CHECKSUM']],
      [5, ['status:INVALID_VALUE']],
      [6, ['name:REQUIRED']],
      [7, [':CSV_SYNTAX']],
    ]);
    expect(JSON.stringify(rows)).not.toContain(ZHANG.slice(6, 14));

    const second = await registry.importCitizens(citizenRecords(csv));
    expect(second).toMatchObject({ read: 6, inserted: 0, updated: 0, unchanged: 2, rejected: 4 });
  });

  it('updates a changed row and keeps the same person (lookup by ID number, sex and birth date derived)', async () => {
    const summary = await registry.importCitizens(citizenRecords(`id_number,name,status\n${ZHANG},张三,deceased\n`));
    expect(summary).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    const zhang = await registry.findCitizenByIdNumber(ZHANG);
    expect(zhang).toMatchObject({
      name: '张三',
      status: 'deceased',
      sex: 'male',
      birthDate: '1990-03-07',
      idNumberMasked: `${ZHANG.slice(0, 6)}********${ZHANG.slice(14)}`,
    });
    expect(await registry.findCitizenByIdNumber(WANG)).toBeNull();
    expect(await registry.findCitizenByIdNumber('not a number')).toBeNull();
  });

  it('imports JSON lines with per-line errors', async () => {
    const jsonl = [
      JSON.stringify({ id_number: WANG, name: '王芳', status: 'active' }),
      '',
      '{"id_number": "oops"',
      // A number, not text: as a producer that wrote the ID number unquoted would send it.
      '{"id_number": 440305199208150042, "name": "number"}',
      '[1]',
    ].join('\n');
    const rows: RowReport[] = [];
    const summary = await registry.importCitizens(citizenRecords(jsonl, 'jsonl'), { onRow: (r) => rows.push(r) });
    expect(summary).toMatchObject({ read: 4, inserted: 1, rejected: 3 });
    expect(rows.map((r) => [r.line, r.problems[0].code])).toEqual([
      [3, 'JSON_SYNTAX'],
      [4, 'TYPE'],
      [5, 'JSON_SYNTAX'],
    ]);
    expect((await registry.findCitizenByIdNumber(WANG))?.sex).toBe('female');
  });

  it('refuses a file whose header lacks a required column, before importing anything', async () => {
    const before = await registry.counts();
    await expect(registry.importCitizens(citizenRecords(`name,status\n张三,active\n`))).rejects.toMatchObject({
      constructor: ImportFormatError,
      code: 'MISSING_COLUMNS',
    });
    await expect(registry.importCitizens(citizenRecords(`[{"id_number": "x"}]`, 'jsonl'))).rejects.toMatchObject({ code: 'JSON_ARRAY' });
    expect(await registry.counts()).toEqual(before);
  });

  it('never stores an ID number in clear', async () => {
    const tables = ['registry_citizens', 'registry_enterprises'];
    await registry.importEnterprises(
      enterpriseRecords(
        `uscc,name,type,legal_representative_id_number,address,established,status\n${ACME},通办科技,有限责任公司,${ZHANG},福州,2018-06-01,active\n`,
      ),
    );
    for (const table of tables) {
      const dump = JSON.stringify(await db.query(`SELECT * FROM ${table}`));
      expect(dump).not.toContain(ZHANG);
      expect(dump).not.toContain(ZHANG.slice(6, 14));
    }
    const [row] = await db.query(`SELECT id_number_enc FROM registry_citizens WHERE name = '张三'`);
    expect(row.id_number_enc).toMatch(/^v1:data-a256-\d{8}-[0-9a-f]{6}:[\w-]+$/);
  });

  it('imports enterprises, finds them by USCC and by legal representative, and announces status changes', async () => {
    const changes: EnterpriseStatusChange[] = [];
    registry.onEnterpriseStatusChange((c) => void changes.push(...c));
    const other = makeUscc({ region: '310104', organisationBody: 'MA1FL3QX' });
    const header = 'uscc,name,type,legal_representative_id_number,address,established,status';
    const csv = [
      header,
      `${ACME.toLowerCase()},通办科技,有限责任公司,${ZHANG},福州,2018-06-01,active`,
      `${other},上海贸易,有限责任公司,${LI},上海,2015-09-10,active`,
      `${ACME.slice(0, 17)}0,坏,有限责任公司,${ZHANG},福州,2018-06-01,active`,
      `${other},上海贸易,有限责任公司,${LI},上海,2015-02-30,active`,
      `${other},上海贸易,有限责任公司,${LI},上海,2015-09-10,closed`,
    ].join('\n');
    const rows: RowReport[] = [];
    const summary = await registry.importEnterprises(enterpriseRecords(csv), { onRow: (r) => rows.push(r) });
    expect(summary).toMatchObject({ read: 5, inserted: 1, unchanged: 1, rejected: 3 });
    expect(rows.map((r) => [r.line, r.problems[0].field, r.problems[0].code])).toEqual([
      [4, 'uscc', 'CHECKSUM'],
      [5, 'established', 'DATE'],
      [6, 'status', 'INVALID_VALUE'],
    ]);
    expect(changes).toEqual([{ uscc: other, from: null, to: 'active' }]);

    const cancelled = await registry.importEnterprises(
      enterpriseRecords(`${header}\n${other},上海贸易,有限责任公司,${LI},上海,2015-09-10,cancelled\n`),
    );
    expect(cancelled).toMatchObject({ updated: 1 });
    expect(changes).toEqual([
      { uscc: other, from: null, to: 'active' },
      { uscc: other, from: 'active', to: 'cancelled' },
    ]);
    expect(await registry.findEnterprise(other)).toMatchObject({ name: '上海贸易', status: 'cancelled', established: '2015-09-10' });
    expect((await registry.enterprisesRepresentedBy(ZHANG)).map((e) => e.uscc)).toEqual([ACME]);
  });

  it('keeps finding people after the data key is rotated, and re-encrypts them under the new key', async () => {
    const keys = app.get(KeyStore);
    const oldKid = keys.current('data').kid;
    await keys.rotate('data');
    expect((await registry.findCitizenByIdNumber(ZHANG))?.name).toBe('张三');
    const { registry: rows } = await keys.rekeyData();
    expect(rows).toBeGreaterThanOrEqual(4);
    const kids = await db.query(`SELECT DISTINCT data_kid FROM registry_citizens UNION SELECT DISTINCT data_kid FROM registry_enterprises`);
    expect(kids).toEqual([{ data_kid: keys.current('data').kid }]);
    expect(keys.current('data').kid).not.toBe(oldKid);
    expect((await registry.findCitizenByIdNumber(ZHANG))?.name).toBe('张三');
    expect((await registry.enterprisesRepresentedBy(ZHANG)).map((e) => e.uscc)).toEqual([ACME]);
    const reimport = await registry.importCitizens(citizenRecords(`id_number,name,status\n${ZHANG},张三,deceased\n`));
    expect(reimport).toMatchObject({ inserted: 0, unchanged: 1 });
  });

  it('handles a repeated key inside one file as consecutive versions of the row', async () => {
    const id = makeCitizenId({ region: '510107', birthDate: '1931-05-04', sequence: 7 });
    const summary = await registry.importCitizens(citizenRecords(`id_number,name,status\n${id},刘洋,active\n${id},刘洋,deceased\n`));
    expect(summary).toMatchObject({ inserted: 1, updated: 1 });
    expect((await registry.findCitizenByIdNumber(id))?.status).toBe('deceased');
  });

  it('keeps file order for a key repeated across batches written at the same time (the last line wins)', async () => {
    const repeated = makeCitizenId({ region: '320102', birthDate: '1970-01-01', sequence: 999 });
    const others = Array.from(
      { length: 499 },
      (_, i) => `${makeCitizenId({ region: '320102', birthDate: '1971-01-01', sequence: i })},市民${i},active`,
    );
    // The last row of the first batch of 500, then the first (and only) row of the second: sent
    // while the first is still being written, the second would reach the row first if let go.
    const csv = ['id_number,name,status', ...others, `${repeated},第一,active`, `${repeated},第二,deceased`].join('\n');
    for (let round = 0; round < 3; round++) {
      await db.query(`DELETE FROM registry_citizens WHERE name LIKE '市民%' OR name IN ('第一', '第二')`);
      const summary = await registry.importCitizens(citizenRecords(`${csv}\n`));
      expect(summary).toMatchObject({ read: 501, rejected: 0, inserted: 500, updated: 1 });
      expect(await registry.findCitizenByIdNumber(repeated)).toMatchObject({ name: '第二', status: 'deceased' });
    }
  });
});
