import { HttpException } from '@nestjs/common';

/** The body of every error answer (design §10). */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** Throw this for an error with a stable code: `throw new ApiError(409, 'already_registered', '…')`. */
export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details?: unknown) {
    super({ error: code, message, ...(details === undefined ? {} : { details }) } satisfies ErrorBody, status);
  }
}
