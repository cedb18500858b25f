import { Controller, Get, Logger, Optional, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { errors as oidcErrors, type InteractionResults } from 'oidc-provider';
import { AccountsService, type CitizenAccount, type SecondFactorCheck } from '../accounts/accounts.service.js';
import { AuditService } from '../audit/audit.service.js';
import { recordFailedSignIn, sessionActor, sessionSubject } from './oidc-audit.js';
import { LoginPrefill } from '../accounts/login-prefill.js';
import { LOA_ACR, requiredLoa } from './assurance.js';
import { ConsentsService } from './consents.service.js';
import { CsrfTokens } from './csrf.js';
import { readForm } from '../pages/forms.js';
import { ConsentForm, LoginForm, OtpForm, RecoveryCodeForm } from './forms.js';
import { ClientStore } from '../clients/client-store.js';
import { OidcProviderService } from './oidc-provider.service.js';
import { pageLanguage, sendPage } from '../pages/page-response.js';
import { errorPage, t } from '../pages/index.js';
import { requestIdOf } from '../site/not-found.js';
import { type EnterprisePageState, consentItems, consentPage, enterpriseLoginPage, loginPage, otpPage } from './pages/index.js';
import type { SignedInAs } from './pages/who.js';
import type { AuditSubject } from '../audit/audit-event.js';
import { endSession, restartWithLogin } from './switch-account.js';
import type { OtpError } from './pages/otp.js';
import QRCode from 'qrcode';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { EnterpriseChallenges, type Challenge } from '../enterprise-login/challenges.service.js';
import { LicenceLoginService } from '../enterprise-login/licence-login.service.js';
import { enterpriseAccountId, parseEnterpriseAccountId } from '../enterprise-login/enterprise-account.js';

type Details = Awaited<ReturnType<OidcProviderService['provider']['interactionDetails']>>;

/** What the password step leaves in the interaction while a second step (code or licence) is asked for. */
interface PendingSecondFactor {
  accountId: string;
  failures: number;
  /** The person signed in to act for an enterprise: the licence is presented (after the code, if two-step sign-in is on). */
  enterprise?: boolean;
  /** What is asked for now; absent in interactions begun before it existed (see nextStep). */
  next?: 'code' | 'licence';
  /** The methods the person has passed so far (`amr`), e.g. ["pwd"] or ["pwd","otp"]. */
  amr?: string[];
}

function nextStep(pending: PendingSecondFactor): 'code' | 'licence' {
  return pending.next ?? (pending.enterprise ? 'licence' : 'code');
}

function pendingOf(details: Details): PendingSecondFactor | undefined {
  return (details.result as { tongban?: PendingSecondFactor } | undefined)?.tongban;
}

/** The pending step when it is a one-time code (or recovery code) that is awaited. */
function awaitingCode(details: Details): PendingSecondFactor | undefined {
  const pending = pendingOf(details);
  return pending && nextStep(pending) === 'code' ? pending : undefined;
}

/** Where the OTP page sends a citizen who has lost the phone and the recovery codes; the sign-in page's help link. */
const HELP_URL = '/help';
/** How a forgotten password is reset (src/site). */
const FORGOT_PASSWORD_URL = '/forgot-password';

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
    private readonly prefill: LoginPrefill,
    private readonly licenceLogin: LicenceLoginService,
    private readonly clients: ClientStore,
    @Optional() private readonly audit?: AuditService,
  ) {}

  @Get()
  async show(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    const { prompt } = details;
    if (prompt.name === 'login') {
      // The password was taken and the code is awaited (also after switching the page's language).
      const pending = awaitingCode(details);
      if (pending) return this.askForCode(req, res, details, pending);
      if ((await this.requiredLevel(details)) >= 3) return res.redirect(this.urls(details).enterprise, 303);
      const stepUpAccount = prompt.reasons.includes('loa_step_up') ? details.session?.accountId : undefined;
      if (stepUpAccount) return this.askForCode(req, res, details, { accountId: stepUpAccount, failures: 0, next: 'code', amr: ['pwd'] });
      return this.renderLogin(req, res, details);
    }
    if (prompt.name === 'consent') return this.renderConsent(req, res, details);
    this.renderError(req, res, 400, t(pageLanguage(req), 'error.unknown_prompt'), 'invalid_request');
  }

  @Post('login')
  async login(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    const form = readForm(LoginForm, req.body);
    // The ID number the citizen typed goes back into its field after a failure (in this answer to
    // their own POST only: never in a URL, never logged).
    const typed = { idNumber: form?.id_number.trim() };
    if (!this.csrfValid(req, details)) return this.renderLogin(req, res, details, 'csrf', 403, undefined, undefined, typed);
    if (details.prompt.name !== 'login')
      return this.renderError(req, res, 400, t(pageLanguage(req), 'error.unknown_prompt'), 'invalid_request');
    if (!form) return this.renderLogin(req, res, details, 'invalid', 400);

    const outcome = await this.accounts.authenticate({ idNumber: form.id_number.trim(), password: form.password, ip: req.ip ?? 'unknown' });
    if (!outcome.ok) {
      recordFailedSignIn(this.audit, this.accounts, form.id_number, {
        outcome: outcome.reason === 'invalid' ? 'failure' : 'refused',
        client: String(details.params.client_id),
        requestId: requestIdOf(res),
        details: { reason: outcome.reason, amr: 'pwd' },
      });
      const status = outcome.reason === 'rate_limited' ? 429 : outcome.reason === 'locked' ? 423 : 401;
      if (outcome.retryAfterSeconds) res.header('retry-after', String(outcome.retryAfterSeconds));
      return this.renderLogin(req, res, details, outcome.reason, status, outcome.retryAfterSeconds, undefined, {
        ...typed,
        attemptsLeft: outcome.attemptsLeft,
      });
    }
    const account = outcome.account;
    const required = await this.requiredLevel(details);
    const enterprise = required >= 3 || req.query.enterprise === '1';
    // Two-step sign-in, once on, is asked for at every password sign-in, whatever the portal
    // requires (and before the licence, when the person signs in to act for an enterprise).
    if (account.totpEnabled) {
      return this.askForCode(req, res, details, {
        accountId: account.id,
        failures: 0,
        next: 'code',
        amr: ['pwd'],
        ...(enterprise && { enterprise }),
      });
    }
    if (enterprise) {
      // Enterprise sign-in, step 1 done: the person is known; the licence comes next.
      await this.remember(details, { accountId: account.id, failures: 0, enterprise: true, next: 'licence', amr: ['pwd'] });
      return res.redirect(this.urls(details).enterprise, 303);
    }
    if (required >= 2) {
      this.signInRefused(res, details, account.id, 'second_factor_not_set_up');
      return this.finish(req, res, UNMET_SECOND_FACTOR);
    }
    await this.finish(req, res, { login: { accountId: account.id, acr: LOA_ACR[1], amr: ['pwd'], remember: false } });
  }

  @Post('otp')
  async otp(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    const pending = awaitingCode(details);
    if (!pending) return this.renderError(req, res, 400, t(pageLanguage(req), 'error.expired'), 'invalid_request');
    if (!this.csrfValid(req, details)) return this.askForCode(req, res, details, pending, { error: 'csrf', status: 403 });
    const form = readForm(OtpForm, req.body);
    const check: SecondFactorCheck = form ? await this.accounts.checkTotp(pending.accountId, form.code.trim()) : { ok: false };
    return this.afterCode(req, res, details, pending, check, 'code');
  }

  /** "Use a recovery code instead": the same step, with a recovery code's form. */
  @Get('recovery')
  async recoveryForm(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    const pending = awaitingCode(details);
    if (!pending) return this.renderError(req, res, 400, t(pageLanguage(req), 'error.expired'), 'invalid_request');
    return this.askForCode(req, res, details, pending, { mode: 'recovery' });
  }

  @Post('recovery')
  async recovery(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    const pending = awaitingCode(details);
    if (!pending) return this.renderError(req, res, 400, t(pageLanguage(req), 'error.expired'), 'invalid_request');
    if (!this.csrfValid(req, details)) return this.askForCode(req, res, details, pending, { mode: 'recovery', error: 'csrf', status: 403 });
    const form = readForm(RecoveryCodeForm, req.body);
    const check: SecondFactorCheck = form ? await this.accounts.useRecoveryCode(pending.accountId, form.recovery_code) : { ok: false };
    return this.afterCode(req, res, details, pending, check, 'recovery');
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
    const remember = 'remember' in form && Boolean(form.remember);
    if (remember) await this.consents.remember(accountId, clientId, grant.getOIDCScope(), [...(grant.getOIDCClaims?.() ?? [])]);
    await this.audit?.append({
      action: 'consent.grant',
      actor: sessionActor(accountId),
      subject: sessionSubject(accountId),
      client: clientId,
      object: grantId,
      outcome: 'success',
      requestId: requestIdOf(res),
      details: { scope: grant.getOIDCScope(), remembered: remember },
    });
    await this.finish(req, res, { consent: details.grantId ? {} : { grantId } }, true);
  }

  /**
   * Enterprise sign-in (design §6), QR code first (issue 11, point 2): the tab shows a one-time
   * challenge at once. When the person is signed in already (SSO, or the password on this page
   * first), the challenge is theirs and the wallet's answer is checked against them as it comes.
   * Otherwise the wallet's answer proves the licence only: it is held for this interaction (this
   * browser's) and signs nobody in until a person signs in here — the password, then the code
   * when two-step sign-in is on — and is found to be the legal representative or an agent
   * (docs/decisions.md). The page asks the status URL (script) or reloads itself (no script);
   * once the sign-in is settled, the interaction ends at loa:3 with the enterprise as subject.
   */
  @Get('enterprise')
  async enterprise(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login')
      return this.renderError(req, res, 400, t(pageLanguage(req), 'error.unknown_prompt'), 'invalid_request');
    const pending = pendingOf(details);
    // The person's own steps come first once begun: the one-time code, when two-step sign-in is on.
    if (pending && nextStep(pending) === 'code') return this.askForCode(req, res, details, pending);
    const signedInNow = pending?.enterprise ? pending : undefined;
    const person = signedInNow ? signedInNow.accountId : personOf(details.session?.accountId);
    const account = person ? await this.accounts.findById(person) : null;
    const personAmr = signedInNow ? (signedInNow.amr ?? ['pwd']) : details.session?.amr?.includes('otp') ? ['pwd', 'otp'] : ['pwd'];
    if (person && account?.totpEnabled && !personAmr.includes('otp')) {
      // Signed in earlier with the password alone (two-step sign-in was turned on since): the code now.
      return this.askForCode(req, res, details, { accountId: person, failures: 0, next: 'code', enterprise: true, amr: ['pwd'] });
    }

    const requested = await this.requestedChallenge(req, details);
    const mine = requested && (requested.accountId === undefined || requested.accountId === person) ? requested : undefined;
    // The wallet answered a QR code shown before anyone signed in: the person signs in (or has), then is checked.
    const answered = mine?.status === 'answered' ? mine : await this.challenges.answeredFor(details.uid);
    if (answered) {
      const holdUntil = this.challenges.holdUntil(answered);
      if (!holdUntil || holdUntil.getTime() <= Date.now())
        return this.renderEnterprise(req, res, details, { state: 'hold_expired', account }, 400);
      if (!person) return this.renderLogin(req, res, details, undefined, 200, undefined, true);
      const outcome = await this.licenceLogin.confirmPerson(answered, person);
      if (outcome.ok) return this.finishEnterprise(req, res, answered, person, personAmr);
      if (outcome.reason === 'not_held') return this.renderEnterprise(req, res, details, { state: 'hold_expired', account }, 400);
      this.logger.log(`enterprise sign-in: account ${person} may not act with the licence presented (${outcome.reason})`);
      if (answered.uscc) this.signInRefused(res, details, person, outcome.reason, { kind: 'enterprise', uscc: answered.uscc });
      const enterpriseName = await this.licenceLogin.enterpriseName(answered.uscc);
      const state = outcome.reason === 'not_authorised' ? 'not_authorised' : 'licence_gone';
      return this.renderEnterprise(req, res, details, { state, account, enterpriseName }, 403);
    }
    if (mine?.status === 'accepted' && person && mine.accountId === person) return this.finishEnterprise(req, res, mine, person, personAmr);
    if (mine?.status === 'failed') {
      if (mine.answeredAt) {
        // The wallet's answer was good, the person who signed in after it was not (see above).
        const enterpriseName = await this.licenceLogin.enterpriseName(mine.uscc);
        const state = mine.lastError === 'not_authorised' ? 'not_authorised' : 'licence_gone';
        return this.renderEnterprise(req, res, details, { state, account, enterpriseName }, 403);
      }
      return this.renderEnterprise(req, res, details, { state: 'failed', account, refusal: mine.lastError }, 400);
    }
    if (mine?.status === 'pending' && mine.expiresAt.getTime() <= Date.now())
      return this.renderEnterprise(req, res, details, { state: 'expired', account }, 400);
    const current = mine?.status === 'pending' ? mine : await this.challenges.create(details.uid, person);
    return this.renderEnterprise(req, res, details, { state: 'waiting', account, challenge: current, refusal: current.lastError });
  }

  /**
   * What the enterprise page's script asks every few seconds (JSON, no side effects): the state
   * of the page's challenge — `waiting` (with the code of the wallet's last refused answer, if
   * any), `answered`, `accepted`, `failed`, `expired` — or `gone` when the sign-in request is.
   * The script reloads the page when it differs from what the page shows.
   */
  @Get('enterprise/status')
  async enterpriseStatus(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    res.header('cache-control', 'no-store');
    let details: Details | undefined;
    try {
      details = await this.oidc.provider.interactionDetails(req.raw, res.raw);
    } catch (err) {
      if (!(err instanceof oidcErrors.SessionNotFound)) throw err;
    }
    if (!details || details.uid !== req.params.uid) return void res.code(404).send({ state: 'gone' });
    const challenge = await this.requestedChallenge(req, details);
    if (!challenge) return void res.code(404).send({ state: 'gone' });
    const state = challenge.status === 'pending' ? (challenge.expiresAt.getTime() <= Date.now() ? 'expired' : 'waiting') : challenge.status;
    res.send({ state, refusal: challenge.status === 'pending' ? (challenge.lastError ?? '') : '' });
  }

  @Post('abort')
  async abort(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    if (!this.csrfValid(req, details)) return this.renderError(req, res, 403, t(pageLanguage(req), 'error.csrf'), 'invalid_request');
    await this.finish(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' });
  }

  /**
   * "不是您？" on the consent page: the signed-in person's session ends (as "sign out everywhere"
   * ends it: every portal of it told by back-channel, its grants revoked), then the portal's
   * request starts again with prompt=login, so whoever signs in now continues to the same portal.
   * A FAPI portal's request cannot be repeated without it (PAR): the browser gets the signed-out
   * page with the way back to the portal instead.
   */
  @Post('switch')
  async switchAccount(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const details = await this.details(req, res);
    if (!details) return;
    if (!this.csrfValid(req, details)) return this.renderConsent(req, res, details, 403);
    const { provider } = this.oidc;
    const clientId = String(details.params.client_id);
    const client = await provider.Client.find(clientId);
    if (details.session?.uid) await endSession(provider, details.session.uid, (message) => this.logger.warn(message));
    const restart = restartWithLogin(details.params, client);
    if (restart) return res.redirect(restart, 303);
    const signedOut = new URLSearchParams({ client_id: clientId });
    const back = client?.postLogoutRedirectUris?.[0];
    if (back) signedOut.set('return', back);
    res.redirect(`/session/end/success?${signedOut.toString()}`, 303);
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
    const login = result.login as { accountId: string; acr?: string; amr?: string[] } | undefined;
    const clientId = login ? String((await this.oidc.provider.interactionDetails(req.raw, res.raw)).params.client_id) : undefined;
    // The sign-in is in the audit log before the browser is sent on (issue 14): acr, amr, the portal.
    if (login && clientId) {
      const serial = parseEnterpriseAccountId(login.accountId)?.certificateSerial;
      await this.audit?.append({
        action: 'signin',
        actor: sessionActor(login.accountId),
        subject: sessionSubject(login.accountId),
        client: clientId,
        outcome: 'success',
        requestId: requestIdOf(res),
        details: { acr: login.acr ?? '', amr: (login.amr ?? []).join(' '), ...(serial ? { certificate: serial } : {}) },
      });
    }
    await this.oidc.provider.interactionFinished(req.raw, res.raw, result, { mergeWithLastSubmission: merge });
    // The citizen's sign-in history (account page); a failure to record it does not undo the sign-in.
    if (login && clientId) {
      const actor = parseEnterpriseAccountId(login.accountId);
      await this.accounts
        .recordSignIn({
          accountId: actor?.personAccountId ?? login.accountId,
          clientId,
          acr: login.acr ?? '',
          amr: login.amr ?? [],
          enterprise: Boolean(actor),
          ip: req.ip,
        })
        .catch((err: unknown) =>
          this.logger.warn(`sign-in not recorded in the history: ${err instanceof Error ? err.message : String(err)}`),
        );
    }
  }

  /** A sign-in the person passed the password for but may not complete (audit log, in the background). */
  private signInRefused(
    res: FastifyReply,
    details: Details,
    accountId: string,
    reason: string,
    subject: AuditSubject = { kind: 'account', id: accountId },
  ): void {
    this.audit?.record({
      action: 'signin',
      actor: { kind: 'account', id: accountId },
      subject,
      client: String(details.params.client_id),
      outcome: 'refused',
      requestId: requestIdOf(res),
      details: { reason },
    });
  }

  /** A wrong one-time or recovery code at sign-in (audit log, in the background); `refused` once it locks or ends the sign-in. */
  private secondFactorFailed(
    res: FastifyReply,
    details: Details,
    pending: PendingSecondFactor,
    mode: 'code' | 'recovery',
    final: boolean,
  ): void {
    this.audit?.record({
      action: 'signin.second-factor',
      actor: { kind: 'account', id: pending.accountId },
      subject: { kind: 'account', id: pending.accountId },
      client: String(details.params.client_id),
      outcome: final ? 'refused' : 'failure',
      requestId: requestIdOf(res),
      details: { method: mode === 'recovery' ? 'recovery-code' : 'otp', failures: pending.failures + 1 },
    });
  }

  /** The portal's name in the page's language. */
  private clientName(req: HttpRequest, details: Details): Promise<string> {
    return this.clients.portalName(String(details.params.client_id), pageLanguage(req));
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
      recovery: `${base}/recovery`,
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

  /** The challenge the enterprise page names in `?challenge=`, if it belongs to this interaction. */
  private async requestedChallenge(req: HttpRequest, details: Details): Promise<Challenge | undefined> {
    const id = typeof req.query.challenge === 'string' ? req.query.challenge.slice(0, 64) : undefined;
    const challenge = id ? await this.challenges.find(id) : undefined;
    return challenge && challenge.interactionUid === details.uid ? challenge : undefined;
  }

  /** The person may act for the enterprise with the licence the wallet presented: signed in at loa:3 as the enterprise. */
  private finishEnterprise(req: HttpRequest, res: FastifyReply, challenge: Challenge, person: string, personAmr: string[]) {
    return this.finish(req, res, {
      login: {
        accountId: enterpriseAccountId({ uscc: challenge.uscc!, personAccountId: person, certificateSerial: challenge.certificateSerial! }),
        acr: LOA_ACR[3],
        amr: [...personAmr, 'swk'],
        remember: false,
      },
    });
  }

  /** The enterprise tab in one of its states (src/oidc/pages/enterprise.ts); `waiting` with the QR code of `challenge`. */
  private async renderEnterprise(
    req: HttpRequest,
    res: FastifyReply,
    details: Details,
    view: {
      state: EnterprisePageState;
      account: CitizenAccount | null;
      challenge?: Challenge;
      refusal?: string;
      enterpriseName?: string;
    },
    status = 200,
  ) {
    const urls = this.urls(details);
    const clientName = await this.clientName(req, details);
    const { challenge, account } = view;
    const text = challenge && this.challenges.offerText(this.challenges.offer(challenge, this.config.publicUrl));
    const qrSvg = text ? await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) : undefined;
    const query = challenge ? `?challenge=${encodeURIComponent(challenge.id)}` : '';
    sendPage(req, res, status, (base) =>
      enterpriseLoginPage({
        ...base,
        csrf: this.csrf.issue(`interaction:${details.uid}`),
        clientName,
        state: view.state,
        tabs: { citizenUrl: urls.base, enterpriseUrl: urls.enterprise },
        who: account ? { name: account.name, idNumberMasked: account.idNumberMasked } : undefined,
        switchUrl: `${urls.base}/switch`,
        qrSvg,
        challengeText: text,
        expiresAt: challenge?.expiresAt,
        pollUrl: `${urls.enterprise}${query}`,
        statusUrl: challenge ? `${urls.enterprise}/status${query}` : undefined,
        restartUrl: urls.enterprise,
        abortUrl: urls.abort,
        refusal: view.refusal,
        enterpriseName: view.enterpriseName,
      }),
    );
  }

  private async renderLogin(
    req: HttpRequest,
    res: FastifyReply,
    details: Details,
    error?: 'invalid' | 'locked' | 'rate_limited' | 'csrf',
    status = 200,
    retryAfterSeconds?: number,
    enterprise = req.query.enterprise === '1',
    typed: { idNumber?: string; attemptsLeft?: number } = {},
  ) {
    const urls = this.urls(details);
    const clientName = await this.clientName(req, details);
    const loa2Required = (await this.requiredLevel(details)) >= 2;
    // Just registered (from this page's "注册账户"): the ID number the citizen registered with.
    const idNumber = typed.idNumber || (await this.prefill.read(req, details.uid));
    // Enterprise sign-in, QR code first: the wallet has answered; the person signs in now.
    const answered = enterprise ? await this.challenges.answeredFor(details.uid) : undefined;
    const holdUntil = answered && this.challenges.holdUntil(answered);
    const enterpriseName = answered && (await this.licenceLogin.enterpriseName(answered.uscc));
    sendPage(req, res, status, (base) =>
      loginPage({
        ...base,
        csrf: this.csrf.issue(`interaction:${details.uid}`),
        actionUrl: enterprise ? `${urls.login}?enterprise=1` : urls.login,
        abortUrl: urls.abort,
        clientName,
        error,
        retryAfterMinutes: retryAfterSeconds ? Math.ceil(retryAfterSeconds / 60) : undefined,
        retryAt: retryAfterSeconds ? new Date(Date.now() + retryAfterSeconds * 1000) : undefined,
        attemptsLeft: typed.attemptsLeft,
        lockMinutes: this.config.loginLockMinutes,
        forgotUrl: FORGOT_PASSWORD_URL,
        helpUrl: HELP_URL,
        enterpriseAnswered:
          answered && holdUntil
            ? {
                enterpriseName: enterpriseName ?? answered.uscc ?? '',
                holdUntil,
                expiredUrl: `${urls.enterprise}?challenge=${encodeURIComponent(answered.id)}`,
              }
            : undefined,
        loa2Required,
        registerUrl: `/register?return=${encodeURIComponent(details.uid)}`,
        idNumber,
        tabs: { active: enterprise ? 'enterprise' : 'citizen', citizenUrl: urls.base, enterpriseUrl: urls.enterprise },
      }),
    );
  }

  /**
   * Records the password step in the interaction and shows the one-time-code page (or, with
   * `mode: 'recovery'`, its recovery-code form).
   */
  private async askForCode(
    req: HttpRequest,
    res: FastifyReply,
    details: Details,
    pending: PendingSecondFactor,
    options: { mode?: 'code' | 'recovery'; error?: OtpError; status?: number; retryAfterSeconds?: number } = {},
  ) {
    const account = await this.accounts.findById(pending.accountId);
    if (!account?.totpEnabled) return this.finish(req, res, UNMET_SECOND_FACTOR);
    if (!(await this.remember(details, { ...pending, next: 'code' })))
      return this.renderError(req, res, 400, t(pageLanguage(req), 'error.expired'), 'interaction_expired');
    const urls = this.urls(details);
    const clientName = await this.clientName(req, details);
    sendPage(req, res, options.status ?? 200, (base) =>
      otpPage({
        ...base,
        csrf: this.csrf.issue(`interaction:${details.uid}`),
        actionUrl: urls.otp,
        abortUrl: urls.abort,
        clientName,
        error: options.error,
        retryAfterMinutes: options.retryAfterSeconds ? Math.ceil(options.retryAfterSeconds / 60) : undefined,
        accountNameMasked: account.name,
        idNumberMasked: account.idNumberMasked,
        mode: options.mode,
        recoveryActionUrl: urls.recovery,
        recoveryUrl: urls.recovery,
        codeUrl: urls.base,
        helpUrl: HELP_URL,
      }),
    );
  }

  /**
   * After a one-time code or a recovery code: on to the licence (enterprise sign-in) or signed in
   * at loa:2; otherwise the same page with the error. A recovery code is a one-time password in
   * RFC 8176's sense, so it gives the same `otp` as the app's code (docs/decisions.md).
   */
  private async afterCode(
    req: HttpRequest,
    res: FastifyReply,
    details: Details,
    pending: PendingSecondFactor,
    check: SecondFactorCheck,
    mode: 'code' | 'recovery',
  ): Promise<void> {
    if (check.ok) {
      if (mode === 'recovery') this.logger.log(`account ${pending.accountId} passed the second step with a recovery code`);
      const amr = [...(pending.amr ?? ['pwd']), 'otp'];
      if (pending.enterprise) {
        if (!(await this.remember(details, { accountId: pending.accountId, failures: 0, enterprise: true, next: 'licence', amr })))
          return this.renderError(req, res, 400, t(pageLanguage(req), 'error.expired'), 'interaction_expired');
        return res.redirect(this.urls(details).enterprise, 303);
      }
      return this.finish(req, res, { login: { accountId: pending.accountId, acr: LOA_ACR[2], amr, remember: false } });
    }
    this.secondFactorFailed(res, details, pending, mode, check.lockedFor !== undefined || pending.failures + 1 >= MAX_CODE_FAILURES);
    if (check.lockedFor !== undefined) {
      res.header('retry-after', String(check.lockedFor));
      return this.askForCode(req, res, details, pending, { mode, error: 'locked', status: 423, retryAfterSeconds: check.lockedFor });
    }
    if (pending.failures + 1 >= MAX_CODE_FAILURES) {
      return this.finish(req, res, { error: 'access_denied', error_description: 'too many wrong one-time codes' });
    }
    const error = mode === 'recovery' ? 'invalid_recovery_code' : 'invalid_code';
    return this.askForCode(req, res, details, { ...pending, failures: pending.failures + 1 }, { mode, error, status: 401 });
  }

  private async renderConsent(req: HttpRequest, res: FastifyReply, details: Details, status = 200) {
    const urls = this.urls(details);
    const client = await this.oidc.provider.Client.find(String(details.params.client_id));
    const who = await this.signedInAs(details.session?.accountId);
    const clientName = await this.clientName(req, details);
    sendPage(req, res, status, (base) =>
      consentPage({
        ...base,
        csrf: this.csrf.issue(`interaction:${details.uid}`),
        actionUrl: urls.confirm,
        abortUrl: urls.abort,
        switchUrl: `${urls.base}/switch`,
        who,
        clientName,
        clientUri: client?.clientUri,
        items: consentItems(base.lang, details.prompt.details),
      }),
    );
  }

  /** The person of a session as the consent page names them (in an enterprise session: the one acting). */
  private async signedInAs(accountId: string | undefined): Promise<SignedInAs | undefined> {
    const person = personOf(accountId);
    const account = person ? await this.accounts.findById(person) : null;
    return account ? { name: account.name, idNumberMasked: account.idNumberMasked } : undefined;
  }

  /**
   * An error page in plain words (src/pages/error.ts): `code` chooses them, made more precise by
   * which `error.*` text the caller passed as `message`; neither code nor text is shown as such.
   * The page gives the request id as the reference for support, and the log line ties it to the code.
   */
  private renderError(req: HttpRequest, res: FastifyReply, status: number, message: string, code: string) {
    const lang = pageLanguage(req);
    const precise = MESSAGE_CODES.find(([key]) => t(lang, key) === message)?.[1] ?? code;
    const requestId = requestIdOf(res);
    this.logger.log(`error page for ${precise} (${code}), reference ${requestId ?? '-'}`);
    sendPage(req, res, status, (base) => errorPage({ ...base, error: precise, requestId }));
  }
}

/** The `error.*` texts callers pass to renderError, and the error each stands for. */
const MESSAGE_CODES: ReadonlyArray<[string, string]> = [
  ['error.expired', 'interaction_expired'],
  ['error.interaction_expired', 'interaction_expired'],
  ['error.csrf', 'csrf'],
  ['error.unknown_prompt', 'unknown_prompt'],
];

/** The person behind a session: the citizen, or whoever acts in an enterprise session. */
function personOf(accountId: string | undefined): string | undefined {
  if (!accountId) return undefined;
  return parseEnterpriseAccountId(accountId)?.personAccountId ?? accountId;
}
