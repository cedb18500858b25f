import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountsService, TOTP_SETUP_MINUTES } from '../../src/accounts/accounts.service.js';
import {
  RECOVERY_CODE_COUNT,
  generateRecoveryCode,
  generateRecoveryCodes,
  looksLikeRecoveryCode,
  normaliseRecoveryCode,
} from '../../src/accounts/recovery-codes.js';
import { totpCode, totpStep } from '../../src/accounts/totp.js';
import { KeyStore } from '../../src/keys/keystore.service.js';
import { newCitizen, type TestCitizen } from '../support/citizens.js';
import { openServices } from '../support/context.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';

const CODE = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;

describe('recovery code format', () => {
  it('ten distinct codes of ten Crockford base32 characters (50 bits), shown as xxxxx-xxxxx', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(CODE);
    // 32 symbols: every one of them turns up over a few thousand characters, and nothing else does.
    const seen = new Set([...Array.from({ length: 500 }, generateRecoveryCode).join('').replace(/-/g, '')]);
    expect(seen.size).toBe(32);
    expect(Math.log2(32) * 10).toBeGreaterThanOrEqual(50);
  });

  it('forgives case, spaces, hyphens, full-width input and the letters read as digits', () => {
    expect(normaliseRecoveryCode('7k2mq-xd40f')).toBe('7k2mqxd40f');
    expect(normaliseRecoveryCode(' 7K2MQ XD40F ')).toBe('7k2mqxd40f');
    expect(normaliseRecoveryCode('７ｋ２ｍｑ－ｘｄ４０ｆ')).toBe('7k2mqxd40f');
    expect(normaliseRecoveryCode('7k2mq-xd4Of')).toBe('7k2mqxd40f'); // O is 0
    expect(normaliseRecoveryCode('Ik2mq-xd40f')).toBe('1k2mqxd40f'); // I is 1
    expect(normaliseRecoveryCode('7k2mq-xd40')).toBeNull();
    expect(normaliseRecoveryCode('7k2mq-xd40u')).toBeNull(); // u is not in the alphabet
    expect(looksLikeRecoveryCode('123456')).toBe(false); // a one-time code
    expect(looksLikeRecoveryCode('7k2mq-xd40f')).toBe(true);
  });
});

