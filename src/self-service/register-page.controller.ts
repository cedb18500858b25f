import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { randomBytes } from 'node:crypto';
import { IsString, Length } from 'class-validator';
import { REGISTER_LIMIT_PER_MINUTE } from '../accounts/accounts.controller.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { IpWindows } from '../accounts/ip-windows.js';
import { ApiError } from '../common/api-error.js';
import { canonicalCitizenId } from '../identifiers/citizen-id.js';
import { CsrfTokens } from '../oidc/csrf.js';
import { CsrfForm, readForm } from '../pages/forms.js';
import { sendPage } from '../pages/page-response.js';
import { t } from '../pages/index.js';
import { registerPage, type RegisterField } from './pages/register.js';

class RegisterForm extends CsrfForm {
  @IsString() @Length(1, 64) id_number!: string;
  @IsString() @Length(1, 100) name!: string;
  @IsString() @Length(1, 1024) password!: string;
  @IsString() @Length(1, 1024) password_confirm!: string;
}

const BROWSER_COOKIE = 'tongban_browser';

/**
 * The registration page for citizens (the HTML face of POST /api/v1/citizens/register). Its CSRF
 * token is bound to a random per-browser cookie, as there is no session yet.
 */
@ApiExcludeController()
@Controller('register')
export class RegisterPageController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly ipWindows: IpWindows,
    private readonly csrf: CsrfTokens,
  ) {}

  @Get()
  show(@Req() req: HttpRequest, @Res() res: FastifyReply): void {
    this.render(req, res, 200);
  }

  @Post()
  async register(@Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const browser = this.browser(req, res);
    if (!this.csrf.check(`register:${browser}`, (req.body as { csrf?: unknown } | undefined)?.csrf)) {
      return this.render(req, res, 403, { key: 'error.csrf' });
    }
    const limit = await this.ipWindows.hit(`register:${req.ip ?? ''}`, REGISTER_LIMIT_PER_MINUTE);
    if (!limit.allowed) {
      res.header('retry-after', String(limit.retryAfterSeconds));
      return this.render(req, res, 429, { key: 'register.error.rate_limited' });
    }
    const form = readForm(RegisterForm, req.body);
    if (!form) return this.render(req, res, 400, { key: 'register.error.id_number_invalid', field: 'id_number' });
    const name = form.name.trim();
    if (!canonicalCitizenId(form.id_number.trim()))
      return this.render(req, res, 400, { key: 'register.error.id_number_invalid', field: 'id_number' }, name);
    if (form.password !== form.password_confirm)
      return this.render(req, res, 400, { key: 'register.error.passwords_differ', field: 'password_confirm' }, name);
    try {
      await this.accounts.register({ idNumber: form.id_number.trim(), name, password: form.password });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const code = (err.getResponse() as { error: string }).error;
      const mapped: Record<string, { key: string; field?: RegisterField }> = {
        weak_password: { key: 'register.error.weak_password', field: 'password' },
        not_in_registry: { key: 'register.error.identity_mismatch' },
        already_registered: { key: 'register.error.unavailable' },
      };
      return this.render(req, res, err.getStatus(), mapped[code] ?? { key: 'error.generic' }, name);
    }
    res.redirect('/account', 303);
  }

  private browser(req: HttpRequest, res: FastifyReply): string {
    const existing = req.cookies?.[BROWSER_COOKIE];
    if (existing && /^[\w-]{20,60}$/.test(existing)) return existing;
    const created = randomBytes(24).toString('base64url');
    res.setCookie(BROWSER_COOKIE, created, { httpOnly: true, sameSite: 'lax', path: '/register' });
    return created;
  }

  private render(req: HttpRequest, res: FastifyReply, status: number, error?: { key: string; field?: RegisterField }, name?: string): void {
    const browser = this.browser(req, res);
    sendPage(req, res, status, (base) =>
      registerPage({
        ...base,
        csrf: this.csrf.issue(`register:${browser}`),
        actionUrl: '/register',
        loginUrl: '/account',
        error: error ? { text: t(base.lang, error.key), field: error.field } : undefined,
        name,
      }),
    );
  }
}
