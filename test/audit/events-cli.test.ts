import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry } from '../../src/audit/audit-event.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { tongban } from '../support/processes.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { openAudit } from './audit-context.js';
import { allEntries } from './events-support.js';

/**
 * Operators' CLI actions in the audit log (issue 14): each command that reaches the database is
 * an `operator.command` entry naming the OS user and the operation, and what it changed has its
 * own entry with the operator as actor (the register import, a client, a `data` key rotation).
 */
describe(`audit entries of operators' CLI commands on ${backend}`, () => {
  let t: TestEnv;
  const idNumber = makeCitizenId({ region: '350102', birthDate: '1990-02-02', sequence: 41 });
  const operator = userInfo().username;

  beforeAll(async () => {
    t = await makeTestEnv();
    if (backend === 'postgres') expect((await tongban(['db', 'migrate'], t.env)).code).toBe(0);
  }, 120_000);
  afterAll(() => t.cleanup());

  it('records imports, client changes and key rotations with the operator, never the rows', async () => {
    const file = join(t.dir, 'citizens.csv');
    writeFileSync(file, `id_number,name,status\n${idNumber},审计员甲,active\n`);
    expect((await tongban(['registry', 'import', '--citizens', file], t.env)).code).toBe(0);
    const added = await tongban(['clients', 'add', '--client-id', 'audit-cli-portal', '--redirect-uri', 'https://p.example/cb'], t.env);
    expect(added.code).toBe(0);
    expect((await tongban(['clients', 'remove', 'audit-cli-portal'], t.env)).code).toBe(0);
    expect((await tongban(['clients', 'remove', 'no-such-client'], t.env)).code).toBe(1);
    expect((await tongban(['keys', 'rotate', '--purpose', 'data'], t.env)).code).toBe(0);
    // A rotation that touches no stored data is recorded too (the CLI opens the database for it).
    expect((await tongban(['keys', 'rotate', '--purpose', 'status'], t.env)).code).toBe(0);

    const app = await openAudit(t.config);
    let entries: Array<AuditEntry & { raw: string }>;
    try {
      entries = await allEntries(app);
    } finally {
      await app.close();
    }
    const by = { kind: 'operator', id: operator };
    const commands = entries.filter((e) => e.action === 'operator.command');
    expect(commands.map((e) => [e.object, e.outcome])).toEqual([
      ['registry.import', 'success'],
      ['clients.add', 'success'],
      ['clients.remove', 'success'],
      ['clients.remove', 'failure'],
      ['keys.rotate', 'success'],
      ['keys.rotate', 'success'],
    ]);
    for (const command of commands) expect(command.actor).toEqual(by);
    expect(commands[3].details).toMatchObject({ clientId: 'no-such-client', error: 'client_not_found' });

    expect(entries.find((e) => e.action === 'registry.import')).toMatchObject({
      actor: by,
      object: 'citizens',
      details: { read: 1, inserted: 1 },
    });
    expect(entries.find((e) => e.action === 'client.add')).toMatchObject({ actor: by, object: 'audit-cli-portal' });
    expect(entries.find((e) => e.action === 'client.remove')).toMatchObject({ actor: by, object: 'audit-cli-portal' });
    const rotated = entries.filter((e) => e.action === 'key.rotate');
    expect(rotated.length).toBeGreaterThan(0);
    expect(rotated[0]).toMatchObject({ actor: by, details: { purpose: 'data' } });
    expect(rotated.find((e) => e.details?.purpose === 'status')).toMatchObject({ actor: by, outcome: 'success' });

    expect(entries.filter((e) => e.raw.includes(idNumber) || e.raw.includes('审计员甲'))).toEqual([]);
  }, 240_000);
});
