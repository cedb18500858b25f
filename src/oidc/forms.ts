import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CsrfForm } from '../pages/forms.js';

/** The HTML forms of the sign-in interactions. */
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

/** A recovery code instead of the one-time code (`xxxxx-xxxxx`; spaces, hyphens and case are forgiven). */
export class RecoveryCodeForm extends CsrfForm {
  @IsString()
  @Length(1, 32)
  recovery_code!: string;
}
