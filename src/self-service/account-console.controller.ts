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
import { OtpForm } from '../oidc/forms.js';
import { CsrfForm, readForm } from '../pages/forms.js';
import { PasswordChangeForm } from './forms.js';
import { ACCOUNT_CONSOLE_CLIENT } from '../clients/first-party-clients.js';
import { parseEnterpriseAccountId } from '../enterprise-login/enterprise-account.js';
import { OidcProviderService } from '../oidc/oidc-provider.service.js';
import { pageLanguage, sendPage } from '../pages/page-response.js';
import { t } from '../pages/index.js';
import { tCount, type Lang } from '../pages/messages.js';
import { accountPage, type TotpForm } from './pages/account.js';

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

/** What the two-step sign-in section shows besides the account's state: codes made just now, or an error next to a form. */
interface TotpView {
  recoveryCodes?: string[];
  error?: { form: TotpForm; text: string };
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

  @Post('password')
  async changePassword(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    const form = readForm(PasswordChangeForm, req.body);
    if (!form) return this.render(req, res, session, 'weak_password', 400);
    if (form.new_password !== form.new_password_confirm) return this.render(req, res, session, 'passwords_differ', 400);
    try {
      await this.accounts.changePassword(session.accountId, form.current_password, form.new_password);
    } catch (err) {
      if (err instanceof ApiError) {
        const code = (err.getResponse() as { error: string }).error;
        return this.render(req, res, session, code === 'weak_password' ? 'weak_password' : 'wrong_password', err.getStatus());
      }
      throw err;
    }
    res.redirect('/account?done=password_changed', 303);
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
      ({ recoveryCodes } = await this.accounts.confirmTotpEnrolment(session.accountId, form.code.trim()));
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
      await this.accounts.disableTotp(session.accountId, form.code.trim());
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
      ({ recoveryCodes } = await this.accounts.regenerateRecoveryCodes(session.accountId, form.code.trim()));
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
    await this.consents.withdraw(session.accountId, clientId.slice(0, 100));
    res.redirect('/account?done=consent_withdrawn', 303);
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
    totp: TotpView = {},
  ): Promise<void> {
    const account = await this.accounts.findById(session.accountId);
    if (!account) return this.signIn(res);
    const recoveryCodesLeft = account.totpEnabled ? await this.accounts.recoveryCodesLeft(session.accountId) : 0;
    const remembered = await this.consents.list(session.accountId);
    const consents = await Promise.all(
      remembered
        .filter((consent) => consent.clientId !== ACCOUNT_CONSOLE_CLIENT)
        .map(async (consent) => {
          const metadata = (await this.clients.get(consent.clientId))?.metadata;
          return { consent, clientName: metadata?.client_name ?? consent.clientId };
        }),
    );
    sendPage(req, res, status, (base) =>
      accountPage({
        ...base,
        csrf: this.csrf.issue(`account:${session.uid}`),
        name: account.name,
        idNumberMasked: account.idNumberMasked,
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
