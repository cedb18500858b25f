import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountsService } from '../../src/accounts/accounts.service.js';
import { base32Decode, totpCode, totpStep } from '../../src/accounts/totp.js';
import { CitizenIdVault } from '../../src/identifiers/citizen-id-vault.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { openServices } from '../support/context.js';
import { citizenRecords } from '../support/records.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { awaitRoomInMinute } from './minute.js';

const ZHANG = makeCitizenId({ region: '110105', birthDate: '1990-03-07', sequence: 123 });
const LI = makeCitizenId({ region: '310104', birthDate: '1985-11-20', sequence: 2 });
const WANG = makeCitizenId({ region: '440305', birthDate: '1992-08-15', sequence: 4 });
const ZHAO = makeCitizenId({ region: '330106', birthDate: '1979-06-30', sequence: 15 });
const QIAN = makeCitizenId({ region: '420102', birthDate: '1968-10-01', sequence: 33 });
const LIU = makeCitizenId({ region: '510107', birthDate: '1931-05-04', sequence: 7 }); // deceased
const NOBODY = makeCitizenId({ region: '210102', birthDate: '2001-12-12', sequence: 88 }); // not in the registry
const PASSWORD = 'Gingko-Lane-17';
const IP_LIMIT = 9;

describe(`accounts on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext;
  let accounts: AccountsService;
  let db: DataSource;
  let ip = 0;
  const nextIp = () => `198.51.100.${++ip}`;

  const signIn = (idNumber: string, password: string, from = '192.0.2.1') => accounts.authenticate({ idNumber, password, ip: from });
  const lockKey = async (idNumber: string) => (await app.get(CitizenIdVault).blindIndexes(idNumber))[0].toString('hex');
  const failureRows = async (idNumber: string) =>
    db.query(`SELECT failures, locked_until > now() AS locked FROM accounts_login_failures WHERE key = decode($1, 'hex')`, [
      await lockKey(idNumber),
    ]);
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (err: { getStatus(): number; getResponse(): unknown }) => ({ status: err.getStatus(), body: err.getResponse() }),
    );
  const register = (idNumber: string, name: string, password = PASSWORD) => accounts.register({ idNumber, name, password });
  const nowCode = (secret: string, offset = 0) => totpCode(secret, totpStep(Date.now()) + offset);

  beforeAll(async () => {
    t = await makeTestEnv({ LOGIN_IP_LIMIT_PER_MINUTE: String(IP_LIMIT) });
    app = await openServices(t.config);
    accounts = app.get(AccountsService);
    db = app.get(DataSource);
    const csv = [
      'id_number,name,status',
      `${ZHANG},张三,active`,
      `${LI},李娜,active`,
      `${WANG},王芳,active`,
      `${ZHAO},Zoë 赵,active`,
      `${QIAN},钱进,active`,
      `${LIU},刘洋,deceased`,
    ];
    await app.get(RegistryService).importCitizens(citizenRecords(csv.join('\n')));
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  describe('register', () => {
    it('creates an account for an active registry record, comparing names after trim and NFC', async () => {
      const account = await register(ZHANG, '  张三 ');
      expect(account).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        registryCitizenId: (await app.get(RegistryService).findCitizenByIdNumber(ZHANG))!.id,
        name: '张三',
        idNumberMasked: `${ZHANG.slice(0, 6)}********${ZHANG.slice(14)}`,
        status: 'active',
        totpEnabled: false,
        sex: 'male',
        birthDate: '1990-03-07',
      });
      expect(await accounts.findById(account.id)).toEqual(account);
      expect(await accounts.findByIdNumber(ZHANG)).toEqual(account);
      expect(await accounts.revealIdNumber(account.id)).toBe(ZHANG);

      const decomposed = 'Zoe\u0308 赵'; // e + combining diaeresis; the registry has the precomposed ë
      expect((await register(ZHAO, decomposed)).name).toBe('Zoë 赵');
    });

    it('answers a missing record, a name mismatch, a deceased citizen and a malformed number identically', async () => {
      const answers = [
        await rejection(register(NOBODY, '张三')),
        await rejection(register(LI, '李四')),
        await rejection(register(LIU, '刘洋')),
        await rejection(register(`${ZHANG.slice(0, 17)}0`, '张三')),
      ];
      for (const answer of answers) {
        expect(answer).toEqual({
          status: 422,
          body: { error: 'not_in_registry', message: 'no active registry record matches this ID number and name' },
        });
      }
      expect(await accounts.findByIdNumber(LIU)).toBeNull();
    });

    it('refuses a second registration of the same citizen with 409', async () => {
      const answer = await rejection(register(ZHANG, '张三', 'Another-Good-Pass-9'));
      expect(answer).toMatchObject({ status: 409, body: { error: 'already_registered' } });
    });

    it('refuses weak passwords with the codes of every problem, and creates nothing', async () => {
      const cases: Array<[string, string[]]> = [
        ['Ab3$xy9', ['TOO_SHORT']],
        ['Tb7!'.repeat(33), ['TOO_LONG']],
        [`pw-${LI}`, ['IS_ID_NUMBER']],
        [LI.slice(-8), ['IS_ID_NUMBER']],
        [LI.slice(-6), ['TOO_SHORT', 'IS_ID_NUMBER']],
        ['19851120', ['IS_ID_NUMBER']],
        ['Woaini1314', ['COMMON']],
        ['iloveyou', ['COMMON']],
      ];
      for (const [password, codes] of cases) {
        const answer = await rejection(register(LI, '李娜', password));
        expect(answer).toMatchObject({ status: 400, body: { error: 'weak_password' } });
        expect((answer.body as { details: Array<{ code: string }> }).details.map((d) => d.code)).toEqual(codes);
      }
      expect(await accounts.findByIdNumber(LI)).toBeNull();
    });

    it('stores the password only as an argon2id hash with the OWASP parameters', async () => {
      await register(LI, '李娜');
      const rows = await db.query(`SELECT * FROM accounts_citizens`);
      expect(rows.map((r: { password_hash: string }) => r.password_hash)).toEqual([
        expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/),
        expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/),
        expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/),
      ]);
      expect(JSON.stringify(rows)).not.toContain(PASSWORD);
    });
  });

  describe('authenticate', () => {
    it('signs in with the right password and refuses a wrong one', async () => {
      const from = nextIp();
      const ok = await signIn(ZHANG, PASSWORD, from);
      expect(ok).toEqual({ ok: true, account: await accounts.findByIdNumber(ZHANG) });
      expect(await signIn(ZHANG, 'gingko-lane-17', from)).toEqual({ ok: false, reason: 'invalid', attemptsLeft: 4 });
      expect(await signIn('not a number', PASSWORD, from)).toEqual({ ok: false, reason: 'invalid' });
      expect(await signIn(ZHANG, PASSWORD, from)).toMatchObject({ ok: true });
      expect(await failureRows(ZHANG)).toEqual([]);
    });

    it('locks an ID number at the 5th consecutive failure, refuses even the right password, and unlocks after the lock', async () => {
      const from = nextIp();
      const reasons = [];
      for (let i = 0; i < 5; i++) reasons.push(await signIn(LI, `wrong-${i}-password`, from));
      // Each failure before the lock says how many more the ID number takes (the sign-in page's 还可尝试 N 次).
      expect(reasons.slice(0, 4)).toEqual([4, 3, 2, 1].map((attemptsLeft) => ({ ok: false, reason: 'invalid', attemptsLeft })));
      expect(reasons[4]).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: expect.any(Number) });
      expect(reasons[4].ok === false && reasons[4].retryAfterSeconds).toBeGreaterThan(14 * 60);
      expect(reasons[4].ok === false && reasons[4].retryAfterSeconds).toBeLessThanOrEqual(15 * 60);

      const whileLocked = await signIn(LI, PASSWORD, from);
      expect(whileLocked).toMatchObject({ ok: false, reason: 'locked', retryAfterSeconds: expect.any(Number) });
      expect(await failureRows(LI)).toEqual([{ failures: 5, locked: true }]);

      await db.query(`UPDATE accounts_login_failures SET locked_until = now() - interval '1 second' WHERE key = decode($1, 'hex')`, [
        await lockKey(LI),
      ]);
      expect(await signIn(LI, 'wrong-again-password', from)).toEqual({ ok: false, reason: 'invalid', attemptsLeft: 4 }); // a new count starts
      expect(await failureRows(LI)).toEqual([{ failures: 1, locked: null }]);
      expect(await signIn(LI, PASSWORD, from)).toMatchObject({ ok: true, account: { name: '李娜' } });
      expect(await failureRows(LI)).toEqual([]);
    });

    it('treats an ID number without an account exactly like one with an account', async () => {
      const from = [nextIp(), nextIp()];
      const sequence = async (idNumber: string, source: string) => {
        const out = [];
        for (let i = 0; i < 6; i++) {
          const result = await signIn(idNumber, i === 5 ? PASSWORD : `wrong-${i}-password`, source);
          out.push(result.ok ? 'ok' : `${result.reason}${result.attemptsLeft === undefined ? '' : ` ${result.attemptsLeft}`}`);
        }
        return out;
      };
      // The attempts left too: the page's count says no more than the lock does.
      const known = await sequence(ZHANG, from[0]);
      expect(known).toEqual(['invalid 4', 'invalid 3', 'invalid 2', 'invalid 1', 'locked', 'locked']);
      expect(await sequence(NOBODY, from[1])).toEqual(known);
      expect(await failureRows(NOBODY)).toEqual([{ failures: 5, locked: true }]);

      // A deceased citizen (in the registry, no account possible) too.
      const deceased: Array<Awaited<ReturnType<typeof signIn>>> = [];
      for (let i = 0; i < 5; i++) deceased.push(await signIn(LIU, PASSWORD, nextIp()));
      expect(deceased.map((d) => (d.ok ? 'ok' : d.reason))).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'locked']);
      await db.query(`DELETE FROM accounts_login_failures`);
    });

    it('records nothing against a key for a malformed number', async () => {
      const before = await db.query(`SELECT count(*)::int AS n FROM accounts_login_failures`);
      expect(await signIn(`${NOBODY.slice(0, 17)}0`, PASSWORD, nextIp())).toEqual({ ok: false, reason: 'invalid' });
      expect(await db.query(`SELECT count(*)::int AS n FROM accounts_login_failures`)).toEqual(before);
    });

    it('limits attempts per client IP per minute before looking at the ID number', async () => {
      await awaitRoomInMinute(db);
      const from = nextIp();
      for (let i = 0; i < IP_LIMIT; i++) expect(await signIn('malformed', PASSWORD, from)).toEqual({ ok: false, reason: 'invalid' });
      const limited = await signIn(NOBODY, 'whatever-password', from);
      expect(limited).toEqual({ ok: false, reason: 'rate_limited', retryAfterSeconds: expect.any(Number) });
      expect(limited.ok === false && limited.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(limited.ok === false && limited.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(await failureRows(NOBODY)).toEqual([]);
      expect(await signIn(ZHANG, PASSWORD, from)).toMatchObject({ ok: false, reason: 'rate_limited' });
      expect(await signIn(ZHANG, PASSWORD, nextIp())).toMatchObject({ ok: true });
    });
  });

  describe('TOTP', () => {
    it('enrols, activates only on a correct code, and accepts each code once', async () => {
      const account = (await accounts.findByIdNumber(ZHANG))!;
      const { secret, otpauthUri } = await accounts.startTotpEnrolment(account.id);
      expect(base32Decode(secret)).toHaveLength(20);
      expect(otpauthUri).toBe(
        `otpauth://totp/tongban:${account.idNumberMasked}?secret=${secret}&issuer=tongban&algorithm=SHA1&digits=6&period=30`,
      );
      expect(otpauthUri).not.toContain(ZHANG);

      expect(await accounts.verifyTotp(account.id, nowCode(secret))).toBe(false); // pending is not active
      expect(await rejection(accounts.confirmTotpEnrolment(account.id, wrong(nowCode(secret))))).toMatchObject({
        status: 400,
        body: { error: 'invalid_code' },
      });
      expect((await accounts.findById(account.id))!.totpEnabled).toBe(false);

      const confirmCode = nowCode(secret);
      await accounts.confirmTotpEnrolment(account.id, confirmCode);
      expect((await accounts.findById(account.id))!.totpEnabled).toBe(true);
      expect(await accounts.verifyTotp(account.id, confirmCode)).toBe(false); // used by the confirmation

      const fresh = nowCode(secret, 1);
      expect(await accounts.verifyTotp(account.id, wrong(fresh))).toBe(false);
      expect(await accounts.verifyTotp(account.id, fresh)).toBe(true);
      expect(await accounts.verifyTotp(account.id, fresh)).toBe(false); // replay
      expect(await rejection(accounts.startTotpEnrolment(account.id))).toMatchObject({
        status: 409,
        body: { error: 'totp_already_enabled' },
      });
    });

    it('keeps the secret encrypted under the data key', async () => {
      const account = (await accounts.findByIdNumber(WANG)) ?? (await register(WANG, '王芳'));
      const { secret } = await accounts.startTotpEnrolment(account.id);
      const dumpPending = JSON.stringify(await db.query(`SELECT * FROM accounts_citizens`));
      expect(dumpPending).not.toContain(secret);
      await accounts.confirmTotpEnrolment(account.id, nowCode(secret));
      const [row] = await db.query(`SELECT * FROM accounts_citizens WHERE id = $1`, [account.id]);
      expect(row.totp_secret_enc).toMatch(/^v1:data-a256-\d{8}-[0-9a-f]{6}:[\w-]+$/);
      expect(row.totp_pending_enc).toBeNull();
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(JSON.stringify(row)).not.toContain(base32Decode(secret).toString('hex'));
    });

    it('locks the codes of an account after 5 wrong ones, and removes TOTP only with a correct code', async () => {
      const account = (await accounts.findByIdNumber(QIAN)) ?? (await register(QIAN, '钱进'));
      const { secret } = await accounts.startTotpEnrolment(account.id);
      await accounts.confirmTotpEnrolment(account.id, nowCode(secret));
      const next = nowCode(secret, 1);
      for (let i = 0; i < 5; i++) expect(await accounts.verifyTotp(account.id, wrong(next))).toBe(false);
      expect(await accounts.verifyTotp(account.id, next)).toBe(false); // locked
      expect(await signIn(QIAN, PASSWORD, nextIp())).toMatchObject({ ok: true }); // the password lock is a separate one
      expect(await rejection(accounts.disableTotp(account.id, next))).toMatchObject({ status: 429, body: { error: 'locked' } });

      const totpKey = Buffer.from(`totp:${account.id}`).toString('hex');
      await db.query(`UPDATE accounts_login_failures SET locked_until = now() - interval '1 second' WHERE key = decode($1, 'hex')`, [
        totpKey,
      ]);
      expect(await rejection(accounts.disableTotp(account.id, wrong(next)))).toMatchObject({
        status: 400,
        body: { error: 'invalid_code' },
      });
      await accounts.disableTotp(account.id, next);
      expect((await accounts.findById(account.id))!.totpEnabled).toBe(false);
      expect(await accounts.verifyTotp(account.id, next)).toBe(false);
    });

    it('keeps working after the data key is rotated and the secrets re-encrypted', async () => {
      const keys = app.get(KeyStore);
      const active = (await accounts.findByIdNumber(ZHAO))!;
      const { secret } = await accounts.startTotpEnrolment(active.id);
      await accounts.confirmTotpEnrolment(active.id, nowCode(secret));
      const pending = (await accounts.findByIdNumber(QIAN))!;
      const { secret: pendingSecret } = await accounts.startTotpEnrolment(pending.id);
      const sealed = `SELECT totp_secret_enc, totp_pending_enc FROM accounts_citizens WHERE totp_secret_enc IS NOT NULL OR totp_pending_enc IS NOT NULL`;
      const before = await db.query(sealed);
      const oldKid = keys.current('data').kid;

      await keys.rotate('data');
      expect((await keys.rekeyData()).accounts).toBe(before.length);
      const current = keys.current('data').kid;
      expect(current).not.toBe(oldKid);
      const after = await db.query(sealed);
      for (const row of after)
        for (const value of [row.totp_secret_enc, row.totp_pending_enc]) if (value) expect(value.split(':')[1]).toBe(current);
      expect((await keys.rekeyData()).accounts).toBe(0);

      expect(await accounts.verifyTotp(active.id, nowCode(secret, 1))).toBe(true);
      await accounts.confirmTotpEnrolment(pending.id, nowCode(pendingSecret));
      expect((await accounts.findById(pending.id))!.totpEnabled).toBe(true);
      expect(await signIn(WANG, PASSWORD, nextIp())).toMatchObject({ ok: true });
    });
  });

  describe('passwords and the registry', () => {
    it('changes a password only with the current one and a good new one', async () => {
      const account = (await accounts.findByIdNumber(ZHAO))!;
      expect(await rejection(accounts.changePassword(account.id, 'not-the-password', 'Fresh-Password-2026'))).toMatchObject({
        status: 403,
        body: { error: 'wrong_password' },
      });
      expect(await rejection(accounts.changePassword(account.id, PASSWORD, '12345678'))).toMatchObject({
        status: 400,
        body: { error: 'weak_password' },
      });
      await accounts.changePassword(account.id, PASSWORD, 'Fresh-Password-2026');
      const from = nextIp();
      expect(await signIn(ZHAO, PASSWORD, from)).toEqual({ ok: false, reason: 'invalid', attemptsLeft: 4 });
      expect(await signIn(ZHAO, 'Fresh-Password-2026', from)).toMatchObject({ ok: true });
    });

    it('finds nothing for unknown or malformed account ids', async () => {
      expect(await accounts.findById('00000000-0000-4000-8000-000000000000')).toBeNull();
      expect(await accounts.findById('not-a-uuid')).toBeNull();
      expect(await accounts.findByIdNumber(NOBODY)).toBeNull();
      expect(await rejection(accounts.revealIdNumber('not-a-uuid'))).toMatchObject({ status: 404, body: { error: 'not_found' } });
    });

    it('follows the registry: a citizen recorded as deceased can no longer sign in', async () => {
      const account = (await accounts.findByIdNumber(LI))!;
      await app.get(RegistryService).importCitizens(citizenRecords(`id_number,name,status\n${LI},李娜,deceased\n`));
      expect(await accounts.findById(account.id)).toMatchObject({ status: 'deceased', name: '李娜' });
      expect(await signIn(LI, PASSWORD, nextIp())).toMatchObject({ ok: false, reason: 'invalid' });
    });
  });
});

/** The same code with its first digit changed. */
function wrong(code: string): string {
  return `${(Number(code[0]) + 1) % 10}${code.slice(1)}`;
}
