import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { AccountsService, TOTP_SETUP_MINUTES, type TotpEnrolment } from '../accounts/accounts.service.js';
import { ApiError } from '../common/api-error.js';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ClientStore } from '../clients/client-store.js';
import { ConsentsService } from '../oidc/consents.service.js';
import { CsrfTokens } from '../oidc/csrf.js';
import { requestIdOf } from '../site/not-found.js';
import { OtpForm } from '../oidc/forms.js';
import { CsrfForm, readForm } from '../pages/forms.js';
import { PasswordChangeForm } from './forms.js';
import { ACCOUNT_CONSOLE_CLIENT } from '../clients/first-party-clients.js';
import { parseEnterpriseAccountId } from '../enterprise-login/enterprise-account.js';
import { OidcProviderService } from '../oidc/oidc-provider.service.js';
import { pageLanguage, sendPage } from '../pages/page-response.js';
import { t } from '../pages/index.js';
import { tCount, type Lang } from '../pages/messages.js';
import { accountPage, type PasswordField, type TotpForm } from './pages/account.js';
import { portalName } from '../clients/client-names.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../accounts/password-policy.js';
import { INTERACTION_UID } from '../accounts/login-prefill.js';
import { AccountSessions, type PortalLogout } from './account-sessions.js';
import { AccountLicences } from './account-licences.js';

const FLASHES = [
  'password_changed',
  'totp_enabled',
  'totp_disabled',
  'recovery_codes_regenerated',
  'consent_withdrawn',
  'wrong_password',
  'passwords_differ',
  'invalid_code',
  'weak_password',
] as const;
type Flash = (typeof FLASHES)[number];
const FLASH_KIND: Record<Flash, 'success' | 'error'> = {
  password_changed: 'success',
  totp_enabled: 'success',
  totp_disabled: 'success',
  recovery_codes_regenerated: 'success',
  consent_withdrawn: 'success',
  wrong_password: 'error',
  passwords_differ: 'error',
  invalid_code: 'error',
  weak_password: 'error',
};

/** What the page shows besides the account's state: recovery codes made just now, errors beside a form, what ending a session did. */
interface PageExtras {
  recoveryCodes?: string[];
  error?: { form: TotpForm; text: string };
  /** Errors of the password form, beside their fields. */
  passwordErrors?: Partial<Record<PasswordField, string[]>>;
  /** What ending a session did. */
  sessionsNotice?: { kind: 'success' | 'error'; text: string };
}

/** The text for a refused one-time code or recovery code on the account page. */
function codeErrorText(lang: Lang, err: ApiError, form: TotpForm): string {
  const body = err.getResponse() as { error?: string; details?: { retryAfterSeconds?: number } };
  if (body.error === 'locked') {
    const seconds = body.details?.retryAfterSeconds ?? 60;
    return tCount(lang, 'account.totp_error.locked', 'minutes', Math.max(1, Math.ceil(seconds / 60)));
  }
  if (body.error === 'no_pending_enrolment') return t(lang, 'account.totp_error.setup_expired', { minutes: TOTP_SETUP_MINUTES });
  return t(lang, form === 'confirm' ? 'account.totp_error.setup_code' : 'account.totp_error.invalid');
}

/**
 * The citizen's own account pages (like Keycloak's account console): change the password, set up
 * or remove two-step sign-in, see and withdraw what portals were allowed. They use the SSO
 * session; without one, the browser signs in through the first-party client `tongban-account`.
 */
