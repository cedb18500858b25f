import { Controller, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { randomBytes } from 'node:crypto';
import { REGISTER_LIMIT_PER_MINUTE } from '../accounts/accounts.controller.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { IpWindows } from '../accounts/ip-windows.js';
import { INTERACTION_UID, LoginPrefill } from '../accounts/login-prefill.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, checkNewPassword } from '../accounts/password-policy.js';
import { TERMS_VERSION } from '../accounts/terms.js';
import { ClientStore } from '../clients/client-store.js';
import { portalName } from '../clients/client-names.js';
import { ApiError } from '../common/api-error.js';
import { canonicalCitizenId, checkCitizenId } from '../identifiers/citizen-id.js';
import { KeyStore } from '../keys/keystore.service.js';
import { CsrfTokens } from '../oidc/csrf.js';
import { OidcProviderService } from '../oidc/oidc-provider.service.js';
import { pageLanguage, sendPage } from '../pages/page-response.js';
import { type Lang, t } from '../pages/messages.js';
import { RegisterForm, readRegisterForm } from './forms.js';
import { REGISTER_FIELDS, type RegisterField, registerPage, registeredPage } from './pages/register.js';

const BROWSER_COOKIE = 'tongban_browser';
/** The success page's note of who just registered (sealed, for /register/done only). */
const DONE_COOKIE = 'tongban_registered';
const DONE_AAD = 'tongban registered v1';
const DONE_SECONDS = 600;

type FieldErrors = Partial<Record<RegisterField, string[]>>;

/** The portal a registration started from: the interaction of its sign-in page, still open. */
interface ReturnTarget {
  uid: string;
  clientId: string;
  clientName: string;
}

/**
 * The registration page for citizens (the HTML face of POST /api/v1/citizens/register). Its CSRF
 * token is bound to a random per-browser cookie, as there is no session yet.
 *
 * Coming from a portal's sign-in page ("注册账户" links to `/register?return=<interaction uid>`),
 * the citizen goes back there afterwards: the only place a registration returns to is
 * `/interaction/<uid>` of an interaction that exists (a relative URL made here, never one taken
 * from the request: no open redirect), and the ID number reaches that page's field through
 * LoginPrefill (a sealed cookie scoped to that path), never through a URL.
 */
@ApiExcludeController()
@Controller('register')
export class RegisterPageController {
  private readonly logger = new Logger('register');

  constructor(
    private readonly accounts: AccountsService,
    private readonly ipWindows: IpWindows,
    private readonly csrf: CsrfTokens,
    private readonly oidc: OidcProviderService,
    private readonly clients: ClientStore,
    private readonly prefill: LoginPrefill,
    private readonly keys: KeyStore,
  ) {}

  @Get()
  async show(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const returnTo = await this.returnTarget(req.query.return, pageLanguage(req));
    this.render(req, res, 200, { returnTo });
  }

  @Post()
  async register(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const lang = pageLanguage(req);
    const body = (typeof req.body === 'object' && req.body ? req.body : {}) as Record<string, unknown>;
    const returnTo = await this.returnTarget(body.return, lang);
    const browser = this.browser(req, res);
    if (!this.csrf.check(`register:${browser}`, body.csrf)) {
      return this.render(req, res, 403, { returnTo, formErrors: [t(lang, 'register.error.csrf')] });
    }
    const limit = await this.ipWindows.hit(`register:${req.ip ?? ''}`, REGISTER_LIMIT_PER_MINUTE);
    if (!limit.allowed) {
      res.header('retry-after', String(limit.retryAfterSeconds));
      return this.render(req, res, 429, { returnTo, formErrors: [t(lang, 'register.error.rate_limited')] });
    }

    const { form, invalid } = readRegisterForm(body);
    const errors = fieldErrors(lang, form, invalid);
    const values = {
      id_number: form.id_number,
      name: form.name,
      accept_terms: form.accept_terms === 'yes',
    };
    const passwordsCleared = Boolean(form.password || form.password_confirm);
    if (Object.keys(errors).length) return this.render(req, res, 400, { returnTo, errors, values, passwordsCleared });

    const idNumber = canonicalCitizenId(form.id_number)!;
    let accountId: string;
    try {
      ({ id: accountId } = await this.accounts.register({
        idNumber,
        name: form.name,
        password: form.password,
        termsVersion: TERMS_VERSION,
      }));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const code = (err.getResponse() as { error: string }).error;
      const failed: FieldErrors =
        code === 'not_in_registry'
          ? { id_number: [t(lang, 'register.error.identity_mismatch')], name: [t(lang, 'register.error.identity_mismatch')] }
          : code === 'already_registered'
            ? { id_number: [t(lang, 'register.error.unavailable')] }
            : code === 'weak_password'
              ? { password: passwordErrors(lang, form.password, idNumber) }
              : {};
      if (!Object.keys(failed).length) this.logger.warn(`registration refused with ${code}`);
      return this.render(req, res, err.getStatus(), {
        returnTo,
        errors: failed,
        formErrors: Object.keys(failed).length ? undefined : [t(lang, 'error.generic')],
        values,
        passwordsCleared,
      });
    }

    // Done: the portal's sign-in page will find the ID number; the success page, who registered.
    if (returnTo) await this.prefill.set(req, res, returnTo.uid, idNumber);
    const exp = Math.floor(Date.now() / 1000) + DONE_SECONDS;
    const done = await this.keys.sealText(JSON.stringify({ accountId, uid: returnTo?.uid, clientId: returnTo?.clientId, exp }), DONE_AAD);
    res.setCookie(DONE_COOKIE, done.value, {
      path: '/register/done',
      httpOnly: true,
      sameSite: 'lax',
      secure: req.protocol === 'https',
      maxAge: DONE_SECONDS,
    });
    res.redirect('/register/done', 303);
  }

  /** 注册成功, and the way back: to the portal's sign-in page (ID number filled in), else to the account page. */
  @Get('done')
  async done(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const lang = pageLanguage(req);
    const note = await this.doneNote(req.cookies?.[DONE_COOKIE]);
    const account = note && (await this.accounts.findById(note.accountId));
    if (!note || !account) return res.redirect('/register', 303);
    const returnTo = note.uid ? await this.returnTarget(note.uid, lang) : undefined;
    let expiredPortal: { clientName: string; url?: string } | undefined;
    if (!returnTo && note.clientId) {
      const metadata = (await this.clients.get(note.clientId))?.metadata as Record<string, unknown> | undefined;
      const uri = typeof metadata?.client_uri === 'string' && /^https?:\/\//.test(metadata.client_uri) ? metadata.client_uri : undefined;
      expiredPortal = { clientName: portalName(metadata, lang, note.clientId), url: uri };
    }
    sendPage(req, res, 200, (base) =>
      registeredPage({
        ...base,
        name: account.name,
        idNumberMasked: account.idNumberMasked,
        returnTo: returnTo ? { url: `/interaction/${returnTo.uid}`, clientName: returnTo.clientName } : undefined,
        expiredPortal,
      }),
    );
  }

  /** The interaction to return to, when `value` names one that is still open. */
  private async returnTarget(value: unknown, lang: Lang): Promise<ReturnTarget | undefined> {
    if (typeof value !== 'string' || !INTERACTION_UID.test(value)) return undefined;
    const interaction = await this.oidc.provider.Interaction.find(value).catch(() => undefined);
    if (!interaction || interaction.prompt?.name !== 'login') return undefined;
    const clientId = typeof interaction.params?.client_id === 'string' ? interaction.params.client_id : '';
    const metadata = clientId ? ((await this.clients.get(clientId))?.metadata as Record<string, unknown> | undefined) : undefined;
    if (!metadata) return undefined;
    return { uid: value, clientId, clientName: portalName(metadata, lang, clientId) };
  }

  private async doneNote(sealed: string | undefined): Promise<{ accountId: string; uid?: string; clientId?: string } | undefined> {
    if (!sealed || sealed.length > 2000) return undefined;
    try {
      const note = JSON.parse(await this.keys.openText(sealed, DONE_AAD)) as {
        accountId?: unknown;
        uid?: unknown;
        clientId?: unknown;
        exp?: unknown;
      };
      if (typeof note.accountId !== 'string' || typeof note.exp !== 'number' || note.exp * 1000 <= Date.now()) return undefined;
      return {
        accountId: note.accountId,
        uid: typeof note.uid === 'string' ? note.uid : undefined,
        clientId: typeof note.clientId === 'string' ? note.clientId : undefined,
      };
    } catch {
      return undefined;
    }
  }

  private browser(req: HttpRequest, res: FastifyReply): string {
    const existing = req.cookies?.[BROWSER_COOKIE];
    if (existing && /^[\w-]{20,60}$/.test(existing)) return existing;
    const created = randomBytes(24).toString('base64url');
    res.setCookie(BROWSER_COOKIE, created, { httpOnly: true, sameSite: 'lax', path: '/register' });
    // The same request must see it: a page rendered now carries a token bound to it.
    (req.cookies ??= {})[BROWSER_COOKIE] = created;
    return created;
  }

  private render(
    req: HttpRequest,
    res: FastifyReply,
    status: number,
    state: {
      returnTo?: ReturnTarget;
      errors?: FieldErrors;
      formErrors?: string[];
      values?: { id_number?: string; name?: string; accept_terms?: boolean };
      passwordsCleared?: boolean;
    },
  ): void {
    const browser = this.browser(req, res);
    const { returnTo } = state;
    sendPage(req, res, status, (base) =>
      registerPage({
        ...base,
        csrf: this.csrf.issue(`register:${browser}`),
        actionUrl: '/register',
        loginUrl: returnTo ? `/interaction/${returnTo.uid}` : '/account',
        returnTo: returnTo ? { uid: returnTo.uid, clientName: returnTo.clientName } : undefined,
        errors: state.errors,
        formErrors: state.formErrors,
        values: state.values,
        passwordsCleared: state.passwordsCleared,
      }),
    );
  }
}

/** Every field's errors at once, in the page's language: what the form's rules found, then the password rules. */
function fieldErrors(lang: Lang, form: RegisterForm, invalid: ReadonlySet<string>): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: RegisterField, text: string) => (errors[field] ??= []).push(text);

  if (!form.id_number) add('id_number', t(lang, 'register.error.id_number.required'));
  else if (invalid.has('id_number')) add('id_number', idNumberError(lang, form.id_number));

  if (!form.name) add('name', t(lang, 'register.error.name.required'));
  else if (invalid.has('name')) add('name', t(lang, 'register.error.name.too_long'));

  const idNumber = invalid.has('id_number') ? null : canonicalCitizenId(form.id_number);
  if (!form.password) add('password', t(lang, 'register.error.password.required'));
  else for (const text of passwordErrors(lang, form.password, idNumber)) add('password', text);

  if (!form.password_confirm) add('password_confirm', t(lang, 'register.error.password_confirm.required'));
  else if (form.password && form.password_confirm !== form.password)
    add('password_confirm', t(lang, 'register.error.password_confirm.differs'));

  if (form.accept_terms !== 'yes') add('accept_terms', t(lang, 'register.error.accept_terms.required'));
  // In the order of the form (the summary lists them so).
  return Object.fromEntries(REGISTER_FIELDS.filter((f) => errors[f]).map((f) => [f, errors[f]!]));
}

/** What exactly is wrong with an ID number, without repeating it. */
function idNumberError(lang: Lang, value: string): string {
  if (value.length !== 18) return t(lang, 'register.error.id_number.length', { count: [...value].length });
  const code = checkCitizenId(value).errors?.[0]?.code;
  return t(lang, code === 'CHARSET' || code === 'LENGTH' ? 'register.error.id_number.charset' : 'register.error.id_number.invalid');
}

/** The password rules this password breaks (the same check the service enforces), each in words. */
function passwordErrors(lang: Lang, password: string, idNumber: string | null): string[] {
  return checkNewPassword(password, idNumber).map((problem) =>
    t(lang, `register.error.password.${problem}`, { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }),
  );
}
