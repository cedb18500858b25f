/** The sign-in page (citizen tab) and its errors. [zh-CN, en]. */
export const login = {
  'login.title': ['登录', 'Sign in'],
  'login.lead': ['登录后将继续访问“{clientName}”。', 'Sign in to continue to {clientName}.'],
  'login.id_number': ['身份证号', 'ID number'],
  'login.id_number_hint': [
    '18 位居民身份证号码，末位 X 不区分大小写。',
    'The 18 characters of your resident identity card number. A final X may be upper or lower case.',
  ],
  'login.password': ['密码', 'Password'],
  'login.submit': ['登录', 'Sign in'],
  'login.loa2': [
    '该网站要求较高的安全等级：输入密码后，还需输入验证器应用中的动态验证码。',
    'This website requires extra security: after your password, you will be asked for a one-time code from your authenticator app.',
  ],
  'login.no_account': ['还没有账户？', 'No account yet?'],
  'login.register': ['注册账户', 'Register'],
  'tabs.label': ['登录方式', 'How to sign in'],
  'tabs.citizen': ['个人登录', 'Personal'],
  'tabs.enterprise': ['法人登录（电子营业执照）', 'For an enterprise (e-licence)'],
  'login.enterprise_first': [
    '法人登录分两步：先以本人身份登录，再用电子营业执照确认您代表的企业。',
    'Signing in for an enterprise takes two steps: first sign in as yourself, then confirm the enterprise with its electronic business licence.',
  ],
  'login.error.invalid': ['身份证号或密码不正确，请检查后重新输入。', 'The ID number or password is incorrect. Check them and try again.'],
  'login.error.locked': [
    '该身份证号登录失败次数过多，已暂时限制登录，请 {minutes} 分钟后再试。',
    'Too many failed attempts for this ID number. Try again in {minutes} minutes.',
  ],
  'login.error.locked_later': [
    '该身份证号登录失败次数过多，已暂时限制登录，请稍后再试。',
    'Too many failed attempts for this ID number. Try again later.',
  ],
  'login.error.rate_limited': [
    '您所在网络的登录尝试过于频繁，请 {minutes} 分钟后再试。',
    'Too many sign-in attempts from your network. Try again in {minutes} minutes.',
  ],
  'login.error.rate_limited_later': [
    '您所在网络的登录尝试过于频繁，请稍后再试。',
    'Too many sign-in attempts from your network. Try again later.',
  ],
  'login.error.csrf': ['页面已过期，请重新输入并提交。', 'This form has expired. Please enter your details again.'],
  'login.error.expired': [
    '本次登录请求已过期。请返回“{clientName}”，重新发起登录。',
    'This sign-in request has expired. Return to {clientName} and start again.',
  ],
  'login.error.locked.one': [
    '该身份证号登录失败次数过多，已暂时限制登录，请 {minutes} 分钟后再试。',
    'Too many failed attempts for this ID number. Try again in 1 minute.',
  ],
  'login.error.rate_limited.one': [
    '您所在网络的登录尝试过于频繁，请 {minutes} 分钟后再试。',
    'Too many sign-in attempts from your network. Try again in 1 minute.',
  ],
} satisfies Record<string, readonly [string, string]>;
