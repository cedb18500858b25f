import { plainToInstance } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, MaxLength, validateSync } from 'class-validator';

/** The HTML forms of the sign-in flow. A form that fails validation re-renders its page. */
export class CsrfForm {
  @IsString()
  @MaxLength(100)
  csrf!: string;
}

export class LoginForm extends CsrfForm {
  @IsString()
  @Length(1, 64)
  id_number!: string;

  @IsString()
  @Length(1, 1024)
  password!: string;
}

export class OtpForm extends CsrfForm {
  @IsString()
  @Length(1, 16)
  code!: string;
}

export class ConsentForm extends CsrfForm {
  @IsOptional()
  @IsIn(['on', '1', 'true', 'yes'])
  remember?: string;
}

/** Validates a urlencoded body against a form class; undefined when it does not fit. */
export function readForm<T extends object>(type: new () => T, body: unknown): T | undefined {
  const form = plainToInstance(type, typeof body === 'object' && body ? body : {});
  return validateSync(form, { whitelist: true }).length ? undefined : form;
}

export class PasswordChangeForm extends CsrfForm {
  @IsString()
  @Length(1, 1024)
  current_password!: string;

  @IsString()
  @Length(1, 1024)
  new_password!: string;

  @IsString()
  @Length(1, 1024)
  new_password_confirm!: string;
}
