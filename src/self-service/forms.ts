import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, MaxLength, validateSync } from 'class-validator';
import { IsCitizenId } from '../identifiers/validators.js';
import { CsrfForm } from '../pages/forms.js';

/** The account console's forms (the one-time-code form is the sign-in's OtpForm). */
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

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : '');
const asText = ({ value }: { value: unknown }) => (typeof value === 'string' ? value : '');

/**
 * The registration form. Every field is read (a missing or repeated one becomes ''), so that each
 * field's problem can be told next to it: `readRegisterForm` names the fields that break their
 * rule, empty ones included, and the page says for each what is wrong.
 */
export class RegisterForm {
  @Transform(trimmed)
  @IsCitizenId()
  id_number!: string;

  @Transform(trimmed)
  @Length(1, 100)
  name!: string;

  // The password rules themselves are the policy's (checkNewPassword); this bounds the work.
  @Transform(asText)
  @Length(1, 1024)
  password!: string;

  @Transform(asText)
  @Length(1, 1024)
  password_confirm!: string;

  @Transform(asText)
  @IsIn(['yes'])
  accept_terms!: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  return?: string;
}

/** The form's values (strings, '' when absent) and the names of the fields that break their rule. */
export function readRegisterForm(body: Record<string, unknown>): { form: RegisterForm; invalid: ReadonlySet<string> } {
  const form = plainToInstance(RegisterForm, {
    id_number: body.id_number,
    name: body.name,
    password: body.password,
    password_confirm: body.password_confirm,
    accept_terms: body.accept_terms,
    return: typeof body.return === 'string' ? body.return : undefined,
  });
  const invalid = new Set(validateSync(form).map((error) => error.property));
  return { form, invalid };
}
