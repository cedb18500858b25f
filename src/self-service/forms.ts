import { IsString, Length } from 'class-validator';
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
