/** The second step of sign-in: the one-time code. [zh-CN, en]. */
export const otp = {
  'otp.title': ['两步验证', 'Two-step sign-in'],
  'otp.lead': [
    '账户 {account} 已开启两步验证。请打开验证器应用，输入其中显示的 6 位动态验证码。',
    'Two-step sign-in is on for {account}. Open your authenticator app and enter the 6-digit code it shows.',
  ],
  'otp.code': ['动态验证码', 'One-time code'],
  'otp.code_hint': ['6 位数字，每 30 秒更新一次。', '6 digits. It changes every 30 seconds.'],
  'otp.submit': ['验证', 'Verify'],
  'otp.error.invalid_code': [
    '动态验证码不正确或已过期，请输入应用中当前显示的验证码。',
    'The code is incorrect or has expired. Enter the code your app shows now.',
  ],
} satisfies Record<string, readonly [string, string]>;
