import { plainToInstance } from 'class-transformer';
import { IsString, MaxLength, validateSync } from 'class-validator';

/** Every HTML form posts its CSRF token. A form that fails validation re-renders its page. */
export class CsrfForm {
  @IsString()
  @MaxLength(100)
  csrf!: string;
}

/** Validates a urlencoded body against a form class; undefined when it does not fit. */
export function readForm<T extends object>(type: new () => T, body: unknown): T | undefined {
  const form = plainToInstance(type, typeof body === 'object' && body ? body : {});
  return validateSync(form, { whitelist: true }).length ? undefined : form;
}
