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
    '以本人身份登录后，再用电子营业执照钱包扫码，确认您代表的企业。',
    'Sign in as yourself, then scan the QR code with the wallet holding the electronic business licence to confirm the enterprise.',
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
  // Issue 11, point 2: what is left before the lock, when it ends, the password shown on request, ways out.
  'login.error.invalid_attempts': [
    '身份证号或密码不正确，请检查后重新输入。该身份证号还可尝试 {n} 次，再次失败将暂停登录 {minutes} 分钟。',
    'The ID number or password is incorrect. Check them and try again. {n} more attempts with this ID number; after that, sign-in with it is paused for {minutes} minutes.',
  ],
  'login.error.invalid_attempts.one': [
    '身份证号或密码不正确，请检查后重新输入。该身份证号还可尝试 {n} 次，再次失败将暂停登录 {minutes} 分钟。',
    'The ID number or password is incorrect. Check them and try again. 1 more attempt with this ID number; after that, sign-in with it is paused for {minutes} minutes.',
  ],
  'login.error.locked_until': [
    '该身份证号登录失败次数过多，已暂停登录，{time} 解除（北京时间），约 {minutes} 分钟后。如忘记密码，请看下方“忘记密码？”。',
    'Too many failed attempts for this ID number: sign-in with it is paused until {time} (Beijing time), in about {minutes} minutes. If you have forgotten your password, see “Forgot your password?” below.',
  ],
  'login.error.locked_until.one': [
    '该身份证号登录失败次数过多，已暂停登录，{time} 解除（北京时间），约 {minutes} 分钟后。如忘记密码，请看下方“忘记密码？”。',
    'Too many failed attempts for this ID number: sign-in with it is paused until {time} (Beijing time), in about 1 minute. If you have forgotten your password, see “Forgot your password?” below.',
  ],
  'login.error.rate_limited_until': [
    '您所在网络的登录尝试过于频繁，请 {minutes} 分钟后（{time}，北京时间）再试。',
    'Too many sign-in attempts from your network. Try again in {minutes} minutes ({time}, Beijing time).',
  ],
  'login.error.rate_limited_until.one': [
    '您所在网络的登录尝试过于频繁，请 {minutes} 分钟后（{time}，北京时间）再试。',
    'Too many sign-in attempts from your network. Try again in 1 minute ({time}, Beijing time).',
  ],
  'login.password_show': ['显示', 'Show'],
  'login.password_hide': ['隐藏', 'Hide'],
  'login.password_show_label': ['显示密码', 'Show password'],
  'login.password_hide_label': ['隐藏密码', 'Hide password'],
  'login.password_shown': ['密码已显示', 'Your password is shown'],
  'login.password_hidden': ['密码已隐藏', 'Your password is hidden'],
  'login.forgot': ['忘记密码？', 'Forgot your password?'],
  'login.help': ['登录遇到问题？查看帮助', 'Trouble signing in? Get help'],
  'login.links_label': ['其他帮助', 'Other help'],
  // Enterprise sign-in, QR first: the wallet has answered; the person signs in now.
  'login.enterprise_answered_title': ['已收到电子营业执照', 'Licence received'],
  'login.enterprise_answered': [
    '钱包已出示“{enterprise}”的电子营业执照。最后一步：请以本人身份登录，您须是该企业的法定代表人或经办人。',
    'The wallet has presented the electronic business licence of {enterprise}. Last step: sign in as yourself. You must be its legal representative or an agent.',
  ],
  'login.enterprise_answered_until': ['请在 {time}（北京时间）前完成登录，{left}。', 'Finish signing in by {time} (Beijing time): {left}.'],
} satisfies Record<string, readonly [string, string]>;