@ApiExcludeController()
@Controller('account')
export class AccountConsoleController {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly oidc: OidcProviderService,
    private readonly accounts: AccountsService,
    private readonly consents: ConsentsService,
    private readonly clients: ClientStore,
    private readonly csrf: CsrfTokens,
    private readonly sessions: AccountSessions,
    private readonly licences: AccountLicences,
  ) {}

  @Get()
  async show(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.session(req, res);
    if (!session) return this.signIn(res);
    const flash = FLASHES.find((f) => f === req.query.done);
    await this.render(req, res, session, flash);
  }

  /** Where the first-party sign-in returns: the SSO session now exists, the code is not needed. */
  @Get('callback')
  callback(@Res() res: FastifyReply): void {
    res.redirect('/account', 303);
  }

  /** Every problem of the password form beside its field: missing fields, the rules the new password breaks, a wrong current one. */
  @Post('password')
  async changePassword(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    const lang = pageLanguage(req);
    const body = req.body as Record<string, unknown>;
    const form = readForm(PasswordChangeForm, req.body);
    const errors: Partial<Record<PasswordField, string[]>> = {};
    const given = (name: PasswordField) => (typeof body[name] === 'string' && body[name].length <= 1024 ? body[name] : '');
    for (const name of ['current_password', 'new_password', 'new_password_confirm'] as const)
      if (!given(name)) errors[name] = [t(lang, `account.error.${name}.required`)];
    // The new password's rules and the confirmation are told together; the current password is
    // checked (and a wrong one counted towards the lock) only once the rest is right.
    const newPassword = given('new_password');
    if (newPassword) {
      const problems = await this.accounts.newPasswordProblems(session.accountId, newPassword);
      if (problems.length) errors.new_password = problems.map((code) => passwordRuleText(lang, code));
      if (given('new_password_confirm') && given('new_password_confirm') !== newPassword)
        errors.new_password_confirm = [t(lang, 'flash.passwords_differ')];
    }
    if (!form || Object.keys(errors).length)
      return this.render(req, res, session, undefined, 400, undefined, undefined, { passwordErrors: errors });
    try {
      await this.accounts.changePassword(session.accountId, form.current_password, form.new_password);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const body = err.getResponse() as { error: string; details?: unknown };
      if (body.error === 'weak_password') {
        const codes = Array.isArray(body.details) ? body.details.map((d) => String((d as { code?: unknown }).code)) : [];
        errors.new_password = codes.map((code) => passwordRuleText(lang, code));
      } else if (body.error === 'locked') {
        const seconds = (body.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60;
        errors.current_password = [tCount(lang, 'account.error.password_locked', 'minutes', Math.max(1, Math.ceil(seconds / 60)))];
      } else {
        errors.current_password = [t(lang, 'flash.wrong_password')];
      }
      return this.render(req, res, session, undefined, err.getStatus(), undefined, undefined, { passwordErrors: errors });
    }
    res.redirect('/account?done=password_changed', 303);
  }

  /**
   * "Sign out this session": another browser's session ends as signing out everywhere ends one
   * (AccountSessions.end), and the page says which portals were told and which could not be.
   * This browser's own session signs out through the usual sign-out page instead.
   */
  @Post('sessions/:uid/end')
  async endSession(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('uid') uid: string): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    if (uid === session.uid) return res.redirect('/session/end', 303);
    const lang = pageLanguage(req);
    const outcome = INTERACTION_UID.test(uid) ? await this.sessions.end(session.accountId, uid) : undefined;
    const sessionsNotice = outcome
      ? { kind: 'success' as const, text: await this.endedText(lang, outcome) }
      : { kind: 'error' as const, text: t(lang, 'account.sessions_gone') };
    await this.render(req, res, session, undefined, outcome ? 200 : 404, undefined, undefined, { sessionsNotice });
  }

  /** Starts (or shows again, while it is good) the TOTP set-up: QR code and secret. */
  @Post('totp/start')
  async startTotp(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    const enrolment = await this.accounts.startTotpEnrolment(session.accountId);
    await this.render(req, res, session, undefined, 200, await enrolmentView(enrolment));
  }

  /**
   * A correct code turns TOTP on and the page shows the ten recovery codes, this once. A wrong one
   * shows the same set-up again (same QR code, same secret) with the error above the field.
   */
  @Post('totp/confirm')
  async confirmTotp(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    const form = readForm(OtpForm, req.body);
    let recoveryCodes: string[];
    try {
      if (!form) throw new ApiError(400, 'invalid_code', 'no code');
      ({ recoveryCodes } = await this.accounts.confirmTotpEnrolment(session.accountId, form.code.trim(), requestIdOf(res)));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const pending = await this.accounts.pendingTotpEnrolment(session.accountId);
      const error = { form: pending ? ('confirm' as const) : ('start' as const), text: codeErrorText(pageLanguage(req), err, 'confirm') };
      return this.render(req, res, session, undefined, 400, pending ? await enrolmentView(pending) : undefined, undefined, { error });
    }
    await this.render(req, res, session, 'totp_enabled', 200, undefined, undefined, { recoveryCodes });
  }

  /** Turns TOTP off with a one-time code or a recovery code (the phone may be lost); the recovery codes go too. */
  @Post('totp/disable')
  async disableTotp(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    const form = readForm(OtpForm, req.body);
    try {
      if (!form) throw new ApiError(400, 'invalid_code', 'no code');
      await this.accounts.disableTotp(session.accountId, form.code.trim(), requestIdOf(res));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const error = { form: 'disable' as const, text: codeErrorText(pageLanguage(req), err, 'disable') };
      return this.render(req, res, session, undefined, 400, undefined, undefined, { error });
    }
    res.redirect('/account?done=totp_disabled', 303);
  }

  /** Ten new recovery codes (the old ones stop working), shown this once; against a one-time code or a recovery code. */
  @Post('totp/recovery-codes')
  async regenerateRecoveryCodes(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    const form = readForm(OtpForm, req.body);
    let recoveryCodes: string[];
    try {
      if (!form) throw new ApiError(400, 'invalid_code', 'no code');
      ({ recoveryCodes } = await this.accounts.regenerateRecoveryCodes(session.accountId, form.code.trim(), requestIdOf(res)));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const error = { form: 'regenerate' as const, text: codeErrorText(pageLanguage(req), err, 'regenerate') };
      return this.render(req, res, session, undefined, 400, undefined, undefined, { error });
    }
    await this.render(req, res, session, 'recovery_codes_regenerated', 200, undefined, undefined, { recoveryCodes });
  }

  @Post('consents/:clientId/withdraw')
  async withdraw(@Req() req: HttpRequest, @Res() res: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    await this.consents.withdraw(session.accountId, clientId.slice(0, 100), requestIdOf(res));
    res.redirect('/account?done=consent_withdrawn', 303);
  }

  private async portalName(lang: Lang, clientId: string): Promise<string> {
    const metadata = (await this.clients.get(clientId))?.metadata as Record<string, unknown> | undefined;
    return portalName(metadata, lang, clientId);
  }

  /** What ending a session did, in words: which portals were told, which could not be. */
  private async endedText(lang: Lang, outcome: PortalLogout[]): Promise<string> {
    const separator = t(lang, 'account.list_separator');
    const portals = outcome.filter((o) => o.clientId !== ACCOUNT_CONSOLE_CLIENT);
    const told = await Promise.all(portals.filter((o) => o.backchannel === 'told').map((o) => this.portalName(lang, o.clientId)));
    const notTold = await Promise.all(portals.filter((o) => o.backchannel !== 'told').map((o) => this.portalName(lang, o.clientId)));
    return [
      t(lang, 'account.sessions_ended'),
      told.length ? t(lang, 'account.sessions_ended_told', { sites: told.join(separator) }) : '',
      notTold.length ? t(lang, 'account.sessions_ended_not_told', { sites: notTold.join(separator) }) : '',
    ]
      .filter(Boolean)
      .join(lang === 'en' ? ' ' : '');
  }

  private async session(req: HttpRequest, res: FastifyReply): Promise<{ accountId: string; uid: string } | undefined> {
    const { provider } = this.oidc;
    const session = await provider.Session.get(provider.createContext(req.raw, res.raw));
    // In an enterprise session the account page is still the acting person's own.
    const accountId = session.accountId ? (parseEnterpriseAccountId(session.accountId)?.personAccountId ?? session.accountId) : undefined;
    return accountId ? { accountId, uid: session.uid } : undefined;
  }

  /** The session of a POST, with its CSRF token checked; answers 401/403 itself otherwise. */
  private async authorised(req: HttpRequest, res: FastifyReply): Promise<{ accountId: string; uid: string } | undefined> {
    const session = await this.session(req, res);
    if (!session) {
      this.signIn(res);
      return undefined;
    }
    const form = readForm(CsrfForm, req.body);
    if (!form || !this.csrf.check(`account:${session.uid}`, form.csrf)) {
      await this.render(req, res, session, undefined, 403, undefined, t(pageLanguage(req), 'error.csrf'));
      return undefined;
    }
    return session;
  }

  /** Starts a sign-in through the first-party client; the OP brings the browser back to /account/callback. */
  private signIn(res: FastifyReply): void {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL('/auth', this.config.publicUrl);
    url.search = new URLSearchParams({
      client_id: ACCOUNT_CONSOLE_CLIENT,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: `${this.config.publicUrl}/account/callback`,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      state: randomBytes(16).toString('base64url'),
    }).toString();
    res.redirect(url.pathname + url.search, 303);
  }

  private async render(
    req: HttpRequest,
    res: FastifyReply,
    session: { accountId: string; uid: string },
    flash?: Flash,
    status = 200,
    totpEnrolment?: { qrSvg: string; secret: string; expiresAt?: Date },
    errorText?: string,
    totp: PageExtras = {},
  ): Promise<void> {
    const account = await this.accounts.findById(session.accountId);
    if (!account) return this.signIn(res);
    const recoveryCodesLeft = account.totpEnabled ? await this.accounts.recoveryCodesLeft(session.accountId) : 0;
    const remembered = await this.consents.list(session.accountId);
    const lang = pageLanguage(req);
    const names = new Map<string, Promise<string>>();
    /** A portal's name in the page's language (`client_name#en` …), each looked up once. */
    const nameOf = (clientId: string): Promise<string> => {
      if (!names.has(clientId)) names.set(clientId, this.portalName(lang, clientId));
      return names.get(clientId)!;
    };
    const consents = await Promise.all(
      remembered
        .filter((consent) => consent.clientId !== ACCOUNT_CONSOLE_CLIENT)
        .map(async (consent) => ({ consent, clientName: await nameOf(consent.clientId) })),
    );
    const holder = await this.licences.holder(session.accountId);
    const [history, live, licences] = await Promise.all([
      this.accounts.signInHistory(session.accountId),
      this.sessions.list(session.accountId),
      holder ? this.licences.section(holder, lang) : undefined,
    ]);
    const signIns = await Promise.all(
      history.map(async (entry) => ({
        at: entry.at,
        portal: await nameOf(entry.clientId),
        acr: entry.acr,
        amr: entry.amr,
        enterprise: entry.enterprise,
        ipMasked: entry.ipMasked,
      })),
    );
    const sessions = await Promise.all(
      live.map(async (s) => ({
        startedAt: s.startedAt,
        acr: s.acr,
        amr: s.amr,
        enterprise: Boolean(s.enterpriseUscc),
        portals: await Promise.all(s.clientIds.map(nameOf)),
        current: s.uid === session.uid,
        endUrl: s.uid === session.uid ? undefined : `/account/sessions/${encodeURIComponent(s.uid)}/end`,
      })),
    );
    // This browser first.
    sessions.sort((a, b) => Number(b.current) - Number(a.current));
    sendPage(req, res, status, (base) =>
      accountPage({
        ...base,
        csrf: this.csrf.issue(`account:${session.uid}`),
        name: account.name,
        idNumberMasked: account.idNumberMasked,
        ...(licences ? { licences } : {}),
        passwordUrl: '/account/password',
        totpEnabled: account.totpEnabled,
        totpStartUrl: '/account/totp/start',
        totpConfirmUrl: '/account/totp/confirm',
        totpDisableUrl: '/account/totp/disable',
        totpEnrolment,
        recoveryCodesUrl: '/account/totp/recovery-codes',
        recoveryCodesLeft,
        recoveryCodes: totp.recoveryCodes,
        totpError: totp.error,
        consents: consents.map(({ consent, clientName }) => ({
          clientName,
          items: consent.scope.split(' ').map((scope) => t(base.lang, `claim.${scope}`)),
          grantedAt: consent.grantedAt,
          withdrawUrl: `/account/consents/${encodeURIComponent(consent.clientId)}/withdraw`,
        })),
        signIns,
        sessions,
        passwordErrors: totp.passwordErrors,
        sessionsNotice: totp.sessionsNotice,
        logoutUrl: '/session/end',
        flash: errorText
          ? { kind: 'error', text: errorText }
          : flash
            ? { kind: FLASH_KIND[flash], text: t(base.lang, `flash.${flash}`) }
            : undefined,
      }),
    );
  }
}

/** The set-up as the page shows it: QR code of the otpauth URI, the secret, and until when it is good. */
async function enrolmentView(enrolment: TotpEnrolment): Promise<{ qrSvg: string; secret: string; expiresAt: Date }> {
  const qrSvg = await QRCode.toString(enrolment.otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return { qrSvg, secret: enrolment.secret, expiresAt: enrolment.expiresAt };
}

/** A broken password rule in words (the registration page's texts). */
function passwordRuleText(lang: Lang, code: string): string {
  return t(lang, `register.error.password.${code}`, { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });
}
