import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { maskCitizenIdsInText } from '../identifiers/citizen-id.js';
import { sendErrorPage, wantsErrorPage } from '../site/not-found.js';
import type { ErrorBody } from './api-error.js';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  503: 'unavailable',
};

/**
 * Shapes every error as `{ error, message, details? }`. Errors the code did not expect become a
 * plain 500 whose stack goes to the log, never to the client. A browser asking for a page outside
 * the API (Accept: text/html) gets the same error as a page in its language instead (src/site/not-found.ts). Fastify's own refusals (bad JSON,
 * a body too large, an unknown content type, an undecodable URL) keep their 4xx with fixed wording.
 */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, body } = this.toBody(exception);
    if (reply.sent || reply.raw.headersSent) return;
    // A browser asking for a page (an unknown one included) gets a page in its language; the API keeps its JSON.
    if (request && wantsErrorPage(request)) return sendErrorPage(request, reply, status, body.error);
    void reply.code(status).send(body);
  }

  private toBody(exception: unknown): { status: number; body: ErrorBody } {
    // Fastify's refusals arrive as they are, or wrapped by Nest's body parser in an HttpException.
    const fromFastify = fastifyError(exception) ?? (exception instanceof HttpException ? fastifyError(exception.cause) : undefined);
    if (fromFastify) return fromFastify;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      if (
        typeof raw === 'object' &&
        raw &&
        'error' in raw &&
        'message' in raw &&
        typeof raw.message === 'string' &&
        typeof raw.error === 'string' &&
        !('statusCode' in raw)
      ) {
        return { status, body: raw as ErrorBody };
      }
      const message =
        typeof raw === 'string'
          ? raw
          : typeof (raw as { message?: unknown }).message === 'string'
            ? (raw as { message: string }).message
            : exception.message;
      return { status, body: { error: CODE_BY_STATUS[status] ?? `http_${status}`, message: maskCitizenIdsInText(message) } };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: 'internal_error', message: 'an unexpected error occurred' } };
  }
}

/** Fastify's errors before a handler runs: their messages may quote the input, so they get fixed wording. */
export function fastifyError(exception: unknown): { status: number; body: ErrorBody } | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { code, statusCode } = exception as Error & { code?: string; statusCode?: number };
  if (code === 'FST_ERR_BAD_URL')
    return { status: 400, body: { error: 'malformed_url', message: 'the URL has an invalid percent-encoding' } };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, body: { error: 'payload_too_large', message: 'the request body is too large' } };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return {
      status: 415,
      body: { error: 'unsupported_media_type', message: 'the request body has a content type this service does not read' },
    };
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { status: 400, body: { error: 'malformed_json', message: 'the request body is not valid JSON' } };
  }
  if (code?.startsWith('FST_') && statusCode && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, body: { error: CODE_BY_STATUS[statusCode] ?? `http_${statusCode}`, message: 'the request was refused' } };
  }
  return undefined;
}
