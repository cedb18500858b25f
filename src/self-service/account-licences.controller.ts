import { Controller, Get, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { ACCOUNT_CONSOLE_CLIENT } from '../clients/first-party-clients.js';
import { ApiError } from '../common/api-error.js';
import type { HttpRequest } from '../common/http.js';
import { parseEnterpriseAccountId } from '../enterprise-login/enterprise-account.js';
import { canonicalLicenceId } from '../identifiers/licence-id.js';
import { contentDisposition, LicenceFiles, LicenceSharesService, MAX_RECORDED_OPENINGS, type Holder } from '../licences/holders/index.js';
import type { Licence } from '../licences/issuance/licence.js';
import { CsrfTokens } from '../oidc/csrf.js';
import { OidcProviderService } from '../oidc/oidc-provider.service.js';
import { t } from '../pages/messages.js';
import { pageLanguage, sendPage } from '../pages/page-response.js';
import { requestIdOf } from '../site/not-found.js';
import { AccountLicences, issuerName } from './account-licences.js';
import { DEFAULT_LIFETIME, licencesMessagePage, licencesText, shareFormPage, sharePageForHolder } from './pages/my-licences.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * 我的证照's pages behind /account (issue 13 §6), with the account page's session: a licence's
 * file (GET …/{id}/file[?format=pdf]), 亮证 — choosing the claims and the link's lifetime
 * (GET …/{id}/show, a form posting to POST …/{id}/shares), then the QR code and the link with a
 * countdown and the list of openings (GET …/shares/{shareId}), and ending a share early. Every
 * step works without script (forms and redirects); the countdown script only keeps the time.
 */
@ApiExcludeController()
@Controller('account/licences')
export class AccountLicencesController {
  private readonly logger = new Logger('account');

  constructor(
    private readonly oidc: OidcProviderService,
    private readonly csrf: CsrfTokens,
    private readonly licences: AccountLicences,
    private readonly shares: LicenceSharesService,
    private readonly files: LicenceFiles,
  ) {}

  @Get(':id/file')
  async file(@Param('id') id: string, @Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.session(req, res);
    if (!session) return res.redirect('/account', 303);
    const licence = await this.held(req, res, session.holder, id);
    if (!licence) return;
    const format = req.query.format === 'pdf' ? 'pdf' : 'ofd';
    try {
      const file = await this.files.render(licence, format, {
        actor: { kind: 'account', id: session.accountId },
        requestId: requestIdOf(res),
      });
      void res
        .header('cache-control', 'no-store')
        .header('content-disposition', contentDisposition(file))
        .header('x-content-type-options', 'nosniff');
      await res.type(file.mediaType).send(file.bytes);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const code = (err.getResponse() as { error: string }).error;
      this.logger.warn(`the ${format} file of licence ${licence.id} could not be made for its holder: ${code}`);
      const lang = pageLanguage(req);
      sendPage(req, res, err.getStatus(), (base) =>
        licencesMessagePage({
          ...base,
          title: licencesText(lang, 'my_licences.title'),
          text: licencesText(lang, code === 'font_lacks_characters' ? 'my_licences.file_font' : 'my_licences.file_failed'),
        }),
      );
    }
  }

  @Get(':id/show')
  async showForm(@Param('id') id: string, @Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.session(req, res);
    if (!session) return res.redirect('/account', 303);
    const licence = await this.held(req, res, session.holder, id);
    if (!licence) return;
    await this.renderForm(req, res, session, licence, 200);
  }

  @Post(':id/shares')
  async share(@Param('id') id: string, @Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    const licence = await this.held(req, res, session.holder, id);
    if (!licence) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const disclose = ([] as unknown[]).concat(body.disclose ?? []).filter((v): v is string => typeof v === 'string');
    const ttl = typeof body.ttl === 'string' && /^\d{1,5}$/.test(body.ttl) ? Number(body.ttl) : NaN;
    const lang = pageLanguage(req);
    try {
      const share = await this.shares.create(session.holder, licence.id, {
        disclose,
        ttlSeconds: ttl,
        createdBy: ACCOUNT_CONSOLE_CLIENT,
        requestId: requestIdOf(res),
      });
      res.redirect(`/account/licences/shares/${share.id}`, 303);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const answer = err.getResponse() as { error: string; details?: { status?: string } };
      const text =
        answer.error === 'invalid_ttl'
          ? licencesText(lang, 'my_licences.share.error.ttl')
          : answer.error === 'unknown_claim'
            ? licencesText(lang, 'my_licences.share.error.claims')
            : answer.error === 'licence_not_valid'
              ? licencesText(lang, 'my_licences.share.error.not_valid', {
                  status: licencesText(lang, `my_licences.status.${(answer.details?.status ?? 'revoked') as 'revoked'}`),
                })
              : undefined;
      if (!text) throw err;
      await this.renderForm(req, res, session, licence, err.getStatus(), { error: text, chosen: disclose, lifetime: ttl });
    }
  }

  @Get('shares/:shareId')
  async showShare(@Param('shareId') shareId: string, @Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.session(req, res);
    if (!session) return res.redirect('/account', 303);
    const lang = pageLanguage(req);
    const share = UUID.test(shareId) ? await this.shares.get(session.holder, shareId).catch(notFound) : undefined;
    const licence = share ? await this.shares.heldLicence(session.holder, share.licenceId).catch(notFound) : undefined;
    if (!share || !licence)
      return sendPage(req, res, 404, (base) =>
        licencesMessagePage({
          ...base,
          title: licencesText(lang, 'my_licences.shown.title'),
          text: licencesText(lang, 'my_licences.shares.not_found'),
        }),
      );
    const selfUrl = `/account/licences/shares/${share.id}`;
    const qrSvg = share.url ? await QRCode.toString(share.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) : undefined;
    const claims = await this.licences.sharedClaims(licence, share.disclosed, lang);
    sendPage(req, res, 200, (base) =>
      sharePageForHolder({
        ...base,
        csrf: this.csrf.issue(`account:${session.uid}`),
        type: lang === 'en' ? licence.type.name.en : licence.type.name.zh,
        state: share.state,
        ...(share.url ? { url: share.url } : {}),
        ...(qrSvg ? { qrSvg } : {}),
        selfUrl,
        endUrl: `${selfUrl}/end`,
        ...(licence.status === 'valid' ? { againUrl: `/account/licences/${encodeURIComponent(licence.id)}/show` } : {}),
        expiresAt: share.expiresAt,
        endedAt: share.endedAt,
        now: new Date(),
        claims,
        openings: share.openings,
        openingsCounted: share.openingsCounted,
        maxRecorded: MAX_RECORDED_OPENINGS,
        ...(req.query.done === 'ended' ? { flash: licencesText(lang, 'my_licences.shown.ended_flash') } : {}),
      }),
    );
  }

  @Post('shares/:shareId/end')
  async endShare(@Param('shareId') shareId: string, @Req() req: HttpRequest, @Res() res: FastifyReply): Promise<void> {
    const session = await this.authorised(req, res);
    if (!session) return;
    if (UUID.test(shareId)) await this.shares.end(session.holder, shareId, requestIdOf(res)).catch(notFound);
    res.redirect(`/account/licences/shares/${encodeURIComponent(shareId)}?done=ended`, 303);
  }

  private async renderForm(
    req: HttpRequest,
    res: FastifyReply,
    session: { uid: string; holder: Holder },
    licence: Licence,
    status: number,
    state: { error?: string; chosen?: string[]; lifetime?: number } = {},
  ): Promise<void> {
    const lang = pageLanguage(req);
    const claims = await this.licences.shareableClaims(licence, lang, state.chosen);
    const lifetime =
      state.lifetime !== undefined && Number.isInteger(state.lifetime) && state.lifetime > 0 ? state.lifetime : DEFAULT_LIFETIME;
    sendPage(req, res, status, (base) =>
      shareFormPage({
        ...base,
        csrf: this.csrf.issue(`account:${session.uid}`),
        type: lang === 'en' ? licence.type.name.en : licence.type.name.zh,
        issuer: issuerName(licence, lang),
        licenceId: licence.id,
        claims,
        lifetime,
        action: `/account/licences/${encodeURIComponent(licence.id)}/shares`,
        ...(state.error ? { error: state.error } : {}),
      }),
    );
  }

  /** The licence if it is the holder's; a 404 page otherwise (answered here). */
  private async held(req: HttpRequest, res: FastifyReply, holder: Holder, raw: string): Promise<Licence | undefined> {
    const id = canonicalLicenceId(raw);
    const licence = id ? await this.shares.heldLicence(holder, id).catch(notFound) : undefined;
    if (licence) return licence;
    const lang = pageLanguage(req);
    sendPage(req, res, 404, (base) =>
      licencesMessagePage({ ...base, title: licencesText(lang, 'my_licences.title'), text: licencesText(lang, 'my_licences.not_found') }),
    );
    return undefined;
  }

  /** The signed-in citizen (in an enterprise session: the acting person) as a holder. */
  private async session(req: HttpRequest, res: FastifyReply): Promise<{ uid: string; accountId: string; holder: Holder } | undefined> {
    const { provider } = this.oidc;
    const session = await provider.Session.get(provider.createContext(req.raw, res.raw));
    const accountId = session.accountId ? (parseEnterpriseAccountId(session.accountId)?.personAccountId ?? session.accountId) : undefined;
    const holder = accountId ? await this.licences.holder(accountId) : undefined;
    return holder && accountId ? { uid: session.uid, accountId, holder } : undefined;
  }

  /** The session of a POST, with its CSRF token checked (the account page's); answers itself otherwise. */
  private async authorised(req: HttpRequest, res: FastifyReply): Promise<{ uid: string; accountId: string; holder: Holder } | undefined> {
    const session = await this.session(req, res);
    if (!session) {
      res.redirect('/account', 303);
      return undefined;
    }
    const csrf = (req.body as Record<string, unknown> | undefined)?.csrf;
    if (typeof csrf !== 'string' || csrf.length > 100 || !this.csrf.check(`account:${session.uid}`, csrf)) {
      const lang = pageLanguage(req);
      sendPage(req, res, 403, (base) =>
        licencesMessagePage({ ...base, title: licencesText(lang, 'my_licences.title'), text: t(lang, 'error.csrf') }),
      );
      return undefined;
    }
    return session;
  }
}

/** A 404 ApiError as undefined (another holder's licence or share is not told apart from none); anything else thrown. */
function notFound(err: unknown): undefined {
  if (err instanceof ApiError && err.getStatus() === 404) return undefined;
  throw err;
}
