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
  'otp.signing_in_to': ['您正在登录 {clientName}，还需完成两步验证。', 'You are signing in to {clientName}. One more step is needed.'],
  'otp.signing_in_as': ['登录账户：', 'Signing in as: '],
  'otp.where': [
    '请打开手机上的验证器应用（开启两步验证时扫码添加的那一个），找到“通办”（tongban）一项，输入其中显示的 6 位动态验证码。',
    'Open the authenticator app on your phone (the one you scanned the QR code with when you turned on two-step sign-in), find the entry "tongban", and enter the 6-digit code it shows.',
  ],
  'otp.use_recovery_code': ['手机不在身边？用恢复码登录', 'No phone with you? Use a recovery code instead'],
  'otp.lost_phone': ['手机丢失或无法使用？', 'Lost your phone, or cannot use it?'],
  'otp.lost_phone_text': [
    '请用开启两步验证时保存的恢复码登录，然后在“我的账户”中关闭两步验证，再用新手机重新开启。恢复码也没有了，请查看帮助，了解如何找回账户。',
    'Sign in with one of the recovery codes you saved when you turned on two-step sign-in, then turn two-step sign-in off on "Your account" and on again with your new phone. If you have no recovery codes either, the help pages explain how to get your account back.',
  ],
  'otp.help': ['查看帮助', 'Get help'],
  'otp.recovery_title': ['用恢复码登录', 'Sign in with a recovery code'],
  'otp.recovery_where': [
    '请输入开启两步验证时保存的恢复码中的任意一个（形如 7k2mq-xd40f）。每个恢复码只能使用一次。',
    'Enter any one of the recovery codes you saved when you turned on two-step sign-in (they look like 7k2mq-xd40f). Each code works only once.',
  ],
  'otp.recovery_code': ['恢复码', 'Recovery code'],
  'otp.recovery_code_hint': ['不区分大小写，中间的短横线可输可不输。', 'Upper or lower case, with or without the hyphen.'],
  'otp.recovery_submit': ['登录', 'Sign in'],
  'otp.use_code': ['改用验证器应用中的动态验证码', 'Use the code from your authenticator app instead'],
  'otp.no_recovery_codes': ['恢复码也找不到了？', 'Cannot find your recovery codes either?'],
  'otp.error.invalid_recovery_code': [
    '恢复码不正确，或已经使用过。请核对后重新输入，每个恢复码只能使用一次。',
    'That recovery code is not correct, or has already been used. Check it and try again: each code works only once.',
  ],
  'otp.error.locked': [
    '验证码输错次数过多，已暂时锁定，请 {minutes} 分钟后再试。',
    'Too many wrong codes. Try again in {minutes} minutes.',
  ],
  'otp.error.locked.one': ['验证码输错次数过多，已暂时锁定，请 {minutes} 分钟后再试。', 'Too many wrong codes. Try again in 1 minute.'],
  'otp.error.locked_later': ['验证码输错次数过多，已暂时锁定，请稍后再试。', 'Too many wrong codes. Try again later.'],
} satisfies Record<string, readonly [string, string]>;