describe(`recovery codes and TOTP set-up on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext;
  let accounts: AccountsService;
  let db: DataSource;
  const nowCode = (secret: string, offset = 0) => totpCode(secret, totpStep(Date.now()) + offset);
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (err: { getStatus(): number; getResponse(): unknown }) => ({ status: err.getStatus(), body: err.getResponse() }),
    );

  /** A fresh citizen with TOTP on: its secret and the recovery codes it was given. */
  async function withTotp(): Promise<{ citizen: TestCitizen; secret: string; codes: string[] }> {
    const citizen = await newCitizen(app);
    const { secret } = await accounts.startTotpEnrolment(citizen.accountId);
    const { recoveryCodes } = await accounts.confirmTotpEnrolment(citizen.accountId, nowCode(secret));
    return { citizen, secret, codes: recoveryCodes };
  }

  const rows = (accountId: string) =>
    db.query<Array<{ code_hash: Buffer; kid: string; used_at: Date | null }>>(
      `SELECT code_hash, kid, used_at FROM accounts_recovery_codes WHERE account_id = $1`,
      [accountId],
    );

  beforeAll(async () => {
    t = await makeTestEnv();
    app = await openServices(t.config);
    accounts = app.get(AccountsService);
    db = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('gives ten codes when TOTP is turned on, keeps only keyed hashes of them, and counts what is left', async () => {
    const { citizen, codes } = await withTotp();
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(CODE);
    const stored = await rows(citizen.accountId);
    expect(stored).toHaveLength(10);
    const dataKid = app.get(KeyStore).current('data').kid;
    for (const row of stored) {
      expect(row.code_hash).toHaveLength(32); // HMAC-SHA-256
      expect(row.kid).toBe(dataKid);
      expect(row.used_at).toBeNull();
    }
    // Nowhere in the account's tables in clear, with or without the hyphen, in text or hex.
    const dump = JSON.stringify([
      await db.query(`SELECT * FROM accounts_recovery_codes`),
      await db.query(`SELECT * FROM accounts_citizens`),
    ]);
    const dumpHex = JSON.stringify(
      (await db.query<Array<{ h: string }>>(`SELECT encode(code_hash, 'hex') AS h FROM accounts_recovery_codes`)).map((r) => r.h),
    );
    for (const code of codes) {
      for (const form of [code, code.replace('-', ''), code.toUpperCase()]) {
        expect(dump).not.toContain(form);
        expect(dumpHex).not.toContain(Buffer.from(form).toString('hex'));
      }
    }
    expect(await accounts.recoveryCodesLeft(citizen.accountId)).toBe(10);
  });

  it('accepts each code once, in any case and without the hyphen', async () => {
    const { citizen, codes } = await withTotp();
    expect(await accounts.useRecoveryCode(citizen.accountId, codes[0])).toEqual({ ok: true });
    expect(await accounts.useRecoveryCode(citizen.accountId, codes[0])).toEqual({ ok: false });
    expect(await accounts.useRecoveryCode(citizen.accountId, codes[1].toUpperCase().replace('-', ' '))).toEqual({ ok: true });
    expect(await accounts.recoveryCodesLeft(citizen.accountId)).toBe(8);
    // Another account's code is no code here.
    const other = await withTotp();
    expect(await accounts.useRecoveryCode(citizen.accountId, other.codes[0])).toEqual({ ok: false });
    expect(await accounts.useRecoveryCode(other.citizen.accountId, other.codes[0])).toEqual({ ok: true });
  });

  it('lets only one of two simultaneous uses of a code through', async () => {
    const { citizen, codes } = await withTotp();
    const results = await Promise.all([0, 1, 2, 3].map(() => accounts.useRecoveryCode(citizen.accountId, codes[5])));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await accounts.recoveryCodesLeft(citizen.accountId)).toBe(9);
  });

  it('makes new codes against a one-time code or a recovery code; the old ones stop working', async () => {
    const { citizen, secret, codes } = await withTotp();
    expect(await rejection(accounts.regenerateRecoveryCodes(citizen.accountId, '000000'))).toMatchObject({
      status: 400,
      body: { error: 'invalid_code' },
    });
    const { recoveryCodes: second } = await accounts.regenerateRecoveryCodes(citizen.accountId, nowCode(secret, 1));
    expect(second).toHaveLength(10);
    expect(second.filter((code) => codes.includes(code))).toEqual([]);
    expect(await accounts.recoveryCodesLeft(citizen.accountId)).toBe(10);
    for (const old of codes.slice(0, 3)) expect(await accounts.useRecoveryCode(citizen.accountId, old)).toEqual({ ok: false });

    // With a recovery code (the phone is lost): that one is used up with the rest.
    const { recoveryCodes: third } = await accounts.regenerateRecoveryCodes(citizen.accountId, second[0]);
    expect(await accounts.useRecoveryCode(citizen.accountId, second[1])).toEqual({ ok: false });
    expect(await accounts.useRecoveryCode(citizen.accountId, third[0])).toEqual({ ok: true });
    expect((await rows(citizen.accountId)).length).toBe(10);
  });

  it('deletes the codes when TOTP is turned off, with a one-time code or with a recovery code', async () => {
    const byCode = await withTotp();
    await accounts.disableTotp(byCode.citizen.accountId, nowCode(byCode.secret, 1));
    expect(await rows(byCode.citizen.accountId)).toEqual([]);
    expect((await accounts.findById(byCode.citizen.accountId))!.totpEnabled).toBe(false);
    expect(await accounts.useRecoveryCode(byCode.citizen.accountId, byCode.codes[0])).toEqual({ ok: false });

    const byRecovery = await withTotp();
    await accounts.disableTotp(byRecovery.citizen.accountId, byRecovery.codes[9]);
    expect(await rows(byRecovery.citizen.accountId)).toEqual([]);
    expect((await accounts.findById(byRecovery.citizen.accountId))!.totpEnabled).toBe(false);
  });

  it('counts wrong recovery codes on the same per-account lock as one-time codes', async () => {
    const { citizen, secret, codes } = await withTotp();
    for (let i = 0; i < 4; i++) expect(await accounts.useRecoveryCode(citizen.accountId, `wrong-code${i}`)).toEqual({ ok: false });
    // The fifth failure, a wrong one-time code, locks both kinds.
    expect(await accounts.checkTotp(citizen.accountId, '000000')).toEqual({ ok: false, lockedFor: expect.any(Number) });
    expect(await accounts.useRecoveryCode(citizen.accountId, codes[0])).toEqual({ ok: false, lockedFor: expect.any(Number) });
    expect(await accounts.checkTotp(citizen.accountId, nowCode(secret, 1))).toEqual({ ok: false, lockedFor: expect.any(Number) });
    expect(await accounts.recoveryCodesLeft(citizen.accountId)).toBe(10); // refused while locked: not used up

    await db.query(`UPDATE accounts_login_failures SET locked_until = now() - interval '1 second' WHERE key = decode($1, 'hex')`, [
      Buffer.from(`totp:${citizen.accountId}`).toString('hex'),
    ]);
    expect(await accounts.useRecoveryCode(citizen.accountId, codes[0])).toEqual({ ok: true });
  });

  it('keeps the set-up secret after a wrong code, gives it again on a new start, and drops it once expired', async () => {
    const citizen = await newCitizen(app);
    const first = await accounts.startTotpEnrolment(citizen.accountId);
    const minutes = (first.expiresAt.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(TOTP_SETUP_MINUTES - 1);
    expect(minutes).toBeLessThanOrEqual(TOTP_SETUP_MINUTES + 1);
    expect(await rejection(accounts.confirmTotpEnrolment(citizen.accountId, '000000'))).toMatchObject({
      status: 400,
      body: { error: 'invalid_code' },
    });
    expect(await accounts.pendingTotpEnrolment(citizen.accountId)).toEqual(first);
    expect(await accounts.startTotpEnrolment(citizen.accountId)).toEqual(first);

    await db.query(`UPDATE accounts_citizens SET totp_pending_expires_at = now() - interval '1 second' WHERE id = $1`, [citizen.accountId]);
    expect(await accounts.pendingTotpEnrolment(citizen.accountId)).toBeNull();
    expect(await rejection(accounts.confirmTotpEnrolment(citizen.accountId, nowCode(first.secret)))).toMatchObject({
      status: 409,
      body: { error: 'no_pending_enrolment' },
    });
    const second = await accounts.startTotpEnrolment(citizen.accountId);
    expect(second.secret).not.toBe(first.secret);
    const { recoveryCodes } = await accounts.confirmTotpEnrolment(citizen.accountId, nowCode(second.secret));
    expect(recoveryCodes).toHaveLength(10);
  });

  it('keeps the codes working after the data key is rotated', async () => {
    const { citizen, codes } = await withTotp();
    const keys = app.get(KeyStore);
    const before = keys.current('data').kid;
    await keys.rotate('data');
    await keys.rekeyData();
    expect(keys.current('data').kid).not.toBe(before);
    expect(await accounts.useRecoveryCode(citizen.accountId, codes[0])).toEqual({ ok: true });
    expect(await accounts.useRecoveryCode(citizen.accountId, codes[0])).toEqual({ ok: false });
  });
});
