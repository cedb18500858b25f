import { Controller, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { errors as oidcErrors, type InteractionResults } from 'oidc-provider';
import { AccountsService } from '../accounts/accounts.service.js';
import { LOA_ACR, requiredLoa } from './assurance.js';
import { ConsentsService } from './consents.service.js';
import { CsrfTokens } from './csrf.js';
import { readForm } from '../pages/forms.js';
import { ConsentForm, LoginForm, OtpForm } from './forms.js';
import { OidcProviderService } from './oidc-provider.service.js';
import { pageLanguage, sendPage } from '../pages/page-response.js';
import { errorPage, t } from '../pages/index.js';
import { consentItems, consentPage, enterpriseLoginPage, loginPage, otpPage } from './pages/index.js';
import QRCode from 'qrcode';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { EnterpriseChallenges } from '../enterprise-login/challenges.service.js';
import { enterpriseAccountId, parseEnterpriseAccountId } from '../enterprise-login/enterprise-account.js';

type Details = Awaited<ReturnType<OidcProviderService['provider']['interactionDetails']>>;

/** What the password step leaves in the interaction while a second step (code or licence) is asked for. */
interface PendingSecondFactor {
  accountId: string;
  failures: number;
  /** The person signed in to act for an enterprise: the licence is presented next. */
  enterprise?: boolean;
}

const MAX_CODE_FAILURES = 5;

/** The portal needs a one-time code but the citizen has not set one up (account page → two-step sign-in). */
const UNMET_SECOND_FACTOR: InteractionResults = {
  error: 'unmet_authentication_requirements',
  error_description: 'this service requires two-step sign-in, which is not set up for this account',
};

/**
 * The sign-in pages oidc-provider sends the browser to (design §5): login, one-time code,
 * consent, abort. Each POST carries a CSRF token bound to the interaction.
 */
@ApiExcludeController()
@Controller('interaction/:uid')
export class InteractionsController {
  private readonly logger = new Logger('interaction');

  constructor(
    private readonly oidc: OidcProviderService,
    private readonly accounts: AccountsService,
    private readonly consents: ConsentsService,
    private readonly csrf: CsrfTokens,
    private readonly challenges: EnterpriseChallenges,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get()
  async show(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    const { prompt } = details;
    if (prompt.name === 'login') {
      if ((await this.requiredLevel(details)) >= 3) return res.redirect(this.urls(details).enterprise, 303);
      const stepUpAccount = prompt.reasons.includes('loa_step_up') ? details.session?.accountId : undefined;
      if (stepUpAccount) return this.askForCode(req, res, details, stepUpAccount, 0);
      return this.renderLogin(req, res, details);
    }
    if (prompt.name === 'consent') return this.renderConsent(req, res, details);
    this.renderError(req, res, 400, t(pageLanguage(req), 'error.unknown_prompt'), 'invalid_request');
  }

  @Post('login')
  async login(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    if (!this.csrfValid(req, details)) return this.renderLogin(req, res, details, 'csrf', 403);
    if (details.prompt.name !== 'login')
      return this.renderError(req, res, 400, t(pageLanguage(req), 'error.unknown_prompt'), 'invalid_request');
    const form = readForm(LoginForm, req.body);
    if (!form) return this.renderLogin(req, res, details, 'invalid', 400);

    const outcome = await this.accounts.authenticate({ idNumber: form.id_number.trim(), password: form.password, ip: req.ip ?? 'unknown' });
    if (!outcome.ok) {
      const status = outcome.reason === 'rate_limited' ? 429 : outcome.reason === 'locked' ? 423 : 401;
      if (outcome.retryAfterSeconds) res.header('retry-after', String(outcome.retryAfterSeconds));
      return this.renderLogin(req, res, details, outcome.reason, status, outcome.retryAfterSeconds);
    }
    const account = outcome.account;
    const required = await this.requiredLevel(details);
    if (required >= 3 || req.query.enterprise === '1') {
      // Enterprise sign-in, step 1 done: the person is known; the licence comes next.
      await this.remember(details, { accountId: account.id, failures: 0, enterprise: true });
      return res.redirect(this.urls(details).enterprise, 303);
    }
    if (required >= 2) {
      if (!account.totpEnabled) return this.finish(req, res, UNMET_SECOND_FACTOR);
      return this.askForCode(req, res, details, account.id, 0);
    }
    await this.finish(req, res, { login: { accountId: account.id, acr: LOA_ACR[1], amr: ['pwd'], remember: false } });
  }

  @Post('otp')
  async otp(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    const pending = (details.result as { tongban?: PendingSecondFactor } | undefined)?.tongban;
    if (!pending) return this.renderError(req, res, 400, t(pageLanguage(req), 'error.expired'), 'invalid_request');
    if (!this.csrfValid(req, details)) return this.askForCode(req, res, details, pending.accountId, pending.failures, 'csrf', 403);
    const form = readForm(OtpForm, req.body);
    if (form && (await this.accounts.verifyTotp(pending.accountId, form.code.trim()))) {
      return this.finish(req, res, { login: { accountId: pending.accountId, acr: LOA_ACR[2], amr: ['pwd', 'otp'], remember: false } });
    }
    if (pending.failures + 1 >= MAX_CODE_FAILURES) {
      return this.finish(req, res, { error: 'access_denied', error_description: 'too many wrong one-time codes' });
    }
    return this.askForCode(req, res, details, pending.accountId, pending.failures + 1, 'invalid_code', 401);
  }

  @Post('confirm')
  async confirm(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    if (!this.csrfValid(req, details)) return this.renderConsent(req, res, details, 403);
    if (details.prompt.name !== 'consent' || !details.session?.accountId) {
      return this.renderError(req, res, 400, t(pageLanguage(req), 'error.unknown_prompt'), 'invalid_request');
    }
    const form = readForm(ConsentForm, req.body) ?? {};
    const { provider } = this.oidc;
    const accountId = details.session.accountId;
    const clientId = String(details.params.client_id);
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId });
    if (!grant) return this.renderError(req, res, 400, t(pageLanguage(req), 'error.expired'), 'invalid_request');
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(' '));
    const grantId = await grant.save();
    if ('remember' in form && form.remember) {
      await this.consents.remember(accountId, clientId, grant.getOIDCScope(), [...(grant.getOIDCClaims?.() ?? [])]);
    }
    await this.finish(req, res, { consent: details.grantId ? {} : { grantId } }, true);
  }

  /**
   * Enterprise sign-in (design §6): the person signs in first (or already is), then presents the
   * enterprise's licence by answering a one-time challenge with the wallet. The page polls
   * itself; once the wallet's answer was accepted, the interaction ends at loa:3 with the
   * enterprise as the subject.
   */
  @Get('enterprise')
  async enterprise(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login')
      return this.renderError(req, res, 400, t(pageLanguage(req), 'error.unknown_prompt'), 'invalid_request');
    const pending = (details.result as { tongban?: PendingSecondFactor } | undefined)?.tongban;
    const person = pending?.enterprise ? pending.accountId : personOf(details.session?.accountId);
    if (!person) return this.renderLogin(req, res, details, undefined, 200, undefined, true);

    const requested = typeof req.query.challenge === 'string' ? await this.challenges.find(req.query.challenge.slice(0, 64)) : undefined;
    const challenge = requested && requested.interactionUid === details.uid && requested.accountId === person ? requested : undefined;
    if (challenge?.status === 'accepted') {
      return this.finish(req, res, {
        login: {
          accountId: enterpriseAccountId({
            uscc: challenge.uscc!,
            personAccountId: person,
            certificateSerial: challenge.certificateSerial!,
          }),
          acr: LOA_ACR[3],
          amr: ['pwd', 'swk'],
          remember: false,
        },
      });
    }
    const error =
      challenge?.status === 'failed' ? 'failed' : challenge && challenge.expiresAt.getTime() <= Date.now() ? 'expired' : undefined;
    const current = challenge ?? (await this.challenges.create(details.uid, person));
    const text = this.challenges.offerText(this.challenges.offer(current, this.config.publicUrl));
    const account = await this.accounts.findById(person);
    const urls = this.urls(details);
    const clientName = await this.clientName(details);
    const qrSvg = error ? '' : await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
    sendPage(req, res, error ? 400 : 200, (base) =>
      enterpriseLoginPage({
        ...base,
        csrf: this.csrf.issue(`interaction:${details.uid}`),
        clientName,
        actingPerson: account ? `${account.name} ${account.idNumberMasked}` : '',
        qrSvg,
        challengeText: text,
        expiresAt: current.expiresAt,
        pollUrl: `${urls.enterprise}?challenge=${encodeURIComponent(current.id)}`,
        restartUrl: urls.enterprise,
        abortUrl: urls.abort,
        error,
        failure: current.lastError,
      }),
    );
  }

  @Post('abort')
  async abort(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    if (!this.csrfValid(req, details)) return this.renderError(req, res, 403, t(pageLanguage(req), 'error.csrf'), 'invalid_request');
    await this.finish(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  }

  /** The interaction of this browser for this URL, or an error page when it is gone or foreign. */
  private async details(req: HttpRequest, res: FastifyReply): Promise<Details | undefined> {
    try {
      const details = await this.oidc.provider.interactionDetails(req.raw, res.raw);
      if (details.uid === req.params.uid) return details;
    } catch (err) {
      if (!(err instanceof oidcErrors.SessionNotFound)) throw err;
    }
    this.renderError(req, res, 400, t(pageLanguage(req), 'error.expired'), 'interaction_expired');
    return undefined;
  }

  /**
   * Whether the form carries this interaction's CSRF token (a failure is logged). The caller
   * answers a failure itself, and awaits that answer: its errors reach Nest's error handling.
   */
  private csrfValid(req: HttpRequest, details: Details): boolean {
    if (this.csrf.check(`interaction:${details.uid}`, (req.body as { csrf?: unknown } | undefined)?.csrf)) return true;
    this.logger.warn(`CSRF check failed on ${req.method} ${req.routeOptions.url}`);
    return false;
  }

  private async requiredLevel(details: Details): Promise<number> {
    const client = await this.oidc.provider.Client.find(String(details.params.client_id));
    return requiredLoa(details.params.acr_values, client?.['tongban_minimum_loa']);
  }

  private async finish(req: HttpRequest, res: FastifyReply, result: InteractionResults, merge = false): Promise<void> {
    await this.oidc.provider.interactionFinished(req.raw, res.raw, result, { mergeWithLastSubmission: merge });
  }

  private async clientName(details: Details): Promise<string> {
    const client = await this.oidc.provider.Client.find(String(details.params.client_id));
    return client?.clientName ?? String(details.params.client_id);
  }

  private urls(details: Details) {
    const base = `/interaction/${details.uid}`;
    return {
      base,
      login: `${base}/login`,
      otp: `${base}/otp`,
      confirm: `${base}/confirm`,
      abort: `${base}/abort`,
      enterprise: `${base}/enterprise`,
    };
  }

  /** Keeps the first step's outcome in the interaction while the second is asked for. */
  private async remember(details: Details, pending: PendingSecondFactor): Promise<boolean> {
    const interaction = await this.oidc.provider.Interaction.find(details.uid);
    if (!interaction) return false;
    interaction.result = { tongban: pending };
    await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
    return true;
  }

  private async renderLogin(
    req: HttpRequest,
    res: FastifyReply,
    details: Details,
    error?: 'invalid' | 'locked' | 'rate_limited' | 'csrf',
    status = 200,
    retryAfterSeconds?: number,
    enterprise = req.query.enterprise === '1',
  ) {
    const urls = this.urls(details);
    const clientName = await this.clientName(details);
    const loa2Required = (await this.requiredLevel(details)) >= 2;
    sendPage(req, res, status, (base) =>
      loginPage({
        ...base,
        csrf: this.csrf.issue(`interaction:${details.uid}`),
        actionUrl: enterprise ? `${urls.login}?enterprise=1` : urls.login,
        abortUrl: urls.abort,
        clientName,
        error,
        retryAfterMinutes: retryAfterSeconds ? Math.ceil(retryAfterSeconds / 60) : undefined,
        loa2Required,
        registerUrl: '/register',
        tabs: { active: enterprise ? 'enterprise' : 'citizen', citizenUrl: urls.base, enterpriseUrl: urls.enterprise },
      }),
    );
  }

  /** Records the password step in the interaction and shows the one-time-code page. */
  private async askForCode(
    req: HttpRequest,
    res: FastifyReply,
    details: Details,
    accountId: string,
    failures: number,
    error?: 'invalid_code' | 'csrf',
    status = 200,
  ) {
    const account = await this.accounts.findById(accountId);
    if (!account?.totpEnabled) return this.finish(req, res, UNMET_SECOND_FACTOR);
    if (!(await this.remember(details, { accountId, failures })))
      return this.renderError(req, res, 400, t(pageLanguage(req), 'error.expired'), 'interaction_expired');
    const urls = this.urls(details);
    const clientName = await this.clientName(details);
    sendPage(req, res, status, (base) =>
      otpPage({
        ...base,
        csrf: this.csrf.issue(`interaction:${details.uid}`),
        actionUrl: urls.otp,
        abortUrl: urls.abort,
        clientName,
        error,
        accountNameMasked: `${account.name} ${account.idNumberMasked}`,
      }),
    );
  }

  private async renderConsent(req: HttpRequest, res: FastifyReply, details: Details, status = 200) {
    const urls = this.urls(details);
    const client = await this.oidc.provider.Client.find(String(details.params.client_id));
    sendPage(req, res, status, (base) =>
      consentPage({
        ...base,
        csrf: this.csrf.issue(`interaction:${details.uid}`),
        actionUrl: urls.confirm,
        abortUrl: urls.abort,
        clientName: client?.clientName ?? String(details.params.client_id),
        clientUri: client?.clientUri,
        items: consentItems(base.lang, details.prompt.details),
      }),
    );
  }

  private renderError(req: HttpRequest, res: FastifyReply, status: number, message: string, code: string) {
    sendPage(req, res, status, (base) => errorPage({ ...base, message, code }));
  }
}

/** The person behind a session: the citizen, or whoever acts in an enterprise session. */
function personOf(accountId: string | undefined): string | undefined {
  if (!accountId) return undefined;
  return parseEnterpriseAccountId(accountId)?.personAccountId ?? accountId;
}
