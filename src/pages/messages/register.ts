/** Registration, its success page, the password rules and meter, and form errors shared with the account page. [zh-CN, en]. */
export const register = {
  'register.title': ['注册账户', 'Create an account'],
  'register.lead': [
    '请使用本人居民身份证信息注册。注册后，可以用身份证号和密码登录各政务网站。',
    'Register with the details on your own resident identity card. You can then sign in to government websites with your ID number and password.',
  ],
  'register.returning': [
    '注册完成后，您将回到“{clientName}”的登录页面，身份证号会为您填好。',
    'When you have registered, you will go back to the sign-in page of {clientName}, with your ID number filled in.',
  ],
  'register.id_number': ['身份证号', 'ID number'],
  'register.name': ['姓名', 'Full name'],
  'register.name_hint': ['请与居民身份证上的姓名保持一致。', 'As shown on your resident identity card.'],
  'register.password': ['设置密码', 'Password'],
  'register.password_again': [
    '出于安全考虑，页面不会保留您输入过的密码，请重新输入。',
    'For your security, the password you typed was not kept. Please type it again.',
  ],
  'register.password_confirm': ['确认密码', 'Confirm password'],
  'register.accept_before': ['我已阅读并同意', 'I have read and accept the '],
  'register.terms': ['《用户协议》', 'user agreement'],
  'register.accept_and': ['和', ' and the '],
  'register.privacy': ['《隐私政策》', 'privacy notice'],
  'register.opens_new_tab': ['（在新标签页中打开）', ' (opens in a new tab)'],
  'register.submit': ['注册', 'Register'],
  'register.have_account': ['已有账户？', 'Already registered?'],
  'register.login': ['返回登录', 'Sign in'],

  'register.error.id_number.required': ['请输入身份证号。', 'Enter your ID number.'],
  'register.error.id_number.length': ['身份证号应为 18 位，您输入了 {count} 位。', 'An ID number has 18 characters; you entered {count}.'],
  'register.error.id_number.charset': [
    '身份证号只能包含数字，最后一位可以是 X。',
    'An ID number has only digits, except that the last character may be X.',
  ],
  'register.error.id_number.invalid': [
    '这不是有效的身份证号（出生日期或最后一位校验码不符），请对照身份证逐位核对。',
    'That is not a valid ID number (the birth date or the final check character does not fit). Check it against your identity card.',
  ],
  'register.error.name.required': ['请输入姓名。', 'Enter your full name.'],
  'register.error.name.too_long': ['姓名不能超过 100 个字。', 'A name can have at most 100 characters.'],
  'register.error.password.required': ['请设置密码。', 'Choose a password.'],
  'register.error.password.TOO_SHORT': [
    '密码太短：至少需要 {min} 个字符。',
    'The password is too short: it needs at least {min} characters.',
  ],
  'register.error.password.TOO_LONG': ['密码太长：最多 {max} 个字符。', 'The password is too long: it can have at most {max} characters.'],
  'register.error.password.IS_ID_NUMBER': [
    '密码不能是或包含您的身份证号，也不能是出生日期（如 19900307）或身份证号的后 6 位、后 8 位。',
    'The password must not be or contain your ID number, and must not be your birth date (such as 19900307) or the last 6 or 8 characters of your ID number.',
  ],
  'register.error.password.COMMON': [
    '这是常见密码，很容易被猜到，请换一个。',
    'That is a common password, which is easy to guess. Choose another one.',
  ],
  'register.error.password_confirm.required': ['请再次输入密码。', 'Type your password again.'],
  'register.error.password_confirm.differs': ['两次输入的密码不一致，请重新输入。', 'The two passwords are not the same. Type them again.'],
  'register.error.accept_terms.required': [
    '请阅读《用户协议》和《隐私政策》，勾选同意后再注册。',
    'Read the user agreement and the privacy notice, and tick the box to accept them, before you register.',
  ],
  'register.error.identity_mismatch': [
    '身份信息核验未通过：身份证号与姓名不一致，或不在人口登记信息中。请确认与身份证上的一致。',
    'We could not verify your identity: the ID number and name do not match, or are not in the population register. Check both against your identity card.',
  ],
  'register.error.unavailable': [
    '无法使用该身份证号注册。如您已注册，请直接登录；忘记密码请查看“忘记密码”。',
    'You cannot register with this ID number. If you have already registered, sign in instead; if you have forgotten your password, see "Forgot your password".',
  ],
  'register.error.rate_limited': [
    '您所在网络的注册尝试过于频繁，请 1 分钟后再试。',
    'Too many registration attempts from your network. Try again in a minute.',
  ],
  'register.error.csrf': [
    '页面已过期，请重新输入并提交。出于安全考虑，密码需要重新输入。',
    'This page had expired. Please enter your details again; your password was not kept.',
  ],
  'flash.registered': ['注册成功，请登录。', 'Registration complete. You can now sign in.'],

  'registered.title': ['注册成功', 'Registration complete'],
  'registered.lead': ['您的通办账户已创建。', 'Your tongban account has been created.'],
  'registered.next_portal': [
    '请返回“{clientName}”，输入刚才设置的密码登录。身份证号已为您填好。',
    'Go back to {clientName} and sign in with the password you have just chosen. Your ID number is already filled in.',
  ],
  'registered.continue': ['返回“{clientName}”登录', 'Sign in to {clientName}'],
  'registered.expired': [
    '“{clientName}”的登录请求已过期，请回到该网站重新登录。',
    'The sign-in request of {clientName} has expired. Go back to the website and sign in again.',
  ],
  'registered.to_portal': ['前往“{clientName}”', 'Go to {clientName}'],
  'registered.next_account': [
    '现在可以用身份证号和密码登录各政务网站，或登录“我的账户”管理您的账户。',
    'You can now sign in to government websites with your ID number and password, or sign in to your account page.',
  ],
  'registered.to_account': ['登录我的账户', 'Sign in to your account'],
  'registered.two_step': [
    '建议登录后在“我的账户”中开启两步验证，更好地保护您的账户。',
    'We recommend that you turn on two-step sign-in in your account page once you have signed in.',
  ],

  'password_rules.title': ['密码要求', 'Your password must'],
  'password_rules.length': ['{min}–{max} 个字符', 'have {min} to {max} characters'],
  'password_rules.id.register': [
    '不能是或包含身份证号，也不能是出生日期或身份证号的后 6 位、后 8 位',
    'not be or contain your ID number, your birth date, or the last 6 or 8 characters of your ID number',
  ],
  'password_rules.id.account': [
    '不能是或包含身份证号，也不能是出生日期或身份证号的后 6 位、后 8 位（提交后检查）',
    'not be or contain your ID number, your birth date, or the last 6 or 8 characters of your ID number (checked when you submit)',
  ],
  'password_rules.common': [
    '不能是常见密码（如 12345678、password、woaini1314）',
    'not be a common password (such as 12345678, password or woaini1314)',
  ],
  'password_rules.advice': [
    '建议：用几个词组成的长句，比记住复杂的短密码更容易，也更安全。',
    'Tip: a few words in a row are easier to remember than a short complicated password, and safer.',
  ],
  'password_rules.met': ['已满足：', 'Done: '],
  'password_rules.unmet': ['未满足：', 'Not yet: '],
  'password_meter.level0': ['密码强度：尚未输入', 'Password strength: nothing typed yet'],
  'password_meter.level1': ['密码强度：不符合要求', 'Password strength: does not meet the rules'],
  'password_meter.level2': ['密码强度：一般（符合要求，再长一些更安全）', 'Password strength: fair (meets the rules; longer is safer)'],
  'password_meter.level3': ['密码强度：较强', 'Password strength: good'],
  'password_meter.level4': ['密码强度：强', 'Password strength: strong'],

  'form.error_prefix': ['错误：', 'Error: '],
  'form.error_summary': ['请修改以下 {count} 处后再提交', 'There are {count} things to fix before you continue'],
  'form.error_summary.one': ['请修改以下 1 处后再提交', 'There is 1 thing to fix before you continue'],
  'form.error_summary.form': ['未能提交', 'Your form was not sent'],
} satisfies Record<string, readonly [string, string]>;
