import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditEvent } from '../audit/audit-event.js';
import { AuditService } from '../audit/audit.service.js';
import { preparedQuery } from '../database/prepared.js';
import { ApiError } from '../common/api-error.js';
import { returning } from '../database/returning.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { canonicalCitizenId } from '../identifiers/citizen-id.js';
import { CitizenIdVault } from '../identifiers/citizen-id-vault.js';
import { KeyStore } from '../keys/keystore.service.js';
import { RegistryService, type Citizen } from '../registry/registry.service.js';
import { IpWindows } from './ip-windows.js';
import { maskIp } from './ip-mask.js';
import { Lockout } from './lockout.js';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.js';
import { PASSWORD_PROBLEM_MESSAGES, checkNewPassword, type PasswordProblem } from './password-policy.js';
import { generateRecoveryCodes, looksLikeRecoveryCode, normaliseRecoveryCode } from './recovery-codes.js';
import { generateTotpSecret, otpauthUri, verifyTotpCode } from './totp.js';

export interface CitizenAccount {
  /** The OIDC accountId. */
  id: string;
  registryCitizenId: string;
  name: string;
  idNumberMasked: string;
  status: 'active' | 'deceased';
  totpEnabled: boolean;
  sex: 'male' | 'female';
  birthDate: string;
}

/** A TOTP set-up waiting for its first correct code. */
export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  /** The set-up is dropped after this (TOTP_SETUP_MINUTES after it began); the citizen starts again. */
  expiresAt: Date;
}

/** The answer to a one-time code or recovery code: accepted, wrong, or refused while the account's codes are locked. */
export type SecondFactorCheck = { ok: true } | { ok: false; lockedFor?: number };

/** How many sign-ins the history of one account keeps (and the account page shows). */
export const SIGN_IN_HISTORY_LIMIT = 20;

/** A successful sign-in, as the interaction that finished it knows it. */
export interface SignInRecord {
  /** The person's account (in an enterprise sign-in: the person acting). */
  accountId: string;
  clientId: string;
  acr: string;
  amr: string[];
  /** Signed in to act for an enterprise (with its licence). */
  enterprise?: boolean;
  /** The client's address; only its masked form is stored. */
  ip: string | undefined;
}

/** One row of the sign-in history. */
export interface SignInEntry {
  at: Date;
  clientId: string;
  acr: string;
  amr: string[];
  enterprise: boolean;
  /** e.g. 203.0.113.* */
  ipMasked: string;
}

/** How long a TOTP set-up waits for its first code: time to install an authenticator app, scan and type. */
export const TOTP_SETUP_MINUTES = 30;

export type AuthenticationResult =
  | { ok: true; account: CitizenAccount }
  | {
      ok: false;
      reason: 'invalid' | 'locked' | 'rate_limited';
      retryAfterSeconds?: number;
      /** After a wrong pair: failures the ID number takes before it locks (the same whether or not it has an account). */
      attemptsLeft?: number;
    };

interface AccountRow {
  id: string;
  registry_citizen_id: string;
  password_hash: string;
  totp_secret_enc: string | null;
  totp_pending_enc: string | null;
  totp_last_step: string | number | null;
}

const COLUMNS = 'id, registry_citizen_id, password_hash, totp_secret_enc, totp_pending_enc, totp_last_step';
const TOTP_AAD = 'tongban totp v1';
/** Domain separation of recovery-code hashes from every other MAC under the `data` key. */
const RECOVERY_MAC_LABEL = 'tongban recovery-code v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const notInRegistry = () => new ApiError(422, 'not_in_registry', 'no active registry record matches this ID number and name');
const alreadyRegistered = () => new ApiError(409, 'already_registered', 'this citizen already has an account');
const noAccount = () => new ApiError(404, 'not_found', 'no such account');
const invalidCode = () => new ApiError(400, 'invalid_code', 'the one-time code is not correct');
const locked = (seconds: number) =>
  new ApiError(429, 'locked', 'too many failed attempts; try again later', { retryAfterSeconds: seconds });

