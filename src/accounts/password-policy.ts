import { dictionary } from '@zxcvbn-ts/language-common';

export type PasswordProblem = 'TOO_SHORT' | 'TOO_LONG' | 'IS_ID_NUMBER' | 'COMMON';

export const PASSWORD_MIN_LENGTH = 8;
/** Bounds the hashing cost of one request. */
export const PASSWORD_MAX_LENGTH = 128;

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  TOO_SHORT: `the password must have at least ${PASSWORD_MIN_LENGTH} characters`,
  TOO_LONG: `the password must have at most ${PASSWORD_MAX_LENGTH} characters`,
  IS_ID_NUMBER: 'the password must not be or contain the ID number or the birth date',
  COMMON: 'the password is too common',
};

/** Passwords common in China that the (English-centred) zxcvbn list lacks or ranks low. */
const COMMON_IN_CHINA = [
  'woaini1314',
  'woaini520',
  'woaini',
  'woaiwojia',
  'wodemima',
  'iloveyou1314',
  '5201314',
  '5201314520',
  '1314520',
  '520520520',
  '521521521',
  '7758521',
  '7758258',
  '1qaz2wsx',
  '1qaz2wsx3edc',
  '1q2w3e4r',
  '1q2w3e4r5t',
  '1234qwer',
  'qwer1234',
  '123qwe',
  'qwe123',
  'qwe123456',
  '123qweasd',
  'qweasd123',
  'qweasdzxc',
  'zxcvbnm',
  'zxcvbnm123',
  'asdfghjkl',
  'aa123456',
  'a123456',
  'a1234567',
  'a12345678',
  'a123456789',
  'abc123456',
  'abc12345',
  '123456a',
  '123456aa',
  '123456abc',
  'qq123456',
  'qq5201314',
  'asd123456',
  'mima123456',
  'nihao123',
  'caonima',
  'wang123456',
  'zhang123456',
  'li123456',
  'liu123456',
  '88888888',
  '66666666',
  '11111111',
  '00000000',
  '12345678',
  '123123123',
  '147258369',
  '987654321',
  '1234567890',
  '0123456789',
  '147852369',
  '159357456',
  '168168168',
  '518518518',
  '11223344',
  '12341234',
  '112233445566',
  '12344321',
  '88889999',
  '666888',
  '1314521',
];

let commonPasswords: Set<string> | undefined;

/** Loaded on first use, once: ~49k entries. */
function common(): Set<string> {
  commonPasswords ??= new Set([...dictionary['passwords-common'], ...COMMON_IN_CHINA].map((p) => p.toLowerCase()));
  return commonPasswords;
}

/**
 * The common passwords (lower case) the COMMON rule refuses: the registration page's strength
 * meter (src/pages/scripts/password-strength.ts) is built from this very list, so it says what
 * the server will say.
 */
export function commonPasswordSet(): ReadonlySet<string> {
  return common();
}

/**
 * The password rules (pure). `idNumber` is the canonical 18-character number; `birthDate` is
 * YYYYMMDD or YYYY-MM-DD. Returns every problem found, none for an acceptable password.
 */
export function checkPassword(password: string, { idNumber, birthDate }: { idNumber: string; birthDate: string }): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push('TOO_SHORT');
  if (length > PASSWORD_MAX_LENGTH) problems.push('TOO_LONG');
  const lower = password.toLowerCase();
  const id = idNumber.toLowerCase();
  const date = birthDate.replaceAll('-', '');
  if ((id && lower.includes(id)) || (id && (lower === id.slice(-6) || lower === id.slice(-8))) || (date && lower === date)) {
    problems.push('IS_ID_NUMBER');
  }
  if (common().has(lower)) problems.push('COMMON');
  return problems;
}

/**
 * The rules as a new password of the citizen with this canonical ID number meets them: what
 * registration and a password change enforce (NFC first, the birth date from the number).
 */
export function checkNewPassword(password: string, idNumber: string | null): PasswordProblem[] {
  const id = idNumber ?? '';
  return checkPassword(password.normalize('NFC'), { idNumber: id, birthDate: id.slice(6, 14) });
}
