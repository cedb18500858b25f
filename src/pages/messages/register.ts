/** Registration. [zh-CN, en]. */
export const register = {
  'register.title': ['注册账户', 'Create an account'],
  'register.lead': ['请使用本人居民身份证信息注册。', 'Register with the details on your own resident identity card.'],
  'register.id_number': ['身份证号', 'ID number'],
  'register.name': ['姓名', 'Full name'],
  'register.name_hint': ['请与居民身份证上的姓名保持一致。', 'As shown on your resident identity card.'],
  'register.password': ['设置密码', 'Password'],
  'register.password_hint': [
    '请设置不易被猜到的密码，避免使用生日、姓名、证件号码等个人信息。',
    'Choose a password that is hard to guess. Avoid birthdays, names and ID numbers.',
  ],
  'register.password_confirm': ['确认密码', 'Confirm password'],
  'register.submit': ['注册', 'Register'],
  'register.have_account': ['已有账户？', 'Already registered?'],
  'register.login': ['返回登录', 'Sign in'],
  'register.error.id_number_invalid': ['身份证号格式不正确，请检查后重新输入。', 'That is not a valid ID number. Check it and try again.'],
  'register.error.identity_mismatch': [
    '身份信息核验未通过，请确认身份证号与姓名是否一致。',
    'We could not verify your identity. Check that the ID number and name match your identity card.',
  ],
  'register.error.unavailable': [
    '无法使用该身份信息注册。如您已注册，请直接登录。',
    'You cannot register with these details. If you have already registered, sign in instead.',
  ],
  'register.error.passwords_differ': ['两次输入的密码不一致。', 'The passwords do not match.'],
  'register.error.weak_password': [
    '密码太容易被猜到，请换一个更复杂的密码。',
    'That password is too easy to guess. Choose a stronger one.',
  ],
  'register.error.rate_limited': [
    '您所在网络的注册尝试过于频繁，请稍后再试。',
    'Too many registration attempts from your network. Try again later.',
  ],
  'flash.registered': ['注册成功，请登录。', 'Registration complete. You can now sign in.'],
} satisfies Record<string, readonly [string, string]>;