/** Citizen accounts: registration against the registry, passwords, lockout and TOTP (design §5). */
@Injectable()
export class AccountsService implements OnModuleInit {
  /** Verified against when there is no usable account, so that the answer takes as long. */
  private dummyHash = '';
  /**
   * Account id → its registry record's id. The link never changes once the account exists, so
   * findById can read the account and the registry record at the same time (one round trip of
   * latency instead of two on every token refresh and userinfo call).
   */
  private readonly citizenOfAccount = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly vault: CitizenIdVault,
    private readonly keys: KeyStore,
    private readonly ipWindows: IpWindows,
    private readonly lockout: Lockout,
    @InjectConfig() private readonly config: AppConfig,
    @Optional() private readonly audit?: AuditService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.keys.registerRekeyHandler('accounts', () => this.rekey());
    this.dummyHash = await hashPassword(randomBytes(16).toString('base64'));
  }

  /**
   * `termsVersion`: the version of the user agreement and privacy notice the citizen accepted
   * (TERMS_VERSION), stored with the time; absent for accounts made without them (demo seed, tests).
   */
  async register(input: { idNumber: string; name: string; password: string; termsVersion?: string }): Promise<CitizenAccount> {
    const idNumber = canonicalCitizenId(input.idNumber);
    if (!idNumber) throw notInRegistry();
    this.enforcePolicy(input.password, idNumber);
    const citizen = await this.registry.findCitizenByIdNumber(idNumber);
    if (!citizen || citizen.status !== 'active' || normaliseName(citizen.name) !== normaliseName(input.name)) throw notInRegistry();
    if (await this.rowByCitizen(citizen.id)) throw alreadyRegistered();
    const rows: AccountRow[] = await this.dataSource.query(
      `INSERT INTO accounts_citizens (registry_citizen_id, password_hash, terms_version, terms_accepted_at)
       VALUES ($1, $2, $3::text, CASE WHEN $3::text IS NULL THEN NULL ELSE now() END)
       ON CONFLICT (registry_citizen_id) DO NOTHING RETURNING ${COLUMNS}`,
      [citizen.id, await hashPassword(input.password), input.termsVersion ?? null],
    );
    if (!rows[0]) throw alreadyRegistered();
    return toAccount(rows[0], citizen);
  }

  /**
   * Password sign-in. Checked in this order: the client IP's rate, the ID number's lock, then the
   * password. Unknown numbers, numbers without an account and deceased citizens cost an argon2
   * verification and count towards the lock exactly like a wrong password.
   */
  async authenticate(input: { idNumber: string; password: string; ip: string }): Promise<AuthenticationResult> {
    const rate = await this.ipWindows.hit(input.ip, this.config.loginIpLimitPerMinute);
    if (!rate.allowed) return { ok: false, reason: 'rate_limited', retryAfterSeconds: rate.retryAfterSeconds };
    const idNumber = canonicalCitizenId(input.idNumber);
    if (!idNumber) return { ok: false, reason: 'invalid' };
    const key = await this.lockKey(idNumber);
    const lockedFor = await this.lockout.lockedFor(key);
    if (lockedFor !== null) return { ok: false, reason: 'locked', retryAfterSeconds: lockedFor };

    const citizen = await this.registry.findCitizenByIdNumber(idNumber);
    const row = citizen?.status === 'active' ? await this.rowByCitizen(citizen.id) : null;
    const passwordOk = await verifyPassword(row ? row.password_hash : this.dummyHash, input.password);
    if (row && citizen && passwordOk) {
      await this.lockout.clear(key);
      if (needsRehash(row.password_hash)) await this.setPassword(row.id, input.password);
      return { ok: true, account: toAccount(row, citizen) };
    }
    const failure = await this.lockout.recordCountedFailure(key);
    return failure.lockedFor === null
      ? { ok: false, reason: 'invalid', attemptsLeft: failure.attemptsLeft }
      : { ok: false, reason: 'locked', retryAfterSeconds: failure.lockedFor };
  }

  /** With the citizen's current name and status from the registry. */
  async findById(accountId: string): Promise<CitizenAccount | null> {
    const linked = this.citizenOfAccount.get(accountId);
    if (linked) {
      const [row, citizen] = await Promise.all([this.row(accountId), this.registry.findCitizenById(linked)]);
      return row && citizen && row.registry_citizen_id === linked ? toAccount(row, citizen) : null;
    }
    const row = await this.row(accountId);
    const citizen = row && (await this.registry.findCitizenById(row.registry_citizen_id));
    if (!row || !citizen) return null;
    if (this.citizenOfAccount.size >= 100_000) this.citizenOfAccount.clear();
    this.citizenOfAccount.set(accountId, row.registry_citizen_id);
    return toAccount(row, citizen);
  }

  async findByIdNumber(idNumber: string): Promise<CitizenAccount | null> {
    const citizen = await this.registry.findCitizenByIdNumber(idNumber);
    const row = citizen && (await this.rowByCitizen(citizen.id));
    return row && citizen ? toAccount(row, citizen) : null;
  }

  /** The full canonical ID number, for the `id_number` claim only. */
  async revealIdNumber(accountId: string): Promise<string> {
    const row = await this.row(accountId);
    const idNumber = row && (await this.registry.revealCitizenIdNumber(row.registry_citizen_id));
    if (!idNumber) throw noAccount();
    return idNumber;
  }

  /** The version of the terms the citizen accepted and when (null: none recorded). */
  async termsAcceptance(accountId: string): Promise<{ version: string; acceptedAt: Date } | null> {
    if (!UUID.test(accountId)) return null;
    const [row] = await this.dataSource.query<Array<{ terms_version: string | null; terms_accepted_at: Date | null }>>(
      `SELECT terms_version, terms_accepted_at FROM accounts_citizens WHERE id = $1`,
      [accountId],
    );
    return row?.terms_version && row.terms_accepted_at ? { version: row.terms_version, acceptedAt: new Date(row.terms_accepted_at) } : null;
  }

  /**
   * Records a successful sign-in in the citizen's own history (the account page shows it): the
   * portal, the level and methods, and the network with the address masked before it is stored.
   * Only the newest SIGN_IN_HISTORY_LIMIT rows of an account are kept, in the same transaction.
   * This is the citizen's view, not the audit trail: the `audit` module's citizen access log
   * (a later issue) will be the full, retained record, and this can then be written from, or
   * read out of, it.
   */
  async recordSignIn(input: SignInRecord): Promise<void> {
    if (!UUID.test(input.accountId)) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO accounts_sign_ins (account_id, client_id, acr, amr, enterprise, ip_masked) VALUES ($1, $2, $3, $4::text[], $5, $6)`,
        [input.accountId, input.clientId.slice(0, 200), input.acr, input.amr, input.enterprise ?? false, maskIp(input.ip)],
      );
      await manager.query(
        `DELETE FROM accounts_sign_ins WHERE account_id = $1 AND id NOT IN (
           SELECT id FROM accounts_sign_ins WHERE account_id = $1 ORDER BY signed_in_at DESC, id DESC LIMIT $2)`,
        [input.accountId, SIGN_IN_HISTORY_LIMIT],
      );
    });
  }

  /** The account's last successful sign-ins, newest first. */
  async signInHistory(accountId: string, limit = SIGN_IN_HISTORY_LIMIT): Promise<SignInEntry[]> {
    if (!UUID.test(accountId)) return [];
    const rows = await this.dataSource.query<
      Array<{ signed_in_at: Date; client_id: string; acr: string; amr: string[]; enterprise: boolean; ip_masked: string }>
    >(
      `SELECT signed_in_at, client_id, acr, amr, enterprise, ip_masked FROM accounts_sign_ins
        WHERE account_id = $1 ORDER BY signed_in_at DESC, id DESC LIMIT $2`,
      [accountId, Math.min(limit, SIGN_IN_HISTORY_LIMIT)],
    );
    return rows.map((row) => ({
      at: new Date(row.signed_in_at),
      clientId: row.client_id,
      acr: row.acr,
      amr: row.amr ?? [],
      enterprise: row.enterprise,
      ipMasked: row.ip_masked,
    }));
  }

  /** The password rules a new password of this account would break (the account page tells them all at once). */
  async newPasswordProblems(accountId: string, newPassword: string): Promise<PasswordProblem[]> {
    const row = await this.row(accountId);
    const idNumber = row && (await this.registry.revealCitizenIdNumber(row.registry_citizen_id));
    if (!row || !idNumber) throw noAccount();
    return checkNewPassword(newPassword, idNumber);
  }

  /** A wrong current password counts towards the ID number's lock, as a failed sign-in does. */
  async changePassword(accountId: string, currentPassword: string, newPassword: string): Promise<void> {
    const row = await this.row(accountId);
    const idNumber = row && (await this.registry.revealCitizenIdNumber(row.registry_citizen_id));
    if (!row || !idNumber) throw noAccount();
    this.enforcePolicy(newPassword, idNumber);
    const key = await this.lockKey(idNumber);
    const lockedFor = await this.lockout.lockedFor(key);
    if (lockedFor !== null) throw locked(lockedFor);
    if (!(await verifyPassword(row.password_hash, currentPassword))) {
      const nowLocked = await this.lockout.recordFailure(key);
      throw nowLocked === null ? new ApiError(403, 'wrong_password', 'the current password is not correct') : locked(nowLocked);
    }
    await this.lockout.clear(key);
    await this.setPassword(row.id, newPassword);
  }

  /**
   * A new secret waits in `totp_pending_enc` until confirmTotpEnrolment sees a correct code from it,
   * for TOTP_SETUP_MINUTES. Starting again while a set-up is still good gives the same secret (the
   * citizen may have scanned it already); a concurrent start cannot replace it either.
   */
  async startTotpEnrolment(accountId: string): Promise<TotpEnrolment> {
    const account = await this.findById(accountId);
    if (!account) throw noAccount();
    if (account.totpEnabled)
      throw new ApiError(409, 'totp_already_enabled', 'a one-time code generator is already set up; remove it first');
    const existing = await this.pendingTotpEnrolment(accountId);
    if (existing) return existing;
    const secret = generateTotpSecret();
    const started = await returning<{ expires_at: Date }>(
      this.dataSource,
      `UPDATE accounts_citizens SET totp_pending_enc = $2, totp_pending_expires_at = now() + make_interval(mins => $3::int), updated_at = now()
        WHERE id = $1 AND totp_secret_enc IS NULL
          AND (totp_pending_enc IS NULL OR totp_pending_expires_at IS NULL OR totp_pending_expires_at <= now())
        RETURNING totp_pending_expires_at AS expires_at`,
      [accountId, await this.seal(secret), TOTP_SETUP_MINUTES],
    );
    if (started[0]) return { secret, otpauthUri: otpauthUri(secret, account.idNumberMasked), expiresAt: new Date(started[0].expires_at) };
    // Another request started (or finished) the set-up in the meantime: its secret is the one.
    const concurrent = await this.pendingTotpEnrolment(accountId);
    if (concurrent) return concurrent;
    throw new ApiError(409, 'totp_already_enabled', 'a one-time code generator is already set up; remove it first');
  }

  /** The set-up in progress (same secret, same QR code), or null when there is none or it has expired. */
  async pendingTotpEnrolment(accountId: string): Promise<TotpEnrolment | null> {
    const pending = await this.livePending(accountId);
    if (!pending) return null;
    const account = await this.findById(accountId);
    if (!account) return null;
    const secret = await this.open(pending.sealed);
    return { secret, otpauthUri: otpauthUri(secret, account.idNumberMasked), expiresAt: pending.expiresAt };
  }

  /**
   * Turns TOTP on with a correct code from the pending secret and returns the account's ten new
   * recovery codes, in clear this once (only their hashes are kept). A wrong code keeps the set-up.
   * Both are written in one transaction: TOTP is never on without its recovery codes.
   */
  async confirmTotpEnrolment(accountId: string, code: string, requestId?: string): Promise<{ recoveryCodes: string[] }> {
    const row = await this.row(accountId);
    if (!row) throw noAccount();
    const pending = await this.livePending(accountId);
    if (!pending) throw new ApiError(409, 'no_pending_enrolment', 'there is no one-time code set-up to confirm, or it has expired');
    const recoveryCodes = generateRecoveryCodes();
    const hashed = await this.hashRecoveryCodes(row.id, recoveryCodes);
    const result = await this.useCode(row.id, pending.sealed, code, null, (step) =>
      this.dataSource.transaction(async (manager) => {
        const done = await returning(
          manager,
          `UPDATE accounts_citizens SET totp_secret_enc = totp_pending_enc, totp_pending_enc = NULL, totp_pending_expires_at = NULL,
                  totp_enabled_at = now(), totp_last_step = $3, updated_at = now()
            WHERE id = $1 AND totp_pending_enc = $2 AND totp_pending_expires_at > now() RETURNING id`,
          [row.id, pending.sealed, step],
        );
        if (!done.length) return false;
        await replaceRecoveryCodes(manager, row.id, hashed);
        return true;
      }),
    );
    throwUnless(result);
    await this.audit?.append(secondFactorChange('second-factor.enrol', row.id, 'totp', requestId));
    return { recoveryCodes };
  }

  /**
   * Turns TOTP off with a current one-time code or, for a citizen without the phone, one of the
   * recovery codes; the recovery codes go with it, in the same transaction.
   */
  async disableTotp(accountId: string, code: string, requestId?: string): Promise<void> {
    const row = await this.row(accountId);
    if (!row) throw noAccount();
    const secret = row.totp_secret_enc;
    if (!secret) throw new ApiError(409, 'totp_not_enabled', 'no one-time code generator is set up');
    const disable = async (manager: EntityManager, step: number | null) => {
      const done = await returning(
        manager,
        `UPDATE accounts_citizens SET totp_secret_enc = NULL, totp_pending_enc = NULL, totp_pending_expires_at = NULL,
                totp_enabled_at = NULL, totp_last_step = NULL, updated_at = now()
          WHERE id = $1 AND totp_secret_enc = $2 AND ($3::bigint IS NULL OR totp_last_step IS NULL OR totp_last_step < $3::bigint)
          RETURNING id`,
        [row.id, secret, step],
      );
      if (!done.length) return false;
      await manager.query(`DELETE FROM accounts_recovery_codes WHERE account_id = $1`, [row.id]);
      return true;
    };
    const result = looksLikeRecoveryCode(code)
      ? await this.useRecoveryCodeThen(row.id, code, (manager) => disable(manager, null))
      : await this.useCode(row.id, secret, code, lastStep(row), (step) => this.dataSource.transaction((manager) => disable(manager, step)));
    throwUnless(result);
    await this.audit?.append(secondFactorChange('second-factor.remove', row.id, 'totp', requestId));
  }

  /**
   * Ten new recovery codes in place of the old ones (which stop working at once), against a
   * current one-time code or one of the old recovery codes. Returned in clear this once.
   */
  async regenerateRecoveryCodes(accountId: string, code: string, requestId?: string): Promise<{ recoveryCodes: string[] }> {
    const row = await this.row(accountId);
    if (!row) throw noAccount();
    const secret = row.totp_secret_enc;
    if (!secret) throw new ApiError(409, 'totp_not_enabled', 'no one-time code generator is set up');
    const recoveryCodes = generateRecoveryCodes();
    const hashed = await this.hashRecoveryCodes(row.id, recoveryCodes);
    const result = looksLikeRecoveryCode(code)
      ? await this.useRecoveryCodeThen(row.id, code, async (manager) => {
          await replaceRecoveryCodes(manager, row.id, hashed);
          return true;
        })
      : await this.useCode(row.id, secret, code, lastStep(row), (step) =>
          this.dataSource.transaction(async (manager) => {
            const claimed = await returning(
              manager,
              `UPDATE accounts_citizens SET totp_last_step = $3
                WHERE id = $1 AND totp_secret_enc = $2 AND (totp_last_step IS NULL OR totp_last_step < $3) RETURNING id`,
              [row.id, secret, step],
            );
            if (!claimed.length) return false;
            await replaceRecoveryCodes(manager, row.id, hashed);
            return true;
          }),
        );
    throwUnless(result);
    await this.audit?.append(secondFactorChange('second-factor.enrol', row.id, 'recovery-codes', requestId));
    return { recoveryCodes };
  }

  /** How many of the account's recovery codes are still unused (0 without TOTP). */
  async recoveryCodesLeft(accountId: string): Promise<number> {
    if (!UUID.test(accountId)) return 0;
    const [row] = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM accounts_recovery_codes WHERE account_id = $1 AND used_at IS NULL`,
      [accountId],
    );
    return row?.n ?? 0;
  }

  /**
   * True once per correct code. False for a wrong or reused code, without TOTP, and while the
   * account's codes are locked (LOGIN_LOCK_THRESHOLD wrong codes in a row).
   */
  async verifyTotp(accountId: string, code: string): Promise<boolean> {
    return (await this.checkTotp(accountId, code)).ok;
  }

  /** As verifyTotp, saying also how long the account's codes are locked for. */
  async checkTotp(accountId: string, code: string): Promise<SecondFactorCheck> {
    const row = await this.row(accountId);
    const secret = row?.totp_secret_enc;
    if (!row || !secret) return { ok: false };
    return this.useCode(row.id, secret, code, lastStep(row), async (step) => {
      const done = await returning(
        this.dataSource,
        `UPDATE accounts_citizens SET totp_last_step = $3
          WHERE id = $1 AND totp_secret_enc = $2 AND (totp_last_step IS NULL OR totp_last_step < $3) RETURNING id`,
        [row.id, secret, step],
      );
      return done.length > 0;
    });
  }

  /**
   * Signs in with a recovery code instead of a one-time code: accepted once (the conditional
   * UPDATE that marks it used is the only check, so two replicas cannot both take it), under the
   * same per-account lock as one-time codes.
   */
  async useRecoveryCode(accountId: string, code: string): Promise<SecondFactorCheck> {
    if (!UUID.test(accountId)) return { ok: false };
    return this.useRecoveryCodeThen(accountId, code, () => Promise.resolve(true));
  }

  /** Re-encrypts TOTP secrets still under an older `data` key (rekey handler). */
  async rekey(batchSize = 500): Promise<{ rows: number }> {
    const kid = this.keys.current('data').kid;
    let rows = 0;
    for (;;) {
      const batch: AccountRow[] = await this.dataSource.query(
        `SELECT ${COLUMNS} FROM accounts_citizens
          WHERE split_part(totp_secret_enc, ':', 2) <> $1 OR split_part(totp_pending_enc, ':', 2) <> $1 LIMIT $2`,
        [kid, batchSize],
      );
      if (!batch.length) return { rows };
      for (const row of batch) {
        const secret = row.totp_secret_enc && (await this.seal(await this.open(row.totp_secret_enc)));
        const pending = row.totp_pending_enc && (await this.seal(await this.open(row.totp_pending_enc)));
        // Guarded by the old values: a concurrent enrolment or removal wins, and is already under the current key.
        await this.dataSource.query(
          `UPDATE accounts_citizens SET totp_secret_enc = $3, totp_pending_enc = $5
            WHERE id = $1 AND totp_secret_enc IS NOT DISTINCT FROM $2 AND totp_pending_enc IS NOT DISTINCT FROM $4`,
          [row.id, row.totp_secret_enc, secret, row.totp_pending_enc, pending],
        );
      }
      rows += batch.length;
    }
  }

  /**
   * Checks a one-time code under the account's own lock (`totp:<id>`, apart from the password
   * lock, so a correct password does not reset it). `claim` records the step atomically.
   */
  private async useCode(
    accountId: string,
    sealed: string,
    code: string,
    after: number | null,
    claim: (step: number) => Promise<boolean>,
  ): Promise<SecondFactorCheck> {
    const key = codeLockKey(accountId);
    const lockedFor = await this.lockout.lockedFor(key);
    if (lockedFor !== null) return { ok: false, lockedFor };
    const step = verifyTotpCode(await this.open(sealed), code, Date.now(), after);
    if (step !== null && (await claim(step))) {
      await this.lockout.clear(key);
      return { ok: true };
    }
    const nowLocked = await this.lockout.recordFailure(key);
    return nowLocked === null ? { ok: false } : { ok: false, lockedFor: nowLocked };
  }

  /**
   * Checks a recovery code under the account's code lock and, in the transaction that marks it
   * used, runs `then` (which may refuse: the code then stays unused). Hashes are looked up under
   * every `data` key, so codes made before a rotation still work.
   */
  private async useRecoveryCodeThen(
    accountId: string,
    code: string,
    then: (manager: EntityManager) => Promise<boolean>,
  ): Promise<SecondFactorCheck> {
    const key = codeLockKey(accountId);
    const lockedFor = await this.lockout.lockedFor(key);
    if (lockedFor !== null) return { ok: false, lockedFor };
    const normalised = normaliseRecoveryCode(code);
    if (normalised !== null) {
      const hashes = await Promise.all(
        this.keys.usable('data').map(async (k) => (await this.recoveryMac(k.kid, accountId, normalised)).toString('hex')),
      );
      const used = await this.dataSource
        .transaction(async (manager) => {
          const taken = await returning(
            manager,
            `UPDATE accounts_recovery_codes SET used_at = now()
              WHERE account_id = $1 AND used_at IS NULL AND code_hash IN (SELECT decode(h, 'hex') FROM unnest($2::text[]) AS h)
              RETURNING account_id`,
            [accountId, hashes],
          );
          if (!taken.length) return false;
          if (!(await then(manager))) throw new Refused();
          return true;
        })
        .catch((err: unknown) => {
          if (err instanceof Refused) return false;
          throw err;
        });
      if (used) {
        await this.lockout.clear(key);
        return { ok: true };
      }
    }
    const nowLocked = await this.lockout.recordFailure(key);
    return nowLocked === null ? { ok: false } : { ok: false, lockedFor: nowLocked };
  }

  /** HMAC-SHA-256 under the `data` key `kid` of the label, the account and the canonical code. */
  private recoveryMac(kid: string, accountId: string, normalised: string): Promise<Buffer> {
    return this.keys.mac(kid, Buffer.from(`${RECOVERY_MAC_LABEL}\0${accountId}\0${normalised}`, 'utf8'));
  }

  /** The hashes to store for new codes, under the current `data` key. */
  private async hashRecoveryCodes(accountId: string, codes: string[]): Promise<{ kid: string; hashes: string[] }> {
    const { kid } = this.keys.current('data');
    const hashes = await Promise.all(
      codes.map(async (code) => (await this.recoveryMac(kid, accountId, normaliseRecoveryCode(code)!)).toString('hex')),
    );
    return { kid, hashes };
  }

  /** The sealed pending secret of a set-up that has not expired. */
  private async livePending(accountId: string): Promise<{ sealed: string; expiresAt: Date } | null> {
    if (!UUID.test(accountId)) return null;
    const [row] = await this.dataSource.query<Array<{ sealed: string; expires_at: Date }>>(
      `SELECT totp_pending_enc AS sealed, totp_pending_expires_at AS expires_at FROM accounts_citizens
        WHERE id = $1 AND totp_secret_enc IS NULL AND totp_pending_enc IS NOT NULL AND totp_pending_expires_at > now()`,
      [accountId],
    );
    return row ? { sealed: row.sealed, expiresAt: new Date(row.expires_at) } : null;
  }

  private enforcePolicy(password: string, idNumber: string): void {
    const problems = checkNewPassword(password, idNumber);
    if (problems.length) {
      const details = problems.map((code) => ({ code, message: PASSWORD_PROBLEM_MESSAGES[code] }));
      throw new ApiError(400, 'weak_password', 'the password does not meet the password rules', details);
    }
  }

  private async setPassword(accountId: string, password: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE accounts_citizens SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1`,
      [accountId, await hashPassword(password)],
    );
  }

  /** Failed sign-ins count against the ID number under the current data key, account or not. */
  private async lockKey(idNumber: string): Promise<Buffer> {
    return (await this.vault.blindIndexes(idNumber))[0];
  }

  private async row(accountId: string): Promise<AccountRow | null> {
    if (!UUID.test(accountId)) return null;
    // On every token, userinfo and refresh: a prepared statement.
    const rows = await preparedQuery<AccountRow>(
      this.dataSource,
      'account_by_id',
      `SELECT ${COLUMNS} FROM accounts_citizens WHERE id = $1`,
      [accountId],
    );
    return rows[0] ?? null;
  }

  private async rowByCitizen(registryCitizenId: string): Promise<AccountRow | null> {
    const rows = await this.dataSource.query<AccountRow[]>(`SELECT ${COLUMNS} FROM accounts_citizens WHERE registry_citizen_id = $1`, [
      registryCitizenId,
    ]);
    return rows[0] ?? null;
  }

  private async seal(secret: string): Promise<string> {
    return (await this.keys.sealText(secret, TOTP_AAD)).value;
  }

  private open(encrypted: string): Promise<string> {
    return this.keys.openText(encrypted, TOTP_AAD);
  }
}

function normaliseName(name: string): string {
  return name.trim().normalize('NFC');
}

function lastStep(row: AccountRow): number | null {
  return row.totp_last_step === null ? null : Number(row.totp_last_step);
}

/** A second factor turned on or off, or new recovery codes, by the citizen (account console or API). */
function secondFactorChange(
  action: 'second-factor.enrol' | 'second-factor.remove',
  accountId: string,
  method: string,
  requestId: string | undefined,
): AuditEvent {
  const account = { kind: 'account', id: accountId } as const;
  return { action, actor: account, subject: account, outcome: 'success', ...(requestId ? { requestId } : {}), details: { method } };
}

function throwUnless(result: SecondFactorCheck): void {
  if (result.ok) return;
  throw result.lockedFor === undefined ? invalidCode() : locked(result.lockedFor);
}

/** One-time codes and recovery codes share one lock per account, apart from the ID number's password lock. */
function codeLockKey(accountId: string): Buffer {
  return Buffer.from(`totp:${accountId}`);
}

/** Thrown inside a transaction to roll it back when the action a recovery code was used for is refused. */
class Refused extends Error {}

/** The account's recovery codes become exactly these (the old ones stop working in the same transaction). */
async function replaceRecoveryCodes(manager: EntityManager, accountId: string, hashed: { kid: string; hashes: string[] }): Promise<void> {
  await manager.query(`DELETE FROM accounts_recovery_codes WHERE account_id = $1`, [accountId]);
  await manager.query(
    `INSERT INTO accounts_recovery_codes (account_id, code_hash, kid) SELECT $1, decode(h, 'hex'), $3 FROM unnest($2::text[]) AS h`,
    [accountId, hashed.hashes, hashed.kid],
  );
}

function toAccount(row: AccountRow, citizen: Citizen): CitizenAccount {
  return {
    id: row.id,
    registryCitizenId: citizen.id,
    name: citizen.name,
    idNumberMasked: citizen.idNumberMasked,
    status: citizen.status,
    totpEnabled: row.totp_secret_enc !== null,
    sex: citizen.sex,
    birthDate: citizen.birthDate,
  };
}
