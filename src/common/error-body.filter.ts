import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { maskCitizenIdsInText } from '../identifiers/citizen-id.js';
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
 * plain 500 whose stack goes to the log, never to the client. Body-parser failures (bad JSON, too
 * large) reach here as HttpExceptions (Nest maps them) and keep their 4xx.
 */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toBody(exception);
    if (response.headersSent) return;
    response.status(status).json(body);
  }

  private toBody(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Express's own failures, mapped by Nest with the original error as the cause. Their
      // messages quote the input, so they get fixed wording.
      if (exception.cause instanceof SyntaxError && status === 400) {
        return { status, body: { error: 'malformed_json', message: 'the request body is not valid JSON' } };
      }
      if (exception.cause instanceof URIError && status === 400) {
        return { status, body: { error: 'malformed_url', message: 'the URL has an invalid percent-encoding' } };
      }
      const raw = exception.getResponse();
      if (typeof raw === 'object' && raw && 'error' in raw && 'message' in raw && typeof raw.message === 'string' && typeof raw.error === 'string' && !('statusCode' in raw)) {
        return { status, body: raw as ErrorBody };
      }
      const message = typeof raw === 'string' ? raw : typeof (raw as { message?: unknown }).message === 'string' ? (raw as { message: string }).message : exception.message;
      return { status, body: { error: CODE_BY_STATUS[status] ?? `http_${status}`, message: maskCitizenIdsInText(message) } };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: 'internal_error', message: 'an unexpected error occurred' } };
  }
}
